"""Print what an HDF5 file holds: groups, datasets and their storage, attributes (notebook 02)."""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from helpers.validation import _check_path, _check_positive_int


def open_file(path: object) -> h5py.File:
    """Open an existing HDF5 file read-only; the errors name the file."""
    path = _check_path(path, exists=True)
    try:
        return h5py.File(path, "r")
    except OSError as error:
        raise OSError(
            f"{path} is not an HDF5 file, or is damaged (cut short or corrupt): {error}"
        ) from error


def _format_value(value: object, width: int = 100) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array shape {value.shape} {value.dtype}"
    text = repr(value.tolist() if isinstance(value, np.ndarray | np.generic) else value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _layout(dset: h5py.Dataset) -> str:
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


def _attr_lines(obj: h5py.HLObject, indent: str) -> list[str]:
    return [f"{indent}@{key} = {_format_value(value)}" for key, value in obj.attrs.items()]


def _tree_lines(group: h5py.Group, indent: str, max_children: int) -> list[str]:
    lines = _attr_lines(group, indent)
    names = list(group.keys())
    deeper = indent + "    "
    for name in names[:max_children]:
        link = group.get(name, getlink=True)  # a link may lead nowhere: look before following
        if isinstance(link, h5py.ExternalLink):
            lines.append(f"{indent}{name} -> {link.filename}:{link.path} (external link)")
        elif isinstance(link, h5py.SoftLink):
            lines.append(f"{indent}{name} -> {link.path} (soft link)")
        elif isinstance(obj := group[name], h5py.Dataset):
            lines += [f"{indent}{name}: dataset {_layout(obj)}", *_attr_lines(obj, deeper)]
        elif isinstance(obj, h5py.Group):
            lines += [f"{indent}{name}/ (group)", *_tree_lines(obj, deeper, max_children)]
        else:  # a named datatype
            lines.append(f"{indent}{name}: {type(obj).__name__}")
    if len(names) > max_children:
        lines.append(f"{indent}... and {len(names) - max_children} more")
    return lines


def tree(
    source: str | os.PathLike[str] | h5py.Group, *, show: bool = True, max_children: int = 50
) -> str:
    """Print (if ``show``) and return the hierarchy of an HDF5 file, or of an open group.

    A dataset shows its shape, dtype, chunks (or "contiguous"), compression and bytes on
    disk; an attribute shows as ``@name = value``; at most ``max_children`` per group.
    """
    max_children = _check_positive_int(max_children, "max_children")
    if not isinstance(show, bool):
        raise TypeError(f"show must be True or False, got {show!r:.40}")
    if isinstance(source, str | os.PathLike):
        with open_file(source) as f:
            return tree(f, show=show, max_children=max_children)
    if not isinstance(source, h5py.Group):
        raise TypeError(
            f"source must be a file name or an open h5py.File/Group, got {type(source).__name__}"
        )
    text = "\n".join([f"{source.name} ({Path(source.file.filename).name})",
                      *_tree_lines(source, "    ", max_children)])
    if show:
        print(text)
    return text
