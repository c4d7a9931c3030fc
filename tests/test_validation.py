"""The shared input checks: what they accept, and the errors for what they refuse."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.mlp import MLP
from helpers.validation import (
    check_data,
    check_images,
    check_labels,
    check_mlp,
    check_number,
    check_path,
    check_positive_int,
)


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
    with pytest.raises(TypeError, match="integers"):  # a dtype fault is a TypeError, as for pixels
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


def test_flat_rows_become_row_major_images_without_a_copy() -> None:
    flat = np.linspace(0, 1, 2 * 784).reshape(2, 784)
    images = check_images(flat)
    assert images[1, 2, 3] == flat[1, 2 * 28 + 3]  # row 2, column 3
    assert np.shares_memory(images, flat)


def test_pixel_max_follows_the_convention() -> None:
    from helpers.validation import pixel_max

    assert pixel_max(np.zeros(3, np.uint8)) == 255.0
    assert pixel_max(np.zeros(3, np.float32)) == 1.0


def test_data_matrix() -> None:
    assert check_data([[1, 2], [3, 4]]).dtype == np.float64
    for bad, match in [
        (np.arange(3.0), "2-D"),
        (np.empty((0, 2)), "non-empty"),
        ([[1.0, np.nan]], "NaN or inf"),
    ]:
        with pytest.raises(ValueError, match=match):
            check_data(bad)
    with pytest.raises(ValueError, match="Y has 2 features, expected 3"):
        check_data(np.ones((4, 2)), "Y", n_features=3)
    with pytest.raises(TypeError, match="Y must hold real numbers"):
        check_data([["a"]], "Y")


def test_path(tmp_path) -> None:
    assert check_path(str(tmp_path)) == tmp_path
    with pytest.raises(TypeError, match="path must be a non-empty str or path-like"):
        check_path(3)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        check_path(tmp_path / "nothing.h5", exists=True)
    with pytest.raises(FileNotFoundError, match="is a folder"):
        check_path(tmp_path, exists=True)


def test_mlp() -> None:
    model = MLP.initialized([4, 3, 2])
    assert check_mlp(model) is model
    for bad, name in [(None, "NoneType"), ({"W1": np.zeros((3, 4))}, "dict"), (MLP, "type")]:
        message = rf"^model must be an MLP \(helpers.mlp.MLP\), got {name}$"
        with pytest.raises(TypeError, match=message):
            check_mlp(bad)
