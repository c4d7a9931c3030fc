"""The programming exercises of notebook 02 (on real HDF5 files): write digits, read rows."""

import io
import tempfile
from pathlib import Path

import h5py
import numpy as np

from helpers.exercises._framework import Case, exercise
from helpers.h5 import read_rows, write_arrays, write_digits
from helpers.paths import scratch_dir


def _write(path, images, labels, source, chunk_images, mode="w", chunks=True, on="/"):
    """The digits file; usual mistakes: ``mode`` "a", no ``chunks``, attributes ``on`` a dataset."""
    with h5py.File(path, mode) as f:
        shape = (chunk_images, *images.shape[1:]) if chunks else True
        f.create_dataset("images", data=images, chunks=shape, compression="gzip")
        f.create_dataset("labels", data=labels)
        f[on].attrs.update(source=source, count=len(images))


def _save_digits(path, images, labels, source, chunk_images):
    _write(path, images, labels, source, chunk_images)


def _write_and_read(function, case: Case) -> dict:
    """What the file holds after ``function(path, *case.args)`` over an older file."""
    with tempfile.TemporaryDirectory(dir=scratch_dir("checks")) as folder:
        path = Path(folder) / "digits.h5"
        with h5py.File(path, "w") as f:  # other data, that the new file replaces
            f["measurements"] = np.arange(12.0).reshape(3, 4)
        function(str(path), *case.args)
        with h5py.File(path, "r") as f:
            held = {"datasets": ", ".join(sorted(f))}
            for name in ("images", "labels"):
                held[name] = f[name][()] if isinstance(f.get(name), h5py.Dataset) else None
            for key in ("dtype", "chunks", "compression"):
                held[f"images {key}"] = str(getattr(f.get("images"), key, None))
            attrs = {k: np.asarray(f.attrs.get(k)).tolist() for k in ("source", "count")}
            return held | {"file attributes": attrs}


def _save_cases(rng: np.random.Generator) -> dict:
    def digits(n: int, h: int = 28, w: int = 28) -> tuple[np.ndarray, np.ndarray]:
        return rng.integers(0, 256, size=(n, h, w), dtype=np.uint8), rng.integers(0, 10, size=n)

    return {
        "12 images of 28 x 28, chunks of 4": (*digits(12), "MNIST sample", 4),
        "one image, chunks of 1": (*digits(1), "my scans", 1),
        "30 images of 8 x 6 pixels, chunks of 7": (*digits(30, 8, 6), "small", 7),
    }


class _CountingFile(io.FileIO):
    bytes_read = 0

    def readinto(self, buffer) -> int | None:
        count = super().readinto(buffer)
        self.bytes_read += count or 0
        return count


def _read_from_file(function, case: Case) -> dict:
    """Run ``function(dataset, indices)`` on a chunked dataset; count the bytes it reads."""
    array, indices = case.args
    rows_per_chunk = max(1, 4096 // (array.itemsize * (array.size // len(array))))
    with tempfile.TemporaryDirectory(dir=scratch_dir("checks")) as folder:
        path = Path(folder) / "rows.h5"
        with h5py.File(path, "w") as f:
            f.create_dataset("data", data=array, chunks=(rows_per_chunk, *array.shape[1:]))
        with _CountingFile(path) as raw, h5py.File(raw, "r") as f:
            raw.bytes_read = 0
            rows = function(f["data"], indices)
    read_little = raw.bytes_read <= array.nbytes / 2
    dtype = str(getattr(rows, "dtype", type(rows).__name__))  # the dataset's, as numpy gives
    return {"rows": rows, "dtype": dtype, "reads only the chunks it needs": read_little}


def _rows_cases(rng: np.random.Generator) -> dict:
    table = rng.random((1000, 50))
    images = rng.integers(0, 256, size=(400, 28, 28), dtype=np.uint8)
    some = rng.choice(1000, size=8, replace=False)
    picks = rng.choice(400, size=4, replace=False)
    return {
        "8 rows in random order from a 1000 x 50 table": (table, some),
        "one row": (table, rng.integers(0, 1000, size=1)),
        "rows already in increasing order": (table, np.sort(some[:5])),
        "images: 400 x 28 x 28 uint8, one asked for twice": (images, np.array([*picks, picks[0]])),
        "labels: 1-D, 20,000 of them": (rng.integers(0, 10, 20_000), rng.choice(20_000, size=6)),
        "ends and negative rows": (table, np.array([999, 0, -1, some[0], -1000, -some[1]])),
    }


def _drops_repeats(dataset, indices):
    unique, first = np.unique(indices % len(dataset), return_index=True)
    return dataset[unique][np.argsort(first)]  # each row once, in the order first asked


def _attrs_on_dataset(path, images, labels, source, chunk_images):
    return _write(path, images, labels, source, chunk_images, on="images")


def _auto_chunks(path, images, labels, source, chunk_images):
    return _write(path, images, labels, source, chunk_images, chunks=False)


def _append_mode(path, images, labels, source, chunk_images):
    return _write(path, images, labels, source, chunk_images, mode="a")


exercise(
    "02.2",
    title="images in chunks of whole images with gzip, labels, and the file's attributes",
    why=(
        "two datasets, chunks of whole images compressed with gzip, and the file's own attributes,"
        " in a file that holds nothing else."
    ),
    reference=_save_digits,
    cases=_save_cases,
    call=_write_and_read,
    guarded=(_save_digits, write_arrays, write_digits),
    mistakes={
        _attrs_on_dataset: (
            "your attributes 'source' and 'count' are attached to a dataset, not to the file (/)."
        ),
        _auto_chunks: (
            "your images are in chunks whose shape h5py chose; ask for chunk_images whole images."
        ),
        _append_mode: (
            "the file still holds the datasets of the older file at that path: mind the file mode."
        ),
    },
)


def _sorted(dataset, indices):
    return dataset[np.unique(indices % len(dataset))]


def _whole_dataset(dataset, indices):
    return dataset[()][indices]


exercise(
    "02.3",
    title="the rows asked for, in that order, with repeats; only those rows are read",
    why=(
        "the rows in the order asked for, repeats included, reading from the file only the chunks "
        "that hold them."
    ),
    reference=read_rows,
    cases=_rows_cases,
    call=_read_from_file,
    mistakes={
        _sorted: (
            "your rows come back sorted by row number, without repeats; keep the order asked for."
        ),
        _drops_repeats: "a row asked for twice comes back only once; return one row per index.",
        _whole_dataset: (
            "your function reads the whole dataset to pick a few rows; read only the rows asked "
            "for."
        ),
    },
)
