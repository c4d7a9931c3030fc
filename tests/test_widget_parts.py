"""The parts the widgets share: the PNG encoder, the static view, the model call, the controls."""

import base64
import io

import numpy as np
import PIL.Image
import pytest

from helpers.widgets._figures import BlitFigure, smallest_text_px, to_png
from helpers.widgets._parts import IntSlider, Picture, Slider, ask_model, returns_hidden
from helpers.widgets.covariance_explorer import covariance_explorer


def test_slider_clips_its_value_into_the_range():
    slider = Slider(description="ε", value=0.5, min=0, max=1, step=0.1, decimals=1)
    slider.value = 3
    assert slider.value == 1.0
    slider.max = 0.2
    assert slider.value == 0.2


def test_int_slider_holds_whole_numbers():
    slider = IntSlider(description="index", max=9)
    slider.value = 12
    assert slider.value == 9 and isinstance(slider.value, int)


def test_picture_holds_png_bytes_and_alt_text():
    picture = Picture(value=b"\x89PNG", alt="Figure: nothing")
    assert picture.value == b"\x89PNG" and picture.alt == "Figure: nothing"


@pytest.mark.parametrize("fast", [False, True])
def test_to_png_keeps_the_pixels_and_drops_alpha(fast):
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (5, 7, 4), dtype=np.uint8)
    png = to_png(rgba, fast=fast)
    decoded = PIL.Image.open(io.BytesIO(png))
    assert decoded.mode == "RGB" and decoded.size == (7, 5)
    np.testing.assert_array_equal(np.asarray(decoded), rgba[..., :3])


def test_blit_figure_redraws_only_what_changes_and_keeps_its_pixels():
    figure = BlitFigure((1.0, 0.5))
    (line,) = figure.figure.add_subplot().plot([0, 1], [0, 0])
    figure.changes(line)
    first = figure.png()
    assert figure.pixels.shape == (50, 100, 3) and first.startswith(b"\x89PNG")
    line.set_ydata([1, 1])
    second = figure.png()
    assert second != first
    np.testing.assert_array_equal(np.asarray(PIL.Image.open(io.BytesIO(second))), figure.pixels)


def test_static_view_stores_the_picture_and_the_summary():
    explorer = covariance_explorer(correlation=0.5)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "covariance explorer: " + explorer.image.alt
    assert "correlation 0.500" in bundle["text/plain"]
    shown = PIL.Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    live = PIL.Image.open(io.BytesIO(bytes(explorer.image.value)))
    np.testing.assert_array_equal(np.asarray(shown), np.asarray(live))


class Softmax:
    def __init__(self, output):
        self.output = output

    def forward(self, X, return_hidden=False):
        hidden = [np.full((len(X), 3), 0.5)]
        return (self.output, hidden) if return_hidden else self.output


def test_ask_model_accepts_one_row_or_a_flat_vector_and_returns_hidden_layers():
    p = np.full(10, 0.1)
    for output in (p, p[None]):
        probabilities, hidden = ask_model(Softmax(output), np.zeros((28, 28), np.uint8))
        np.testing.assert_allclose(probabilities, p)
        assert hidden == []
    plain = type("Plain", (), {"forward": lambda self, X: p[None]})()
    assert returns_hidden(Softmax(p)) and not returns_hidden(plain)
    assert not returns_hidden(type("Builtin", (), {"forward": max})())  # no signature
    _, hidden = ask_model(Softmax(p), np.zeros((28, 28), np.uint8), hidden=True)
    np.testing.assert_array_equal(hidden[0], np.full(3, 0.5))


@pytest.mark.parametrize(
    ("output", "error", "message"),
    [
        (np.full(9, 1 / 9), ValueError, r"shape \(N, 10\)"),
        (np.arange(10.0), ValueError, "must be probabilities"),
        (["a"] * 10, TypeError, "real numbers"),
    ],
)
def test_ask_model_refuses_what_is_not_ten_probabilities(output, error, message):
    with pytest.raises(error, match=message):
        ask_model(Softmax(output), np.zeros((28, 28), np.uint8))


def test_blit_figure_measures_its_smallest_text_in_pixels():
    figure = BlitFigure((2.0, 2.0))
    assert figure.text_px == 0  # not drawn yet
    ax = figure.figure.add_subplot()
    ax.set_title("title", fontsize=20)
    ax.tick_params(labelsize=9)
    figure.png()
    assert figure.text_px == pytest.approx(9 * 100 / 72)
    ax.tick_params(labelbottom=False, labelleft=False)  # no tick labels drawn: the title
    assert smallest_text_px(figure.figure) == pytest.approx(20 * 100 / 72)


def test_picture_carries_the_size_of_its_text():
    picture = Picture(value=b"\x89PNG", text_px=16.7)
    assert picture.text_px == 16.7 and Picture().text_px == 0
