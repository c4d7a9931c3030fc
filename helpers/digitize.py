"""Turn a drawing into an MNIST digit, the way MNIST made its own digits.

MNIST's authors took black-and-white scans of handwritten digits and

1. scaled each one to fit a 20 x 20 pixel box, keeping its aspect ratio; the
   scaling (anti-aliasing) turns the black-and-white scan into grey levels;
2. put it in a 28 x 28 image so that its centre of mass (the mean position of
   the ink, weighted by how dark each pixel is) lands on the pixel (14, 14).

:func:`_strokes_to_digit` does the same with the strokes drawn on a canvas: it
paints them in black and white at the canvas's size, then applies
:func:`_mnist_digit`. The drawing dashboard (``notebooks/dashboards/draw_digit.ipynb``,
through :mod:`helpers.widgets.draw_digit`) uses it to show students the 28 x 28
image the network really sees; notebook 05 shows it beside the network.
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
    """Paint pen strokes in black and white, as a scanner would see them.

    Parameters
    ----------
    strokes : sequence of strokes
        Each stroke is a sequence of (x, y) points in canvas pixels, (0, 0) the
        top-left corner; a stroke of one point is a dot.
    size : int, default=280
        The canvas is ``size`` x ``size`` pixels.
    pen : float, default=24
        The pen's width in canvas pixels.

    Returns
    -------
    ndarray of bool, shape (size, size)
        True where there is ink.

    Raises
    ------
    TypeError
        If a stroke's points are not numbers.
    ValueError
        If a point is not a finite (x, y) pair, ``size`` is not in 1..MAX_CANVAS,
        or ``pen`` is not in (0, size].
    """
    size = _check_positive_int(size, "size")
    if size > _MAX_CANVAS:
        raise ValueError(f"size must be at most {_MAX_CANVAS} canvas pixels, got {size}")
    pen = check_number(pen, "pen", low=0, high=size, low_inclusive=False)
    canvas = PIL.Image.new("1", (size, size), 0)
    draw = PIL.ImageDraw.Draw(canvas)
    radius = pen / 2
    for stroke in strokes:
        points = _points(stroke)
        xy = [(float(x), float(y)) for x, y in points]
        if len(xy) > 1:
            draw.line(xy, fill=1, width=round(pen), joint="curve")
        for x, y in xy:  # round ends and joints
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=1)
    return np.asarray(canvas, dtype=bool)


def _mnist_digit(ink: np.ndarray) -> np.ndarray:
    """Scale ink into a 20 x 20 box and centre it by its centre of mass in 28 x 28.

    Parameters
    ----------
    ink : array_like of shape (h, w)
        How much ink each pixel holds: bool, or floats in [0, 1].

    Returns
    -------
    ndarray of uint8, shape (28, 28)
        0 (no ink) to 255 (full ink), MNIST's convention. A blank drawing gives
        a blank image.

    Raises
    ------
    TypeError
        If ``ink`` is not real numbers.
    ValueError
        If ``ink`` is not 2-D or holds values outside [0, 1].

    Examples
    --------
    >>> bar = np.zeros((100, 100), dtype=bool)
    >>> bar[10:90, 45:55] = True             # a vertical bar, 80 x 10
    >>> digit = mnist_digit(bar)
    >>> digit.shape, int((digit.sum(axis=1) > 0).sum())   # 20 rows of ink
    ((28, 28), 20)
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
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # crop to the ink
    patch = _fit_in_box(ink)
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
    resized = picture.resize(new_size, PIL.Image.Resampling.BOX)
    return np.asarray(resized, dtype=np.uint8)


def _points(stroke: _Stroke) -> np.ndarray:
    """The points of one stroke as an (n, 2) float array, or a clear error."""
    points = _as_real(stroke, "stroke points")  # TypeError for text or ragged lists
    if points.size == 0:
        return np.empty((0, 2))  # an empty stroke paints nothing
    if points.ndim != 2 or points.shape[1] != 2 or not np.isfinite(points).all():
        raise ValueError(f"stroke points must be finite (x, y) pairs; got {stroke!r:.80}")
    return points


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
    """The MNIST digit (28, 28) uint8 of pen strokes drawn on a ``size`` x ``size`` canvas.

    See :func:`_paint_strokes` for the parameters and :func:`_mnist_digit` for the steps.
    """
    return _mnist_digit(_paint_strokes(strokes, size, pen))
