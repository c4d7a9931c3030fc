"""How long the drawing widget takes to answer a stroke (Python's part).

Ours: one update of :func:`helpers.widgets.draw_digit.draw_digit` (a stroke is
added): paint the strokes, make the 28 x 28 MNIST digit, run the reference
network, set the traits the browser draws from. Peer: the same answer sent as a
matplotlib figure (drawing, digit and probability bars, as in the widget's
stored picture), which is what a widget drawing its output in Python would pay.
The browser's part (message round trip and drawing) comes on top; the browser
test prints the whole time from the end of a stroke to the answer on screen.
"""

from __future__ import annotations

from itertools import count

import pytest

GROUP = "draw digit, answer to a stroke"


@pytest.fixture(scope="module")
def widget():
    from helpers.mlp import load_mlp
    from helpers.paths import REFERENCE_WEIGHTS
    from helpers.widgets.draw_digit import draw_digit

    return draw_digit(load_mlp(REFERENCE_WEIGHTS))


def _sevens():
    """A 7 whose corner moves one pixel per stroke, so every update has new work to do."""
    return ([[(70, 60), (210 + k % 20, 60), (120, 235)]] for k in count())


def test_widget_update(benchmark, widget):
    strokes = _sevens()
    benchmark.group, benchmark.extra_info = GROUP, {"ours": True}
    benchmark(lambda: setattr(widget, "strokes", next(strokes)))


def test_update_sent_as_a_figure(benchmark, widget):
    strokes = _sevens()

    def update():
        widget.strokes = next(strokes)
        widget.picture()

    benchmark.group = GROUP
    benchmark(update)
