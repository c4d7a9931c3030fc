"""The covariance explorer: how correlation, scales and epsilon shape a 2x2 covariance.

Sliders set the correlation, the two standard deviations and log10(epsilon); the
figure shows the 2-standard-deviation ellipses of ``cov`` and ``cov + eps * I`` and
their eigenvalues, and the read-out gives both condition numbers. Notebook 01
teaches what it shows; ``notebooks/dashboards/covariance_explorer.ipynb`` shows it alone.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers.covariance import condition_number, covariance_matrix, regularize
from helpers.plotting.ellipses import covariance_ellipse, ellipse_geometry
from helpers.validation import check_number
from helpers.widgets._figures import PROJECTOR_POINTS, BlitFigure, to_png
from helpers.widgets._parts import Picture, Slider, StaticView

__all__ = ["covariance_explorer"]

_LIMIT = 6.5  # fixed axis limits, so that moving a slider changes only the ellipses
_FLOOR = 1e-12  # a zero eigenvalue is drawn at the bottom of the log axis


class _CovarianceFigure(BlitFigure):
    """Ellipses of cov and cov + εI (left), their eigenvalues on a log scale (right)."""

    def __init__(self, projector: bool = False) -> None:
        super().__init__((6.4, 3.0) if projector else (7.5, 3.4))
        ellipses, spectrum = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        self.before = covariance_ellipse(
            ellipses, np.eye(2), edgecolor="tab:blue", linewidth=2, label="cov"
        )
        self.after = covariance_ellipse(
            ellipses, np.eye(2), edgecolor="tab:orange", linestyle="--", linewidth=2,
            label="cov + εI",
        )  # fmt: skip
        ellipses.set(xlim=(-_LIMIT, _LIMIT), ylim=(-_LIMIT, _LIMIT), aspect="equal")
        ellipses.set(xlabel="feature 1", ylabel="feature 2", title="2-σ ellipses")
        self.dots_before = spectrum.scatter([0, 0], [1, 1], color="tab:blue", s=60, label="cov")
        self.dots_after = spectrum.scatter(
            [1, 1], [1, 1], color="tab:orange", s=60, label="cov + εI"
        )
        self.eps_line = spectrum.axhline(1, color="gray", linestyle=":", label="ε")
        spectrum.set(yscale="log", ylim=(_FLOOR / 2, 100), xlim=(-0.6, 1.6), xticks=[0, 1])
        spectrum.set_xticklabels(["before", "after"])
        spectrum.set(ylabel="eigenvalue (log scale)", title="eigenvalues")
        if projector:  # every text 12 pt (16.7 CSS px), fewer ticks to make room for them
            for ax in (ellipses, spectrum):
                ax.tick_params(labelsize=PROJECTOR_POINTS)
                for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
                    text.set_fontsize(PROJECTOR_POINTS)
            ellipses.set(xticks=[-5, 0, 5], yticks=[-5, 0, 5])
            spectrum.set(yticks=[1e-12, 1e-8, 1e-4, 1], ylabel="eigenvalue")
            spectrum.set_yticklabels(["1e-12", "1e-8", "1e-4", "1"])  # no smaller exponents
            spectrum.minorticks_off()
            ellipses.legend(loc="upper left", fontsize=PROJECTOR_POINTS, handlelength=1.5)
            spectrum.legend(loc="lower right", fontsize=PROJECTOR_POINTS, handlelength=1)
            self.figure.set_layout_engine("constrained", w_pad=0.02, h_pad=0.02)
        else:
            ellipses.legend(loc="upper left", fontsize="small")
            spectrum.legend(loc="lower right", fontsize="small")
            self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.92, wspace=0.3)
        self.changes(self.before, self.after, self.dots_before, self.dots_after, self.eps_line)

    def render(self, cov: np.ndarray, regularized: np.ndarray, eps: float) -> bytes:
        """Both ellipses, both spectra and the line at ``eps``, as PNG bytes."""
        for patch, matrix in [(self.before, cov), (self.after, regularized)]:
            patch.width, patch.height, patch.angle = ellipse_geometry(matrix)
        for dots, matrix, x in [(self.dots_before, cov, 0), (self.dots_after, regularized, 1)]:
            eigenvalues = np.maximum(np.linalg.eigvalsh(matrix), _FLOOR)
            dots.set_offsets(np.column_stack([[x, x], eigenvalues]))
        self.eps_line.set_ydata([eps, eps])
        return self.png()


def _readout(cov: np.ndarray, regularized: np.ndarray, eps: float) -> str:
    """The read-out: epsilon, both matrices' eigenvalues and condition numbers."""
    before, after = np.linalg.eigvalsh(cov), np.linalg.eigvalsh(regularized)
    return (
        f"<b>ε</b> = {eps:.6g} &middot; <b>cond before</b> = {condition_number(cov):.6g} "
        f"&middot; <b>cond after</b> = {condition_number(regularized):.6g}<br>"
        f"eigenvalues before: {before[0]:.6g}, {before[1]:.6g}; "
        f"after: {after[0]:.6g}, {after[1]:.6g}"
    )


