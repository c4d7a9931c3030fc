"""Drawings become MNIST digits as MNIST made its own: 20 x 20 box, centre of mass at (14, 14)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import load_sample
from helpers.digitize import mnist_digit, paint_strokes


def centre_of_mass(digit):
    weights = digit.astype(float)
    index = np.arange(digit.shape[0])
    return weights.sum(axis=1) @ index / weights.sum(), weights.sum(axis=0) @ index / weights.sum()


def ink_box(digit):
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_real_mnist_digits_keep_their_size_and_centre():
    """MNIST's own digits, put through the same steps, come out as MNIST has them."""
    images = load_sample()[0][::50]
    for image in images:
        digit = mnist_digit(image / 255)
        assert max(ink_box(digit)) == 20
        row, col = centre_of_mass(digit)
        assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5


def test_a_vertical_bar_keeps_its_aspect_ratio():
    bar = np.zeros((100, 100), dtype=bool)
    bar[10:90, 45:55] = True  # 80 x 10: scaled by 1/4 to 20 x 2.5
    digit = mnist_digit(bar)
    height, width = ink_box(digit)
    assert height == 20 and width in (2, 3)
    assert digit.dtype == np.uint8 and digit.max() == 255


def test_scaling_makes_grey_levels():
    diagonal = paint_strokes([[(20, 20), (260, 200)]])  # black and white only
    grey = set(np.unique(mnist_digit(diagonal))) - {0, 255}
    assert len(grey) > 10, "the pixels the edge of the stroke covers in part must be grey"


def test_blank_drawing_gives_a_blank_digit():
    assert not mnist_digit(np.zeros((50, 50))).any()
    assert not mnist_digit(paint_strokes([])).any()


@settings(deadline=None, max_examples=40)
@given(
    st.lists(
        st.lists(st.tuples(st.floats(20, 260), st.floats(20, 260)), min_size=1, max_size=6),
        min_size=1,
        max_size=3,
    )
)
def test_any_drawing_fits_20_by_20_and_is_centred(strokes):
    digit = mnist_digit(paint_strokes(strokes))
    assert digit.shape == (28, 28) and max(ink_box(digit)) == 20
    row, col = centre_of_mass(digit)
    # Whole-pixel shifts put the centre within half a pixel of (14, 14), unless the
    # patch would then leave the image (a very lopsided drawing): then within 4 pixels.
    assert abs(row - 14) <= 4 and abs(col - 14) <= 4


def test_a_straight_stroke_is_painted_with_the_pen_width():
    ink = paint_strokes([[(50, 100), (150, 100)]], size=200, pen=20)
    column = ink[:, 100]
    assert 19 <= column.sum() <= 21 and ink[100, 40] and not ink[100, 20]


@pytest.mark.parametrize(
    ("ink", "message"),
    [
        (np.zeros((3, 3, 3)), "2-D"),
        (np.full((3, 3), 2.0), r"\[0, 1\]"),
        (np.full((3, 3), np.nan), r"\[0, 1\]"),
    ],
)
def test_bad_ink_is_refused(ink, message):
    with pytest.raises(ValueError, match=message):
        mnist_digit(ink)


def test_bad_points_are_refused():
    with pytest.raises(ValueError, match="finite"):
        paint_strokes([[(1.0, float("nan"))]])


@pytest.mark.parametrize("stroke", [[1, 2, 3], [(1, 2, 3)], 5])
def test_points_that_are_not_pairs_are_refused(stroke):
    with pytest.raises(ValueError, match=r"\(x, y\) pairs"):
        paint_strokes([stroke])


@pytest.mark.parametrize(
    ("stroke", "message"),
    [(["a", "b"], "real numbers, got dtype <U1"), ([(1, 2), (3,)], "rectangular array")],
)
def test_points_that_are_not_numbers_are_a_type_error(stroke, message):
    with pytest.raises(TypeError, match="stroke points must .*" + message):
        paint_strokes([stroke])


def test_ink_that_is_not_numbers_is_a_type_error():
    with pytest.raises(TypeError, match="ink must hold real numbers, got dtype complex128"):
        mnist_digit(np.ones((3, 3)) * 0.5j)


def test_canvas_size_and_pen_are_checked():
    assert not paint_strokes([[]], size=np.int64(28)).any()  # an empty stroke paints nothing
    with pytest.raises(ValueError, match="size must be a positive integer"):
        paint_strokes([], size=0)
    with pytest.raises(ValueError, match="pen must be in"):
        paint_strokes([], pen=0)
    with pytest.raises(ValueError, match=r"size \(canvas pixels\) must be in \[1, 4096\]"):
        paint_strokes([[(1, 1)]], size=10**6)  # a 10**12-pixel canvas: MemoryError before
    with pytest.raises(ValueError, match="pen must be in"):
        paint_strokes([[(1, 1)]], size=28, pen=1e9)
