"""Write HDF5 files atomically: named arrays with attributes, and digits (notebooks 02 and 05)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

import h5py
import numpy as np

from helpers.atomic import atomic_path
from helpers.validation import check_images, check_labels, check_path, check_positive_int


def _name(name: object, what: str) -> str:
    """``name`` if it is a non-empty str, else a clear error."""
    if not isinstance(name, str) or not name.strip("/"):
        error = ValueError if isinstance(name, str) else TypeError
        raise error(f"{what} names must be non-empty str, got {name!r}")
    return name


def _array(value: object, what: str) -> np.ndarray:
    """``value`` as an array HDF5 can hold; numpy str becomes variable-length UTF-8."""
    array = np.asarray(value)
    if array.dtype.kind == "O":  # None, a dict, a set, a mixed list, ...
        raise TypeError(
            f"{what} is {type(value).__name__} {value!r:.60}; HDF5 holds numbers, "
            "booleans, str or arrays of them"
        )
    return array.astype(h5py.string_dtype()) if array.dtype.kind == "U" else array


def _checked(arrays: object, attrs: object) -> tuple[dict[str, np.ndarray], Mapping]:
    """The arrays and the attributes :func:`write_arrays` is given, or a clear error."""
    for name, value, kind in (("arrays", arrays, "name -> array"), ("attrs", attrs, "or None")):
        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a mapping {kind}, got {type(value).__name__}")
    if not arrays:
        raise ValueError("arrays is empty: give at least one name -> array")
    data = {_name(k, "dataset"): _array(v, f"array {k!r}") for k, v in arrays.items()}
    # Sorted by their parts, each name is followed by the names that start with it.
    names = sorted(data, key=lambda name: name.strip("/").split("/"))
    for name, after in pairwise(names):
        if (after.strip("/") + "/").startswith(name.strip("/") + "/"):
            raise ValueError(
                f"dataset names {name!r} and {after!r} clash: a name cannot be given twice "
                "(slashes aside) nor be both a dataset and the group that holds another"
            )
    # the arrays and the groups their names create ("net/W" creates "net")
    parts = [name.strip("/").split("/") for name in names]
    targets = {"/".join(p[:i]) for p in parts for i in range(1, len(p) + 1)}
    for key, values in attrs.items():
        if key != "/" and key not in targets:
            raise ValueError(
                f"attrs key {key!r} is neither '/' (the file) nor one of the arrays or groups: "
                f"{', '.join(sorted(targets))}"
            )
        if not isinstance(values, Mapping):
            raise TypeError(f"attrs[{key!r}] must be a mapping name -> value")
        for name, value in values.items():
            what = f"attribute {_name(name, 'attribute')!r} of {key!r}"
            size = len(value.encode()) if isinstance(value, str) else _array(value, what).nbytes
            if size > 64_000:  # HDF5's limit for an attribute kept with its object: 64 KiB
                raise ValueError(
                    f"{what} has {size:,} bytes; HDF5 keeps attributes under 64,000 bytes: "
                    "store it as a dataset instead"
                )
    return data, attrs


def write_arrays(
    path: str | os.PathLike[str], arrays: Mapping[str, object],
    attrs: Mapping[str, Mapping[str, object]] | None = None, *,
    chunk_rows: int | None = None, **dataset_options: object,
) -> Path:
    """Write named arrays and attributes to a new HDF5 file, atomically.

    The file is written under a temporary name and renamed over ``path`` only when
    complete. A "/" in a name makes groups ("net/W"). numpy str is stored as UTF-8:
    read it with ``dataset.asstr()``.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    arrays : mapping of str to array-like
        Dataset name -> its values.
    attrs : mapping of str to mapping, optional
        "/" (the file), a dataset's or a group's name -> its attributes.
    chunk_rows : int, optional
        Store each array that is not a scalar or empty in chunks of this many rows.
    **dataset_options
        Passed to :meth:`h5py.Group.create_dataset` for those arrays,
        e.g. ``compression="gzip"``.

    Returns
    -------
    path : Path
        The file written.
    """
    path = check_path(path)
    data, attrs = _checked(arrays, {} if attrs is None else attrs)
    if chunk_rows is not None:
        chunk_rows = check_positive_int(chunk_rows, "chunk_rows")
        if "chunks" in dataset_options:
            raise ValueError("give chunk_rows or chunks, not both")
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name, array in data.items():
            plain = array.size == 0 or array.ndim == 0  # nothing to chunk or compress
            options = {} if plain else dict(dataset_options)
            if chunk_rows is not None and not plain:
                options["chunks"] = (min(chunk_rows, len(array)),) + array.shape[1:]
            f.create_dataset(name, data=array, **options)
        for name, values in attrs.items():
            f[name].attrs.update(values)
    return path


#: Where the digits come from, stored as the file's ``source`` attribute.
DIGITS_SOURCE = ("MNIST handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), "
                 "CC BY-SA 3.0")
#: What the data mean, stored as attributes of each dataset.
_DIGITS_ATTRS = {
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
    """Write digits and their labels to a new HDF5 file, atomically.

    Each dataset gets attributes that say what its values mean, and the file its
    ``source`` and ``count``.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    images : ndarray of shape (N, 28, 28), dtype uint8
        The digits, pixel values 0 to 255.
    labels : array-like of shape (N,)
        The class of each digit, 0 to 9.
    chunk_images : int, default=100
        Store the data in chunks of this many images.
    compression : str or None, default="gzip"
        h5py's compression filter for both datasets.
    **attrs
        More file attributes, e.g. ``split="train"``.

    Returns
    -------
    path : Path
        The file written.
    """
    images = check_images(images)
    if images.dtype != np.uint8:
        raise TypeError(f"images must be uint8 pixels (0-255), got {images.dtype}")
    labels = check_labels(labels, len(images))
    chunk_images = check_positive_int(chunk_images, "chunk_images")
    file_attrs = {"source": DIGITS_SOURCE, "count": len(images)} | attrs
    return write_arrays(
        path, {"images": images, "labels": labels}, {"/": file_attrs, **_DIGITS_ATTRS},
        chunk_rows=chunk_images, compression=compression,
    )
