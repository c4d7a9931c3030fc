"""How long the digit explorer takes to show another digit.

Ours: one update of :func:`helpers.widgets.digit_explorer.digit_explorer`
(move the slider), which redraws only the changing artists of figures made
once. Peer: the same pictures drawn the straightforward way, a new matplotlib
figure per update and per picture, saved as PNG. Both without a browser: the
time is what the kernel spends before the new images are sent.
"""

from __future__ import annotations

import io
from itertools import count

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.mlp import MLP

MODELS = {"no model": None, "784-200-100-10 model": MLP.initialized([784, 200, 100, 10])}


@pytest.fixture(scope="module")
def sample():
    from helpers.data import load_sample

    return load_sample()


def _png(draw) -> bytes:
    figure = Figure(figsize=(3, 2.5))
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _fresh_figures(image: np.ndarray, model: MLP | None) -> None:
    """The explorer's pictures drawn the plain way: new figures every time."""
    _png(lambda ax: (ax.imshow(image, cmap="gray", vmin=0, vmax=255),
                     ax.set(title="digit", xlabel="column", ylabel="row")))
    if model is None:
        return
    probabilities, hidden = model.forward(image, return_hidden=True)
    _png(lambda ax: (ax.bar(range(10), probabilities),
                     ax.set(title="probabilities", xlabel="class", ylabel="probability")))
    for layer in hidden:
        _png(lambda ax, layer=layer: ax.stairs(layer, fill=True))


@pytest.mark.parametrize("model", MODELS)
def test_explorer_update(benchmark, sample, model):
    from helpers.widgets.digit_explorer import digit_explorer

    images, labels = sample
    explorer = digit_explorer(images, labels, model=MODELS[model])
    positions = count(1)
    benchmark.group, benchmark.extra_info = f"digit explorer update, {model}", {"ours": True}
    benchmark(lambda: setattr(explorer.slider, "value", next(positions) % len(images)))


@pytest.mark.parametrize("model", MODELS)
def test_new_figures_per_update(benchmark, sample, model):
    images, _ = sample
    positions = count(1)
    benchmark.group = f"digit explorer update, {model}"
    benchmark(lambda: _fresh_figures(images[next(positions) % len(images)], MODELS[model]))
