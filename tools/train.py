"""Train the reference network: the code of notebook 06 on the 55,000 official training digits.

    MNIST_DATA_DIR=/path/to/mnist python -m tools.train --out scratch/my-weights.h5

The 5,000 digits of the bundled sample (:func:`helpers.data.sample_indices`) are
left out, so the notebooks' results on the sample are on digits the network never
saw. The loop is notebook 06's :func:`helpers.training.train`, given three additions
(each measured on the official test set, see data/README.md): a learning rate that
decays along a half cosine, random shifts of the images by up to a pixel, and Adam
with a small weight decay. Seeded: the same command on the same machine gives the
same weights.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np

import helpers.data
from helpers.mlp import MLP, load_mlp, save_mlp
from helpers.training import Adam, accuracy, train
from helpers.validation import check_number


def random_shifts(images: np.ndarray, rng: np.random.Generator, max_shift: int = 1) -> np.ndarray:
    """Shift each (h, w) image by whole pixels in [-max_shift, max_shift]; zeros come in."""
    n, h, w = images.shape
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift)))
    dy, dx = rng.integers(0, 2 * max_shift + 1, size=(2, n))  # each image's shift
    rows = dy[:, None, None] + np.arange(h)[:, None]
    cols = dx[:, None, None] + np.arange(w)
    return padded[np.arange(n)[:, None, None], rows, cols]


def cosine(peak: float, steps: int) -> Callable[[int], float]:
    """The learning rate of step ``t``: ``peak`` decayed to 0 along a half cosine over ``steps``."""
    return lambda t: peak * 0.5 * (1 + np.cos(np.pi * t / steps))


class WeightDecayAdam(Adam):
    """Adam on the loss plus ``weight_decay / 2 * ||W||^2`` for each weight matrix (not biases)."""

    def __init__(
        self, params: list[np.ndarray], lr: float | Callable[[int], float], weight_decay: float
    ) -> None:
        super().__init__(params, lr=lr)
        self.weight_decay = check_number(weight_decay, "weight_decay", low=0)

    def step(self, grads: Sequence[np.ndarray]) -> None:
        decay = self.weight_decay
        super().step(
            [g + decay * p if p.ndim == 2 else g for p, g in zip(self.params, grads, strict=True)]
        )


def train_reference(
    images: np.ndarray,
    labels: np.ndarray,
    *,
    epochs: int = 60,
    batch_size: int = 128,
    lr: float = 2e-3,
    weight_decay: float = 5e-5,
    max_shift: int = 1,
    seed: int = 0,
    layer_sizes: Sequence[int] = (784, 200, 100, 10),
    progress: bool = True,
) -> MLP:
    """The recipe of the reference weights: :func:`helpers.training.train` with the parts above."""
    check_number(batch_size, "batch_size", low=1)  # before the division; train checks the rest
    steps = epochs * -(-len(labels) // batch_size)  # epochs x batches, rounded up
    model, _ = train(
        MLP.initialized(layer_sizes, seed=seed),
        images,
        labels,
        epochs=epochs,
        batch_size=batch_size,
        lr=cosine(lr, steps),
        optimizer=partial(WeightDecayAdam, weight_decay=weight_decay),
        transform=partial(random_shifts, max_shift=max_shift) if max_shift else None,
        seed=seed,
        progress=progress,
    )
    flush_subnormals(model.weights + model.biases)
    return model


def flush_subnormals(arrays: Sequence[np.ndarray]) -> int:
    """Set subnormal float32 values (below ~1.2e-38 in size) to 0 in place; return how many.

    Dead units keep only the weight decay's gradient, which shrinks their weights to
    subnormals (~1e-40): meaningless, and slow on many CPUs.
    """
    count = 0
    for a in arrays:
        tiny = np.abs(a) < np.finfo(np.float32).tiny
        count += int(np.count_nonzero(tiny & (a != 0)))
        a[tiny] = 0
    return count


def _out_problem(out: Path) -> str:
    """Why the weights cannot be saved to ``out``, "" if they can (a new or a weights file)."""
    if out.is_dir():
        return f"is a folder; give a file name, e.g. {out / 'weights.h5'}"
    if not out.parent.is_dir():
        return f"the folder {out.parent} does not exist"
    if out.exists():
        try:
            load_mlp(out)
        except OSError:
            return "exists and is not a network's weights file; it is left as it is"
    return ""


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: train the reference network and save it with its provenance."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="HDF5 file to write")
    options = ["epochs", "batch_size", "lr", "weight_decay", "max_shift", "seed"]
    defaults = inspect.signature(train_reference).parameters
    for name in options:  # --batch-size etc., with train_reference's defaults
        default = defaults[name].default
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    args = parser.parse_args(argv)
    problem = _out_problem(Path(args.out))
    if problem:  # before minutes of training, not after
        parser.error(f"--out {args.out}: {problem}")
    bounds = {
        "epochs": (1, False),
        "batch_size": (1, False),
        "lr": (0, True),
        "weight_decay": (0, False),
        "max_shift": (0, False),
        "seed": (0, False),
    }
    for name, (low, strict) in bounds.items():
        try:
            check_number(getattr(args, name), name, low=low, low_inclusive=not strict)
        except ValueError as error:
            parser.error(f"--{name.replace('_', '-')}: {error}")
    try:
        train_images, train_labels = helpers.data.load_mnist("train")
        test_images, test_labels = helpers.data.load_mnist("test")
    except OSError as error:
        sys.exit(f"error: the official MNIST files are needed (set MNIST_DATA_DIR): {error}")
    held_out = helpers.data.sample_indices(train_labels)
    keep = np.setdiff1d(np.arange(len(train_labels)), held_out)
    print(f"training on {len(keep)} of {len(train_labels)} training digits (sample held out)")
    start = time.perf_counter()
    settings = {name: getattr(args, name) for name in options}
    model = train_reference(train_images[keep], train_labels[keep], **settings)
    seconds = time.perf_counter() - start
    test_acc = accuracy(model, test_images, test_labels)
    sample_acc = accuracy(model, train_images[held_out], train_labels[held_out])
    print(f"trained in {seconds:.0f} s; test accuracy {test_acc:.4f}, sample {sample_acc:.4f}")
    save_mlp(
        args.out,
        model,
        test_accuracy=test_acc,
        sample_accuracy=sample_acc,
        training_seconds=round(seconds, 1),
        command="python -m tools.train " + " ".join(sys.argv[1:] if argv is None else argv),
        trained_on=(
            "official MNIST training set (60,000) minus the 5,000 digits of the bundled "
            "sample (helpers.data.sample_indices): 55,000 digits"
        ),
        training=(
            f"numpy mini-batch Adam, {args.epochs} epochs, batch {args.batch_size}, "
            f"lr {args.lr} cosine-decayed to 0, weight decay {args.weight_decay}, "
            f"random shifts up to {args.max_shift} px, seed {args.seed}"
        ),
    )
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
