"""The drawing widget, driven from Python as the browser drives it (strokes in, answer out)."""

import base64
import io

import numpy as np
import PIL.Image
import pytest

from helpers.digitize import mnist_digit, paint_strokes
from helpers.mlp import load_mlp
from helpers.paths import REFERENCE_WEIGHTS
from helpers.widgets.digit_explorer import digit_explorer
from helpers.widgets.draw_digit import draw_digit

SEVEN = [[(70, 60), (210, 60), (120, 235)]]
BAR = [[(140, 40), (140, 240)]]


@pytest.fixture(scope="module")
def model():
    return load_mlp(REFERENCE_WEIGHTS)


def test_strokes_give_the_digit_and_the_models_answer(model):
    widget = draw_digit(model, strokes=SEVEN)
    digit = mnist_digit(paint_strokes(SEVEN))
    np.testing.assert_array_equal(widget.digit, digit)
    expected = np.asarray(model.forward(digit[None]), dtype=float).reshape(10)
    np.testing.assert_allclose(widget.probabilities, expected, rtol=1e-6)
    assert widget.prediction == int(np.argmax(expected)) == 7
    widget.strokes = BAR  # what the browser does after Clear and a new stroke
    assert widget.prediction == 1
    assert widget.summary().startswith("drawn digit: predicted 1")


def test_clear_empties_the_answer(model):
    widget = draw_digit(model, strokes=SEVEN)
    widget.strokes = []
    assert widget.prediction == -1 and widget.probabilities == [] and not widget.digit.any()
    assert widget.summary() == "drawn digit: nothing drawn yet"


def test_stored_picture_shows_the_state_set_before_display(model):
    widget = draw_digit(model)
    widget.strokes = SEVEN
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == widget.summary() and "predicted 7" in bundle["text/plain"]
    picture = PIL.Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert picture.size[0] > 600
    blank = PIL.Image.open(io.BytesIO(draw_digit(model).picture()))
    assert np.asarray(picture).shape == np.asarray(blank).shape
    assert not np.array_equal(np.asarray(picture), np.asarray(blank))


def test_a_model_without_forward_or_with_a_wrong_output_is_refused(model):
    with pytest.raises(TypeError, match="forward"):
        draw_digit(object())

    class NineClasses:
        def forward(self, X):
            return np.full((len(X), 9), 1 / 9)

    with pytest.raises(ValueError, match=r"shape \(N, 10\)"):
        draw_digit(NineClasses(), strokes=SEVEN)


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (np.full((1, 10), np.nan), "NaN or infinite values"),  # was "predicted 0"
        (np.arange(10.0)[None] * 2.2, "must be probabilities"),  # logits: was "p = 19.80"
    ],
)
def test_a_model_that_does_not_return_probabilities_is_refused(output, message):
    """A diverged network or one without its softmax used to be shown as a prediction."""

    class Broken:
        def forward(self, X):
            return output

    with pytest.raises(ValueError, match=message):
        draw_digit(Broken(), strokes=SEVEN)
    images, labels = np.zeros((3, 28, 28), np.uint8), np.array([0, 1, 2])
    with pytest.raises(ValueError, match=message):
        digit_explorer(images, labels, model=Broken())
