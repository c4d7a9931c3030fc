"""MNIST-style digits in HDF5: the collection's standard file layout (notebooks 02 and 05)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from helpers.h5._write import write_arrays
from helpers.validation import _check_labels, _check_positive_int, check_images

#: Where the digits come from, stored as the file's ``source`` attribute.
DIGITS_SOURCE = (
    "MNIST handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), CC BY-SA 3.0"
)
#: What the data mean, stored as attributes of each dataset.
_ATTRS = {
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
}


def write_digits(
    path: str | os.PathLike[str], images: np.ndarray, labels: np.ndarray, *,
    chunk_images: int = 100, compression: str | None = "gzip", **attrs: object,
) -> Path:
    """Write uint8 ``images`` (N, 28, 28) and ``labels`` 0-9 to HDF5, atomically.

    Both in chunks of ``chunk_images`` whole images, compressed ("gzip" at level 4, "lzf",
    or None), so reading a few digits decompresses only their chunks. ``attrs`` are more
    file attributes, e.g. ``split="train"``.
    """
    images = check_images(images)
    if images.dtype != np.uint8:
        raise TypeError(f"images must be uint8 pixels (0-255), got {images.dtype}")
    labels = _check_labels(labels, len(images))
    chunk_images = _check_positive_int(chunk_images, "chunk_images")
    if compression not in ("gzip", "lzf", None):
        raise ValueError(f"compression must be 'gzip', 'lzf' or None, got {compression!r}")
    file_attrs = {"source": DIGITS_SOURCE, "count": len(images)} | attrs
    return write_arrays(
        path, {"images": images, "labels": labels}, {"/": file_attrs, **_ATTRS},
        chunk_rows=chunk_images, compression=compression,
    )
