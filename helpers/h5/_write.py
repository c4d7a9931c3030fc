"""Write named arrays and their attributes to a new HDF5 file, atomically (notebook 02)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import h5py
import numpy as np

from helpers.atomic import atomic_path
from helpers.validation import _check_path, _check_positive_int

#: HDF5's limit for one attribute stored with its object (64 KiB, header included).
_MAX_ATTRIBUTE_BYTES = 64_000


def _arrays_or_raise(arrays: object) -> dict[str, np.ndarray]:
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a mapping name -> array, got {type(arrays).__name__}")
    if not arrays:
        raise ValueError("arrays is empty: give at least one name -> array")
    checked = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or not name.strip("/"):
            error = ValueError if isinstance(name, str) else TypeError
            raise error(f"dataset names must be non-empty str, got {name!r}")
        array = np.asarray(value)
        if array.dtype.kind == "O":
            raise TypeError(
                f"array {name!r} has dtype object; store numbers, booleans or str, not "
                f"{value!r:.60}"
            )
        # numpy str -> variable-length UTF-8 in HDF5
        checked[name] = array.astype(h5py.string_dtype()) if array.dtype.kind == "U" else array
    clean = [name.strip("/") for name in checked]
    for name in sorted(clean):
        if clean.count(name) > 1:
            raise ValueError(f"the dataset name {name!r} is given twice (slashes aside)")
        inside = [other for other in clean if other.startswith(name + "/")]
        if inside:
            raise ValueError(
                f"{name!r} cannot be a dataset and also the group that holds {inside[0]!r}; "
                "rename one of them"
            )
    return checked


def _attribute_or_raise(where: str, key: object, value: object) -> None:
    """Refuse what h5py would refuse with a message that names neither."""
    if not isinstance(key, str) or not key:
        error = ValueError if isinstance(key, str) else TypeError
        raise error(f"attribute names must be non-empty str, got {key!r} on {where!r}")
    array = np.asarray(value)
    if array.dtype.kind == "O":  # None, a dict, a set, a mixed list, ...
        raise TypeError(
            f"attribute {key!r} of {where!r} is {type(value).__name__} {value!r:.60}; "
            "HDF5 attributes hold numbers, booleans, str or arrays of them"
        )
    size = len(value.encode()) if isinstance(value, str) else array.nbytes
    if size > _MAX_ATTRIBUTE_BYTES:
        raise ValueError(
            f"attribute {key!r} of {where!r} has {size:,} bytes; HDF5 keeps attributes under "
            f"{_MAX_ATTRIBUTE_BYTES:,} bytes: store it as a dataset instead"
        )


def _attrs_or_raise(attrs: object, names: set[str]) -> dict[str, Mapping]:
    if attrs is None:
        return {}
    if not isinstance(attrs, Mapping):
        raise TypeError(f"attrs must be a mapping or None, got {type(attrs).__name__}")
    targets = set(names)
    for name in names:  # and the groups a name such as "net/layer1/W" creates
        parts = name.strip("/").split("/")
        targets |= {"/".join(parts[:i]) for i in range(1, len(parts))}
    for key, values in attrs.items():
        if key != "/" and key not in targets:
            raise ValueError(
                f"attrs key {key!r} is neither '/' (the file) nor one of the arrays or groups: "
                f"{', '.join(sorted(targets))}"
            )
        if not isinstance(values, Mapping):
            raise TypeError(f"attrs[{key!r}] must be a mapping name -> value")
        for name, value in values.items():
            _attribute_or_raise(key, name, value)
    return dict(attrs)


def write_arrays(
    path: str | os.PathLike[str], arrays: Mapping[str, object],
    attrs: Mapping[str, Mapping[str, object]] | None = None, *,
    chunk_rows: int | None = None, **dataset_options: object,
) -> Path:
    """Write named arrays and attributes to a new HDF5 file atomically; return ``path``.

    A write that fails or is interrupted leaves the old file as it was.

    Parameters
    ----------
    arrays : mapping of str to array-like
        Dataset name -> data; names with "/" create groups ("weights/W1"). numpy str
        arrays are stored as UTF-8 (read them with ``dataset.asstr()``).
    attrs : mapping of str to mapping, optional
        ``{"/": {...}}`` for the file, ``{name: {...}}`` for a dataset or a group.
    chunk_rows : int, optional
        Store each array in chunks of this many whole rows.
    **dataset_options
        For :meth:`h5py.Group.create_dataset`, e.g. ``compression="gzip"``; scalars and
        empty arrays are stored plainly.
    """
    path = _check_path(path)
    data = _arrays_or_raise(arrays)
    attributes = _attrs_or_raise(attrs, set(data))
    if chunk_rows is not None:
        chunk_rows = _check_positive_int(chunk_rows, "chunk_rows")
        if "chunks" in dataset_options:
            raise ValueError("give chunk_rows or chunks, not both")
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name, array in data.items():
            options = dict(dataset_options)
            if array.size == 0 or array.ndim == 0:  # nothing to chunk or compress
                options = {}
            elif chunk_rows is not None:
                options["chunks"] = (min(chunk_rows, len(array)),) + array.shape[1:]
            f.create_dataset(name, data=array, **options)
        for name, values in attributes.items():
            f[name].attrs.update(values)
    return path
