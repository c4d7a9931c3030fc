"""The architecture diagram of a fully connected network, :func:`draw_mlp` (notebook 04)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

from helpers.validation import check_positive_int

__all__ = ["draw_mlp"]

#: At most this many nodes are drawn per layer; a "⋮" stands for the rest.
MAX_NODES = 4


def _names(n_layers: int) -> list[str]:
    hidden = [f"hidden {i}" for i in range(1, n_layers - 1)]
    return ["input", *hidden, "output"]


def draw_mlp(
    layer_sizes: Sequence[int],
    activations: Sequence[str] | None = None,
    ax: plt.Axes | None = None,
) -> tuple[plt.Figure, plt.Axes]:
    """Draw a fully connected network: one box per layer, arrows between layers.

    Each box shows the layer's name and size and a few representative nodes
    (at most four, with "⋮" when the layer has more). Each arrow carries the
    name of the activation applied after that affine map.

    Parameters
    ----------
    layer_sizes : sequence of int
        Inputs first, outputs last, e.g. ``[784, 200, 100, 10]``.
    activations : sequence of str, optional
        One per arrow (``len(layer_sizes) - 1``); default ``"ReLU"`` for the
        hidden layers and ``"softmax"`` for the output.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    fig, ax
        The boxes carry ``gid="layer-box"``, the size labels ``gid="layer-label"``
        and the activation names ``gid="activation-label"``.
    """
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes must be at least two positive integers (inputs, ..., outputs), "
            f"got {list(layer_sizes)}"
        )
    sizes = [check_positive_int(s, "each of layer_sizes") for s in layer_sizes]
    n_gaps = len(sizes) - 1
    if activations is None:
        activations = ["ReLU"] * (n_gaps - 1) + ["softmax"]
    activations = list(activations)
    if len(activations) != n_gaps:
        raise ValueError(
            f"need one activation per arrow ({n_gaps} for {len(sizes)} layers), "
            f"got {len(activations)}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 * len(sizes), 3.4))
    fig = ax.figure
    width, height, gap = 1.0, 2.6, 1.2
    xs = [i * (width + gap) for i in range(len(sizes))]
    for x, size, name in zip(xs, sizes, _names(len(sizes)), strict=True):
        _layer_box(ax, x, width, height, size, name)
    for x, act in zip(xs[:-1], activations, strict=True):
        start, end = x + width + 0.08, x + width + gap - 0.08
        ax.annotate("", xy=(end, 0), xytext=(start, 0), arrowprops={"arrowstyle": "-|>", "lw": 1.5})
        ax.text(
            (start + end) / 2,
            0.12,
            act,
            ha="center",
            va="bottom",
            fontsize=9,
            gid="activation-label",
        )
    ax.set_xlim(-0.3, xs[-1] + width + 0.3)
    ax.set_ylim(-height / 2 - 0.7, height / 2 + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"MLP {'-'.join(map(str, sizes))}")
    return fig, ax


def _layer_box(ax: plt.Axes, x: float, width: float, height: float, size: int, name: str) -> None:
    """One layer: a rounded box, its representative nodes and its label below."""
    box = FancyBboxPatch(
        (x, -height / 2),
        width,
        height,
        boxstyle="round,pad=0.02,rounding_size=0.15",
        facecolor="#e8eef7",
        edgecolor="#3b5b92",
        lw=1.5,
        gid="layer-box",
    )
    ax.add_patch(box)
    shown = min(size, MAX_NODES)
    ys = [height / 2 - 0.4 - i * 0.5 for i in range(shown)]
    if size > MAX_NODES:
        ys[-1] = -height / 2 + 0.35  # the last node stands for the layer's last unit
        ax.text(x + width / 2, (ys[-2] + ys[-1]) / 2, "⋮", ha="center", va="center", fontsize=12)
    for y in ys:
        ax.add_patch(Circle((x + width / 2, y), 0.16, facecolor="white", edgecolor="#3b5b92"))
    ax.text(
        x + width / 2,
        -height / 2 - 0.15,
        f"{name}\n{size:,}",
        ha="center",
        va="top",
        fontsize=9,
        gid="layer-label",
    )
