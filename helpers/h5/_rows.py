"""Read rows of an HDF5 dataset in any order, with repeats: ``data[indices]`` (notebook 02)."""

from __future__ import annotations

import h5py
import numpy as np


def read_rows(dataset: h5py.Dataset, indices: object) -> np.ndarray:
    """``dataset[()][indices]`` for 1-D integer ``indices`` in any order, with repeats.

    h5py reads rows only in increasing order without repeats, so the indices are sorted
    and de-duplicated, read in one go, then put back in the order asked for.
    """
    if not isinstance(dataset, h5py.Dataset):
        raise TypeError(f"dataset must be an h5py.Dataset, got {type(dataset).__name__}")
    if dataset.ndim == 0:
        raise ValueError("dataset is a scalar (shape ()); it has no rows to read")
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu" and idx.size:  # np.asarray([]) is float64: let it be
        hint = "; for a boolean mask use np.flatnonzero(mask)" if idx.dtype.kind == "b" else ""
        raise TypeError(f"indices must be integers, got dtype {idx.dtype}{hint}")
    if idx.ndim != 1:
        raise ValueError(f"indices must be 1-D, got shape {idx.shape}")
    n = dataset.shape[0]
    idx = idx.astype(np.int64)
    bad = idx[(idx < -n) | (idx >= n)]
    if bad.size:
        raise IndexError(f"index {bad[0]} is out of range for a dataset with {n} rows")
    unique, inverse = np.unique(idx % n, return_inverse=True)  # -1 -> n - 1; sorted, once each
    return _read_sorted(dataset, unique)[inverse]


def _read_sorted(dataset: h5py.Dataset, rows: np.ndarray) -> np.ndarray:
    """``dataset[rows]`` for increasing, distinct ``rows``: row by row if whole-row chunks fit
    HDF5's chunk cache (faster than h5py's selection there: ``benchmarks/bench_h5.py``)."""
    chunks = dataset.chunks
    whole_rows = chunks is not None and chunks[1:] == dataset.shape[1:]
    cache_bytes = dataset.id.get_access_plist().get_chunk_cache()[1]
    if not whole_rows or np.prod(chunks) * dataset.dtype.itemsize > cache_bytes:
        return dataset[rows]
    out = np.empty((len(rows),) + dataset.shape[1:], dtype=dataset.dtype)
    for i, row in enumerate(rows):
        out[i] = dataset[row]
    return out
