"""Turn a drawing into an MNIST digit, the way MNIST made its own digits (notebook 05).

MNIST's authors scaled each black-and-white scan of a handwritten digit to fit a
20 x 20 pixel box, keeping its aspect ratio (the scaling turns it into grey levels),
then put it in a 28 x 28 image with its centre of mass (the mean position of the ink,
weighted by how dark each pixel is) on the pixel (14, 14). The drawing widget does the
same to the strokes drawn on its canvas: :func:`paint_strokes` paints them in black and
white, :func:`mnist_digit` makes the digit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import PIL.Image
import PIL.ImageDraw

from helpers.validation import as_real, check_number, check_positive_int

__all__ = ["mnist_digit", "paint_strokes"]

_BOX = 20  #: the ink is scaled to fit a BOX x BOX square ...
_SIDE = 28  #: ... inside a SIDE x SIDE image,
_CENTRE = 14  #: with its centre of mass on pixel (CENTRE, CENTRE).

_Stroke = Sequence[Sequence[float]]  # the (x, y) points of one pen stroke


def paint_strokes(strokes: Sequence[_Stroke], size: int = 280, pen: float = 24) -> np.ndarray:
    """Paint pen strokes in black and white, as a scanner would see them.

    Parameters
    ----------
    strokes : list of strokes
        Each stroke a list of (x, y) canvas pixels, (0, 0) at the top left.
        A one-point stroke is a dot; an empty stroke paints nothing.
    size : int, default=280
        The side of the square canvas, in pixels (at most 4096).
    pen : float, default=24
        The pen's width, in pixels (more than 0, at most ``size``).

    Returns
    -------
    ink : ndarray of bool, shape (size, size)
        True where the pen went.

    Raises
    ------
    ValueError
        If a stroke is not finite (x, y) pairs, or ``size`` or ``pen`` is out of range.
    TypeError
        If a stroke's points are not numbers.
    """
    size = check_positive_int(size, "size")
    check_number(size, "size (canvas pixels)", low=1, high=4096)  # larger than any screen
    pen = check_number(pen, "pen", low=0, high=size, low_inclusive=False)
    canvas = PIL.Image.new("1", (size, size), 0)
    draw = PIL.ImageDraw.Draw(canvas)
    r = pen / 2
    for stroke in strokes:
        points = as_real(stroke, "stroke points")  # TypeError for text or ragged lists
        pairs = points.ndim == 2 and points.shape[1] == 2 and np.isfinite(points).all()
        if points.size and not pairs:  # an empty stroke paints nothing
            raise ValueError(f"stroke points must be finite (x, y) pairs; got {stroke!r:.80}")
        xy = [(x, y) for x, y in points.reshape(-1, 2).tolist()]
        if len(xy) > 1:
            draw.line(xy, fill=1, width=round(pen), joint="curve")
        for x, y in xy:  # round ends and joints
            draw.ellipse((x - r, y - r, x + r, y + r), fill=1)
    return np.asarray(canvas, dtype=bool)


def mnist_digit(ink: np.ndarray) -> np.ndarray:
    """Make an MNIST digit of an image of ink, as MNIST's authors did.

    The ink is cut to its bounding box, scaled to fit 20 x 20 pixels and put in a
    28 x 28 image with its centre of mass on pixel (14, 14).

    Parameters
    ----------
    ink : array_like of bool or float, shape (h, w)
        How dark each pixel is: 0 paper, 1 full ink.

    Returns
    -------
    digit : ndarray of uint8, shape (28, 28)
        The digit, 0 background and 255 full ink; all 0 if there is no ink.

    Raises
    ------
    ValueError
        If ``ink`` is not 2-D or holds values outside [0, 1].
    TypeError
        If ``ink`` is not real numbers.
    """
    ink = as_real(ink, "ink")
    if ink.ndim != 2:
        raise ValueError(f"ink must be a 2-D image; got shape {ink.shape}")
    if ink.size and not (ink.min() >= 0 and ink.max() <= 1):  # also refuses NaN
        raise ValueError("ink must hold values in [0, 1] (or be boolean)")
    digit = np.zeros((_SIDE, _SIDE), dtype=np.uint8)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return digit
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    # Scale the longer side to BOX pixels; each new pixel averages the ink it covers.
    scale = _BOX / max(ink.shape)
    h, w = (max(1, round(side * scale)) for side in ink.shape)
    picture = PIL.Image.fromarray((ink * 255).astype(np.uint8))
    patch = np.asarray(picture.resize((w, h), PIL.Image.Resampling.BOX), dtype=np.uint8)
    if not patch.any():  # ink too faint to survive the scaling
        return digit
    total = patch.sum()  # centre of mass, then a move by whole pixels that stays inside
    row = patch.sum(axis=1) @ np.arange(h) / total
    col = patch.sum(axis=0) @ np.arange(w) / total
    top = min(max(round(_CENTRE - row), 0), _SIDE - h)
    left = min(max(round(_CENTRE - col), 0), _SIDE - w)
    digit[top : top + h, left : left + w] = patch
    return digit
