"""The digit explorer: browse MNIST digits, their pixel values and a model's output.

Notebook 03 shows the digits with it, notebook 05 the network's answers;
``notebooks/dashboards/`` holds both for a lecture. CSS classes, for styling and
browser tests: ``digit-explorer`` (container), ``digit-explorer-readout``,
``digit-explorer-image``, ``digit-explorer-pixels`` and, with a model,
``digit-explorer-prediction``, ``digit-explorer-probabilities``, ``digit-explorer-hidden``.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from helpers.validation import check_images, check_labels, check_model
from helpers.widgets._figures import (
    DigitFigure,
    HiddenFigure,
    ProbabilityFigure,
    pixel_table_html,
    to_png,
)
from helpers.widgets._parts import IntSlider, Picture, StaticView, ask_model, returns_hidden

__all__ = ["digit_explorer"]

_HIDDEN_ALT = "Figure: each hidden unit's activation, divided by the layer's largest"


def digit_explorer(
    images: np.ndarray,
    labels: np.ndarray,
    model: Any | None = None,
    pixel_table: bool = True,
    projector: bool = False,
) -> _DigitExplorer:
    """Return an interactive explorer of ``images`` and their ``labels``.

    A **class** dropdown ("all", or one class) and an **index** slider pick the
    digit. With a class chosen, the slider gives the position among its digits.
    A read-out ("index 1503 · label 3"), the digit as an image and its pixel
    values follow. With a ``model`` it also shows the predicted class, the
    probabilities as a bar chart and the hidden layers' activations. Without a
    kernel it shows a PNG of its state.

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
        The digits to explore: uint8 pixels 0-255, or floats in [0, 1].
    labels : array_like of int, shape (N,)
        Each digit's class, 0-9.
    model : object, optional
        Anything with ``forward(X)`` taking an (n, 28, 28) batch of ``images``
        and returning class probabilities of shape (n, 10). If ``forward``
        accepts ``return_hidden=True``, it must then return
        ``(probabilities, hidden)``, where ``hidden`` is a list of (n, size) arrays.
    pixel_table : bool, default=True
        Show the 28 x 28 pixel values beside the image. They are too small to
        read on a projector, so the dashboards leave them out.
    projector : bool, default=False
        Lay it out for a projector, as the dashboards do. The pictures stand side
        by side in 683 x 512 CSS px (a 1024 x 768 projector at 150%). Every text
        in them is 12 pt (16.7 CSS px), and the controls stand on one line.

    Returns
    -------
    DigitExplorer
        An ``ipywidgets.VBox``; display it as the last line of a cell.

    Raises
    ------
    ValueError
        If the images are not N x 28 x 28 or N x 784 (floats in [0, 1]), the
        labels are not N integers 0-9, or the model's output has the wrong shape.
    TypeError
        If the pixels are neither uint8 nor float, or the model has no ``forward``.

    Examples
    --------
    >>> from helpers.data import load_sample
    >>> images, labels = load_sample()
    >>> explorer = digit_explorer(images, labels)
    >>> explorer.dropdown.value = 3      # only the 3s
    >>> explorer.slider.value = 2        # the third 3
    >>> explorer.index, explorer.label
    (1502, 3)
    """
    return _DigitExplorer(images, labels, model, pixel_table, projector)


class _DigitExplorer(StaticView, widgets.VBox):
    """The digit explorer widget; build it with :func:`digit_explorer`.

    Attributes
    ----------
    dropdown : ipywidgets.Dropdown
        The class filter: "all" or a class 0-9.
    slider : helpers.widgets._parts.IntSlider
        The data-set index (class "all") or the position within the chosen class.
    readout : ipywidgets.HTML
        "index <i> · label <l>" and, for a class, the position within it.
    image : helpers.widgets._parts.Picture
        The digit as a PNG; its ``alt`` text describes it.
    pixels : ipywidgets.HTML or None
        The digit's pixel values as a table (None if ``pixel_table=False``).
    prediction, probabilities, hidden : ipywidgets.HTML, Picture, Picture or None
        With a model: "predicted <k>" with the probabilities, their bar chart,
        and (when the model returns them) the hidden activations.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        model: Any = None,
        pixel_table: bool = True,
        projector: bool = False,
    ) -> None:
        self.images = check_images(images)
        self.labels = check_labels(labels, len(self.images))
        self.model = model if model is None else check_model(model)
        self._selection = np.arange(len(self.images))
        self._quiet = False
        self._vmax = 255.0 if self.images.dtype == np.uint8 else 1.0
        self._projector = projector
        self._digit_figure = DigitFigure(self._vmax, projector, alone=model is None)
        self._figures = [self._digit_figure]  # the static picture shows these, left to right

        classes = [(str(k), int(k)) for k in np.unique(self.labels)]
        self.dropdown = widgets.Dropdown(options=[("all", "all"), *classes], description="class")
        self.slider = IntSlider(description="index", min=0, max=len(self.images) - 1)
        self.readout = widgets.HTML().add_class("digit-explorer-readout")
        self.image = Picture().add_class("digit-explorer-image")
        self.pixels = widgets.HTML().add_class("digit-explorer-pixels") if pixel_table else None
        shown = [self.image] + ([self.pixels] if pixel_table else [])
        if projector:  # both on one line of 683 CSS px
            self.dropdown.layout.width = "190px"
            self.dropdown.style.description_width = "50px"
            self.slider.layout.flex = "1 1 auto"
        children = [widgets.HBox([self.dropdown, self.slider]), self.readout]
        self.prediction = self.probabilities = self.hidden = None
        if self.model is not None:  # the prediction above, its charts beside the digit
            charts = self._model_widgets()
            children.append(self.prediction)
            shown += charts
        row = widgets.Layout(align_items="flex-start", flex_flow="row wrap")  # wraps when narrow
        super().__init__([*children, widgets.HBox(shown, layout=row)])
        self.add_class("digit-explorer")
        self.dropdown.observe(self._on_class, names="value")
        self.slider.observe(self._on_slider, names="value")
        self.update()

    def _model_widgets(self) -> list[widgets.Widget]:
        """Check the model's output on the first image; make the prediction and its charts."""
        self._with_hidden = returns_hidden(self.model)
        _, hidden = ask_model(self.model, self.images[0], hidden=self._with_hidden)
        self._probability_figure = ProbabilityFigure(self._projector)
        self._figures.append(self._probability_figure)
        self.prediction = widgets.HTML().add_class("digit-explorer-prediction")
        self.probabilities = Picture().add_class("digit-explorer-probabilities")
        charts = [self.probabilities]
        if hidden:
            self._hidden_figure = HiddenFigure([h.shape[-1] for h in hidden], self._projector)
            self._figures.append(self._hidden_figure)
            self.hidden = Picture(alt=_HIDDEN_ALT).add_class("digit-explorer-hidden")
            charts.append(self.hidden)
        return charts

    @property
    def index(self) -> int:
        """The index in the data set of the digit shown."""
        return int(self._selection[self.slider.value])

    @property
    def label(self) -> int:
        """The label of the digit shown."""
        return int(self.labels[self.index])

    def _on_class(self, change: dict) -> None:
        """Restrict the slider to the chosen class, keeping the digit shown if it belongs."""
        current = self.index
        if change["new"] == "all":
            self._selection = np.arange(len(self.images))
        else:
            self._selection = np.flatnonzero(self.labels == change["new"])
        found = np.flatnonzero(self._selection == current)
        self._quiet = True  # no redraw for the intermediate slider values
        try:
            self.slider.max = len(self._selection) - 1
            self.slider.value = int(found[0]) if found.size else 0
        finally:
            self._quiet = False
        self.update()

    def _on_slider(self, _change: dict) -> None:
        """Redraw, unless the class filter is moving the slider."""
        if not self._quiet:
            self.update()

    def summary(self) -> str:
        """One line describing the digit shown, e.g. "digit explorer: index 0, label 0"."""
        text = f"digit explorer: index {self.index}, label {self.label}"
        if self.model is not None:
            text += f", predicted {self._predicted}"
        return text

    def update(self) -> None:
        """Redraw the read-outs and images for the digit the controls select.

        The read-out is set last: the front end applies the changes in order, so
        once the read-out names a digit, the images and tables show that digit.
        """
        index, label = self.index, self.label
        image = self.images[index]
        title = f"label {label}" if self._projector else f"label {label}, index {index}"
        self.image.value = self._digit_figure.render(image, title)  # projector: read-out has index
        self.image.alt = f"Figure: digit {index} of the data set, labelled {label}"
        self.image.text_px = self._digit_figure.text_px
        if self.pixels is not None:
            self.pixels.value = pixel_table_html(image, self._vmax)
        if self.model is not None:
            self._show_prediction(index, label)
        where = f"index {index} &middot; label {label}"
        if self.dropdown.value != "all":
            where += f" &middot; digit {self.slider.value + 1} of {len(self._selection)} "
            where += f"in class {self.dropdown.value}"
        self.readout.value = where

    def _show_prediction(self, index: int, label: int) -> None:
        """Ask the model about the digit; show its answer and charts."""
        probabilities, hidden = ask_model(self.model, self.images[index], hidden=self._with_hidden)
        self._predicted = int(np.argmax(probabilities))
        verdict = "correct" if self._predicted == label else f"wrong: the label is {label}"
        listed = " ".join(f"{k}:&nbsp;{p:.3f}" for k, p in enumerate(probabilities))
        self.prediction.value = (
            f"<b>predicted {self._predicted}</b> ({verdict}) &middot; probabilities {listed}"
        )
        self.probabilities.value = self._probability_figure.render(probabilities, label)
        self.probabilities.alt = (
            f"Figure: the model's probability for each class; it predicts {self._predicted}"
        )
        self.probabilities.text_px = self._probability_figure.text_px
        if self.hidden is not None:
            self.hidden.value = self._hidden_figure.render(hidden)
            self.hidden.text_px = self._hidden_figure.text_px

    def picture(self) -> bytes:
        """A PNG of the digit shown and, with a model, its probabilities and activations."""
        shown = [figure.pixels for figure in self._figures]  # side by side, top-aligned on white
        height = max(len(pixels) for pixels in shown)
        padded = [
            np.pad(p, [(0, height - len(p)), (0, 0), (0, 0)], constant_values=255) for p in shown
        ]
        return to_png(np.hstack(padded))
