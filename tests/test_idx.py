import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers.data import _IDX_DTYPES, _read_idx


def write_idx(path, array: np.ndarray, *, compress: bool = True) -> None:
    """Write ``array`` as an IDX file (gzip-compressed if ``compress``): the test files."""
    array = np.asarray(array)
    codes = {np.dtype(t).newbyteorder("="): code for code, t in _IDX_DTYPES.items()}
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
)
def test_round_trip(tmp_path_factory, array):
    path = tmp_path_factory.mktemp("idx") / "a.idx.gz"
    write_idx(path, array)
    back = _read_idx(path)
    assert back.dtype == array.dtype.newbyteorder("=")
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_known_header_bytes(tmp_path):
    path = tmp_path / "labels.idx"
    write_idx(path, np.array([5, 0, 4], dtype=np.uint8), compress=False)
    assert path.read_bytes() == bytes.fromhex("0000080100000003050004")


@pytest.mark.parametrize(
    "header",
    [
        "01020801000000010a",  # bad magic number
        "00000701000000010a",  # unknown type code
        "000008030000",  # 3 dimensions promised, 2 bytes of sizes
        "0000",  # shorter than the 4 bytes before the sizes
        "",
    ],
)
def test_not_an_idx_file(tmp_path, header):
    path = tmp_path / "bad.idx.gz"
    path.write_bytes(gzip.compress(bytes.fromhex(header)))
    expected = f"bad.idx.gz is not an IDX file: it starts with {header[:16]},"
    with pytest.raises(OSError, match=expected):
        _read_idx(path)


def test_truncated_payload(tmp_path):
    path = tmp_path / "images.idx.gz"
    raw = bytes.fromhex("00000803000000020000000200000002") + bytes(7)  # needs 8
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(OSError, match=r"images.idx.gz: its values are 7 bytes but shape \(2, 2,"):
        _read_idx(path)


def test_not_gzip(tmp_path):
    path = tmp_path / "raw.idx"
    write_idx(path, np.arange(10, dtype=np.uint8), compress=False)
    with pytest.raises(OSError, match="raw.idx is not a complete gzip file"):
        _read_idx(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "cut.idx.gz"
    write_idx(path, np.arange(1000, dtype=np.int32), compress=True)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(OSError, match="cut.idx.gz is not a complete gzip file"):
        _read_idx(path)


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "flipped.idx.gz"
    write_idx(path, np.arange(1000, dtype=np.int32), compress=True)
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(OSError, match="flipped.idx.gz is not a complete gzip file"):
        _read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.idx"):
        _read_idx(tmp_path / "nothing.idx")

