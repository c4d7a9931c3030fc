"""Read rows of an HDF5 dataset in any order, with repeats, as numpy's ``data[indices]``."""

from __future__ import annotations

import h5py
import numpy as np


def read_rows(dataset: h5py.Dataset, indices: object) -> np.ndarray:
    """Read rows of a dataset in any order, with repeats: ``data[indices]`` as numpy would.

    h5py only reads a list of rows that is increasing and has no duplicates.
    This function sorts and de-duplicates the indices, reads those rows in one
    call, then puts them back in the order asked for (repeats included). For
    a dataset stored in chunks of whole rows it reads the rows one by one:
    each chunk is decompressed once and then served from HDF5's chunk cache,
    which beats h5py's point selection on such data (``benchmarks/bench_h5.py``).

    Parameters
    ----------
    dataset : h5py.Dataset
        A dataset with at least one dimension; rows are along the first axis.
    indices : 1-D array-like of int
        Row numbers in any order, repeats allowed, may be empty. Negative
        numbers count from the end, as in numpy (-1 is the last row).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(indices),) + dataset.shape[1:]``, the dataset's dtype;
        equal to ``dataset[()][indices]``.

    Raises
    ------
    TypeError
        If ``dataset`` is not an h5py.Dataset, or ``indices`` are not integers
        (booleans are refused: use ``np.flatnonzero(mask)``).
    ValueError
        If ``indices`` is not 1-D or the dataset is a scalar.
    IndexError
        If an index is outside ``-len(dataset)`` to ``len(dataset) - 1``.
    """
    if not isinstance(dataset, h5py.Dataset):
        raise TypeError(f"dataset must be an h5py.Dataset, got {type(dataset).__name__}")
    if dataset.ndim == 0:
        raise ValueError("dataset is a scalar (shape ()); it has no rows to read")
    idx = np.asarray(indices)
    if idx.size == 0 and idx.dtype.kind == "f":  # np.asarray([]) is float64
        idx = idx.astype(np.int64)
    if idx.dtype.kind not in "iu":
        hint = "; for a boolean mask use np.flatnonzero(mask)" if idx.dtype.kind == "b" else ""
        raise TypeError(f"indices must be integers, got dtype {idx.dtype}{hint}")
    if idx.ndim != 1:
        raise ValueError(f"indices must be 1-D, got shape {idx.shape}")
    n = dataset.shape[0]
    idx = idx.astype(np.int64)
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(
            f"index {idx[bad][0]} is out of range for a dataset with {n} rows "
            f"(valid: {-n} to {n - 1})"
        )
    idx = np.where(idx < 0, idx + n, idx)
    if idx.size == 0:
        return np.empty((0,) + dataset.shape[1:], dtype=dataset.dtype)
    unique, inverse = np.unique(idx, return_inverse=True)  # sorted, no duplicates
    return _read_sorted(dataset, unique)[inverse]


def _read_sorted(dataset: h5py.Dataset, rows: np.ndarray) -> np.ndarray:
    """``dataset[rows]`` for increasing, distinct ``rows``: the faster simple strategy per layout.

    Measured in ``benchmarks/bench_h5.py``:

    * contiguous (or chunks that cut rows, or chunks too big for HDF5's chunk
      cache): h5py's own point selection, one call;
    * chunks of whole rows that fit the chunk cache: one row at a time into the
      result. HDF5 decompresses a chunk once and serves its other rows from the
      cache, while its point selection works out the selection inside every
      chunk, which is slower.
    """
    chunks = dataset.chunks
    cache_bytes = dataset.id.get_access_plist().get_chunk_cache()[1]
    whole_rows = chunks is not None and chunks[1:] == dataset.shape[1:]
    if not whole_rows or np.prod(chunks) * dataset.dtype.itemsize > cache_bytes:
        return dataset[rows]
    out = np.empty((len(rows),) + dataset.shape[1:], dtype=dataset.dtype)
    for i, row in enumerate(rows):
        out[i] = dataset[row]
    return out
