"""MNIST-style digits in HDF5: the collection's standard file layout (notebooks 02 and 05)."""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from helpers.h5._tree import open_file
from helpers.h5._write import write_arrays
from helpers.validation import _check_labels, _check_path, _check_positive_int, check_images

#: The most :func:`read_digits` loads into memory: 4 GiB, some 5 million digits.
MAX_READ_BYTES = 4 * 2**30
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

    ``images`` (N, 28, 28) uint8 and ``labels`` (N,) int64, both in chunks of
    ``chunk_images`` whole images, compressed, so reading a few digits decompresses
    only their chunks; attributes describe the data (``source`` and ``count`` on
    the file, axes and pixel range on ``images``, meaning on ``labels``).

    Parameters
    ----------
    path : str or PathLike
        The file to create or replace (see :func:`write_arrays`).
    images : numpy.ndarray of uint8, shape (N, 28, 28)
    labels : array-like of int 0-9, shape (N,)
    chunk_images : int, default 100
        Images per chunk (100 images are 78,400 bytes before compression).
    compression : {"gzip", "lzf"} or None, default "gzip"
        The filter (gzip at level 4); None stores the chunks raw.
    **attrs
        More file attributes, e.g. ``split="train"``; ``source`` replaces :data:`DIGITS_SOURCE`.
    """
    images = check_images(images)
    if images.dtype != np.uint8:
        raise TypeError(f"images must be uint8 pixels (0-255), got {images.dtype}")
    labels = _check_labels(labels, len(images))
    chunk_images = _check_positive_int(chunk_images, "chunk_images")
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
    """Load ``images`` (N, 28, 28) uint8 and ``labels`` (N,) int64 written by :func:`write_digits`.

    Raises FileNotFoundError for a missing file; OSError for a damaged one or one
    that does not hold N uint8 images of 28 x 28 and N labels 0-9; ValueError if
    it is larger than :data:`MAX_READ_BYTES`.
    """
    name = _check_path(path).name
    with open_file(path) as f:
        wanted = ("images", "labels")
        missing = [key for key in wanted if not isinstance(f.get(key), h5py.Dataset)]
        if missing:
            raise OSError(
                f"{name} has no dataset {' or '.join(missing)}; "
                f"it holds: {', '.join(f.keys()) or 'nothing'}"
            )
        declared = f["images"].size * f["images"].dtype.itemsize + f["labels"].size * 8
        if declared > MAX_READ_BYTES:
            raise ValueError(
                f"{name} declares {f['images'].shape[0]:,} images "
                f"({declared / 2**30:,.1f} GiB), more than read_digits loads at once "
                f"({MAX_READ_BYTES / 2**30:g} GiB); read parts of it with read_rows"
            )
        try:
            images, labels = f["images"][()], f["labels"][()]
        except OSError as error:  # a damaged chunk: "filter returned failure", ...
            raise OSError(
                f"{name} is damaged: its data cannot be read back "
                f"(h5py says: {str(error).splitlines()[0]})"
            ) from error
    try:  # contents write_digits would not write: the file is not in the expected format
        images = check_images(images, name=f"images in {name}")
        if images.dtype != np.uint8:
            raise TypeError(f"images in {name} must be uint8, got {images.dtype}")
        return images, _check_labels(labels, len(images), name=f"labels in {name}")
    except (TypeError, ValueError) as error:
        raise OSError(f"{name} is not a digits file as write_digits writes it: {error}") from None
