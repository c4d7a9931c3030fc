"""Write named arrays and their attributes to a new HDF5 file, atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import h5py
import numpy as np

from helpers.atomic import atomic_path
from helpers.validation import check_positive_int


def _as_storable(name: str, value: object) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind == "U":  # numpy str -> variable-length UTF-8 strings in HDF5
        return array.astype(h5py.string_dtype())
    if array.dtype.kind == "O":
        raise TypeError(
            f"array {name!r} has dtype object; store numbers, booleans or str, not {value!r:.60}"
        )
    return array


def _check_arrays(arrays: object) -> dict[str, np.ndarray]:
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a mapping name -> array, got {type(arrays).__name__}")
    if not arrays:
        raise ValueError("arrays is empty: give at least one name -> array")
    checked = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or not name.strip("/"):
            raise ValueError(f"dataset names must be non-empty str, got {name!r}")
        checked[name] = _as_storable(name, value)
    return checked


def _groups_of(names: set[str]) -> set[str]:
    """The groups that dataset names such as "net/layer1/W" create: "net", "net/layer1"."""
    groups = set()
    for name in names:
        parts = name.strip("/").split("/")[:-1]
        groups |= {"/".join(parts[: i + 1]) for i in range(len(parts))}
    return groups


def _check_attrs(attrs: object, names: set[str]) -> dict[str, Mapping]:
    if attrs is None:
        return {}
    if not isinstance(attrs, Mapping):
        raise TypeError(f"attrs must be a mapping or None, got {type(attrs).__name__}")
    targets = names | _groups_of(names)
    for key, values in attrs.items():
        if key != "/" and key not in targets:
            raise ValueError(
                f"attrs key {key!r} is neither '/' (the file) nor one of the arrays or groups: "
                f"{', '.join(sorted(targets))}"
            )
        if not isinstance(values, Mapping):
            raise TypeError(f"attrs[{key!r}] must be a mapping name -> value")
    return dict(attrs)


def _row_chunks(shape: tuple[int, ...], chunk_rows: int) -> tuple[int, ...]:
    return (max(1, min(chunk_rows, shape[0])),) + shape[1:]


def write_arrays(
    path: str | os.PathLike[str],
    arrays: Mapping[str, object],
    attrs: Mapping[str, Mapping[str, object]] | None = None,
    *,
    chunk_rows: int | None = None,
    **dataset_options: object,
) -> Path:
    """Write named arrays (and attributes) to a new HDF5 file, atomically.

    The file is written to a temporary file in the same folder and renamed
    onto ``path`` only when everything was written. A write that fails or is
    interrupted (an exception, Ctrl+C) leaves no temporary file, and an
    existing file at ``path`` stays as it was.

    Parameters
    ----------
    path : str or PathLike
        The file to create or replace. Its folder must exist.
    arrays : mapping of str to array-like
        Dataset name -> data. Names with "/" create groups ("weights/W1").
        numpy str arrays are stored as UTF-8 strings (read back as bytes, or
        as str with ``dataset.asstr()``).
    attrs : mapping of str to mapping, optional
        Attributes: ``{"/": {...}}`` for the file itself, ``{name: {...}}``
        for a dataset or for a group the names create ("weights" for
        "weights/W1").
    chunk_rows : int, optional
        Store each array with at least one dimension in chunks of this many
        whole rows (``(chunk_rows,) + shape[1:]``, fewer if the array is
        shorter). Cannot be combined with ``chunks``.
    **dataset_options
        Passed to :meth:`h5py.Group.create_dataset` for every array with at
        least one dimension, e.g. ``compression="gzip"``,
        ``compression_opts=4``, ``chunks=True``. Scalars and empty arrays are
        stored plainly (contiguous): there is nothing to chunk or compress.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    TypeError
        For a path, arrays or attrs of the wrong type, or an object-dtype array.
    ValueError
        For empty ``arrays``, a bad name, attrs for an unknown dataset, a
        non-positive ``chunk_rows``, or ``chunk_rows`` together with ``chunks``.
    FileNotFoundError
        If the folder of ``path`` does not exist.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    data = _check_arrays(arrays)
    attributes = _check_attrs(attrs, set(data))
    if chunk_rows is not None:
        chunk_rows = check_positive_int(chunk_rows, "chunk_rows")
        if "chunks" in dataset_options:
            raise ValueError("give chunk_rows or chunks, not both")
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for name, array in data.items():
            if array.size == 0 or array.ndim == 0:  # nothing to chunk or compress
                f.create_dataset(name, data=array)
                continue
            options = dict(dataset_options)
            if chunk_rows is not None:
                options["chunks"] = _row_chunks(array.shape, chunk_rows)
            f.create_dataset(name, data=array, **options)
        for name, values in attributes.items():
            f[name].attrs.update(values)
    return path


