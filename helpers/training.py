"""Training an MLP: the Adam optimizer, accuracy, and the mini-batch loop (notebook 06)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from helpers.backprop import cross_entropy, gradients
from helpers.mlp import MLP
from helpers.validation import (
    check_images,
    check_labels,
    check_mlp,
    check_number,
    check_positive_int,
)

__all__ = ["Adam", "accuracy", "train"]


class Adam:
    """The Adam optimizer of Kingma and Ba (2015).

    Each step is scaled by running averages of the gradients and of their squares.
    The parameters are updated in place.

    Parameters
    ----------
    params : list of numpy.ndarray
        The float arrays to train, e.g. ``model.weights + model.biases``.
    lr : float or callable, default=1e-3
        The learning rate, a number > 0, or a function of the step number (0, 1, ...)
        that gives it.
    """

    beta1 = 0.9  # the decay of the running mean of the gradients (Kingma and Ba's value)
    beta2 = 0.999  # the decay of the running mean of their squares
    eps = 1e-8  # keeps the step finite where that mean is 0

    def __init__(self, params: Sequence[np.ndarray], lr: float | Callable[[int], float] = 1e-3):
        if isinstance(params, list | tuple):
            self.params = list(params)
        else:
            self.params = [params]
        if not all(isinstance(p, np.ndarray) and p.dtype.kind == "f" for p in self.params):
            raise TypeError("params must be a list of float arrays: model.weights + model.biases")
        if callable(lr):
            self.lr = lr
        else:
            self.lr = check_number(lr, "lr", low=0, low_inclusive=False)
        self.m = [np.zeros_like(p) for p in self.params]  # running mean of the gradients
        self.v = [np.zeros_like(p) for p in self.params]  # running mean of their squares
        self.t = 0  # the number of steps made

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Move every parameter against its gradient.

        Parameters
        ----------
        grads : sequence of numpy.ndarray
            One gradient per parameter, in the order of ``params``, of its shape.
        """
        if callable(self.lr):
            rate = check_number(self.lr(self.t), "lr", low=0)
        else:
            rate = self.lr
        shapes = [p.shape for p in self.params]
        if [np.shape(g) for g in grads] != shapes:
            raise ValueError(f"grads must have the parameters' shapes {shapes}")
        if not all(np.isfinite(g).all() for g in grads):  # one NaN would spread to every weight
            raise FloatingPointError(
                f"step {self.t + 1}: a gradient holds NaN or infinite values, and the parameters "
                "were left as they were; the learning rate may be too large (the loss grew "
                "until it overflowed), or a batch holds NaN or infinite inputs"
            )
        self.t += 1
        correction = np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m[...] = self.beta1 * m + (1 - self.beta1) * g
            v[...] = self.beta2 * v + (1 - self.beta2) * g * g
            p -= (rate * correction) * m / (np.sqrt(v) + self.eps)


def accuracy(model: MLP, images: np.ndarray, labels: np.ndarray) -> float:
    """Compute the fraction of images whose most probable class is their label.

    Parameters
    ----------
    model : MLP
        The network.
    images : array_like of shape (N, 28, 28) or (N, 784)
        uint8 pixels (0-255) or floats in [0, 1].
    labels : array_like of int, shape (N,)
        The true classes.

    Returns
    -------
    float
        The accuracy, between 0 and 1.
    """
    model = check_mlp(model)
    images = check_images(images)
    labels = check_labels(labels, len(images), n_classes=model.layer_sizes[-1])
    predicted = model.forward(images).argmax(axis=1)
    return float(np.mean(predicted == labels))


def train(
    model: MLP, images: np.ndarray, labels: np.ndarray, *, epochs: int, batch_size: int = 128,
    lr: float | Callable[[int], float] = 1e-3, optimizer: Callable[..., Adam] = Adam,
    transform: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    held_out: tuple[np.ndarray, np.ndarray] | None = None, seed: int = 0, progress: bool = True,
) -> tuple[MLP, dict[str, list[float]]]:
    """Train a copy of a network by mini-batch gradient descent on the mean cross-entropy.

    Each epoch visits the images in a new random order, ``batch_size`` at a time.

    Parameters
    ----------
    model : MLP
        The network to start from; it is left as it is.
    images : array_like of shape (N, 28, 28) or (N, 784)
        The training images, uint8 pixels (0-255) or floats in [0, 1].
    labels : array_like of int, shape (N,)
        Their classes.
    epochs : int
        How many times to visit every image, 1 to 1,000,000.
    batch_size : int, default=128
        The number of images per step.
    lr : float or callable, default=1e-3
        The learning rate, or a function of the step number that gives it.
    optimizer : callable, default=Adam
        ``optimizer(params, lr=lr)`` makes the optimizer that takes the steps.
    transform : callable, optional
        ``transform(batch, rng)`` returns a changed copy of each batch (e.g. shifted).
    held_out : tuple of (images, labels), optional
        Digits to evaluate after every epoch, beside the training digits.
    seed : int, default=0
        The seed of the order of the images (and of ``transform``'s generator).
    progress : bool, default=True
        Show a progress bar.

    Returns
    -------
    model : MLP
        The trained copy.
    history : dict of str to list of float
        ``"batch_loss"``, the loss of every step; with ``held_out``, also
        ``"train_loss"``, ``"train_accuracy"``, ``"held_out_loss"`` and
        ``"held_out_accuracy"`` after every epoch.
    """
    model = check_mlp(model)
    n_classes = model.layer_sizes[-1]
    images = check_images(images)
    labels = check_labels(labels, len(images), n_classes=n_classes)
    if check_positive_int(epochs, "epochs") > 10**6:
        raise ValueError(f"epochs must be at most 1,000,000, got {epochs}")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r:.40}")
    batch_size = check_positive_int(batch_size, "batch_size")
    evaluated = {}  # what the history records after each epoch
    if held_out is not None:
        x = check_images(held_out[0], name="held-out images")
        y = check_labels(held_out[1], len(x), n_classes=n_classes, name="held-out labels")
        evaluated = {"train": (images, labels), "held_out": (x, y)}
    model = MLP(model.weights, model.biases)  # a copy, trained in place
    opt = optimizer(model.weights + model.biases, lr=lr)
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"batch_loss": []}
    # one BLAS thread: the matrices of a step are small, and more threads mostly wait
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in tqdm(range(epochs), "training", unit="epoch", disable=not progress, mininterval=0):
            order = rng.permutation(len(labels))
            for start in range(0, len(labels), batch_size):
                idx = order[start : start + batch_size]
                batch = images[idx]
                if transform is not None:
                    batch = transform(batch, rng)
                with np.errstate(over="ignore", invalid="ignore"):  # divergence: checked below
                    loss, grad_w, grad_b = gradients(model, batch, labels[idx])
                if not np.isfinite(loss):
                    rate = "a schedule" if callable(lr) else f"{lr:g}"
                    raise FloatingPointError(
                        f"training diverged at step {len(history['batch_loss']) + 1}: the "
                        f"network's outputs became NaN or infinite; lower lr (it is {rate})"
                    )
                opt.step(grad_w + grad_b)
                history["batch_loss"].append(loss)
            for name, (x, y) in evaluated.items():
                loss = cross_entropy(model.forward(x), y)
                history.setdefault(f"{name}_loss", []).append(loss)
                history.setdefault(f"{name}_accuracy", []).append(accuracy(model, x, y))
    return model, history
