"""HDF5 files with h5py: look inside, read rows in any order, write atomically.

* :func:`tree` prints the groups, datasets and attributes of a file.
* :func:`read_rows` reads rows in any order, with repeats (h5py itself only
  accepts increasing indices without duplicates).
* :func:`write_arrays` writes named arrays and their attributes to a new file
  atomically: a failed or interrupted write leaves the old file untouched.
* :func:`write_digits` and :func:`read_digits` store and load MNIST-style
  digits in the collection's standard layout (``images`` and ``labels``,
  chunks of whole images, gzip-compressed, attributes describing the data).
* :func:`open_h5` and :func:`get_dataset` open files and datasets with clear
  errors for a missing file or a missing dataset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import h5py
import numpy as np

from helpers.atomic import atomic_path

__all__ = [
    "DIGITS_SOURCE",
    "MissingDatasetError",
    "get_dataset",
    "open_h5",
    "read_digits",
    "read_rows",
    "tree",
    "write_arrays",
    "write_digits",
]

#: Where the digits come from, stored as the ``source`` attribute by :func:`write_digits`.
DIGITS_SOURCE = (
    "MNIST handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), CC BY-SA 3.0"
)
_MODES = ("r", "r+", "w", "w-", "x", "a")


class MissingDatasetError(KeyError):
    """A dataset name that is not in the file; the message lists the ones that are."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


def _check_path(path: object, what: str = "path") -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} must be a str or path-like, got {type(path).__name__}")
    return Path(path)


def open_h5(path: str | os.PathLike[str], mode: str = "r") -> h5py.File:
    """Open an HDF5 file, with clear errors for a missing file or a non-HDF5 file.

    Parameters
    ----------
    path : str or PathLike
        The file.
    mode : {"r", "r+", "w", "w-", "x", "a"}, default "r"
        As in :class:`h5py.File`: "r" read only, "r+" read and write (the file
        must exist), "w" create and truncate (destroys an existing file!),
        "w-" or "x" create but fail if the file exists, "a" read and write,
        creating the file if needed.

    Returns
    -------
    h5py.File
        Close it (or use it in a ``with`` block): an open file can stay locked.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path-like.
    ValueError
        For an unknown ``mode``.
    FileNotFoundError
        If ``mode`` is "r" or "r+" and there is no such file.
    OSError
        If the file exists but is not an HDF5 file.
    """
    path = _check_path(path)
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, _MODES))}; got {mode!r}")
    if mode in ("r", "r+", "a") and path.exists():
        if not path.is_file():
            raise IsADirectoryError(f"{path} is a folder, not an HDF5 file")
        if not h5py.is_hdf5(path):
            raise OSError(f"{path} is not an HDF5 file (its first bytes lack the HDF5 signature)")
    elif mode in ("r", "r+"):
        raise FileNotFoundError(f"no such HDF5 file: {path}")
    return h5py.File(path, mode)


def _datasets_in(group: h5py.Group) -> list[str]:
    names: list[str] = []
    group.visititems(
        lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None
    )
    return names


def get_dataset(group: h5py.Group, name: str) -> h5py.Dataset:
    """Return the dataset ``name`` of an open file or group.

    Raises
    ------
    TypeError
        If ``group`` is not an open h5py file or group, or ``name`` is not a str.
    MissingDatasetError
        (a ``KeyError``) if there is no dataset of that name; the message lists
        the datasets that exist.
    """
    if not isinstance(group, h5py.Group):
        raise TypeError(
            f"group must be an open h5py.File or h5py.Group, got {type(group).__name__}"
        )
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    obj = group.get(name)
    if isinstance(obj, h5py.Dataset):
        return obj
    names = _datasets_in(group)
    existing = ", ".join(names[:20]) + (f", ... ({len(names)} in all)" if len(names) > 20 else "")
    existing = existing or "none"
    where = f"group {group.name!r} of {Path(group.file.filename).name}"
    problem = "is a group, not a dataset" if obj is not None else "does not exist"
    raise MissingDatasetError(f"dataset {name!r} {problem} in {where}; its datasets: {existing}")


# --------------------------------------------------------------------------- tree


def _format_value(value: object, width: int = 100) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        if value.size > 8:
            return f"array shape {value.shape} {value.dtype}"
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _layout(dset: h5py.Dataset) -> str:
    string = h5py.check_string_dtype(dset.dtype)
    dtype = f"str ({string.encoding})" if string else str(dset.dtype)
    parts = [f"{dset.shape} {dtype}"]
    parts.append("contiguous" if dset.chunks is None else f"chunks {dset.chunks}")
    if dset.compression:
        level = f" level {dset.compression_opts}" if dset.compression_opts is not None else ""
        parts.append(f"{dset.compression}{level}")
    if dset.shuffle:
        parts.append("shuffle")
    parts.append(f"{dset.id.get_storage_size():,} bytes stored")
    return ", ".join(parts)


