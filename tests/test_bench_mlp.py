"""The MLP benchmark runs, names its data and says when torch is missing."""

import numpy as np

from benchmarks import bench_mlp


def test_digits_from_the_sample_when_mnist_is_not_set(monkeypatch):
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    images, note = bench_mlp._digits()
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert "sample" in note
    np.testing.assert_array_equal(images[:5000], images[5000:])


def test_run_without_torch(monkeypatch):
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    monkeypatch.setattr(bench_mlp, "_torch_forward", lambda model, threads: None)
    monkeypatch.setattr(bench_mlp, "MATMUL_N", 256)
    rows = bench_mlp.run(repeats=1)
    assert [r.peer for r in rows] == ["per-image loop", "torch (CPU)", "matmul rate, same FLOPs"]
    assert rows[1].peer_s is None and "torch not installed" in rows[1].note
    assert all(r.ours_s > 0 for r in rows) and rows[0].peer_s > 0 and rows[2].peer_s > 0
    assert rows[2].note.count("GFLOP/s") == 2
