"""A slider with an accessible name: the browser's own ``<input type="range">`` and a label.

ipywidgets' sliders draw their handle with noUiSlider and do not name it, so a
screen reader announces "slider" without saying which one (axe-core reports it
as a serious problem). This slider is the browser's native range input, tied to
its ``<label>``: it is named, works with the arrow keys, Home and End, and needs
no code beyond a few lines of JavaScript (``slider.js``, run by anywidget; see
:mod:`helpers.widgets.draw_digit` for why anywidget). Used by the explorers of
notebooks 01, 03 and 05 (:mod:`helpers.widgets.covariance_explorer`,
:mod:`helpers.widgets.digit_explorer`).

Like an ipywidgets slider with ``continuous_update=False``, Python hears a new
``value`` when the handle is let go or at each key press.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["IntSlider", "Slider"]

HERE = Path(__file__).parent


class Slider(anywidget.AnyWidget):
    """A labelled range slider; observe ``value`` like an ipywidgets slider's.

    Parameters
    ----------
    description : str
        The label, which is also the slider's accessible name.
    value, min, max, step : float
        The position and its range.
    decimals : int, default=0
        Decimals shown in the read-out beside the slider.

    Examples
    --------
    >>> slider = Slider(description="index", value=3, min=0, max=9, step=1)
    >>> slider.value = 4
    """

    _esm = HERE / "slider.js"
    _css = HERE / "slider.css"
    description = traitlets.Unicode().tag(sync=True)
    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    decimals = traitlets.Int(0).tag(sync=True)

    @traitlets.validate("value")
    def _within_range(self, proposal: dict) -> float:
        """Clip the value into [min, max], as ipywidgets' sliders do."""
        return min(max(proposal["value"], self.min), self.max)

    @traitlets.observe("min", "max")
    def _keep_value_in_range(self, _change: dict) -> None:
        self.value = min(max(self.value, self.min), self.max)


class IntSlider(Slider):
    """A :class:`Slider` of whole numbers (``value``, ``min``, ``max`` and ``step`` are int)."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
