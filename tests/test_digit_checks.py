"""Validation of digit images and labels shared by the figures and the explorer."""

import numpy as np
import pytest

from helpers.digit_checks import as_digit_images, as_digit_labels


def test_flat_rows_become_row_major_images():
    flat = np.arange(2 * 784, dtype=np.float64).reshape(2, 784)
    images = as_digit_images(flat)
    assert images.shape == (2, 28, 28) and images.dtype == np.float64
    assert images[1, 2, 3] == flat[1, 2 * 28 + 3]  # row 2, column 3
    assert np.shares_memory(images, flat)


def test_stacks_pass_through_unchanged():
    stack = np.zeros((3, 28, 28), np.uint8)
    assert as_digit_images(stack) is stack


@pytest.mark.parametrize(
    "shape", [(28, 28), (784,), (3, 28, 27), (3, 785), (0, 784), (1, 1, 28, 28)]
)
def test_wrong_shapes_are_rejected(shape):
    with pytest.raises(ValueError, match=r"\(N, 28, 28\) or \(N, 784\)"):
        as_digit_images(np.zeros(shape, np.uint8))


def test_wrong_dtypes_and_non_finite_values_are_rejected():
    with pytest.raises(TypeError, match="int16"):
        as_digit_images(np.zeros((1, 28, 28), np.int16))
    bad = np.zeros((1, 784))
    bad[0, 5] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        as_digit_images(bad)


def test_labels_are_checked_for_length_type_and_range():
    assert as_digit_labels(np.array([0, 9, 3], np.uint8), 3).dtype == np.int64
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        as_digit_labels([0, 1, 2], 4)
    with pytest.raises(ValueError, match="integers"):
        as_digit_labels([0.0, 1.0], 2)
    with pytest.raises(ValueError, match="from -1 to 2"):
        as_digit_labels([-1, 2], 2)
