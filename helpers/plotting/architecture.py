"""The architecture diagram of a fully connected network, :func:`draw_mlp` (notebook 04)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

from helpers.validation import check_layer_sizes

__all__ = ["draw_mlp"]

_MAX_NODES = 4  #: nodes drawn per layer at most; a "⋮" stands for the rest
_WIDTH, _HEIGHT, _GAP = 1.0, 2.6, 1.2  #: of a layer's box, and between two boxes
_EDGE = "#3b5b92"
_BOX = {"boxstyle": "round,pad=0.02,rounding_size=0.15", "facecolor": "#e8eef7", "lw": 1.5}
_LABEL = {"ha": "center", "fontsize": 9}


def draw_mlp(layer_sizes: Sequence[int]) -> tuple[plt.Figure, plt.Axes]:
    """Draw a fully connected network: one box per layer.

    The arrows between layers are labelled ReLU, and softmax for the last one.
    At most 4 units are drawn per layer; a "⋮" stands for the rest.

    Parameters
    ----------
    layer_sizes : sequence of int
        The number of units of each layer, input first; at least two layers.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The new figure.
    ax : matplotlib.axes.Axes
        Its axes, titled "MLP 784-200-100-10" for those sizes.
    """
    sizes = check_layer_sizes(layer_sizes)
    n_gaps = len(sizes) - 1
    _, ax = plt.subplots(figsize=(2.2 * len(sizes), 3.4))
    xs = [i * (_WIDTH + _GAP) for i in range(len(sizes))]
    names = ["input", *[f"hidden {i}" for i in range(1, n_gaps)], "output"]
    for x, size, name in zip(xs, sizes, names, strict=True):
        _layer_box(ax, x, size, name)
    for x, act in zip(xs[:-1], ["ReLU"] * (n_gaps - 1) + ["softmax"], strict=True):
        start, end = x + _WIDTH + 0.08, x + _WIDTH + _GAP - 0.08
        ax.annotate("", xy=(end, 0), xytext=(start, 0), arrowprops={"arrowstyle": "-|>", "lw": 1.5})
        ax.text((start + end) / 2, 0.12, act, va="bottom", gid="activation-label", **_LABEL)
    ax.set(xlim=(-0.3, xs[-1] + _WIDTH + 0.3), ylim=(-_HEIGHT / 2 - 0.7, _HEIGHT / 2 + 0.3))
    ax.set(aspect="equal", title=f"MLP {'-'.join(map(str, sizes))}")
    ax.axis("off")
    return ax.figure, ax


def _layer_box(ax: plt.Axes, x: float, size: int, name: str) -> None:
    """Draw one layer at ``x``: its box, its nodes and its label."""
    top, bottom, middle = _HEIGHT / 2, -_HEIGHT / 2, x + _WIDTH / 2
    ax.add_patch(FancyBboxPatch((x, bottom), _WIDTH, _HEIGHT, ec=_EDGE, gid="layer-box", **_BOX))
    ys = [top - 0.4 - i * 0.5 for i in range(min(size, _MAX_NODES))]
    if size > _MAX_NODES:
        ys[-1] = bottom + 0.35  # the last node stands for the layer's last unit
        ax.text(middle, (ys[-2] + ys[-1]) / 2, "⋮", ha="center", va="center", fontsize=12)
    for y in ys:
        ax.add_patch(Circle((middle, y), 0.16, facecolor="white", edgecolor=_EDGE))
    ax.text(middle, bottom - 0.15, f"{name}\n{size:,}", va="top", gid="layer-label", **_LABEL)
