"""MNIST-style digits in HDF5: the collection's standard file layout, written and read."""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from helpers.h5._tree import open_file
from helpers.h5._write import write_arrays
from helpers.validation import check_images, check_labels, check_positive_int

#: Where the digits come from, stored as the ``source`` attribute by :func:`write_digits`.
DIGITS_SOURCE = (
    "MNIST handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), CC BY-SA 3.0"
)



def write_digits(
    path: str | os.PathLike[str],
    images: np.ndarray,
    labels: np.ndarray,
    *,
    chunk_images: int = 100,
    compression: str | None = "gzip",
    **attrs: object,
) -> Path:
    """Write digits to HDF5 in the collection's standard layout, atomically.

    The file holds ``images`` (N, 28, 28) uint8 and ``labels`` (N,) int64.
    Both are stored in chunks of ``chunk_images`` whole images (and their
    labels), compressed, so reading a few digits decompresses only their
    chunks. Attributes describe the data: on the file ``source`` and
    ``count``; on ``images`` the axes and pixel range; on ``labels`` their
    meaning.

    Parameters
    ----------
    path : str or PathLike
        The file to create or replace (see :func:`write_arrays`).
    images : numpy.ndarray of uint8, shape (N, 28, 28)
        Pixel intensities, 0 background to 255 ink.
    labels : array-like of int, shape (N,)
        The digit each image shows, 0-9.
    chunk_images : int, default 100
        Images per chunk (100 images are 78,400 bytes before compression).
    compression : {"gzip", "lzf"} or None, default "gzip"
        The compression filter (gzip at level 4); None stores the chunks raw.
    **attrs
        More attributes for the file, e.g. ``split="train"``; ``source``
        replaces the default :data:`DIGITS_SOURCE`.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    images = check_images(images)
    if images.dtype != np.uint8:
        raise TypeError(f"images must be uint8 pixels (0-255), got {images.dtype}")
    labels = check_labels(labels, len(images))
    chunk_images = check_positive_int(chunk_images, "chunk_images")
    if compression not in ("gzip", "lzf", None):
        raise ValueError(f"compression must be 'gzip', 'lzf' or None, got {compression!r}")
    options: dict[str, object] = {"compression": compression} if compression else {}
    if compression == "gzip":
        options["compression_opts"] = 4
    file_attrs = {"source": DIGITS_SOURCE, "count": len(images)} | attrs
    return write_arrays(
        path,
        {"images": images, "labels": labels},
        attrs={
            "/": file_attrs,
            "images": {
                "description": "handwritten digits, one 28 x 28 grayscale image per row",
                "axes": "image, row (top to bottom), column (left to right)",
                "pixel_range": np.array([0, 255], dtype=np.uint8),
                "pixel_meaning": "0 is background (white paper), 255 is full ink",
            },
            "labels": {
                "description": "the digit each image shows",
                "values": "0-9; labels[i] belongs to images[i]",
            },
        },
        chunk_rows=chunk_images,
        **options,
    )


def read_digits(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """Load the ``images`` and ``labels`` of a file written by :func:`write_digits`.

    Returns
    -------
    images, labels : numpy.ndarray
        uint8 of shape (N, 28, 28) and int64 of shape (N,), as :func:`helpers.data.load_sample`.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If ``images`` or ``labels`` is missing, or they are not N uint8 images
        of 28 x 28 and N integer labels 0-9.
    """
    with open_file(path) as f:
        wanted = ("images", "labels")
        missing = [name for name in wanted if not isinstance(f.get(name), h5py.Dataset)]
        if missing:
            raise ValueError(
                f"{Path(path).name} has no dataset {' or '.join(missing)}; "
                f"it holds: {', '.join(f.keys()) or 'nothing'}"
            )
        images, labels = f["images"][()], f["labels"][()]
    images = check_images(images, name=f"images in {Path(path).name}")
    if images.dtype != np.uint8:
        raise ValueError(f"images in {Path(path).name} must be uint8, got {images.dtype}")
    return images, check_labels(labels, len(images), name=f"labels in {Path(path).name}")
