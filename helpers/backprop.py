"""Backpropagation: the mean cross-entropy of an MLP and its gradients (notebook 06)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers.mlp import MLP, _mlp_or_raise
from helpers.validation import check_images, check_labels, check_probabilities, to_unit_float

__all__ = ["backward", "cross_entropy", "gradients"]


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean of ``-log(probability of the true class)``; a probability of 0 counts as 2.2e-308."""
    probs = check_probabilities(probs)
    return _cross_entropy(probs, check_labels(labels, len(probs), n_classes=probs.shape[1]))


def gradients(model: MLP, images: np.ndarray, labels: np.ndarray) -> tuple[float, list, list]:
    """``loss, grad_w, grad_b``: a batch's mean cross-entropy and its (float32) gradients."""
    model = _mlp_or_raise(model)
    X = to_unit_float(check_images(images).reshape(-1, 784))
    labels = check_labels(labels, len(X), n_classes=model.layer_sizes[-1])
    probs, hidden = model._forward_rows(X)
    grad_w, grad_b = backward(model.weights, [X, *hidden, probs], labels)
    return _cross_entropy(probs, labels), grad_w, grad_b


def backward(
    weights: Sequence[np.ndarray], activations: Sequence[np.ndarray], labels: np.ndarray,
    activation_backward: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> tuple[list, list]:
    """``grad_w, grad_b`` of the mean cross-entropy, from a forward pass's ``activations``
    ``[X, A_1, ..., P]`` (rows are inputs); ``activation_backward(A, upstream)`` is the
    hidden layers' backward step, ReLU's by default."""
    if len(activations) != len(weights) + 1:
        raise ValueError(f"activations must be [X, A_1, ..., P]: {len(weights) + 1} arrays for "
                         f"{len(weights)} weight matrices, got {len(activations)}")
    probs, n = activations[-1], len(labels)
    delta = probs.copy()  # the gradient at the logits: (P - one-hot labels) / N
    delta[np.arange(n), labels] -= 1
    delta /= n
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grad_w[i], grad_b[i] = delta.T @ activations[i], delta.sum(axis=0)
        if i > 0:  # back through W_i, then through the activation (ReLU: where it was active)
            upstream = delta @ weights[i]
            if activation_backward is None:
                delta = upstream * (activations[i] > 0)
            else:
                delta = activation_backward(activations[i], upstream)
    return grad_w, grad_b


def _cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    p_true = probs[np.arange(len(labels)), labels].astype(np.float64)
    return float(-np.mean(np.log(np.maximum(p_true, np.finfo(np.float64).tiny))))
