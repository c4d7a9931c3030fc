"""Figures that redraw only what changes, for widgets that show a figure after each change.

A widget that shows a matplotlib figure must send a new picture after each
change. Building a new figure every time costs 0.4-0.5 s (axes, ticks, labels,
layout); the explorers of notebooks 01, 03 and 05 instead draw their figure
once, save a copy of everything that never changes (the *background*) and, at
each update, paste that copy back and draw only the changing artists over it.
This is matplotlib's "blitting" (see its guide "Faster rendering by using
blitting"); it brings an update down to a few milliseconds.
"""

from __future__ import annotations

import io

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["BlitFigure"]


class BlitFigure:
    """A figure drawn in full once; later pictures redraw only the artists marked as changing.

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches; at 100 dots per inch the PNG is 100 times as many pixels.
    """

    def __init__(self, figsize: tuple[float, float]) -> None:
        self.figure = Figure(figsize=figsize, dpi=100)
        self.canvas = FigureCanvasAgg(self.figure)
        self._changing: list[Artist] = []
        self._background = None

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
        pixels = np.asarray(self.canvas.buffer_rgba())[..., :3]
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
