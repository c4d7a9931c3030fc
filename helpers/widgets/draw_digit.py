"""Draw a digit and watch the network decide: the live demo of notebook 05.

The canvas (``draw_digit.js``) sends each finished stroke to Python, which makes
the 28 x 28 MNIST digit (:mod:`helpers.digitize`), runs the network and sends back
the digit, the probabilities and the decision for the browser to show. CSS classes:
``draw-digit`` (container), ``draw-digit-canvas``, ``draw-digit-clear``,
``draw-digit-pixels``, ``draw-digit-prediction``, ``draw-digit-probabilities``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.digitize import mnist_digit, paint_strokes
from helpers.validation import check_model
from helpers.widgets._figures import to_png
from helpers.widgets._parts import StaticView, ask_model

__all__ = ["draw_digit"]

_HERE = Path(__file__).parent


def draw_digit(model: Any, strokes: list | None = None) -> _DrawDigit:
    """Return a canvas to draw a digit on, with the network's answer beside it.

    Parameters
    ----------
    model : object
        Anything with ``forward(X)`` taking a (1, 28, 28) uint8 batch and
        returning its 10 class probabilities (shape (1, 10) or (10,)), such as
        ``helpers.mlp.load_mlp(helpers.paths.REFERENCE_WEIGHTS)``.
    strokes : list of strokes, optional
        A drawing to start with: each stroke a list of (x, y) points on the
        280 x 280 canvas, (0, 0) at the top left.

    Returns
    -------
    DrawDigit
        An anywidget; display it as the last line of a cell.

    Raises
    ------
    TypeError
        If ``model`` has no ``forward`` method.
    ValueError
        If the model does not return 10 probabilities for one image.

    Examples
    --------
    >>> from helpers.mlp import load_mlp
    >>> from helpers.paths import REFERENCE_WEIGHTS
    >>> pad = draw_digit(load_mlp(REFERENCE_WEIGHTS), strokes=[[(140, 40), (140, 240)]])
    >>> pad.prediction
    1
    """
    return _DrawDigit(model, strokes=strokes or [])


class _DrawDigit(StaticView, anywidget.AnyWidget):
    """The drawing widget; build it with :func:`draw_digit`.

    Attributes
    ----------
    strokes : list of strokes
        What was drawn, in canvas pixels. The browser appends a stroke each
        time the pen is lifted; Clear empties the list.
    pixels : list of 784 int
        The MNIST digit made from the strokes, row by row, 0-255.
    probabilities : list of 10 float
        The network's output for that digit (empty while nothing is drawn).
    prediction : int
        The most probable class, or -1 while nothing is drawn.
    """

    _esm = _HERE / "draw_digit.js"
    _css = _HERE / "draw_digit.css"
    size = traitlets.Int(280).tag(sync=True)
    pen = traitlets.Float(24.0).tag(sync=True)
    strokes = traitlets.List().tag(sync=True)
    pixels = traitlets.List(traitlets.Int(), default_value=[0] * 784).tag(sync=True)
    probabilities = traitlets.List(traitlets.Float()).tag(sync=True)
    prediction = traitlets.Int(-1).tag(sync=True)

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = check_model(model)
        super().__init__(**kwargs)
        self._update()

    @property
    def digit(self) -> np.ndarray:
        """The 28 x 28 uint8 digit the network sees."""
        return np.array(self.pixels, dtype=np.uint8).reshape(28, 28)

    @traitlets.observe("strokes")
    def _on_strokes(self, _change: dict) -> None:
        """Answer each new drawing."""
        self._update()

    def _update(self) -> None:
        """Digitize the strokes, run the network, send all three results in one message."""
        digit = mnist_digit(paint_strokes(self.strokes, self.size, self.pen))
        probabilities, prediction = [], -1
        if digit.any():
            probabilities = ask_model(self.model, digit)[0].tolist()
            prediction = int(np.argmax(probabilities))
        with self.hold_sync():
            self.pixels = digit.ravel().tolist()
            self.probabilities = probabilities
            self.prediction = prediction

    def summary(self) -> str:
        """One line describing the state, e.g. "drawn digit: predicted 7 (p = 0.98)"."""
        if self.prediction < 0:
            return "drawn digit: nothing drawn yet"
        return (
            f"drawn digit: predicted {self.prediction} "
            f"(p = {self.probabilities[self.prediction]:.2f})"
        )

    def picture(self) -> bytes:
        """A PNG of what the widget shows: the drawing, the digit and the probabilities."""
        figure = Figure(figsize=(8.4, 2.8), dpi=100, layout="constrained")
        drawing, seen, bars = figure.subplots(1, 3, width_ratios=[1, 1, 1.3])
        drawing.imshow(paint_strokes(self.strokes, self.size, self.pen), cmap="gray_r")
        drawing.set(title="drawing", xticks=[], yticks=[])
        seen.imshow(self.digit, cmap="gray_r", vmin=0, vmax=255)
        seen.set(title="what the network sees", xticks=[0, 14, 27], yticks=[0, 14, 27])
        shown = self.probabilities or [0.0] * 10
        colours = ["#81c784" if k == self.prediction else "#90caf9" for k in range(10)]
        bars.barh(range(10), shown, color=colours)
        bars.set(xlim=(0, 1), yticks=range(10), xlabel="probability", ylabel="class")
        bars.invert_yaxis()
        decision = "nothing drawn" if self.prediction < 0 else f"prediction: {self.prediction}"
        bars.set_title(decision)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return to_png(np.asarray(canvas.buffer_rgba()))
