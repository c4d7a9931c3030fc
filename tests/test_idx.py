import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from helpers._mnist_files import read_idx


def write_idx(path, array: np.ndarray, *, compress: bool = True) -> None:
    """Write a uint8 ``array`` as an IDX file (gzip-compressed if ``compress``)."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(payload, mtime=0) if compress else payload)


# No deadline: file writes on a busy machine exceed Hypothesis' default 200 ms.
@settings(deadline=None)
@given(
    array=hnp.arrays(
        np.uint8, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6)
    ),
)
def test_round_trip(tmp_path_factory, array):
    path = tmp_path_factory.mktemp("idx") / "a.idx.gz"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.uint8 and back.flags.writeable
    np.testing.assert_array_equal(back, array, strict=True)


def test_known_header_bytes(tmp_path):
    path = tmp_path / "labels.idx"
    write_idx(path, np.array([5, 0, 4], dtype=np.uint8), compress=False)
    assert path.read_bytes() == bytes.fromhex("0000080100000003050004")


@pytest.mark.parametrize(
    "header",
    [
        "01020801000000010a",  # bad magic number
        "00000701000000010a",  # unknown type code
        "00000d01000000013f800000",  # float32: IDX, but not the bytes MNIST files hold
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
        read_idx(path)


def test_truncated_payload(tmp_path):
    path = tmp_path / "images.idx.gz"
    raw = bytes.fromhex("00000803000000020000000200000002") + bytes(7)  # needs 8
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(OSError, match=r"images.idx.gz: its values are 7 bytes but shape \(2, 2,"):
        read_idx(path)


def test_not_gzip(tmp_path):
    path = tmp_path / "raw.idx"
    write_idx(path, np.arange(10, dtype=np.uint8), compress=False)
    with pytest.raises(OSError, match="raw.idx is not a complete gzip file"):
        read_idx(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "cut.idx.gz"
    write_idx(path, np.arange(1000, dtype=np.int32), compress=True)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(OSError, match="cut.idx.gz is not a complete gzip file"):
        read_idx(path)


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "flipped.idx.gz"
    write_idx(path, np.arange(1000, dtype=np.int32), compress=True)
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(OSError, match="flipped.idx.gz is not a complete gzip file"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.idx"):
        read_idx(tmp_path / "nothing.idx")

