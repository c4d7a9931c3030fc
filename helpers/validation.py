"""Input checks, declared once and used at every public boundary (notebook 03 shows them).

Each returns the value as the caller works with it, or raises an error naming the argument
and what was expected; pixels are ``uint8`` (0-255) or floats in [0, 1], never guessed.
One exception type per kind of fault:

- ``TypeError`` for the wrong kind of thing (not a number, complex, text, another dtype
  than expected, no ``forward``, not an MLP, not a path);
- ``ValueError`` for the right kind with a wrong value (shape, size, range, NaN or
  infinity, empty, too large, not probabilities, not symmetric, a name clash);
- ``OSError`` for a file missing (``FileNotFoundError``), not in the expected format, or
  damaged, naming the file.
"""

from __future__ import annotations

import os
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from helpers.mlp import MLP

__all__ = [
    "as_real",
    "check_covariance",
    "check_data",
    "check_images",
    "check_labels",
    "check_layer_sizes",
    "check_mlp",
    "check_model",
    "check_number",
    "check_path",
    "check_pixels",
    "check_positive_int",
    "check_probabilities",
    "pixel_max",
    "to_unit_float",
]


def check_positive_int(value: object, name: str) -> int:
    """Check that a value is an integer >= 1.

    Numpy integers are integers too; bools are not.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        The argument's name, for the error message.

    Returns
    -------
    int
        ``value`` as a Python int.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_number(
    value: object, name: str, *, low: float = -np.inf, high: float = np.inf,
    low_inclusive: bool = True,
) -> float:
    """Check that a value is a finite real number in [low, high].

    Bools are not numbers here.

    Parameters
    ----------
    value, name
        As for :func:`check_positive_int`.
    low, high : float, default=-inf, inf
        The bounds.
    low_inclusive : bool, default=True
        Whether ``low`` itself is allowed.

    Returns
    -------
    float
        ``value`` as a float.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r:.60}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond float's range, like 10**400
        bits = value.bit_length()
        raise ValueError(f"{name} must be finite, got an integer of {bits} bits") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if (value < low if low_inclusive else value <= low) or value > high:
        bracket = "[" if low_inclusive else "("
        raise ValueError(f"{name} must be in {bracket}{low:g}, {high:g}], got {value:g}")
    return value


def as_real(values: object, name: str) -> np.ndarray:
    """Convert real numbers to a float64 array.

    Complex numbers, text, objects and ragged lists raise a TypeError.

    Parameters
    ----------
    values : array_like
        The numbers, of any shape.
    name : str
        The argument's name, for the error message.

    Returns
    -------
    numpy.ndarray
        ``values`` as float64 (not copied if they already are).
    """
    try:
        array = np.asarray(values)
    except ValueError:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of real numbers") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array.astype(np.float64, copy=False)


def check_images(images: object, *, name: str = "images") -> np.ndarray:
    """Check a batch of MNIST images.

    Parameters
    ----------
    images : array_like of shape (N, 28, 28) or (N, 784)
        N >= 1 images of uint8 pixels, or floats in [0, 1].
    name : str, default="images"
        The argument's name, for the error message.

    Returns
    -------
    numpy.ndarray of shape (N, 28, 28)
        The images; a view, not a copy.
    """
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.shape[0] == 0:
        raise ValueError(
            f"{name} must have shape (N, 28, 28) or (N, 784) with N >= 1, got {images.shape}"
        )
    return check_pixels(images, name=name)


def check_pixels(pixels: object, *, name: str = "images") -> np.ndarray:
    """Check pixels: uint8, or finite floats in [0, 1].

    Floats in 0-255 are refused, never guessed: divide uint8 pixels by 255 first.

    Parameters
    ----------
    pixels : array_like
        Pixels of any shape.
    name : str, default="images"
        The argument's name, for the error message.

    Returns
    -------
    numpy.ndarray
        ``pixels`` as an array, not converted.
    """
    try:
        pixels = np.asarray(pixels)
    except ValueError:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of pixels") from None
    if pixels.dtype == np.uint8:
        return pixels
    if not np.issubdtype(pixels.dtype, np.floating):
        raise TypeError(f"{name} must be uint8 (0-255) or floats in [0, 1], got {pixels.dtype}")
    if not np.isfinite(pixels).all():
        raise ValueError(f"{name} contain NaN or infinite values")
    if pixels.size and (pixels.min() < 0 or pixels.max() > 1):
        raise ValueError(
            f"float {name} must be scaled to [0, 1], got values from {pixels.min():g} "
            f"to {pixels.max():g}; divide uint8 pixels by 255 (or pass them as uint8)"
        )
    return pixels


