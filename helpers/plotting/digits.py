"""Figures of MNIST digits: one digit, a grid per class, the mean digit per class (notebook 03).

Digits are drawn as on paper: 0 (the background) white, the brightest possible pixel
(255, or 1.0 for floats) black, so a faint digit stays faint.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.validation import check_images, check_labels, check_positive_int, pixel_max

__all__ = ["class_means", "digit_grid", "show_class_means", "show_digit"]

_CMAP = "gray_r"  #: the colormap of every digit: 0 white (paper), the largest value black (ink)


def _draw(ax: Axes, image: np.ndarray, vmax: float, ticks: list[int] | None = None) -> None:
    """Draw one digit on ``ax`` with the digits' colormap."""
    ax.imshow(image, cmap=_CMAP, vmin=0, vmax=vmax)
    ax.set(xticks=ticks or [], yticks=ticks or [])


def show_digit(image: np.ndarray, ax: Axes | None = None, title: str = "digit") -> Axes:
    """Draw one digit, with labelled rows and columns.

    Parameters
    ----------
    image : array_like, shape (28, 28) or (784,)
        uint8 pixels 0-255, or floats in [0, 1].
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; by default a new 3 x 3 inch figure.
    title : str, default="digit"
        The title of the axes.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If ``image`` is not 28 x 28 or 784 pixels.
    """
    image = np.asarray(image)
    if image.shape not in ((28, 28), (784,)):
        raise ValueError(f"image must have shape (28, 28) or (784,), got {image.shape}")
    image = check_images(image.reshape(1, 28, 28))[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    _draw(ax, image, pixel_max(image), ticks=[0, 9, 18, 27])
    ax.set(title=title, xlabel="column", ylabel="row")
    return ax


def digit_grid(images: np.ndarray, labels: np.ndarray, per_class: int = 8) -> Figure:
    """Draw the first digits of each class, one row per class.

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
        uint8 pixels 0-255, or floats in [0, 1].
    labels : array_like of int, shape (N,)
        The class of each image, 0-9.
    per_class : int, default=8
        How many digits each row shows, 1 to 100.

    Returns
    -------
    matplotlib.figure.Figure
        The grid; a class with fewer digits leaves its row's end blank.
    """
    images = check_images(images)
    labels = check_labels(labels, len(images))
    per_class = check_positive_int(per_class, "per_class")
    if per_class > 100:
        raise ValueError(f"per_class must be at most 100 digits per row, got {per_class}")
    classes = np.unique(labels)
    fig, axes = plt.subplots(len(classes), per_class, squeeze=False, layout="constrained",
                             figsize=(0.6 * per_class + 0.8, 0.6 * len(classes) + 0.8))
    for k, row in zip(classes, axes, strict=True):
        members = np.flatnonzero(labels == k)
        for j, ax in enumerate(row):
            if j < len(members):
                _draw(ax, images[members[j]], pixel_max(images))
            else:
                ax.set(xticks=[], yticks=[], frame_on=False)
        row[0].set_ylabel(str(k), rotation=0, ha="right", va="center")
    fig.suptitle("Digits of each class")
    fig.supylabel("class")
    fig.supxlabel("example")
    return fig


def class_means(images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Compute the mean image of each class 0-9.

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
        uint8 pixels 0-255, or floats in [0, 1].
    labels : array_like of int, shape (N,)
        The class of each image, 0-9; every class needs an image.

    Returns
    -------
    ndarray of float64, shape (10, 28, 28)
        Row k is the mean of the images of class k.

    Raises
    ------
    ValueError
        If a class 0-9 has no image.
    """
    images = check_images(images)
    labels = check_labels(labels, len(images))
    if missing := sorted(set(range(10)) - set(labels.tolist())):
        raise ValueError(f"every class 0-9 needs an image; none for {missing}")
    return np.stack([images[labels == k].mean(axis=0, dtype=np.float64) for k in range(10)])


def show_class_means(images: np.ndarray, labels: np.ndarray) -> Figure:
    """Draw the mean image of each class as a 2 x 5 grid.

    The means (:func:`class_means`) are drawn on the pixels' own scale.

    Parameters
    ----------
    images, labels
        As for :func:`class_means`.

    Returns
    -------
    matplotlib.figure.Figure
        The grid; ``fig.axes[k]`` shows class k.
    """
    means = class_means(images, labels)
    fig, axes = plt.subplots(2, 5, figsize=(7.5, 3.6), layout="constrained")
    for k, ax in enumerate(axes.flat):
        _draw(ax, means[k], pixel_max(images))
        ax.set_title(f"class {k}", fontsize=10)
    fig.suptitle("Mean image of each class")
    fig.supxlabel("column (0-27)")
    fig.supylabel("row (0-27)")
    return fig
