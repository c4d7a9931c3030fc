"""Turn a drawing into an MNIST digit, the way MNIST made its own digits (notebook 05).

MNIST's authors scaled each black-and-white scan of a handwritten digit to fit a
20 x 20 pixel box, keeping its aspect ratio (the scaling turns it into grey levels),
then put it in a 28 x 28 image with its centre of mass (the mean position of the ink,
weighted by how dark each pixel is) on the pixel (14, 14). :func:`_strokes_to_digit`
paints a drawing's strokes in black and white, then does the same; the drawing
dashboard (:mod:`helpers.widgets.draw_digit`) shows the image the network sees.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import PIL.Image
import PIL.ImageDraw

from helpers.validation import _as_real, _check_positive_int, check_number

__all__: list[str] = []

_BOX = 20  #: the ink is scaled to fit a BOX x BOX square ...
_SIDE = 28  #: ... inside a SIDE x SIDE image,
_CENTRE = 14  #: with its centre of mass on pixel (CENTRE, CENTRE).
_MAX_CANVAS = 4096  #: the largest canvas side painted, in pixels: larger than any screen

_Stroke = Sequence[Sequence[float]]  # the (x, y) points of one pen stroke


def _paint_strokes(strokes: Sequence[_Stroke], size: int = 280, pen: float = 24) -> np.ndarray:
    """Paint pen strokes in black and white, as a scanner would see them: bool (size, size).

    Each stroke is a sequence of (x, y) points in canvas pixels, (0, 0) the top-left
    corner; a stroke of one point is a dot. ``pen`` is the pen's width in canvas pixels.
    """
    size = _check_positive_int(size, "size")
    if size > _MAX_CANVAS:
        raise ValueError(f"size must be at most {_MAX_CANVAS} canvas pixels, got {size}")
    pen = check_number(pen, "pen", low=0, high=size, low_inclusive=False)
    canvas = PIL.Image.new("1", (size, size), 0)
    draw = PIL.ImageDraw.Draw(canvas)
    r = pen / 2
    for stroke in strokes:
        points = _as_real(stroke, "stroke points")  # TypeError for text or ragged lists
        pairs = points.ndim == 2 and points.shape[1] == 2 and np.isfinite(points).all()
        if points.size and not pairs:  # an empty stroke paints nothing
            raise ValueError(f"stroke points must be finite (x, y) pairs; got {stroke!r:.80}")
        xy = [(x, y) for x, y in points.reshape(-1, 2).tolist()]
        if len(xy) > 1:
            draw.line(xy, fill=1, width=round(pen), joint="curve")
        for x, y in xy:  # round ends and joints
            draw.ellipse((x - r, y - r, x + r, y + r), fill=1)
    return np.asarray(canvas, dtype=bool)


def _mnist_digit(ink: np.ndarray) -> np.ndarray:
    """Scale ink into a 20 x 20 box and centre it by its centre of mass in 28 x 28.

    ``ink`` (h, w) is bool or floats in [0, 1]. Returns uint8 (28, 28), 0 (no ink)
    to 255 (full ink) as in MNIST; a blank drawing gives a blank image.
    """
    ink = _as_real(ink, "ink")
    if ink.ndim != 2:
        raise ValueError(f"ink must be a 2-D image; got shape {ink.shape}")
    if ink.size and not (ink.min() >= 0 and ink.max() <= 1):  # also refuses NaN
        raise ValueError("ink must hold values in [0, 1] (or be boolean)")
    digit = np.zeros((_SIDE, _SIDE), dtype=np.uint8)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return digit
    patch = _fit_in_box(ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])  # cropped to ink
    top, left = _centre_of_mass_offset(patch)
    h, w = patch.shape
    digit[top : top + h, left : left + w] = patch
    return digit


def _fit_in_box(ink: np.ndarray) -> np.ndarray:
    """Scale so the longer side is BOX pixels; each new pixel averages the ink it covers."""
    h, w = ink.shape
    scale = _BOX / max(h, w)
    new_size = (max(1, round(w * scale)), max(1, round(h * scale)))  # PIL wants (w, h)
    picture = PIL.Image.fromarray((ink * 255).astype(np.uint8))
    return np.asarray(picture.resize(new_size, PIL.Image.Resampling.BOX), dtype=np.uint8)


def _centre_of_mass_offset(patch: np.ndarray) -> tuple[int, int]:
    """Where to put ``patch`` in SIDE x SIDE so its centre of mass is nearest (CENTRE, CENTRE).

    The shift is a whole number of pixels, as in MNIST; the patch never leaves the image.
    """
    weights = patch.astype(float)
    total = weights.sum() or 1.0  # ink too faint to survive the scaling: any place will do
    row = (weights.sum(axis=1) @ np.arange(patch.shape[0])) / total
    col = (weights.sum(axis=0) @ np.arange(patch.shape[1])) / total
    top = min(max(round(_CENTRE - row), 0), _SIDE - patch.shape[0])
    left = min(max(round(_CENTRE - col), 0), _SIDE - patch.shape[1])
    return top, left


def _strokes_to_digit(strokes: Sequence[_Stroke], size: int = 280, pen: float = 24) -> np.ndarray:
    """The MNIST digit (28, 28) uint8 of pen strokes drawn on a ``size`` x ``size`` canvas."""
    return _mnist_digit(_paint_strokes(strokes, size, pen))
