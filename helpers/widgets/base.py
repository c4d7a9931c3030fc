"""What the widgets of notebooks 01, 03 and 05 share: their pictures, static view and model.

:func:`to_png` encodes every picture; a :class:`BlitFigure` is drawn in full once,
then redrawn only where it changes (matplotlib's blitting). A saved notebook keeps
a widget output as a reference to a live object; where no kernel runs (GitHub, the
course site, nbconvert) a :class:`StaticView` widget shows a PNG of its state and a
line of text instead. :func:`ask_model` runs a model on one digit and checks its answer.
"""

from __future__ import annotations

import base64
import inspect
import io
from typing import Any

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers.validation import check_probabilities

__all__: list[str] = []

#: Text size in points of the figures laid out for a projector (``projector=True``): at
#: 100 dots per inch, shown at their natural size, 12 pt is 16.7 CSS px, readable from
#: the back of a room (tests/browser/test_projector.py).
_PROJECTOR_POINTS = 12.0


def _to_png(pixels: np.ndarray, *, fast: bool = False) -> bytes:
    """RGB(A) pixels, shape (rows, columns, 3 or 4), as PNG bytes; alpha is dropped.

    ``fast`` compresses less, for the pictures a widget sends at every change.
    """
    buffer = io.BytesIO()
    image = PIL.Image.fromarray(np.ascontiguousarray(pixels[..., :3], dtype=np.uint8))
    image.save(buffer, format="png", compress_level=1 if fast else 6)
    return buffer.getvalue()


class _BlitFigure:
    """A figure whose later pictures redraw only the artists marked as changing.

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches; at 100 dots per inch the PNG is 100 times as many pixels.

    Attributes
    ----------
    pixels : ndarray of uint8, shape (rows, columns, 3)
        The last picture made by :meth:`png`.
    text_px : float
        The height of the smallest font in the figure, in the PNG's pixels (points x
        dpi / 72), measured at the first :meth:`png`; 0 before it.
    """

    def __init__(self, figsize: tuple[float, float]) -> None:
        self.figure = Figure(figsize=figsize, dpi=100)
        self.canvas = FigureCanvasAgg(self.figure)
        self._changing: list[Artist] = []
        self._background = None
        self.pixels: np.ndarray | None = None
        self.text_px = 0.0

    def changes(self, *artists: Artist) -> None:
        """Mark artists as changing: they are left out of the saved background."""
        for artist in artists:
            artist.set_animated(True)
        self._changing.extend(artists)

    def png(self) -> bytes:
        """The figure with the current state of the changing artists, as PNG bytes."""
        if self._background is None:
            self.canvas.draw()  # everything except the changing artists
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.text_px = _smallest_text_px(self.figure)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._changing:
            self.figure.draw_artist(artist)
        self.pixels = np.array(self.canvas.buffer_rgba())[..., :3]
        return _to_png(self.pixels, fast=True)


def _smallest_text_px(figure: Figure) -> float:
    """The smallest font of the figure's drawn text (ticks, labels, titles, legends), in pixels.

    Call it after a draw: tick labels get their text then. 0 if the figure has no text.
    """
    sizes = [
        text.get_fontsize()
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * figure.dpi / 72 if sizes else 0.0


class _StaticView:
    """Mixin (first in the bases) for a widget with ``picture()`` (PNG) and ``summary()``.

    The widget's output then holds both beside the live view.
    """

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        if bundle is not None:
            bundle["text/plain"] = self.summary()
            bundle["image/png"] = base64.b64encode(self.picture()).decode("ascii")
        return bundle


def _returns_hidden(model: Any) -> bool:
    """Whether ``model.forward`` accepts ``return_hidden=True``."""
    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):  # no signature available (for example a builtin)
        return False
    return "return_hidden" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def _ask_model(
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
