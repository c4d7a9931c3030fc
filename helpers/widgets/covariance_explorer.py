"""The covariance explorer: how correlation, scales and epsilon shape a 2x2 covariance.

Sliders set the correlation, the two standard deviations and log10(epsilon); the
figure shows the 2-standard-deviation ellipses of ``cov`` and ``cov + eps * I`` and
their eigenvalues, and the read-out gives both condition numbers.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.covariance import condition_number, covariance_matrix, regularize
from helpers.plotting.ellipses import covariance_ellipse

__all__ = ["covariance_explorer"]

LIMIT = 6.5  # fixed axis limits, so that moving a slider changes only the ellipses


def _render(cov: np.ndarray, regularized: np.ndarray, eps: float) -> bytes:
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ellipses, spectrum = fig.subplots(1, 2, width_ratios=[1.2, 1])
    covariance_ellipse(ellipses, cov, edgecolor="tab:blue", linewidth=2, label="cov")
    covariance_ellipse(
        ellipses, regularized, edgecolor="tab:orange", linestyle="--", linewidth=2, label="cov + εI"
    )
    ellipses.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), aspect="equal")
    ellipses.set(xlabel="feature 1", ylabel="feature 2", title="2-σ ellipses")
    ellipses.legend(loc="upper left", fontsize="small")
    before, after = np.linalg.eigvalsh(cov), np.linalg.eigvalsh(regularized)
    floor = 1e-12  # a zero eigenvalue is drawn at the bottom of the log axis
    spectrum.scatter([0, 0], np.maximum(before, floor), color="tab:blue", s=60, label="cov")
    spectrum.scatter([1, 1], np.maximum(after, floor), color="tab:orange", s=60, label="cov + εI")
    spectrum.axhline(eps, color="gray", linestyle=":", label=f"ε = {eps:.1e}")
    spectrum.set(yscale="log", ylim=(floor / 2, 100), xlim=(-0.6, 1.6), xticks=[0, 1])
    spectrum.set_xticklabels(["before", "after"])
    spectrum.set(ylabel="eigenvalue (log scale)", title="eigenvalues")
    spectrum.legend(loc="lower right", fontsize="small")
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def _readout(cov: np.ndarray, regularized: np.ndarray, eps: float) -> str:
    before, after = np.linalg.eigvalsh(cov), np.linalg.eigvalsh(regularized)
    return (
        f"<b>ε</b> = {eps:.6g}<br>"
        f"eigenvalues before: {before[0]:.6g}, {before[1]:.6g}; "
        f"after: {after[0]:.6g}, {after[1]:.6g}<br>"
        f"<b>cond before</b> = {condition_number(cov):.6g}, "
        f"<b>cond after</b> = {condition_number(regularized):.6g}"
    )


def covariance_explorer(
    correlation: float = 0.99, sigma1: float = 1.0, sigma2: float = 1.0, log10_eps: float = -2.0
) -> widgets.VBox:
    """An interactive view of ``cov`` and ``cov + eps * I`` for a 2x2 covariance.

    Parameters
    ----------
    correlation : float, default=0.99
        Starting correlation, in [-1, 1].
    sigma1, sigma2 : float, default=1.0
        Starting standard deviations, in [0.1, 3].
    log10_eps : float, default=-2.0
        Starting log10 of epsilon, in [-8, 1].

    Returns
    -------
    ipywidgets.VBox
        The container (CSS class ``covariance-explorer``): the sliders ("correlation",
        "σ₁", "σ₂", "log10 ε"), the figure (``widgets.Image``, class
        ``covariance-explorer-image``) and the read-out (``widgets.HTML``, class
        ``covariance-explorer-readout``) with the eigenvalues, "cond before" and
        "cond after". Changing a slider's ``.value`` (in the browser or from Python)
        redraws the figure and the read-out.
    """
    style = {"description_width": "80px"}
    sliders = {
        "correlation": widgets.FloatSlider(
            value=correlation, min=-1.0, max=1.0, step=0.001, readout_format=".3f"
        ),
        "sigma1": widgets.FloatSlider(value=sigma1, min=0.1, max=3.0, step=0.05),
        "sigma2": widgets.FloatSlider(value=sigma2, min=0.1, max=3.0, step=0.05),
        "log10_eps": widgets.FloatSlider(value=log10_eps, min=-8.0, max=1.0, step=0.1),
    }
    for key, label in zip(sliders, ["correlation", "σ₁", "σ₂", "log10 ε"], strict=True):
        sliders[key].description = label
        sliders[key].style = style
        sliders[key].continuous_update = False
    image = widgets.Image(format="png").add_class("covariance-explorer-image")
    readout = widgets.HTML().add_class("covariance-explorer-readout")

    def update(_change=None) -> None:
        cov = covariance_matrix(
            sliders["correlation"].value, sliders["sigma1"].value, sliders["sigma2"].value
        )
        eps = 10.0 ** sliders["log10_eps"].value
        regularized = regularize(cov, eps)
        image.value = _render(cov, regularized, eps)
        readout.value = _readout(cov, regularized, eps)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    controls = widgets.VBox(list(sliders.values()))
    return widgets.VBox([controls, readout, image]).add_class("covariance-explorer")
