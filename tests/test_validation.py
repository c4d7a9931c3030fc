"""The shared input checks: what they accept, and the errors for what they refuse."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.validation import check_images, check_labels, check_number, check_positive_int


def test_images_accept_both_layouts() -> None:
    flat = np.zeros((3, 784), dtype=np.uint8)
    assert check_images(flat).shape == (3, 28, 28)
    assert check_images(np.ones((2, 28, 28), dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("images", "error", "match"),
    [
        (np.zeros((3, 27, 28), np.uint8), ValueError, "shape"),
        (np.zeros((0, 784), np.uint8), ValueError, "N >= 1"),
        (np.zeros((1, 784), np.int32), TypeError, "uint8"),
        (np.full((1, 784), 255.0), ValueError, r"scaled to \[0, 1\]"),
        (np.full((1, 784), np.nan), ValueError, "NaN"),
    ],
)
def test_images_refused(images: np.ndarray, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        check_images(images)


def test_labels() -> None:
    assert check_labels(np.array([0, 9], np.uint8), 2).dtype == np.int64
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        check_labels(np.array([[0], [1]]), 2)
    with pytest.raises(ValueError, match="between 0 and 9"):
        check_labels([-1, 3])
    with pytest.raises(ValueError, match="integers"):
        check_labels([0.0, 1.0])


def test_numbers() -> None:
    assert check_positive_int(np.int64(3), "n") == 3
    for bad, error in [(True, TypeError), (0, ValueError), (2.0, TypeError)]:
        with pytest.raises(error, match="n must be a positive integer"):
            check_positive_int(bad, "n")
    assert check_number(np.float32(0.5), "lr", low=0, low_inclusive=False) == 0.5
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\]"):
        check_number(0, "lr", low=0, low_inclusive=False)
    with pytest.raises(ValueError, match="finite"):
        check_number(float("nan"), "lr")
    with pytest.raises(TypeError):
        check_number(True, "lr")


@pytest.mark.parametrize("shape", [(784,), (5, 3), (2, 28, 28)])
def test_pixels_of_any_shape(shape) -> None:
    from helpers.validation import check_pixels

    assert check_pixels(np.zeros(shape, np.uint8)).shape == shape
    with pytest.raises(ValueError, match=r"divide uint8 pixels by 255"):
        check_pixels(np.full(shape, 255.0), name="X")
