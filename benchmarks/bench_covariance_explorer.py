"""How long the covariance explorer takes to show one slider step.

Ours: one step of :func:`helpers.widgets.covariance_explorer.covariance_explorer`
(move the correlation slider), which moves the ellipses, the eigenvalue dots and
the epsilon line of a figure drawn once and redraws only them. Peer: the figure
drawn the straightforward way, a new matplotlib figure per step saved as PNG
(what the explorer did before). Both without a browser: the time is what the
kernel spends before the new picture is sent.
"""

from __future__ import annotations

import io
from itertools import count

import numpy as np
from matplotlib.figure import Figure

from helpers.covariance import covariance_matrix, regularize
from helpers.plotting.ellipses import covariance_ellipse

GROUP = "covariance explorer slider step"
LIMIT, FLOOR = 6.5, 1e-12


def _new_figure(cov: np.ndarray, regularized: np.ndarray, eps: float) -> bytes:
    """The explorer's figure built from scratch, as before the blitting."""
    figure = Figure(figsize=(7.5, 3.4), layout="constrained")
    ellipses, spectrum = figure.subplots(1, 2, width_ratios=[1.2, 1])
    covariance_ellipse(ellipses, cov, edgecolor="tab:blue", linewidth=2, label="cov")
    covariance_ellipse(ellipses, regularized, edgecolor="tab:orange", linestyle="--",
                       linewidth=2, label="cov + εI")  # fmt: skip
    ellipses.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), aspect="equal",
                 xlabel="feature 1", ylabel="feature 2", title="2-σ ellipses")  # fmt: skip
    ellipses.legend(loc="upper left", fontsize="small")
    for x, matrix, colour in [(0, cov, "tab:blue"), (1, regularized, "tab:orange")]:
        spectrum.scatter([x, x], np.maximum(np.linalg.eigvalsh(matrix), FLOOR), color=colour)
    spectrum.axhline(eps, color="gray", linestyle=":", label="ε")
    spectrum.set(yscale="log", ylim=(FLOOR / 2, 100), xlim=(-0.6, 1.6), xticks=[0, 1],
                 ylabel="eigenvalue (log scale)", title="eigenvalues")  # fmt: skip
    spectrum.legend(loc="lower right", fontsize="small")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _correlations():
    """0.500, 0.501, ... one slider step at a time, never the same value twice in a row."""
    return (0.5 + (k % 400) / 1000 for k in count(1))


def test_explorer_step(benchmark):
    from helpers.widgets.covariance_explorer import covariance_explorer

    slider = covariance_explorer().sliders["correlation"]
    steps = _correlations()
    benchmark.group, benchmark.extra_info = GROUP, {"ours": True}
    benchmark(lambda: setattr(slider, "value", next(steps)))


def test_new_figure_per_step(benchmark):
    steps = _correlations()

    def step():
        cov = covariance_matrix(next(steps), 1.0, 1.0)
        _new_figure(cov, regularize(cov, 1e-2), 1e-2)

    benchmark.group = GROUP
    benchmark(step)
