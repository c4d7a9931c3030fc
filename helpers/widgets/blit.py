"""Figures drawn in full once, then redrawn only where they change (matplotlib's blitting).

The explorers of notebooks 01, 03 and 05 send a new picture after each change; a
:class:`BlitFigure` saves everything that never changes (the *background*) and,
at each update, pastes it back and draws only the changing artists over it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.widgets.base import to_png

__all__ = ["BlitFigure"]


class BlitFigure:
    """A figure whose later pictures redraw only the artists marked as changing.

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches; at 100 dots per inch the PNG is 100 times as many pixels.

    Attributes
    ----------
    pixels : ndarray of uint8, shape (rows, columns, 3)
        The last picture made by :meth:`png`.
    """

    def __init__(self, figsize: tuple[float, float]) -> None:
        self.figure = Figure(figsize=figsize, dpi=100)
        self.canvas = FigureCanvasAgg(self.figure)
        self._changing: list[Artist] = []
        self._background = None
        self.pixels: np.ndarray | None = None

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
        else:
            self.canvas.restore_region(self._background)
        for artist in self._changing:
            self.figure.draw_artist(artist)
        self.pixels = np.array(self.canvas.buffer_rgba())[..., :3]
        return to_png(self.pixels, fast=True)