def _tree_lines(group: h5py.Group, indent: str, max_children: int) -> list[str]:
    lines = [f"{indent}@{key} = {_format_value(val)}" for key, val in group.attrs.items()]
    names = list(group.keys())
    for name in names[:max_children]:
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.SoftLink):
            lines.append(f"{indent}{name} -> {link.path} (soft link)")
            continue
        if isinstance(link, h5py.ExternalLink):
            lines.append(f"{indent}{name} -> {link.filename}:{link.path} (external link)")
            continue
        obj = group[name]
        if isinstance(obj, h5py.Group):
            lines.append(f"{indent}{name}/ (group)")
            lines += _tree_lines(obj, indent + "    ", max_children)
        elif isinstance(obj, h5py.Dataset):
            lines.append(f"{indent}{name}: dataset {_layout(obj)}")
            lines += [f"{indent}    @{k} = {_format_value(v)}" for k, v in obj.attrs.items()]
        else:
            lines.append(f"{indent}{name}: {type(obj).__name__}")
    if len(names) > max_children:
        lines.append(f"{indent}... and {len(names) - max_children} more")
    return lines


def tree(
    source: str | os.PathLike[str] | h5py.Group, *, show: bool = True, max_children: int = 50
) -> str:
    """Print and return the hierarchy of an HDF5 file or group.

    Each group is listed with its members indented below it; each dataset
    with its shape, dtype, chunk shape (or "contiguous"), compression and the
    bytes it occupies on disk; attributes are shown as ``@name = value``.

    Parameters
    ----------
    source : str, PathLike, h5py.File or h5py.Group
        A file name (opened read-only and closed again) or an open file/group.
    show : bool, default True
        Print the text as well as returning it.
    max_children : int, default 50
        At most this many members are listed per group ("... and N more").

    Returns
    -------
    str
        The text that was printed.

    Examples
    --------
    >>> text = tree("digits.h5")  # doctest: +SKIP
    / (digits.h5)
        @source = 'MNIST handwritten digits ...'
        images: dataset (5000, 28, 28) uint8, chunks (100, 28, 28), gzip level 4, ...
    """
    if not isinstance(max_children, int) or max_children < 1:
        raise ValueError(f"max_children must be a positive int, got {max_children!r}")
    if isinstance(source, h5py.Group):
        header = f"{source.name} ({Path(source.file.filename).name})"
        lines = [header] + _tree_lines(source, "    ", max_children)
    elif isinstance(source, (str, os.PathLike)):
        with open_h5(source, "r") as f:
            lines = [f"/ ({Path(source).name})"] + _tree_lines(f, "    ", max_children)
    else:
        raise TypeError(
            f"source must be a file name or an open h5py.File/Group, got {type(source).__name__}"
        )
    text = "\n".join(lines)
    if show:
        print(text)
    return text


# ---------------------------------------------------------------------- read_rows


def read_rows(dataset: h5py.Dataset, indices: object) -> np.ndarray:
    """Read rows of a dataset in any order, with repeats: ``data[indices]`` as numpy would.

    h5py only reads a list of rows that is increasing and has no duplicates.
    This function sorts and de-duplicates the indices, reads those rows in one
    call, then puts them back in the order asked for (repeats included). For
    a dataset stored in chunks of whole rows it reads one slice per chunk
    touched instead of using h5py's point selection, which is several times
    slower on such data (see ``benchmarks/bench_h5.py``).

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
    """``dataset[rows]`` for increasing, distinct ``rows``, reading chunk by chunk.

    A contiguous dataset is read with h5py's own point selection. For one
    stored in chunks of whole rows that selection is slow (HDF5 works out the
    selection inside every chunk), while HDF5 decompresses whole chunks
    anyway: so read, per chunk touched, the one slice from its first to its
    last wanted row, and keep the wanted rows.
    """
    if dataset.chunks is None or dataset.chunks[1:] != dataset.shape[1:]:
        return dataset[rows]  # contiguous, or chunks that cut rows: h5py's selection
    chunk = rows // dataset.chunks[0]
    groups = np.split(rows, np.flatnonzero(np.diff(chunk)) + 1)
    return np.concatenate([dataset[g[0] : g[-1] + 1][g - g[0]] for g in groups])


# ------------------------------------------------------------------- write_arrays


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
    path = _check_path(path)
    data = _check_arrays(arrays)
    attributes = _check_attrs(attrs, set(data))
    if chunk_rows is not None:
        if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
            raise ValueError(f"chunk_rows must be a positive int, got {chunk_rows!r}")
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


# ------------------------------------------------------------------------- digits


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
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"images must be uint8 of shape (N, 28, 28), got {images.dtype} {images.shape}"
        )
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.shape != (len(images),):
        raise ValueError(
            f"labels must be {len(images)} integers (one per image), "
            f"got {labels.dtype} {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"labels must be digits 0-9, found {labels.min()} to {labels.max()}")
    if compression not in ("gzip", "lzf", None):
        raise ValueError(f"compression must be 'gzip', 'lzf' or None, got {compression!r}")
    options: dict[str, object] = {"compression": compression} if compression else {}
    if compression == "gzip":
        options["compression_opts"] = 4
    file_attrs = {"source": DIGITS_SOURCE, "count": len(images)} | attrs
    return write_arrays(
        path,
        {"images": images, "labels": labels.astype(np.int64)},
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
    images : numpy.ndarray of uint8, shape (N, 28, 28)
    labels : numpy.ndarray of int64, shape (N,)

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    MissingDatasetError
        If the file lacks ``images`` or ``labels``.
    """
    with open_h5(path, "r") as f:
        images = get_dataset(f, "images")[()]
        labels = get_dataset(f, "labels")[()]
    return images, labels
