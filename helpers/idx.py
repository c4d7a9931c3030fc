"""Read IDX files, the format of the official MNIST files (used by :mod:`helpers.data`).

An IDX file is big-endian: two zero bytes, a type code (0x08 uint8, 0x09 int8,
0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions d,
d sizes (unsigned 32-bit), then the values, row-major. The official files are
gzip-compressed; :func:`_read_idx` accepts both.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from helpers.validation import _check_path

#: IDX type code -> big-endian numpy dtype.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_IDX_DTYPES = {code: np.dtype(t) for code, t in _IDX_DTYPES.items()}

__all__: list[str] = []


def _read_bytes(path: Path) -> bytes:
    """Return the file's bytes, decompressed if it is gzip (it starts with 1f 8b)."""
    raw = path.read_bytes()
    if not raw.startswith(b"\x1f\x8b"):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:
        raise OSError(
            f"{path.name}: the gzip stream is truncated or corrupt ({exc}); "
            "expected a complete gzip file. Delete it and download it again."
        ) from exc


def _read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (gzip or raw) into a native-order array of the header's shape.

    OSError, naming the file, for one that is not IDX or is truncated.
    """
    path = _check_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no IDX file at {path}")
    data = _read_bytes(path)
    if len(data) < 4:
        raise OSError(f"{path.name}: {len(data)} bytes is too short for an IDX header (4+)")
    if data[0] != 0 or data[1] != 0:
        raise OSError(
            f"{path.name}: bad magic number {data[:4].hex()}; an IDX file starts with "
            "two zero bytes, a type code and the number of dimensions (e.g. 00000803)"
        )
    code, ndim = data[2], data[3]
    if code not in _IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in _IDX_DTYPES)
        raise OSError(
            f"{path.name}: unknown IDX type code 0x{code:02X}; expected one of {known}"
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise OSError(
            f"{path.name}: the header promises {ndim} dimensions ({header_size} header bytes) "
            f"but the file has only {len(data)} bytes"
        )
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header_size
    if actual != expected:
        raise OSError(
            f"{path.name}: payload is {actual} bytes but shape {shape} of {dtype.name} "
            f"needs {expected}; the file is truncated or corrupt"
        )
    array = np.frombuffer(data, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))
