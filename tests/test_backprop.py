"""helpers.backprop: gradients against finite differences and PyTorch; bad labels refused."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.backprop import backward, cross_entropy, gradients
from helpers.mlp import MLP


def small_network(seed: int, hidden: list[int], n_images: int = 6):
    """A random 784-...-4 network with non-zero biases, float [0, 1] images and labels."""
    rng = np.random.default_rng(seed)
    model = MLP.initialized([784, *hidden, 4], seed=seed)
    model = MLP(model.weights, [rng.normal(0, 0.3, b.shape) for b in model.biases])
    images = rng.random((n_images, 784))
    labels = rng.integers(0, 4, n_images)
    return model, images, labels


def loss64(weights, biases, X, y):
    """The mean cross-entropy in float64, written independently of the package."""
    a = X
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        a = np.maximum(a @ W.T + b, 0)
    z = a @ weights[-1].T + biases[-1]
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()


@settings(deadline=None, max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), hidden=st.lists(st.integers(1, 8), min_size=1, max_size=3))
def test_gradients_agree_with_finite_differences(seed, hidden):
    model, X, y = small_network(seed, hidden)
    loss, grad_w, grad_b = gradients(model, X.astype(np.float32), y)
    params = [w.astype(np.float64) for w in model.weights + model.biases]
    n = len(model.weights)
    assert loss == pytest.approx(loss64(params[:n], params[n:], X.astype(np.float32), y), rel=1e-5)
    rng = np.random.default_rng(seed)
    h = 1e-6
    for p, g in zip(params, grad_w + grad_b, strict=True):
        assert g.shape == p.shape and g.dtype == np.float32
        picks = rng.choice(p.size, size=min(p.size, 25), replace=False)
        numeric, analytic = [], []
        for flat in picks:
            i = np.unravel_index(flat, p.shape)
            p[i] += h
            up = loss64(params[:n], params[n:], X, y)
            p[i] -= 2 * h
            down = loss64(params[:n], params[n:], X, y)
            p[i] += h
            numeric.append((up - down) / (2 * h))
            analytic.append(g[i])
        numeric, analytic = np.array(numeric), np.array(analytic)
        scale = np.abs(numeric).max() + 1e-6
        assert np.abs(numeric - analytic).max() <= 1e-3 * scale


def test_a_forgotten_relu_derivative_would_be_caught():
    """The finite-difference check above can fail: a gradient without the ReLU mask differs."""
    model, X, y = small_network(0, [6])
    _, grad_w, _ = gradients(model, X, y)
    probs, (hidden,) = model.forward(X.astype(np.float32), return_hidden=True)
    delta = probs.copy()
    delta[np.arange(len(y)), y] -= 1
    delta /= len(y)
    wrong_w1 = (delta @ model.weights[1]).T @ X  # the mask (hidden > 0) left out
    assert (hidden == 0).any()
    assert np.abs(wrong_w1 - grad_w[0]).max() > 1e-3


def test_gradients_agree_with_pytorch_autograd():
    torch = pytest.importorskip("torch")
    model, X, y = small_network(7, [16, 8], n_images=20)
    loss, grad_w, grad_b = gradients(model, X, y)
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True)
              for p in model.weights + model.biases]
    n = len(model.weights)
    a = torch.tensor(X.astype(np.float32), dtype=torch.float64)
    for W, b in zip(params[: n - 1], params[n:-1], strict=True):
        a = torch.relu(a @ W.T + b)
    logits = a @ params[n - 1].T + params[-1]
    torch_loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-5)
    for p, g in zip(params, grad_w + grad_b, strict=True):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_backward_from_the_activations_is_the_gradients_backward_pass():
    """backward (notebook 06's reference) on float64 activations: gradients' values, any
    activation_backward in the hidden layers, and a clear error for a short activation list."""
    model, X, y = small_network(3, [5, 4])
    _, grad_w, grad_b = gradients(model, X.astype(np.float32), y)
    probs, hidden = model.forward(X.astype(np.float32), return_hidden=True)
    activations = [a.astype(np.float64) for a in [X.astype(np.float32), *hidden, probs]]
    weights = [W.astype(np.float64) for W in model.weights]
    ours_w, ours_b = backward(weights, activations, y)
    for ours, theirs in zip(ours_w + ours_b, grad_w + grad_b, strict=True):
        assert ours.dtype == np.float64
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-7)
    relu_step = backward(weights, activations, y, lambda A, upstream: upstream * (A > 0))
    no_mask = backward(weights, activations, y, lambda A, upstream: upstream)
    np.testing.assert_array_equal(relu_step[0][0], ours_w[0])
    assert (hidden[-1] == 0).any() and not np.allclose(no_mask[0][0], ours_w[0])
    np.testing.assert_array_equal(no_mask[0][-1], ours_w[-1])  # the top layer has no mask
    assert activations[-1].dtype == np.float64 and np.allclose(activations[-1].sum(axis=1), 1)
    with pytest.raises(ValueError, match=r"activations must be \[X, A_1, ..., P\]: 4 arrays"):
        backward(weights, activations[1:], y)


def test_uint8_images_are_scaled_like_floats():
    model, X, y = small_network(1, [5])
    pixels = np.round(X * 255).astype(np.uint8)
    loss_u8, gw_u8, _ = gradients(model, pixels, y)
    loss_f, gw_f, _ = gradients(model, pixels.astype(np.float32) / 255, y)
    assert loss_u8 == pytest.approx(loss_f, rel=1e-6)
    np.testing.assert_allclose(gw_u8[0], gw_f[0], rtol=1e-5, atol=1e-7)


def test_cross_entropy_values():
    uniform = np.full((3, 10), 0.1)
    assert cross_entropy(uniform, [0, 5, 9]) == pytest.approx(np.log(10))
    certain = np.eye(4)
    assert cross_entropy(certain, [0, 1, 2, 3]) == 0
    assert np.isfinite(cross_entropy(certain, [1, 1, 2, 3]))  # p = 0 for the true class


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 1, 2, -1, 0, 1], "between 0 and 3"),
        ([0, 1, 2, 4, 0, 1], "between 0 and 3"),
        ([0, 1, 2], r"shape \(6,\)"),
        (np.zeros((6, 1), int), r"shape \(6,\)"),
    ],
)
def test_bad_labels_are_refused(labels, message):
    model, X, _ = small_network(0, [3])
    with pytest.raises(ValueError, match=message):
        gradients(model, X, labels)
    with pytest.raises(ValueError, match=message):
        cross_entropy(np.full((6, 4), 0.25), labels)


def test_labels_that_are_not_integers_are_a_type_error():
    model, X, _ = small_network(0, [3])
    with pytest.raises(TypeError, match="integers"):
        gradients(model, X, np.zeros(6))
    with pytest.raises(TypeError, match="integers"):
        cross_entropy(np.full((6, 4), 0.25), np.zeros(6))


def test_bad_images_are_refused():
    model, X, y = small_network(0, [3])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        gradients(model, X * 255, y)
    with pytest.raises(ValueError, match="NaN"):
        gradients(model, np.full_like(X, np.nan), y)
    with pytest.raises(ValueError, match="shape"):
        gradients(model, X[:, :100], y)


@pytest.mark.parametrize(
    "probs",
    [np.zeros((2, 4)), np.full((2, 4), 0.5), [[1.5, -0.5, 0, 0]] * 2, np.full((2, 4), np.nan)],
)
def test_cross_entropy_refuses_what_is_not_a_probability_row(probs):
    with pytest.raises(ValueError, match="each row summing to 1|NaN or infinite"):
        cross_entropy(probs, [0, 1])


def test_gradients_of_a_network_that_is_not_784_wide():
    """gradients takes the network's own input width: rows (N, 30) or images (N, 5, 6)."""
    rng = np.random.default_rng(11)
    model = MLP.initialized([30, 6, 3], seed=11)
    X = rng.random((8, 30)).astype(np.float32)
    y = rng.integers(0, 3, 8)
    loss, grad_w, grad_b = gradients(model, X, y)
    params = [p.astype(np.float64) for p in model.weights + model.biases]
    assert loss == pytest.approx(loss64(params[:2], params[2:], X, y), rel=1e-5)
    assert [g.shape for g in grad_w] == [(6, 30), (3, 6)]
    as_images = gradients(model, X.reshape(8, 5, 6), y)
    np.testing.assert_array_equal(as_images[1][0], grad_w[0])
    with pytest.raises(ValueError, match=r"one image is X\[None\]"):
        gradients(model, X[0], y[:1])
