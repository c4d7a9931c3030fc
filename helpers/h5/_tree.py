"""Read HDF5 files: print what one holds (:func:`tree`), read rows in any order (notebook 02)."""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from helpers.validation import check_path, check_positive_int


def open_file(path: object) -> h5py.File:
    """Open an existing HDF5 file read-only; the errors name the file."""
    path = check_path(path, exists=True)
    try:
        return h5py.File(path, "r")
    except OSError as error:
        raise OSError(
            f"{path} is not an HDF5 file, or is damaged (cut short or corrupt): {error}"
        ) from error


def _format_value(value: object, width: int = 100) -> str:
    """An attribute's value as one short line of text."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array shape {value.shape} {value.dtype}"
    text = repr(value.tolist() if isinstance(value, np.ndarray | np.generic) else value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _layout(dset: h5py.Dataset) -> str:
    """A dataset's shape, dtype, storage and bytes on disk, as text."""
    string = h5py.check_string_dtype(dset.dtype)
    parts = [f"{dset.shape} " + (f"str ({string.encoding})" if string else str(dset.dtype))]
    parts.append("contiguous" if dset.chunks is None else f"chunks {dset.chunks}")
    if dset.compression:
        level = f" level {dset.compression_opts}" if dset.compression_opts is not None else ""
        parts.append(f"{dset.compression}{level}")
    if dset.shuffle:
        parts.append("shuffle")
    parts.append(f"{dset.id.get_storage_size():,} bytes stored")
    return ", ".join(parts)


def _tree_lines(obj: h5py.HLObject, indent: str, max_children: int) -> list[str]:
    """The lines :func:`tree` prints for ``obj``'s attributes and members, recursively."""
    lines = [f"{indent}@{key} = {_format_value(value)}" for key, value in obj.attrs.items()]
    names = list(obj) if isinstance(obj, h5py.Group) else []
    for name in names[:max_children]:
        link = obj.get(name, getlink=True)  # a link may lead nowhere: look before following
        if isinstance(link, h5py.ExternalLink):
            lines.append(f"{indent}{name} -> {link.filename}:{link.path} (external link)")
        elif isinstance(link, h5py.SoftLink):
            lines.append(f"{indent}{name} -> {link.path} (soft link)")
        elif isinstance(item := obj[name], h5py.Dataset | h5py.Group):
            kind = f": dataset {_layout(item)}" if isinstance(item, h5py.Dataset) else "/ (group)"
            lines += [f"{indent}{name}{kind}", *_tree_lines(item, indent + "    ", max_children)]
        else:  # a named datatype
            lines.append(f"{indent}{name}: {type(item).__name__}")
    if len(names) > max_children:
        lines.append(f"{indent}... and {len(names) - max_children} more")
    return lines


def tree(source: str | os.PathLike[str] | h5py.Group, *, max_children: int = 50) -> str:
    """Print and return what an HDF5 file or open group holds.

    Every dataset is shown with its shape, dtype, layout and bytes on disk, every
    attribute as ``@name = value``, groups indented below their parent.

    Parameters
    ----------
    source : str, path-like or h5py.Group
        A file name, or an open ``h5py.File`` or group.
    max_children : int, default=50
        At most this many members are shown per group.

    Returns
    -------
    text : str
        The text printed.
    """
    max_children = check_positive_int(max_children, "max_children")
    if isinstance(source, str | os.PathLike):
        with open_file(source) as f:
            return tree(f, max_children=max_children)
    if not isinstance(source, h5py.Group):
        raise TypeError(
            f"source must be a file name or an open h5py.File/Group, got {type(source).__name__}"
        )
    text = "\n".join([f"{source.name} ({Path(source.file.filename).name})",
                      *_tree_lines(source, "    ", max_children)])
    print(text)
    return text


def read_rows(dataset: h5py.Dataset, indices: object) -> np.ndarray:
    """Read the rows ``indices`` of a dataset, in any order and with repeats.

    h5py reads rows only in increasing order without repeats, so the indices are
    sorted and de-duplicated, read in one go, then put back in the order asked for.

    Parameters
    ----------
    dataset : h5py.Dataset
        An open dataset with at least one dimension.
    indices : array-like of int, shape (k,)
        Row numbers; negative ones count from the end, as in numpy.

    Returns
    -------
    rows : ndarray of shape (k, ...)
        ``dataset[()][indices]``, without reading the whole dataset.
    """
    if not isinstance(dataset, h5py.Dataset):
        raise TypeError(f"dataset must be an h5py.Dataset, got {type(dataset).__name__}")
    if dataset.ndim == 0:
        raise ValueError("dataset is a scalar (shape ()); it has no rows to read")
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu" and idx.size:  # empty: any dtype ([] is float64)
        hint = "; for a boolean mask use np.flatnonzero(mask)" if idx.dtype.kind == "b" else ""
        raise TypeError(f"indices must be integers, got dtype {idx.dtype}{hint}")
    if idx.ndim != 1:
        raise ValueError(f"indices must be 1-D, got shape {idx.shape}")
    n = dataset.shape[0]
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"index {bad[0]} is out of range for a dataset with {n} rows")
    unique, inverse = np.unique(idx.astype(np.int64) % n, return_inverse=True)  # -1 -> n - 1
    return _read_sorted(dataset, unique)[inverse]


def _read_sorted(dataset: h5py.Dataset, rows: np.ndarray) -> np.ndarray:
    """``dataset[rows]`` for increasing, distinct ``rows``.

    Read row by row if whole-row chunks fit HDF5's chunk cache: faster than h5py's
    selection there (``benchmarks/bench_h5.py``).
    """
    chunks = dataset.chunks
    whole_rows = chunks is not None and chunks[1:] == dataset.shape[1:]
    cache_bytes = dataset.id.get_access_plist().get_chunk_cache()[1]
    if not whole_rows or np.prod(chunks) * dataset.dtype.itemsize > cache_bytes:
        return dataset[rows]
    out = np.empty((len(rows),) + dataset.shape[1:], dtype=dataset.dtype)
    for i, row in enumerate(rows):
        out[i] = dataset[row]
    return out
