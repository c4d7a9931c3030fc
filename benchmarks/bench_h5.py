"""Reading 1,000 random rows of a 70,000 x 784 uint8 HDF5 dataset, in several layouts.

``helpers.h5.read_rows`` is compared, in each layout, with three ways a
student might do it: a Python loop reading one row at a time, reading the
whole dataset and indexing it with numpy, and h5py's own point selection
(which needs the indices sorted and unique, so it gets them that way).

The data are real MNIST pixels: the 70,000 official digits (train + test)
when ``MNIST_DATA_DIR`` is set, else the 5,000-digit sample tiled 14 times.
Every measurement opens the file afresh, so HDF5's chunk cache (8 MiB in
HDF5 2.0) starts empty; the operating system's file cache is warm, so this
measures HDF5 and decompression, not the disk. Files go to a temporary folder
that is deleted afterwards.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np

from benchmarks.timing import Row, median_time, print_rows
from helpers.data import load_mnist, load_sample
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


def pixels() -> tuple[np.ndarray, str]:
    """70,000 x 784 uint8 MNIST pixels and a note saying where they come from."""
    if os.environ.get("MNIST_DATA_DIR"):
        parts = [load_mnist(split, progress=False)[0] for split in ("train", "test")]
        return np.concatenate(parts).reshape(N_ROWS, 784), "full MNIST train+test"
    sample = load_sample()[0].reshape(5000, 784)
    return np.tile(sample, (N_ROWS // 5000, 1)), "5,000-digit sample tiled x14"


def _fresh(path: Path, read: Callable[[h5py.Dataset], object]) -> Callable[[], object]:
    def run() -> object:
        with h5py.File(path, "r") as f:
            return read(f["pixels"])

    return run


def run(repeats: int = 5) -> list[Row]:
    data, source = pixels()
    rows = np.random.default_rng(0).integers(0, N_ROWS, N_READ)  # random, with repeats
    unique = np.unique(rows)
    peers: dict[str, Callable[[h5py.Dataset], object]] = {
        "per-row loop": lambda d: np.stack([d[i] for i in rows]),
        "read all, then numpy": lambda d: d[()][rows],
        "h5py d[sorted unique]": lambda d: d[unique],
    }
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for layout, options in LAYOUTS.items():
            path = write_arrays(Path(folder) / "pixels.h5", {"pixels": data}, **options)
            ours_fn = _fresh(path, lambda d: read_rows(d, rows))
            assert np.array_equal(ours_fn(), data[rows])
            ours = median_time(ours_fn, repeats=repeats)
            note = f"[{source}; file {path.stat().st_size / 1e6:.1f} MB]"
            for peer, read in peers.items():
                peer_s = median_time(_fresh(path, read), repeats=repeats)
                results.append(Row(f"read_rows 1k of 70k, {layout}", ours, peer, peer_s, note))
    return results


if __name__ == "__main__":
    print_rows(run())
