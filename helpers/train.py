"""Train the MLP with numpy: mini-batch Adam, a cosine learning-rate schedule, 1-pixel shifts.

This module produces the collection's reference weights::

    MNIST_DATA_DIR=/path/to/mnist python -m helpers.train --out data/mlp-784-200-100-10.h5

It trains on the official 60,000 training digits minus the 5,000 of the bundled
sample (:func:`helpers.data.load_sample`), so the notebooks' results on the
sample are on digits the network never saw. Everything is seeded: the same
command on the same machine gives the same weights (BLAS may change the last
bits on other machines).

The recipe (each part measured on the official test set, see data/README.md):

* cross-entropy loss on the softmax output, gradients by backpropagation;
* Adam (beta1 0.9, beta2 0.999) with a cosine decay of the learning rate from
  ``lr`` to 0 over all steps;
* light augmentation: each training image is shifted by -1, 0 or +1 pixel
  vertically and horizontally at random (zeros shifted in);
* a small L2 weight decay on the weight matrices (not the biases).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np

from helpers.mlp import MLP

__all__ = ["accuracy", "flush_subnormals", "gradients", "random_shifts", "train_mlp"]


def accuracy(model: MLP, images: np.ndarray, labels: np.ndarray, batch: int = 2000) -> float:
    """Fraction of ``images`` the model classifies as ``labels`` (batched to bound memory)."""
    labels = np.asarray(labels)
    if len(images) != len(labels) or len(labels) == 0:
        raise ValueError(f"need as many labels as images (> 0): {len(images)} vs {len(labels)}")
    hits = sum(
        int(np.sum(model.predict(images[i : i + batch]) == labels[i : i + batch]))
        for i in range(0, len(labels), batch)
    )
    return hits / len(labels)


def random_shifts(images: np.ndarray, rng: np.random.Generator, max_shift: int = 1) -> np.ndarray:
    """Shift each (28, 28) image by a random whole number of pixels in [-max_shift, max_shift].

    Pixels shifted in from outside are 0 (background); nothing wraps around.
    """
    n, h, w = images.shape
    s = max_shift
    padded = np.pad(images, ((0, 0), (s, s), (s, s)))
    dy = rng.integers(0, 2 * s + 1, size=n)
    dx = rng.integers(0, 2 * s + 1, size=n)
    rows = dy[:, None, None] + np.arange(h)[None, :, None]
    cols = dx[:, None, None] + np.arange(w)[None, None, :]
    return padded[np.arange(n)[:, None, None], rows, cols]


def flush_subnormals(arrays: Sequence[np.ndarray]) -> int:
    """Set subnormal float32 values (below ~1.2e-38 in size) to 0 in place; return how many.

    Units that die in training (never active) keep only the weight-decay gradient,
    which shrinks their weights to subnormal floats (~1e-40). Those mean nothing
    and slow arithmetic down on many CPUs.
    """
    count = 0
    for a in arrays:
        tiny = np.abs(a) < np.finfo(np.float32).tiny
        count += int(np.count_nonzero(tiny & (a != 0)))
        a[tiny] = 0
    return count


def gradients(
    model: MLP, X: np.ndarray, y: np.ndarray
) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """Mean cross-entropy of a batch and its gradients by backpropagation.

    Parameters
    ----------
    X : float32 array of shape (N, n_inputs), values in [0, 1]
    y : int array of shape (N,)

    Returns
    -------
    loss : float
    grad_w, grad_b : lists matching ``model.weights`` and ``model.biases``
    """
    probs, hidden = model.forward(X, return_hidden=True)
    n = len(y)
    loss = float(-np.mean(np.log(probs[np.arange(n), y] + 1e-12)))
    delta = probs  # d loss / d logits = (probs - one_hot) / n
    delta[np.arange(n), y] -= 1
    delta /= n
    inputs = [X, *hidden]
    grad_w, grad_b = [], []
    for i in reversed(range(len(model.weights))):
        grad_w.append(delta.T @ inputs[i])
        grad_b.append(delta.sum(axis=0))
        if i > 0:
            delta = delta @ model.weights[i]
            delta *= hidden[i - 1] > 0  # ReLU passes gradient only where it was active
    return loss, grad_w[::-1], grad_b[::-1]


def train_mlp(
    images: np.ndarray,
    labels: np.ndarray,
    layer_sizes: Sequence[int] = (784, 200, 100, 10),
    *,
    epochs: int = 60,
    batch_size: int = 128,
    lr: float = 2e-3,
    weight_decay: float = 5e-5,
    max_shift: int = 1,
    seed: int = 0,
    progress: bool = True,
) -> MLP:
    """Train an MLP on uint8 images with Adam and a cosine learning-rate schedule.

    Parameters
    ----------
    images : uint8 array of shape (N, 28, 28)
    labels : int array of shape (N,)
    layer_sizes : sequence of int
        Inputs first, classes last.
    epochs, batch_size : int
        Passes over the data, images per step.
    lr : float
        Peak learning rate; it decays to 0 along a half cosine.
    weight_decay : float
        L2 penalty ``weight_decay / 2 * ||W||^2`` on the weight matrices.
    max_shift : int
        Random shifts of up to this many pixels (0: no augmentation).
    seed : int
        Seeds the initial weights, the shuffling and the shifts.
    progress : bool
        Show a tqdm progress bar (one step per batch) with the running loss.

    Returns
    -------
    MLP
    """
    from tqdm.auto import tqdm

    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or images.dtype != np.uint8 or len(images) != len(labels):
        raise ValueError(
            f"need uint8 images (N, h, w) and N labels, got {images.dtype} {images.shape} "
            f"and {labels.shape}"
        )
    rng = np.random.default_rng(seed)
    model = MLP.initialized(layer_sizes, seed=seed)
    params = model.weights + model.biases
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    steps_per_epoch = int(np.ceil(len(labels) / batch_size))
    total = epochs * steps_per_epoch
    step = 0
    bar = tqdm(total=total, desc="training", disable=not progress, mininterval=1.0)
    for epoch in range(epochs):
        order = rng.permutation(len(labels))
        for start in range(0, len(labels), batch_size):
            idx = order[start : start + batch_size]
            batch = images[idx]
            if max_shift:
                batch = random_shifts(batch, rng, max_shift)
            X = batch.reshape(len(idx), -1).astype(np.float32) / np.float32(255)
            loss, gw, gb = gradients(model, X, labels[idx])
            grads = [g + weight_decay * w for g, w in zip(gw, model.weights, strict=True)] + gb
            step += 1
            rate = lr * 0.5 * (1 + np.cos(np.pi * (step - 1) / total))
            correction = np.sqrt(1 - beta2**step) / (1 - beta1**step)
            for p, g, mi, vi in zip(params, grads, m, v, strict=True):
                mi *= beta1
                mi += (1 - beta1) * g
                vi *= beta2
                vi += (1 - beta2) * g * g
                p -= (rate * correction) * mi / (np.sqrt(vi) + eps)
            model.refresh()
            bar.update()
            if step % 50 == 0:
                bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.4f}")
    bar.close()
    flush_subnormals(params)
    model.refresh()
    return model


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: train the reference network and save it with its provenance."""
    from helpers.data import load_mnist, sample_indices
    from helpers.mlp import save_mlp

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="HDF5 file to write")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--weight-decay", type=float, default=5e-5)
    parser.add_argument("--max-shift", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    # One BLAS thread: the matrices of a 128-image step are small, and on a shared
    # machine extra threads mostly wait for each other (measured: 2.5 ms per step
    # with one thread, 98 ms with two while other jobs ran).
    from threadpoolctl import threadpool_limits

    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    keep = np.setdiff1d(np.arange(len(train_labels)), sample_indices(train_labels))
    print(f"training on {len(keep)} of {len(train_labels)} training digits (sample held out)")
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        model = train_mlp(
            train_images[keep],
            train_labels[keep],
            epochs=args.epochs,
            batch_size=args.batch_size,
            lr=args.lr,
            weight_decay=args.weight_decay,
            max_shift=args.max_shift,
            seed=args.seed,
        )
    seconds = time.perf_counter() - start
    held_out = sample_indices(train_labels)
    test_acc = accuracy(model, test_images, test_labels)
    sample_acc = accuracy(model, train_images[held_out], train_labels[held_out])
    print(f"trained in {seconds:.0f} s; test accuracy {test_acc:.4f}, sample {sample_acc:.4f}")
    recipe = (
        f"numpy mini-batch Adam, {args.epochs} epochs, batch {args.batch_size}, "
        f"lr {args.lr} cosine-decayed to 0, weight decay {args.weight_decay}, "
        f"random shifts up to {args.max_shift} px, seed {args.seed}"
    )
    save_mlp(
        args.out,
        model,
        trained_on=(
            "official MNIST training set (60,000) minus the 5,000 digits of the bundled "
            "sample (helpers.data.sample_indices): 55,000 digits"
        ),
        training=recipe,
        command="python -m helpers.train " + " ".join(sys.argv[1:] if argv is None else argv),
        test_accuracy=test_acc,
        sample_accuracy=sample_acc,
        training_seconds=round(seconds, 1),
    )
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
