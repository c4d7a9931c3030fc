"""The MLP benchmark runs, names its data and says when torch is missing."""

import numpy as np
import pytest

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


def test_interleaved_medians_times_every_function_in_turns():
    calls = []
    result = bench_mlp.interleaved_medians(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3
    )
    assert calls == ["a", "b"] * 4  # one warm-up round, then three timed rounds
    assert set(result) == {"a", "b"} and all(t >= 0 for t in result.values())


def test_torch_forward_matches_ours_when_torch_is_installed():
    pytest.importorskip("torch")
    from helpers.data import load_sample
    from helpers.mlp import load_mlp
    from helpers.paths import REFERENCE_WEIGHTS

    model = load_mlp(REFERENCE_WEIGHTS)
    images, _ = load_sample()
    forward = bench_mlp._torch_forward(model, threads=1)
    np.testing.assert_allclose(forward(images[:50]), model.forward(images[:50]), atol=1e-5)
