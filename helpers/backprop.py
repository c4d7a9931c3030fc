"""Backpropagation: the mean cross-entropy of an MLP and its gradients (notebook 06)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers.mlp import MLP
from helpers.validation import check_labels, check_mlp, check_probabilities, to_unit_float

__all__ = ["backward", "cross_entropy", "gradients"]


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Compute the mean cross-entropy of predicted probabilities.

    The loss of one row is ``-log(probability of the true class)``. A probability of 0
    counts as 2.2e-308, so the loss stays finite.

    Parameters
    ----------
    probs : array_like of shape (N, n_classes)
        Probabilities, e.g. ``model.forward(images)``: rows of entries >= 0 summing to 1.
    labels : array_like of int, shape (N,)
        The true classes, 0 to n_classes - 1.

    Returns
    -------
    float
        The mean loss over the N rows.
    """
    probs = check_probabilities(probs)
    labels = check_labels(labels, len(probs), n_classes=probs.shape[1])
    return _cross_entropy(probs, labels)


def gradients(model: MLP, images: np.ndarray, labels: np.ndarray) -> tuple[float, list, list]:
    """Compute a batch's mean cross-entropy and its gradients.

    A forward pass that keeps the activations, then :func:`backward`.

    Parameters
    ----------
    model : MLP
        The network.
    images : array_like of shape (N, n_inputs) or (N, height, width)
        A batch of uint8 pixels (0-255) or floats in [0, 1].
    labels : array_like of int, shape (N,)
        The true classes.

    Returns
    -------
    loss : float
        The mean cross-entropy of the batch.
    grad_w : list of numpy.ndarray
        The gradient of each weight matrix (float32), in the order of ``model.weights``.
    grad_b : list of numpy.ndarray
        The gradient of each bias (float32), in the order of ``model.biases``.
    """
    model = check_mlp(model)
    X = to_unit_float(images)  # float32 in [0, 1]: the input layer's activations
    probs, hidden = model.forward(X, return_hidden=True)  # checks the shape of the batch
    X = X.reshape(len(probs), -1)  # one row per image
    labels = check_labels(labels, len(X), n_classes=model.layer_sizes[-1])
    activations = [X, *hidden, probs]
    grad_w, grad_b = backward(model.weights, activations, labels)
    loss = _cross_entropy(probs, labels)
    return loss, grad_w, grad_b


def backward(
    weights: Sequence[np.ndarray], activations: Sequence[np.ndarray], labels: np.ndarray,
    activation_backward: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> tuple[list, list]:
    """Compute the gradients of the mean cross-entropy from a forward pass's activations.

    The backward pass of notebook 06: from the softmax output down to the first layer.

    Parameters
    ----------
    weights : sequence of numpy.ndarray
        ``W_1, ..., W_L``, each of shape (outputs, inputs).
    activations : sequence of numpy.ndarray
        ``[X, A_1, ..., A_{L-1}, P]``: the input rows, each hidden layer's activations and
        the softmax probabilities, one row per input.
    labels : numpy.ndarray of int, shape (N,)
        The true classes.
    activation_backward : callable, optional
        ``activation_backward(A, upstream)`` is the hidden layers' backward step: the
        gradient at a layer's pre-activation, from its activations ``A`` and the gradient
        ``upstream`` at ``A``. ReLU's by default.

    Returns
    -------
    grad_w : list of numpy.ndarray
        The gradient of each weight matrix.
    grad_b : list of numpy.ndarray
        The gradient of each bias.
    """
    if len(activations) != len(weights) + 1:
        raise ValueError(f"activations must be [X, A_1, ..., P]: {len(weights) + 1} arrays for "
                         f"{len(weights)} weight matrices, got {len(activations)}")
    n = len(labels)
    probs = activations[-1]
    delta = probs.copy()  # the gradient at the logits: (P - one-hot labels) / N
    delta[np.arange(n), labels] -= 1
    delta /= n
    grad_w = [None] * len(weights)
    grad_b = [None] * len(weights)
    for i in reversed(range(len(weights))):
        grad_w[i] = delta.T @ activations[i]
        grad_b[i] = delta.sum(axis=0)
        if i > 0:  # back through W_i, then through the activation (ReLU: where it was active)
            upstream = delta @ weights[i]
            if activation_backward is None:
                delta = upstream * (activations[i] > 0)
            else:
                delta = activation_backward(activations[i], upstream)
    return grad_w, grad_b


def _cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Return the mean cross-entropy of checked probabilities and labels."""
    p_true = probs[np.arange(len(labels)), labels].astype(np.float64)
    p_true = np.maximum(p_true, np.finfo(np.float64).tiny)  # log(0) would be -inf
    return float(-np.mean(np.log(p_true)))
