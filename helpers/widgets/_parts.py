"""The widgets' shared parts: two controls, the static view and the call to the model.

:class:`Picture` is a PNG with ``alt`` text (``picture.js``). :class:`Slider` is the
browser's own range input named by its ``<label>`` (``slider.js``, ``slider.css``):
arrow keys, Home and End move it, and Python hears a new ``value`` when the handle
is let go or at each key press. A saved notebook keeps a widget output as a
reference to a live object; where no kernel runs (GitHub, the course site,
nbconvert) a :class:`StaticView` widget shows a PNG of its state and a line of text
instead. :func:`ask_model` runs a model on one digit and checks its answer.
"""

from __future__ import annotations

import base64
import inspect
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from helpers.validation import check_probabilities

_HERE = Path(__file__).parent


class Picture(anywidget.AnyWidget):
    """A PNG image (``value``, the bytes of a PNG file) described by ``alt``.

    ``text_px``, the height of its smallest text in the PNG's pixels (0: unknown),
    becomes the image's ``data-text-px``: the browser tests check the text as shown.
    """

    _esm = _HERE / "picture.js"
    value = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    text_px = traitlets.Float(0.0).tag(sync=True)


class Slider(anywidget.AnyWidget):
    """A labelled range slider; observe ``value`` like an ipywidgets slider's.

    Parameters
    ----------
    description : str
        The label, which is also the slider's accessible name.
    value, min, max, step : float
        The position and its range; ``value`` is clipped into [min, max].
    decimals : int, default=0
        Decimals shown in the read-out beside the slider.
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
        """Clip a new value into [min, max]."""
        return min(max(proposal["value"], self.min), self.max)

    @traitlets.observe("min", "max")
    def _keep_value_in_range(self, _change: dict) -> None:
        """Clip the value into a new range."""
        self.value = min(max(self.value, self.min), self.max)


class IntSlider(Slider):
    """A :class:`Slider` of whole numbers (``value``, ``min``, ``max`` and ``step`` are int)."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)


class StaticView:
    """Mixin (first in the bases): the output also holds ``picture()`` (PNG) and ``summary()``."""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
        """The live view's bundle, with the summary and the picture added."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        if bundle is not None:
            bundle["text/plain"] = self.summary()
            bundle["image/png"] = base64.b64encode(self.picture()).decode("ascii")
        return bundle


def returns_hidden(model: Any) -> bool:
    """Whether ``model.forward`` accepts ``return_hidden=True``."""
    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):  # no signature available (for example a builtin)
        return False
    return "return_hidden" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def ask_model(
    model: Any, digit: np.ndarray, *, hidden: bool = False
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The model's 10 probabilities for one 28 x 28 digit and, if ``hidden``, its activations.

    Raises
    ------
    ValueError
        If ``forward`` does not return probabilities of shape (1, 10) or (10,).
    """
    if hidden:
        output, layers = model.forward(digit[None], return_hidden=True)
        layers = [np.asarray(layer)[0] for layer in layers]
    else:
        output, layers = model.forward(digit[None]), []
    name = "model.forward's output for one image"
    return check_probabilities(np.atleast_2d(output), n_classes=10, name=name)[0], layers
