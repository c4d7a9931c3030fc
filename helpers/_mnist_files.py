"""The official MNIST files behind helpers.data.load_mnist (notebook 00): download, IDX reader.

The files are gzip-compressed IDX files: two zero bytes, a type code (0x08: unsigned
bytes), the number of dimensions d, d sizes (big-endian unsigned 32-bit), then the values.
"""

from __future__ import annotations

import gzip
import math
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: The official files of each split: images, then labels.
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
#: Their SHA-256, in the same order.
MNIST_SHA256 = {
    "train": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    "test": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
}
#: Standard mirrors of the official files, tried in order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def fetch(name: str, sha256: str, folder: Path, mirrors: Sequence[str], *, progress: bool) -> Path:
    """``folder/name``, downloaded first from the first of ``mirrors`` that delivers it.

    pooch renames a download into place only if its SHA-256 matches: a failure saves nothing.
    """
    import pooch  # imported here: it is slow to import and only needed for downloads

    path = folder / name
    if path.is_file():
        actual = pooch.file_hash(str(path))
        if actual != sha256:
            raise OSError(
                f"{path} is corrupt or not the official file: its SHA-256 is {actual}, "
                f"expected {sha256}. Delete it to download it again."
            )
        return path
    problems = ""
    for base in mirrors:
        url = base + name
        downloader = pooch.HTTPDownloader(progressbar=progress, timeout=60)
        try:
            pooch.retrieve(url, f"sha256:{sha256}", name, folder, downloader=downloader)
            return path
        except Exception as exc:  # noqa: BLE001 - every failure moves on to the next mirror
            problems += f"\n  {url}: {exc}"
    raise OSError(
        f"{name} is not in {folder} and no mirror of {list(mirrors)} delivered it with the "
        f"expected SHA-256 {sha256}; nothing was saved{problems}"
    )


def read_idx(path: Path) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes (type code 0x08) into an array."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise OSError(f"{path} is not a complete gzip file ({exc}): delete it") from exc
    n_dims = data[3] if len(data) >= 4 else 0
    start = 4 + 4 * n_dims  # where the values begin
    if len(data) < start or data[:3] != b"\0\0\x08":
        raise OSError(
            f"{path} is not an IDX file: it starts with {data[:8].hex()}, expected 000008 "
            "(unsigned bytes), the number of dimensions d, then d sizes of 4 bytes each"
        )
    sizes = np.frombuffer(data, ">u4", count=n_dims, offset=4)
    shape = tuple(int(n) for n in sizes)
    n_values = len(data) - start
    if n_values != math.prod(shape):
        raise OSError(
            f"{path}: its values are {n_values} bytes but shape {shape} needs "
            f"{math.prod(shape)}; the file is truncated or corrupt"
        )
    return np.frombuffer(data, np.uint8, offset=start).reshape(shape).copy()
