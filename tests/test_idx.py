import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers.idx import _IDX_DTYPES, _read_idx


def write_idx(path, array: np.ndarray, *, compress: bool = False) -> None:
    """Write ``array`` as an IDX file (gzip-compressed if ``compress``): the test files."""
    array = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in _IDX_DTYPES.items()}
    code = codes[array.dtype.newbyteorder("=")]
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=_IDX_DTYPES[code]).tobytes()
    path.write_bytes(gzip.compress(payload, mtime=0) if compress else payload)

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


# No deadline: file writes on a busy machine exceed Hypothesis' default 200 ms.
@settings(deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from(DTYPES),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6),
        elements={"allow_nan": False},
    ),
    compress=st.booleans(),
)
def test_round_trip(tmp_path_factory, array, compress):
    path = tmp_path_factory.mktemp("idx") / "a.idx"
    write_idx(path, array, compress=compress)
    back = _read_idx(path)
    assert back.dtype == array.dtype.newbyteorder("=")
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_known_header_bytes(tmp_path):
    path = tmp_path / "labels.idx"
    write_idx(path, np.array([5, 0, 4], dtype=np.uint8))
    assert path.read_bytes() == bytes.fromhex("0000080100000003050004")


def test_bad_magic(tmp_path):
    path = tmp_path / "bad.idx"
    path.write_bytes(bytes.fromhex("01020801000000010a"))
    with pytest.raises(OSError, match="bad magic number 01020801"):
        _read_idx(path)


def test_unknown_type_code(tmp_path):
    path = tmp_path / "bad.idx"
    path.write_bytes(bytes.fromhex("00000701000000010a"))
    with pytest.raises(OSError, match="unknown IDX type code 0x07"):
        _read_idx(path)


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_payload(tmp_path, compress):
    path = tmp_path / "images.idx"
    raw = bytes.fromhex("00000803000000020000000200000002") + bytes(7)  # needs 8
    path.write_bytes(gzip.compress(raw) if compress else raw)
    with pytest.raises(OSError, match=r"payload is 7 bytes but shape \(2, 2, 2\)"):
        _read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "short.idx"
    path.write_bytes(bytes.fromhex("000008030000"))
    with pytest.raises(OSError, match="promises 3 dimensions"):
        _read_idx(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "cut.idx.gz"
    write_idx(path, np.arange(1000, dtype=np.int32), compress=True)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(OSError, match="truncated or corrupt"):
        _read_idx(path)


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "flipped.idx.gz"
    write_idx(path, np.arange(1000, dtype=np.int32), compress=True)
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(OSError, match="truncated or corrupt"):
        _read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no IDX file"):
        _read_idx(tmp_path / "nothing.idx")
    with pytest.raises(TypeError, match="path must be a non-empty str or path-like"):
        _read_idx(b"bytes are not a path")

