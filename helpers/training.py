"""Training an MLP: mini-batches, the Adam optimizer, accuracy, and a loop with progress.

Notebook 06 writes mini-batch gradient descent and Adam in cells, then trains
with :func:`train` on the bundled sample. The script that trained the reference
weights (``tools/train.py``) calls the same :func:`train`, adding random shifts
of the images and a cosine learning-rate schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from helpers.backprop import cross_entropy, gradients
from helpers.mlp import MLP
from helpers.validation import check_images, check_labels, check_number, check_positive_int

__all__ = ["Adam", "accuracy", "train"]


class Adam:
    """The Adam optimizer: steps scaled by running averages of the gradients and their squares.

    For each parameter ``p`` with gradient ``g``, step ``t`` (from 1) does::

        m = beta1 * m + (1 - beta1) * g          # running mean of g
        v = beta2 * v + (1 - beta2) * g * g      # running mean of g squared
        p -= lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)

    The factor with ``t`` corrects the averages' start at zero. Every parameter
    moves by about ``lr`` per step whatever the size of its gradient.

    Parameters
    ----------
    params : list of arrays
        Updated in place by :meth:`step`.
    lr : float
        The learning rate (> 0).
    beta1, beta2 : float
        Decay of the running averages, in [0, 1).
    eps : float
        Keeps the division finite where ``v`` is 0.
    """

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(params, list | tuple) or not all(
            isinstance(p, np.ndarray) and p.dtype.kind == "f" for p in params
        ):
            raise TypeError(
                "params must be a list of float arrays, e.g. model.weights + model.biases; "
                f"got {type(params).__name__}"
            )
        self.params = list(params)
        self.lr = check_number(lr, "lr", low=0, low_inclusive=False)
        self.beta1 = check_number(beta1, "beta1", low=0, high=1)
        self.beta2 = check_number(beta2, "beta2", low=0, high=1)
        if self.beta1 == 1 or self.beta2 == 1:
            raise ValueError("beta1 and beta2 must be below 1")
        self.eps = check_number(eps, "eps", low=0, low_inclusive=False)
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, grads: Sequence[np.ndarray], lr: float | None = None) -> None:
        """Move every parameter along its gradient (``lr`` overrides the learning rate once)."""
        rate = self.lr if lr is None else check_number(lr, "lr", low=0)
        shapes = [p.shape for p in self.params]
        if [np.shape(g) for g in grads] != shapes:
            raise ValueError(f"grads must have the parameters' shapes {shapes}")
        self.t += 1
        correction = np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= (rate * correction) * m / (np.sqrt(v) + self.eps)


def accuracy(model: MLP, images: np.ndarray, labels: np.ndarray, batch_size: int = 2000) -> float:
    """Fraction of ``images`` that ``model`` classifies as ``labels``.

    Parameters
    ----------
    model : MLP
    images : array of shape (N, 28, 28) or (N, 784)
        uint8 pixels or floats in [0, 1].
    labels : int array of shape (N,)
    batch_size : int
        Images per forward pass (bounds the memory used).

    Returns
    -------
    float
        Between 0 and 1.
    """
    images = check_images(images)
    labels = check_labels(labels, len(images), n_classes=model.layer_sizes[-1])
    batch_size = check_positive_int(batch_size, "batch_size")
    hits = 0
    for start in range(0, len(labels), batch_size):
        probs = model.forward(images[start : start + batch_size])
        hits += int(np.sum(probs.argmax(axis=1) == labels[start : start + batch_size]))
    return hits / len(labels)


def train(
    model: MLP,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    cosine: bool = False,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    held_out: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
    progress: bool = True,
) -> tuple[MLP, dict[str, list[float]]]:
    """Train a copy of ``model`` with mini-batch Adam on the mean cross-entropy.

    Parameters
    ----------
    model : MLP
        The starting point (e.g. ``MLP.initialized(sizes, seed)``); it is not changed.
    images : array of shape (N, 28, 28) or (N, 784)
        uint8 pixels or floats in [0, 1].
    labels : int array of shape (N,)
    epochs : int
        Passes over the data, each in a new random order.
    batch_size : int
        Images per step (the last batch of an epoch may be smaller).
    lr : float
        Adam's learning rate (the peak rate if ``cosine``).
    weight_decay : float
        Adds ``weight_decay * W`` to the gradient of each weight matrix (not the
        biases): an L2 penalty ``weight_decay / 2 * ||W||^2``.
    cosine : bool
        Decay the learning rate from ``lr`` to 0 along a half cosine over all steps.
    augment : callable, optional
        ``augment(batch, rng)`` returns a changed copy of a uint8 batch (N, 28, 28),
        e.g. random shifts; it gets the training's random generator.
    held_out : (images, labels), optional
        If given, after every epoch the loss and accuracy on the whole training
        set and on these held-out digits are recorded.
    seed : int
        Seeds the order of the digits (and ``augment``).
    progress : bool
        Show a text progress bar, updated after every epoch.

    Returns
    -------
    model : MLP
        The trained network.
    history : dict of lists
        ``"batch_loss"`` (the loss of every step); with ``held_out`` also
        ``"train_loss"``, ``"train_accuracy"``, ``"held_out_loss"``,
        ``"held_out_accuracy"`` (one value per epoch).

    Notes
    -----
    The loop runs with one BLAS thread: the matrices of a step are small, and
    extra threads mostly wait for each other (measured on 2 shared cores: 8
    epochs of notebook 06's run took 1.6 s of CPU with one thread, 20 s with
    two). It also makes the result independent of the machine's thread count.
    """
    images = check_images(images)
    labels = check_labels(labels, len(images), n_classes=model.layer_sizes[-1])
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    weight_decay = check_number(weight_decay, "weight_decay", low=0)
    if held_out is not None:
        held_images = check_images(held_out[0], name="held-out images")
        held_labels = check_labels(
            held_out[1], len(held_images), n_classes=model.layer_sizes[-1], name="held-out labels"
        )
    weights = [w.copy() for w in model.weights]
    biases = [b.copy() for b in model.biases]
    optimizer = Adam(weights + biases, lr=lr)
    rng = np.random.default_rng(seed)
    steps = epochs * -(-len(labels) // batch_size)  # epochs x batches, rounded up
    history: dict[str, list[float]] = {"batch_loss": []}
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in tqdm(range(epochs), desc="training", unit="epoch", disable=not progress,
                      mininterval=0):
            order = rng.permutation(len(labels))
            for start in range(0, len(labels), batch_size):
                idx = order[start : start + batch_size]
                batch = images[idx] if augment is None else augment(images[idx], rng)
                X = _as_float32(batch)
                try:
                    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
                        model = MLP(weights, biases)  # wraps the current arrays, no copy
                        loss, grad_w, grad_b = gradients(model, X, labels[idx])
                except ValueError:
                    if not _diverged(weights + biases, X):
                        raise
                    raise FloatingPointError(
                        f"training diverged at step {optimizer.t + 1}: the network's weights or "
                        f"outputs became NaN or infinite; lower lr (it is {lr:g})"
                    ) from None
                grad_w = [g + weight_decay * w for g, w in zip(grad_w, weights, strict=True)]
                rate = lr * 0.5 * (1 + np.cos(np.pi * optimizer.t / steps)) if cosine else lr
                optimizer.step(grad_w + grad_b, lr=rate)
                history["batch_loss"].append(loss)
            if held_out is not None:
                model = MLP(weights, biases)
                _record(history, "train", model, images, labels)
                _record(history, "held_out", model, held_images, held_labels)
    return MLP(weights, biases), history


def _record(history: dict, name: str, model: MLP, images: np.ndarray, labels: np.ndarray) -> None:
    """Append the loss and accuracy of ``model`` on these digits to ``history``."""
    probs = model.forward(images)
    history.setdefault(f"{name}_loss", []).append(cross_entropy(probs, labels))
    history.setdefault(f"{name}_accuracy", []).append(float(np.mean(probs.argmax(1) == labels)))


def _diverged(parameters: list[np.ndarray], X: np.ndarray) -> bool:
    """True when the weights and biases, or the logits they give on ``X``, are NaN or inf."""
    if not all(np.isfinite(p).all() for p in parameters):
        return True
    half = len(parameters) // 2
    with np.errstate(all="ignore"):
        a = X
        for W, b in zip(parameters[:half], parameters[half:], strict=True):
            a = np.maximum(a @ W.T + b, 0)
    return not np.isfinite(a).all()


def _as_float32(batch: np.ndarray) -> np.ndarray:
    """A batch as float32 rows (N, 784) in [0, 1]."""
    X = batch.reshape(len(batch), -1)
    if X.dtype == np.uint8:
        return X.astype(np.float32) / np.float32(255)
    return X.astype(np.float32, copy=False)
