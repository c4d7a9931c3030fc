"""Check digit images and labels before plotting or exploring them.

MNIST digits arrive in two layouts: a stack of ``N x 28 x 28`` images, or a
table of ``N x 784`` rows (each image flattened row by row). Both functions
here accept either layout and return the stack, so that every figure and widget
can rely on one shape; they raise a clear error for anything else.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_digit_images", "as_digit_labels", "pixel_max"]

#: Width and height of an MNIST digit, in pixels.
SIDE = 28


def as_digit_images(images: np.ndarray) -> np.ndarray:
    """Return ``images`` as a stack of shape (N, 28, 28), checking it on the way.

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
        uint8 pixel values 0-255, or floats (for example scaled to [0, 1]).

    Returns
    -------
    numpy.ndarray, shape (N, 28, 28)
        The same values and dtype; a view of the input when possible.

    Raises
    ------
    ValueError
        If the array is not N x 28 x 28 or N x 784 with N >= 1, or if float
        images contain NaN or infinity.
    TypeError
        If the pixels are neither uint8 nor floating point.
    """
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == SIDE * SIDE:
        images = images.reshape(-1, SIDE, SIDE)
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or images.shape[0] == 0:
        raise ValueError(
            f"images must have shape (N, 28, 28) or (N, 784) with N >= 1, got {images.shape}"
        )
    if images.dtype != np.uint8 and not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"images must be uint8 (0-255) or floating point, got {images.dtype}")
    if images.dtype != np.uint8 and not np.isfinite(images).all():
        raise ValueError("images contain NaN or infinite values")
    return images


def as_digit_labels(labels: np.ndarray, n: int) -> np.ndarray:
    """Return ``labels`` as a 1-D int64 array of length ``n``, checking it on the way.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        The class of each image, 0-9.
    n : int
        The number of images the labels belong to.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)

    Raises
    ------
    ValueError
        If the labels are not 1-D of length ``n``, not integers, or outside 0-9.
    """
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per image, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers 0-9, got dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(
            f"labels must be between 0 and 9, got values from {labels.min()} to {labels.max()}"
        )
    return labels.astype(np.int64, copy=False)


def pixel_max(images: np.ndarray) -> float:
    """The brightest possible pixel: 255 for bytes (or floats above 1), else 1.0.

    Figures use it as the top of the gray scale, so that a faint digit is shown
    faint instead of being stretched to full contrast.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8 or float(images.max()) > 1.0:
        return 255.0
    return 1.0