def to_unit_float(pixels: np.ndarray) -> np.ndarray:
    """Convert pixels to float32 in [0, 1].

    This is the one place where uint8 pixels are divided by 255.

    Parameters
    ----------
    pixels : array_like
        uint8 pixels, or floats in [0, 1], of any shape.

    Returns
    -------
    numpy.ndarray
        float32 pixels in [0, 1]; float32 input is not copied.
    """
    pixels = check_pixels(pixels)
    if pixels.dtype == np.uint8:
        return pixels.astype(np.float32) / np.float32(255)
    return pixels.astype(np.float32, copy=False)


def pixel_max(images: np.ndarray) -> float:
    """Give the brightest possible pixel: the top of a figure's gray scale.

    Parameters
    ----------
    images : array_like
        uint8 pixels, or floats in [0, 1].

    Returns
    -------
    float
        255.0 for uint8 pixels, else 1.0.
    """
    return 255.0 if np.asarray(images).dtype == np.uint8 else 1.0


def check_labels(
    labels: object, n: int | None = None, *, n_classes: int = 10, name: str = "labels"
) -> np.ndarray:
    """Check class labels: integers from 0 to n_classes - 1, one per image.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        The labels.
    n : int, optional
        How many labels there must be.
    n_classes : int, default=10
        The number of classes.
    name : str, default="labels"
        The argument's name, for the error message.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        The labels.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or (n is not None and len(labels) != n):
        want = f"({n},), one per image" if n is not None else "(N,)"
        raise ValueError(f"{name} must have shape {want}, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must be integers 0-{n_classes - 1}, got dtype {labels.dtype}")
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"{name} must be between 0 and {n_classes - 1}, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return labels.astype(np.int64, copy=False)


def check_probabilities(
    probs: object, *, n_classes: int | None = None, name: str = "probs", tol: float = 1e-3
) -> np.ndarray:
    """Check probabilities: rows of entries >= 0 that sum to 1.

    Integer rows (one-hot labels) are refused with a TypeError.

    Parameters
    ----------
    probs : array_like of shape (N, n_classes)
        The probabilities, e.g. a softmax output; N >= 1.
    n_classes : int, optional
        The number of columns there must be.
    name : str, default="probs"
        The argument's name, for the error message.
    tol : float, default=1e-3
        How far from 1 a row's sum may be.

    Returns
    -------
    numpy.ndarray of float64, shape (N, n_classes)
        The probabilities.
    """
    if np.asarray(probs).dtype.kind in "biu":  # one-hot rows sum to 1 too, but are labels
        raise TypeError(
            f"{name} must be floating-point probabilities (a softmax output), got integers "
            f"(dtype {np.asarray(probs).dtype}); labels go in as class indices, not one-hot rows"
        )
    probs = as_real(probs, name)
    if probs.ndim != 2 or probs.shape[0] == 0 or (n_classes and probs.shape[1] != n_classes):
        classes = n_classes or "n_classes"
        raise ValueError(f"{name} must have shape (N, {classes}) with N >= 1, got {probs.shape}")
    if not np.isfinite(probs).all():
        raise ValueError(f"{name} contain NaN or infinite values, not probabilities")
    sums = probs.sum(axis=1)
    if probs.min() < 0 or np.abs(sums - 1).max() > tol:
        raise ValueError(
            f"{name} must be probabilities (a softmax output): entries >= 0, each row summing "
            f"to 1; got entries from {probs.min():.3g} to {probs.max():.3g} and row sums from "
            f"{sums.min():.3g} to {sums.max():.3g}"
        )
    return probs


def check_data(
    X: object, name: str = "X", n_features: int | None = None, *, square: bool = False
) -> np.ndarray:
    """Check a data matrix: finite real numbers, at least one row and one column.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        The data.
    name : str, default="X"
        The argument's name, for the error message.
    n_features : int, optional
        How many columns there must be.
    square : bool, default=False
        Whether the matrix must be square.

    Returns
    -------
    numpy.ndarray of float64
        The matrix.
    """
    X = as_real(X, name)
    if X.ndim != 2 or 0 in X.shape or (square and X.shape[0] != X.shape[1]):
        want = "square 2-D" if square else "2-D (n_samples, n_features)"
        hint = "" if square else f"; for one feature use {name}.reshape(-1, 1)"
        raise ValueError(f"{name} must be a non-empty {want} matrix, got shape {X.shape}{hint}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or inf; expected finite numbers")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features, expected {n_features}")
    return X


def check_covariance(cov: object, name: str = "cov") -> np.ndarray:
    """Check a covariance matrix: finite, non-empty, square and symmetric.

    Symmetric means to within 1e-10 of its largest entry.

    Parameters
    ----------
    cov : array_like of shape (d, d)
        The matrix.
    name : str, default="cov"
        The argument's name, for the error message.

    Returns
    -------
    numpy.ndarray of float64, shape (d, d)
        The matrix.
    """
    cov = check_data(cov, name, square=True)
    asymmetry = np.abs(cov - cov.T).max()
    if asymmetry > 1e-10 * max(np.abs(cov).max(), np.finfo(np.float64).tiny):
        raise ValueError(f"{name} must be symmetric, but {name}.T differs by up to {asymmetry:.3g}")
    return cov


def check_layer_sizes(layer_sizes: object) -> list[int]:
    """Check a network's layer sizes: at least two integers >= 1.

    Parameters
    ----------
    layer_sizes : sequence of int
        The number of inputs, then each layer's size, e.g. ``[784, 200, 100, 10]``.

    Returns
    -------
    list of int
        The sizes.
    """
    if isinstance(layer_sizes, str | bytes) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(f"layer_sizes must be a list of integers, got {layer_sizes!r:.60}")
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes must be at least two positive integers (inputs, ..., outputs), "
            f"got {list(layer_sizes)}"
        )
    return [check_positive_int(s, "each of layer_sizes") for s in layer_sizes]


def check_model(model: object) -> object:
    """Check that a model has a ``forward(X)`` method.

    The method must give class probabilities of shape (N, 10); only its presence is checked.

    Parameters
    ----------
    model : object
        The model, e.g. an MLP.

    Returns
    -------
    object
        ``model`` itself.
    """
    if not callable(getattr(model, "forward", None)):
        raise TypeError(
            "model must have a forward(X) method returning class probabilities of shape "
            f"(N, 10); got {type(model).__name__}"
        )
    return model


def check_mlp(model: object) -> MLP:
    """Return ``model`` if it is an MLP.

    Parameters
    ----------
    model : object
        What the caller was given as the network.

    Returns
    -------
    MLP
        ``model`` itself.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`helpers.mlp.MLP`.
    """
    from helpers.mlp import MLP  # here, not at the top: helpers.mlp imports this module

    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP (helpers.mlp.MLP), got {type(model).__name__}")
    return model


def check_path(path: object, name: str = "path", *, exists: bool = False) -> Path:
    """Check a path: a non-empty str or path-like.

    Parameters
    ----------
    path : str or path-like
        The path.
    name : str, default="path"
        The argument's name, for the error message.
    exists : bool, default=False
        Whether the path must be an existing file.

    Returns
    -------
    pathlib.Path
        The path.
    """
    if not isinstance(path, str | os.PathLike) or str(path) == "":
        raise TypeError(f"{name} must be a non-empty str or path-like, got {path!r:.60}")
    if "\0" in os.fspath(path):
        raise ValueError(f"{name} contains a NUL character, which no file name can: {path!r:.60}")
    path = Path(path)
    if exists and not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise FileNotFoundError(f"{name} {path} {what}")
    return path
