"""How long the digit explorer takes to show another digit.

Ours: one update of :func:`helpers.widgets.digit_explorer` (move the slider),
which redraws only the changing artists of figures made once. Peer: the same
pictures drawn the straightforward way, a new matplotlib figure per update and
per picture, saved as PNG. Both are measured without a browser: the time is
what the kernel spends before the new images are sent.
"""

from __future__ import annotations

import io
from itertools import count

import numpy as np
from matplotlib.figure import Figure

from benchmarks.timing import Row, median_time, print_rows
from helpers.data import load_sample
from helpers.widgets.digit_explorer import digit_explorer


class RandomMLP:
    """A 784-200-100-10 ReLU network with seeded random weights (the course's shape)."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        sizes = [784, 200, 100, 10]
        self.layers = [
            (rng.normal(0, 1 / np.sqrt(m), (n, m)), np.zeros(n))
            for m, n in zip(sizes[:-1], sizes[1:], strict=True)
        ]

    def forward(self, X: np.ndarray, return_hidden: bool = False):
        a = np.asarray(X, dtype=np.float64).reshape(len(X), -1) / 255
        hidden = []
        for W, b in self.layers[:-1]:
            a = np.maximum(a @ W.T + b, 0)
            hidden.append(a)
        W, b = self.layers[-1]
        z = a @ W.T + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return (p, hidden) if return_hidden else p


def _fresh_png(draw) -> bytes:
    figure = Figure(figsize=(3, 2.5))
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _fresh_figures(image: np.ndarray, model: RandomMLP | None) -> None:
    """The explorer's pictures drawn the plain way: new figures every time."""

    def digit(ax):
        ax.imshow(image, cmap="gray", vmin=0, vmax=255)
        ax.set(title="digit", xlabel="column", ylabel="row")

    _fresh_png(digit)
    if model is None:
        return
    probabilities, hidden = model.forward(image[None], return_hidden=True)

    def bars(ax):
        ax.bar(range(10), probabilities[0])
        ax.set(title="probabilities", xlabel="class", ylabel="probability", ylim=(0, 1))

    _fresh_png(bars)
    for layer in hidden:
        _fresh_png(lambda ax, layer=layer: ax.stairs(layer[0], fill=True))


def _pair(name: str, images, labels, model, repeats: int) -> Row:
    explorer = digit_explorer(images, labels, model=model)
    positions = count(1)

    def ours():
        explorer.slider.value = next(positions) % len(images)

    def peer():
        _fresh_figures(images[next(positions) % len(images)], model)

    return Row(
        name,
        median_time(ours, repeats=repeats, warmup=2),
        "new figures per update",
        median_time(peer, repeats=repeats, warmup=2),
        "(one digit, PNG ready to send)",
    )


def run(repeats: int = 5) -> list[Row]:
    images, labels = load_sample()
    return [
        _pair("digit explorer update, no model", images, labels, None, repeats),
        _pair("digit explorer update, 784-200-100-10 model", images, labels, RandomMLP(), repeats),
    ]


if __name__ == "__main__":
    print_rows(run(repeats=21))