def covariance_explorer(
    correlation: float = 0.99,
    sigma1: float = 1.0,
    sigma2: float = 1.0,
    log10_eps: float = -2.0,
    projector: bool = False,
) -> _CovarianceExplorer:
    """Return an interactive view of ``cov`` and ``cov + eps * I`` for a 2x2 covariance.

    Parameters
    ----------
    correlation : float, default=0.99
        Starting correlation, in [-1, 1].
    sigma1 : float, default=1.0
        Starting standard deviation of feature 1, in [0.1, 3].
    sigma2 : float, default=1.0
        Starting standard deviation of feature 2, in [0.1, 3].
    log10_eps : float, default=-2.0
        Starting log10 of epsilon, in [-8, 1].
    projector : bool, default=False
        Lay it out for a projector, as the dashboard does. Every text of the figure
        is then 12 pt (16.7 CSS px at its natural size, 640 px wide), and the
        sliders stand two by two.

    Returns
    -------
    CovarianceExplorer
        An ``ipywidgets.VBox`` (CSS class ``covariance-explorer``). It holds the
        sliders ("correlation", "σ₁", "σ₂", "log10 ε"), the read-out (class
        ``covariance-explorer-readout``) and the figure (class
        ``covariance-explorer-image``). The read-out gives the eigenvalues,
        "cond before" and "cond after". Changing a slider's ``.value`` (in the
        browser or from Python) redraws the figure and the read-out.

    Raises
    ------
    ValueError
        If a starting value is outside its slider's range.
    TypeError
        If a starting value is not a real number.
    """
    return _CovarianceExplorer(correlation, sigma1, sigma2, log10_eps, projector)


#: name -> (label, min, max, step, decimals) of each slider; a starting value outside is refused
_SLIDERS = {
    "correlation": ("correlation", -1, 1, 0.001, 3),
    "sigma1": ("σ₁", 0.1, 3, 0.05, 2),
    "sigma2": ("σ₂", 0.1, 3, 0.05, 2),
    "log10_eps": ("log10 ε", -8, 1, 0.1, 1),
}


class _CovarianceExplorer(StaticView, widgets.VBox):
    """The covariance explorer widget; build it with :func:`covariance_explorer`."""

    def __init__(
        self,
        correlation: float,
        sigma1: float,
        sigma2: float,
        log10_eps: float,
        projector: bool = False,
    ) -> None:
        start = dict(correlation=correlation, sigma1=sigma1, sigma2=sigma2, log10_eps=log10_eps)
        self.sliders = {}
        for name, (label, low, high, step, decimals) in _SLIDERS.items():
            value = check_number(start[name], name, low=low, high=high)
            self.sliders[name] = Slider(
                description=label, value=value, min=low, max=high, step=step, decimals=decimals
            )
        self._figure = _CovarianceFigure(projector)
        self.image = Picture().add_class("covariance-explorer-image")
        self.readout = widgets.HTML().add_class("covariance-explorer-readout")
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.update()
        if projector:  # two by two: the figure keeps the height of the screen
            for slider in self.sliders.values():
                slider.layout.width = "50%"
            controls = widgets.HBox(list(self.sliders.values()), layout={"flex_flow": "row wrap"})
        else:
            controls = widgets.VBox(list(self.sliders.values()))
        super().__init__([controls, self.readout, self.image])
        self.add_class("covariance-explorer")

    def update(self, _change: dict | None = None) -> None:
        """Redraw the figure and the read-out for the sliders' values."""
        values = {name: slider.value for name, slider in self.sliders.items()}
        cov = covariance_matrix(values["correlation"], values["sigma1"], values["sigma2"])
        eps = 10.0 ** values["log10_eps"]
        regularized = regularize(cov, eps)
        self.image.value = self._figure.render(cov, regularized, eps)
        self.image.text_px = self._figure.text_px
        self.image.alt = (
            f"Figure: the 2-σ ellipses of cov (correlation {values['correlation']:.3f}, "
            f"σ₁ {values['sigma1']:.2f}, σ₂ {values['sigma2']:.2f}) and of cov + εI "
            f"with ε = {eps:.1e}, and their eigenvalues on a log scale"
        )
        self.readout.value = _readout(cov, regularized, eps)

    def summary(self) -> str:
        """One line describing the figure, e.g. "covariance explorer: Figure: the 2-σ ellipses…"."""
        return "covariance explorer: " + self.image.alt

    def picture(self) -> bytes:
        """A PNG of the figure shown."""
        return to_png(self._figure.pixels)
