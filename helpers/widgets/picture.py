"""A PNG picture widget with alt text, shown at its natural size.

ipywidgets' ``Image`` has no ``alt`` attribute (screen readers then announce
an unnamed image) and setting its ``tooltip`` breaks its view in ipywidgets 8.1.
``Picture`` is the same thing with ``alt``: a few lines of JavaScript
(``picture.js``) run by anywidget (see :mod:`helpers.widgets.draw_digit` for why
anywidget). The explorers of notebooks 01, 03 and 05 show their figures with it.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["Picture"]


class Picture(anywidget.AnyWidget):
    """A PNG image (``value``, bytes) described by ``alt`` for those who cannot see it.

    Examples
    --------
    >>> picture = Picture(alt="Figure: nothing yet")
    >>> picture.value = b"\\x89PNG..."    # the bytes of a PNG file
    """

    _esm = Path(__file__).with_name("picture.js")
    value = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
