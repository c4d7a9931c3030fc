"""Backpropagation: the mean cross-entropy of an MLP and its gradient for every parameter.

Notebook 06 derives and writes this in cells; :func:`gradients` is the same
computation, used by :mod:`helpers.training` and by the script that trained the
reference weights (``tools/train.py``).

For a batch of N inputs with probabilities ``P`` (N, classes) and one-hot labels
``Y``, the mean cross-entropy is ``-sum(Y * log P) / N``. Its gradient with
respect to the logits (the output layer before softmax) is ``(P - Y) / N``.
Going back one layer with batches stored as rows (``A_i = relu(A_{i-1} @ W_i.T + b_i)``):

* ``dW_i = D_i.T @ A_{i-1}`` and ``db_i = D_i.sum(axis=0)``, where ``D_i`` is the
  gradient at layer i's pre-activation;
* ``D_{i-1} = (D_i @ W_i) * (A_{i-1} > 0)``: back through the weights, then
  through ReLU, which passes the gradient only where the unit was active.
"""

from __future__ import annotations

import numpy as np

from helpers.mlp import MLP
from helpers.validation import check_images, check_labels, check_probabilities

__all__ = ["cross_entropy", "gradients"]


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean of ``-log(probability of the true class)`` over the rows of ``probs``.

    Parameters
    ----------
    probs : array of shape (N, n_classes)
        Each row sums to 1 (a softmax output).
    labels : int array of shape (N,)
        The true classes, 0 to n_classes - 1.

    Returns
    -------
    float
        0 for certain, correct predictions; ``log(n_classes)`` for uniform guessing.
        A probability of exactly 0 for the true class counts as the smallest
        positive float (the loss is large but finite).
    """
    probs = check_probabilities(probs)
    labels = check_labels(labels, len(probs), n_classes=probs.shape[1])
    p_true = probs[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.maximum(p_true, np.finfo(probs.dtype).tiny))))


def gradients(
    model: MLP, images: np.ndarray, labels: np.ndarray
) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """Mean cross-entropy of a batch and its gradients, by backpropagation.

    Parameters
    ----------
    model : MLP
        A network with 784 inputs (ReLU hidden layers, softmax output).
    images : array of shape (N, 28, 28) or (N, 784)
        uint8 pixels (0-255, divided by 255) or floats in [0, 1].
    labels : int array of shape (N,)
        The true classes, 0 to (number of outputs - 1).

    Returns
    -------
    loss : float
        The mean cross-entropy of the batch.
    grad_w, grad_b : lists of float32 arrays
        The gradients of the loss, shaped like ``model.weights`` and ``model.biases``.

    Examples
    --------
    >>> model = MLP.initialized([784, 16, 10], seed=0)
    >>> loss, grad_w, grad_b = gradients(model, np.zeros((2, 784), np.float32), [3, 7])
    >>> [g.shape for g in grad_w], [g.shape for g in grad_b]
    ([(16, 784), (10, 16)], [(16,), (10,)])
    """
    X = check_images(images).reshape(-1, 784)
    if X.dtype == np.uint8:
        X = X.astype(np.float32) / np.float32(255)
    n = len(X)
    labels = check_labels(labels, n, n_classes=model.layer_sizes[-1])
    probs, hidden = model.forward(X, return_hidden=True)
    loss = cross_entropy(probs, labels)
    delta = probs.copy()  # gradient at the logits: (P - Y) / N
    delta[np.arange(n), labels] -= 1
    delta /= n
    inputs = [X, *hidden]  # what each layer received
    grad_w, grad_b = [], []
    for i in reversed(range(len(model.weights))):
        grad_w.append(delta.T @ inputs[i])
        grad_b.append(delta.sum(axis=0))
        if i > 0:
            delta = delta @ model.weights[i]
            delta *= hidden[i - 1] > 0  # ReLU passes the gradient only where it was active
    return loss, grad_w[::-1], grad_b[::-1]
