"""What every widget shares: its picture as PNG, its static view, its checked model.

A saved notebook keeps a widget output as a reference to a live object; where no
kernel runs (GitHub, the course site, nbconvert) a reader sees only the rest of
the output. A :class:`StaticView` widget therefore also stores a PNG of its state
and a line of text. Used by the widgets of notebooks 01, 03 and 05.
"""

from __future__ import annotations

import base64
import inspect
import io
from typing import Any

import numpy as np
import PIL.Image

from helpers.validation import as_real, check_probabilities

__all__ = ["StaticView", "ask_model", "returns_hidden", "to_png"]


def to_png(pixels: np.ndarray, *, fast: bool = False) -> bytes:
    """RGB(A) pixels, shape (rows, columns, 3 or 4), as PNG bytes; alpha is dropped.

    ``fast`` compresses less, for the pictures a widget sends at every change.
    """
    buffer = io.BytesIO()
    image = PIL.Image.fromarray(np.ascontiguousarray(pixels[..., :3], dtype=np.uint8))
    image.save(buffer, format="png", compress_level=1 if fast else 6)
    return buffer.getvalue()


class StaticView:
    """Mixin: the widget's output also holds ``picture()`` (PNG) and ``summary()`` (text).

    The class it is mixed into defines both, and comes after it in the bases.
    """

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
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
    output = as_real(output, name)
    output = output.reshape(1, -1) if output.ndim == 1 else output
    return check_probabilities(output, n_classes=10, name=name)[0], layers
