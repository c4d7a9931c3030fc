"""Backpropagation: the mean cross-entropy of an MLP and its gradients (notebook 06)."""

from __future__ import annotations

import numpy as np

from helpers.mlp import MLP, _mlp_or_raise
from helpers.validation import _check_labels, _check_probabilities, _to_unit_float, check_images

__all__ = ["cross_entropy", "gradients"]


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean of ``-log(probability of the true class)``; a probability of 0 counts as 2.2e-308."""
    probs = _check_probabilities(probs)
    return _cross_entropy(probs, _check_labels(labels, len(probs), n_classes=probs.shape[1]))


def gradients(model: MLP, images: np.ndarray, labels: np.ndarray) -> tuple[float, list, list]:
    """``loss, grad_w, grad_b``: a batch's mean cross-entropy and its (float32) gradients."""
    model = _mlp_or_raise(model)
    X = _to_unit_float(check_images(images).reshape(-1, 784))
    labels = _check_labels(labels, len(X), n_classes=model.layer_sizes[-1])
    probs, hidden = model._forward_rows(X)
    delta = probs.copy()  # the gradient at the logits: (P - one-hot labels) / N
    delta[np.arange(len(X)), labels] -= 1
    delta /= len(X)
    inputs = [X, *hidden]  # what each layer received
    grad_w, grad_b = [None] * len(inputs), [None] * len(inputs)
    for i in reversed(range(len(inputs))):
        grad_w[i], grad_b[i] = delta.T @ inputs[i], delta.sum(axis=0)
        if i > 0:  # ReLU passes the gradient only where it was active
            delta = (delta @ model.weights[i]) * (inputs[i] > 0)
    return _cross_entropy(probs, labels), grad_w, grad_b


def _cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    p_true = probs[np.arange(len(labels)), labels].astype(np.float64)
    return float(-np.mean(np.log(np.maximum(p_true, np.finfo(np.float64).tiny))))
