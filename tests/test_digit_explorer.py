"""The digit explorer, driven from Python as the notebook's controls would drive it."""

from __future__ import annotations

import base64
import io
import re
from itertools import pairwise

import numpy as np
import PIL.Image
import pytest
from matplotlib.text import Text
from sklearn.linear_model import LogisticRegression

from helpers.data import load_sample
from helpers.widgets._figures import pixel_table_html
from helpers.widgets.digit_explorer import digit_explorer


@pytest.fixture(scope="module")
def sample():
    return load_sample()


class SoftmaxRegression:
    """Multinomial logistic regression fitted on part of the sample; no hidden layers."""

    def __init__(self, images, labels):
        self.fit = LogisticRegression(max_iter=200).fit(
            images.reshape(len(images), -1) / 255, labels
        )

    def forward(self, X):
        return self.fit.predict_proba(np.asarray(X, dtype=float).reshape(len(X), -1) / 255)

    def predict(self, X):
        return self.forward(X).argmax(axis=1)


class TinyMLP:
    """A fixed 784-16-8-10 ReLU network with seeded random weights."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [784, 16, 8, 10]
        self.weights = [rng.normal(0, 1 / np.sqrt(m), (n, m)) for m, n in pairwise(sizes)]

    def forward(self, X, return_hidden=False):
        a = np.asarray(X, dtype=float).reshape(len(X), -1) / 255
        hidden = []
        for W in self.weights[:-1]:
            a = np.maximum(a @ W.T, 0)
            hidden.append(a)
        z = a @ self.weights[-1].T
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return (p, hidden) if return_hidden else p

    def predict(self, X):
        return self.forward(X).argmax(axis=1)


@pytest.fixture(scope="module")
def regression(sample):
    images, labels = sample
    keep = np.arange(0, len(images), 5)  # 100 digits per class keep the fit short
    return SoftmaxRegression(images[keep], labels[keep])


def png_pixels(png):
    """The RGB pixels of a PNG, as an array (rows, columns, 3)."""
    return np.asarray(PIL.Image.open(io.BytesIO(bytes(png))).convert("RGB"))


def table_values(html):
    """The numbers in the pixel table, row by row, '' for the blank (zero) cells."""
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in rows]


def test_starts_at_the_first_digit_with_css_classes(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels)
    assert "digit-explorer" in explorer._dom_classes
    assert explorer.readout.value.startswith("index 0 ")
    assert "label 0" in explorer.readout.value
    assert "digit-explorer-readout" in explorer.readout._dom_classes
    assert "digit-explorer-image" in explorer.image._dom_classes
    assert "digit-explorer-pixels" in explorer.pixels._dom_classes
    assert explorer.slider.description == "index" and explorer.slider.max == len(images) - 1
    assert explorer.dropdown.description == "class"
    assert [label for label, _ in explorer.dropdown.options] == ["all", *map(str, range(10))]
    assert explorer.prediction is None and explorer.probabilities is None


def test_slider_moves_index_label_image_and_pixels(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels)
    before = explorer.image.value
    explorer.slider.value = 2345
    assert explorer.index == 2345 and explorer.label == labels[2345] == 4
    assert "index 2345 " in explorer.readout.value and "label 4" in explorer.readout.value
    assert explorer.image.value != before and bytes(explorer.image.value).startswith(b"\x89PNG")
    np.testing.assert_array_equal(explorer._digit_figure.picture.get_array(), images[2345])
    shown = table_values(explorer.pixels.value)
    expected = [[str(v) if v else "" for v in row] for row in images[2345]]
    assert shown == expected


def test_class_dropdown_restricts_the_slider(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels)
    explorer.dropdown.value = 7
    assert explorer.slider.max == np.sum(labels == 7) - 1
    assert explorer.slider.value == 0 and explorer.label == 7
    assert explorer.index == np.flatnonzero(labels == 7)[0]
    explorer.slider.value = 499
    assert explorer.index == np.flatnonzero(labels == 7)[499] and explorer.label == 7
    assert f"index {explorer.index} " in explorer.readout.value
    assert "digit 500 of 500 in class 7" in explorer.readout.value
    explorer.dropdown.value = "all"  # the digit shown stays; the slider is the index again
    assert explorer.slider.value == explorer.index == np.flatnonzero(labels == 7)[499]
    explorer.dropdown.value = 2  # a 7 is not a 2: start at the first 2
    assert explorer.label == 2 and explorer.slider.value == 0


def test_class_filter_on_unsorted_labels():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (30, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 3, 30)
    explorer = digit_explorer(images, labels)
    assert [label for label, _ in explorer.dropdown.options] == ["all", "0", "1", "2"]
    explorer.dropdown.value = 1
    shown = []
    for position in range(explorer.slider.max + 1):
        explorer.slider.value = position
        shown.append(explorer.index)
    assert shown == list(np.flatnonzero(labels == 1))


def test_flat_float_images_are_accepted(sample):
    images, labels = sample
    flat = images[:50].reshape(50, 784).astype(np.float32) / 255
    explorer = digit_explorer(flat, labels[:50])
    explorer.slider.value = 3
    np.testing.assert_array_equal(
        explorer._digit_figure.picture.get_array(), flat[3].reshape(28, 28)
    )
    cells = [v for row in table_values(explorer.pixels.value) for v in row if v]
    assert len(cells) == np.count_nonzero(flat[3]) and all(
        re.fullmatch(r"1\.00|\.\d\d", v) for v in cells
    )


def test_static_render_shows_the_current_digit(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels)
    explorer.slider.value = 1000
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "digit explorer: index 1000, label 2"
    np.testing.assert_array_equal(
        png_pixels(base64.b64decode(bundle["image/png"])), png_pixels(explorer.image.value)
    )


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((5, 28, 27), np.uint8), np.zeros(5, int), "shape"),
        (np.zeros((5, 783), np.uint8), np.zeros(5, int), "shape"),
        (np.zeros((28, 28), np.uint8), np.zeros(1, int), "shape"),
        (np.zeros((0, 28, 28), np.uint8), np.zeros(0, int), "N >= 1"),
        (np.zeros((5, 28, 28), np.uint8), np.zeros(4, int), "one per image"),
        (np.zeros((5, 28, 28), np.uint8), np.full(5, 10), "between 0 and 9"),
        (np.full((5, 784), np.nan), np.zeros(5, int), "NaN"),
    ],
)
def test_invalid_inputs_raise_value_error(images, labels, message):
    with pytest.raises(ValueError, match=message):
        digit_explorer(images, labels)


def test_wrong_pixel_type_or_model_raise_type_error(sample):
    images, labels = sample
    with pytest.raises(TypeError, match="uint8"):
        digit_explorer(images.astype(np.int64), labels)
    with pytest.raises(TypeError, match="integers"):
        digit_explorer(images, labels.astype(float))
    with pytest.raises(TypeError, match="forward"):
        digit_explorer(images, labels, model=LogisticRegression())


def test_model_with_wrong_output_shape_is_rejected(sample, regression):
    images, labels = sample

    class Scores:
        def forward(self, X):
            return regression.forward(X)[:, :9]

    with pytest.raises(ValueError, match=r"\(N, 10\)"):
        digit_explorer(images, labels, model=Scores())


def test_model_prediction_and_probabilities(sample, regression):
    images, labels = sample
    explorer = digit_explorer(images, labels, model=regression)
    assert explorer.hidden is None  # logistic regression has no hidden layer
    assert "digit-explorer-prediction" in explorer.prediction._dom_classes
    assert "digit-explorer-probabilities" in explorer.probabilities._dom_classes
    for index in [3, 1501, 4999]:
        explorer.slider.value = index
        probabilities = regression.forward(images[index : index + 1])[0]
        predicted = regression.predict(images[index : index + 1])[0]
        assert f"predicted {predicted}" in explorer.prediction.value
        assert f"{predicted}:&nbsp;{probabilities[predicted]:.3f}" in explorer.prediction.value
        heights = [bar.get_height() for bar in explorer._probability_figure.bars]
        np.testing.assert_allclose(heights, probabilities)
        assert explorer.summary().endswith(f"predicted {predicted}")


def test_model_hidden_activations_are_shown(sample):
    images, labels = sample
    model = TinyMLP()
    explorer = digit_explorer(images, labels, model=model)
    assert "digit-explorer-hidden" in explorer.hidden._dom_classes
    explorer.dropdown.value = 5
    explorer.slider.value = 10
    index = explorer.index
    _, hidden = model.forward(images[index : index + 1], return_hidden=True)
    figure = explorer._hidden_figure
    for step, text, layer in zip(figure.steps, figure.maxima, hidden, strict=True):
        assert layer[0].max() > 0
        np.testing.assert_allclose(step.get_data().values, layer[0] / layer[0].max())
        assert text.get_text() == f"max {layer[0].max():.2f}"
    assert f"predicted {model.predict(images[index : index + 1])[0]}" in explorer.prediction.value
    assert bytes(explorer.hidden.value).startswith(b"\x89PNG")


def test_a_class_with_one_digit_pins_the_slider():
    images = np.arange(4 * 784, dtype=np.uint8).reshape(4, 28, 28)
    explorer = digit_explorer(images, [0, 0, 1, 0])
    explorer.slider.value = 3
    explorer.dropdown.value = 1
    assert (explorer.slider.min, explorer.slider.max, explorer.index) == (0, 0, 2)
    assert "digit 1 of 1 in class 1" in explorer.readout.value
    explorer.dropdown.value = 0
    assert explorer.index == 0 and explorer.slider.max == 2


def test_static_picture_shows_the_digit_probabilities_and_activations_set(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels, model=TinyMLP())
    explorer.slider.value = 768
    picture = png_pixels(base64.b64decode(explorer._repr_mimebundle_()["image/png"]))
    parts = [png_pixels(w.value) for w in (explorer.image, explorer.probabilities, explorer.hidden)]
    assert picture.shape[1] == sum(part.shape[1] for part in parts)
    left = 0
    for part in parts:  # each picture, as the widget shows it now, left to right
        height, width, _ = part.shape
        np.testing.assert_array_equal(picture[:height, left : left + width], part)
        left += width
    assert explorer.summary() == f"digit explorer: index 768, label {labels[768]}, " + (
        f"predicted {TinyMLP().predict(images[768:769])[0]}"
    )


def test_images_have_descriptions_for_screen_readers(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels, model=TinyMLP())
    explorer.slider.value = 12
    assert explorer.image.alt == f"Figure: digit 12 of the data set, labelled {labels[12]}"
    assert explorer.probabilities.alt.startswith("Figure: the model's probability")
    assert explorer.hidden.alt.startswith("Figure: each hidden unit")


def test_pixel_table_can_be_left_out(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels, pixel_table=False)
    assert explorer.pixels is None
    explorer.slider.value = 5
    assert "index 5 " in explorer.readout.value


def test_pixel_table_text_contrast_is_at_least_4_5():
    """WCAG's contrast ratio between each cell's text and its gray background."""

    def luminance(gray):
        c = gray / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    image = np.arange(1, 256, dtype=np.uint8)[: 28 * 9].reshape(9, 28)
    for gray, ink in re.findall(r"rgb\((\d+),\d+,\d+\);color:(#\w+)", pixel_table_html(image, 255)):
        background = luminance(int(gray))
        text = 1.0 if ink == "#fff" else 0.0
        ratio = (max(background, text) + 0.05) / (min(background, text) + 0.05)
        assert ratio >= 4.5, f"gray {gray} with {ink} text: contrast {ratio:.2f}"


@pytest.mark.parametrize("projector", [False, True])
def test_hidden_title_and_maxima_do_not_overlap(sample, projector):
    images, labels = sample
    explorer = digit_explorer(images, labels, model=TinyMLP(), projector=projector)
    figure = explorer._hidden_figure
    renderer = figure.canvas.get_renderer()
    title = figure.title.get_window_extent(renderer)
    for text in figure.maxima:
        assert text.get_text().startswith("max ")
        assert not title.overlaps(text.get_window_extent(renderer))


def texts_outside(blit_figure):
    """The texts of a drawn figure that reach outside it (cut off in its PNG)."""
    figure = blit_figure.figure
    renderer = blit_figure.canvas.get_renderer()
    inside = figure.bbox.padded(1)
    shown = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [
        text.get_text()
        for text in shown
        if not all(inside.contains(*c) for c in text.get_window_extent(renderer).corners())
    ]


@pytest.mark.parametrize("with_model", [False, True])
def test_projector_pictures_fit_683_px_with_16_px_text(sample, with_model):
    images, labels = sample
    model = TinyMLP() if with_model else None
    explorer = digit_explorer(images, labels, model=model, pixel_table=False, projector=True)
    explorer.slider.value = 4999  # the longest index, a 9
    pictures = [explorer.image] + ([explorer.probabilities, explorer.hidden] if model else [])
    assert all(picture.text_px >= 16 for picture in pictures)
    assert sum(figure.pixels.shape[1] for figure in explorer._figures) <= 640
    assert max(figure.pixels.shape[0] for figure in explorer._figures) <= 300
    for figure in explorer._figures:
        assert not texts_outside(figure)
    assert explorer.pixels is None


def test_notebook_pictures_keep_their_size(sample):
    images, labels = sample
    explorer = digit_explorer(images, labels, model=TinyMLP())
    assert [f.pixels.shape[:2] for f in explorer._figures] == [(260, 250), (260, 320), (290, 320)]
    assert "index" in explorer._digit_figure.title.get_text()
