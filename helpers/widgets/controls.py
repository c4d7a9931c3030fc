"""Accessible stand-ins for ipywidgets' Image and sliders, each a few lines of JavaScript.

:class:`Picture` is a PNG with ``alt`` text (``picture.js``); :class:`Slider` is
the browser's own range input named by its ``<label>`` (``slider.js``, ``slider.css``):
arrow keys, Home and End move it, and Python hears a new ``value`` when the handle
is let go or at each key press. The explorers of notebooks 01, 03 and 05 use both.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__: list[str] = []

_HERE = Path(__file__).parent


class _Picture(anywidget.AnyWidget):
    """A PNG image (``value``, the bytes of a PNG file) described by ``alt``.

    ``text_px``, the height of its smallest text in the PNG's pixels (0: unknown),
    becomes the image's ``data-text-px``: the browser tests check the text as shown.
    """

    _esm = _HERE / "picture.js"
    value = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    text_px = traitlets.Float(0.0).tag(sync=True)


class _Slider(anywidget.AnyWidget):
    """A labelled range slider; observe ``value`` like an ipywidgets slider's.

    Parameters
    ----------
    description : str
        The label, which is also the slider's accessible name.
    value, min, max, step : float
        The position and its range; ``value`` is clipped into [min, max].
    decimals : int, default=0
        Decimals shown in the read-out beside the slider.

    Examples
    --------
    >>> slider = Slider(description="index", value=3, min=0, max=9, step=1)
    >>> slider.value = 4
    """

    _esm = _HERE / "slider.js"
    _css = _HERE / "slider.css"
    description = traitlets.Unicode().tag(sync=True)
    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    decimals = traitlets.Int(0).tag(sync=True)

    @traitlets.validate("value")
    def _within_range(self, proposal: dict) -> float:
        return min(max(proposal["value"], self.min), self.max)

    @traitlets.observe("min", "max")
    def _keep_value_in_range(self, _change: dict) -> None:
        self.value = min(max(self.value, self.min), self.max)


class _IntSlider(_Slider):
    """A :class:`Slider` of whole numbers (``value``, ``min``, ``max`` and ``step`` are int)."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
