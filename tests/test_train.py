"""Training code: gradients against finite differences, shifts, a tiny training run."""

import numpy as np
import pytest

from helpers.mlp import MLP
from helpers.train import accuracy, flush_subnormals, gradients, random_shifts, train_mlp


def _loss(model, X, y):
    model.refresh()
    return gradients(model, X, y)[0]


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    model = MLP.initialized([6, 5, 4, 3], seed=3)
    model.biases = [b + 0.2 for b in model.biases]
    model.refresh()
    X, y = rng.random((7, 6), dtype=np.float32), rng.integers(0, 3, 7)
    _, grad_w, grad_b = gradients(model, X, y)
    eps = 1e-2
    for params, grads in [(model.weights, grad_w), (model.biases, grad_b)]:
        for p, g in zip(params, grads, strict=True):
            assert g.shape == p.shape
            for flat in range(0, p.size, 3):
                i = np.unravel_index(flat, p.shape)
                p[i] += eps
                up = _loss(model, X, y)
                p[i] -= 2 * eps
                down = _loss(model, X, y)
                p[i] += eps
                assert (up - down) / (2 * eps) == pytest.approx(g[i], abs=2e-4)


def test_random_shifts_move_by_at_most_one_pixel_and_fill_zeros():
    image = np.zeros((1, 5, 5), np.uint8)
    image[0, 2, 2] = 9
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(60):
        out = random_shifts(image, rng)
        assert out.shape == (1, 5, 5) and out.sum() == 9
        r, c = np.argwhere(out[0])[0]
        seen.add((r - 2, c - 2))
    assert seen == {(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
    edge = np.full((1, 3, 3), 7, np.uint8)
    shifted = [random_shifts(edge, rng) for _ in range(30)]
    assert any((s == 0).any() for s in shifted), "zeros must be shifted in, not wrapped"


def test_training_learns_a_simple_task():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    images = np.zeros((400, 6, 6), np.uint8)
    images[labels == 0, :, :3] = 200  # class 0: left half lit; class 1: right half
    images[labels == 1, :, 3:] = 200
    model = train_mlp(images, labels, [36, 8, 2], epochs=3, batch_size=32, progress=False)
    assert accuracy(model, images, labels) == 1.0


def test_train_rejects_bad_data():
    with pytest.raises(ValueError, match="uint8"):
        train_mlp(np.zeros((4, 28, 28)), np.zeros(4, int), epochs=1, progress=False)


def test_accuracy_checks_lengths():
    model = MLP.initialized([4, 2])
    with pytest.raises(ValueError, match="as many labels"):
        accuracy(model, np.zeros((3, 4)), np.zeros(2, int))


def test_flush_subnormals():
    a = np.array([1e-40, -1e-39, 0.0, 1e-30, -2.0], np.float32)
    b = np.array([[3e-41]], np.float32)
    assert flush_subnormals([a, b]) == 3
    np.testing.assert_array_equal(a, np.array([0, 0, 0, 1e-30, -2], np.float32))
    assert b[0, 0] == 0


def test_command_line_trains_and_records_provenance(monkeypatch, tmp_path):
    import helpers.data
    from helpers.mlp import load_mlp
    from helpers.train import main

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(60, 28, 28), dtype=np.uint8)
    labels = np.arange(60) % 10
    monkeypatch.setattr(helpers.data, "load_mnist", lambda split: (images, labels))
    monkeypatch.setattr(helpers.data, "sample_indices", lambda train_labels: np.arange(10))
    out = tmp_path / "w.h5"
    main(["--out", str(out), "--epochs", "1", "--batch-size", "16"])
    model = load_mlp(out)
    assert model.layer_sizes == [784, 200, 100, 10]
    meta = model.metadata
    assert "1 epochs, batch 16" in meta["training"]
    assert meta["command"].endswith("--epochs 1 --batch-size 16")
    assert 0 <= meta["test_accuracy"] <= 1 and 0 <= meta["sample_accuracy"] <= 1
