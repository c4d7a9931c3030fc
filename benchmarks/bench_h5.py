"""Reading 1,000 random rows (with repeats) of a 70,000 x 784 uint8 HDF5 dataset, per layout.

``helpers.h5.read_rows`` (ours) is compared, in each layout, with three ways a
student might do it: a Python loop reading one row at a time, reading the
whole dataset and indexing it with numpy, and h5py's own point selection
(which needs the indices sorted and unique: ``np.unique`` gives them, and its
``inverse`` puts the rows back in the order asked for). Every strategy returns
the same array.

The data are real MNIST pixels: the 70,000 official digits (train + test)
when ``MNIST_DATA_DIR`` is set, else the 5,000-digit sample tiled 14 times.
Every call opens the file afresh, so HDF5's chunk cache starts empty; the
operating system's file cache is warm, so this measures HDF5 and
decompression, not the disk.
"""

from __future__ import annotations

import os

import h5py
import numpy as np
import pytest

from helpers.h5 import read_rows, write_arrays

#: Layout name -> options for write_arrays.
LAYOUTS: dict[str, dict[str, object]] = {
    "contiguous": {},
    "chunks 100 rows": {"chunk_rows": 100},
    "chunks 100 rows + gzip": {"chunk_rows": 100, "compression": "gzip"},
    "chunks 100 rows + lzf": {"chunk_rows": 100, "compression": "lzf"},
    "chunks 10 rows + gzip": {"chunk_rows": 10, "compression": "gzip"},
}
N_ROWS, N_READ = 70_000, 1_000
ROWS = np.random.default_rng(0).integers(0, N_ROWS, N_READ)  # random, with repeats
STRATEGIES = {
    "read_rows": lambda d: read_rows(d, ROWS),
    "per-row loop": lambda d: np.stack([d[i] for i in ROWS]),
    "read all, then numpy": lambda d: d[()][ROWS],
    "h5py d[sorted unique]": lambda d: _sorted_unique_then_reorder(d, ROWS),
}


def _sorted_unique_then_reorder(dataset: h5py.Dataset, rows: np.ndarray) -> np.ndarray:
    unique, inverse = np.unique(rows, return_inverse=True)
    return dataset[unique][inverse]


@pytest.fixture(scope="module")
def pixels() -> np.ndarray:
    if os.environ.get("MNIST_DATA_DIR"):
        from helpers.data import load_mnist

        parts = [load_mnist(split, progress=False)[0] for split in ("train", "test")]
        return np.concatenate(parts).reshape(N_ROWS, 784)
    from helpers.data import load_sample

    return np.tile(load_sample()[0].reshape(5000, 784), (N_ROWS // 5000, 1))


@pytest.fixture(scope="module")
def files(pixels, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("layouts")
    return {
        layout: write_arrays(folder / f"{i}.h5", {"pixels": pixels}, **options)
        for i, (layout, options) in enumerate(LAYOUTS.items())
    }


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_read_rows(benchmark, files, pixels, layout, strategy):
    def read() -> np.ndarray:
        with h5py.File(files[layout], "r") as f:
            return STRATEGIES[strategy](f["pixels"])

    benchmark.group = f"read_rows 1,000 of 70,000: {layout}"
    benchmark.extra_info["ours"] = strategy == "read_rows"
    got = benchmark(read)
    np.testing.assert_array_equal(got, pixels[ROWS])
