"""The digit explorer: browse MNIST digits, their pixel values and a model's output.

``digit_explorer(images, labels)`` returns a widget with

* a **class** dropdown ("all", or one of the classes present): choosing a class
  restricts the slider to the digits of that class;
* an **index** slider. With class "all" its value is the index in the data set;
  with a class chosen it is the position among that class's digits (0 is the
  first digit of the class, in data-set order). The read-out always shows the
  index in the data set;
* a read-out ("index 1503 · label 3 · ...");
* the digit as an image, and its 28 x 28 pixel values as a table shaded like
  the image (zero pixels are left blank).

Given a ``model`` (anything with ``forward(X) -> probabilities (N, 10)``), it
also shows the predicted class, the 10 output probabilities as a bar chart and,
when ``forward`` accepts ``return_hidden=True``, the hidden layers' activations.

The figures are drawn with matplotlib's Agg renderer into PNG images: the
figures are made once and only their changing parts are redrawn, so an update
takes about 5 ms, or 15 ms with a 784-200-100-10 model (see
``benchmarks/bench_digit_explorer.py``). The read-out is updated last, so when
it names a digit, every other part already shows that digit. Where no widget
front end exists (a static render of a saved notebook) the explorer's output
falls back to a PNG of the digit shown and a line of text naming it.

CSS classes, for styling and browser tests: ``digit-explorer`` (container),
``digit-explorer-readout``, ``digit-explorer-image``, ``digit-explorer-pixels``,
and with a model ``digit-explorer-prediction``, ``digit-explorer-probabilities``
and ``digit-explorer-hidden``.
"""

from __future__ import annotations

import base64
import inspect
import io
from typing import Any

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers.digit_checks import as_digit_images, as_digit_labels, pixel_max

__all__ = ["DigitExplorer", "digit_explorer"]


def digit_explorer(
    images: np.ndarray, labels: np.ndarray, model: Any | None = None
) -> DigitExplorer:
    """Return an interactive explorer of ``images`` and their ``labels``.

    Parameters
    ----------
    images : array_like, shape (N, 28, 28) or (N, 784)
        uint8 pixels 0-255, or floats (in [0, 1] or 0-255).
    labels : array_like of int, shape (N,)
        The class of each image, 0-9.
    model : object, optional
        Anything with ``forward(X)`` taking an (n, 28, 28) batch of ``images``
        and returning class probabilities of shape (n, 10). If ``forward``
        accepts ``return_hidden=True`` it must then return
        ``(probabilities, hidden)``, ``hidden`` a list of (n, size) arrays.

    Returns
    -------
    DigitExplorer
        An ``ipywidgets.VBox``; display it as the last line of a cell.

    Raises
    ------
    ValueError
        If the images are not N x 28 x 28 or N x 784, the labels are not N
        integers 0-9, or the model's output has the wrong shape.
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
    return DigitExplorer(images, labels, model)


class _BlitFigure:
    """A figure drawn in full once; later updates redraw only the artists that change.

    Redrawing only the changing artists over a saved copy of the rest (blitting)
    skips the axes, ticks and labels, which is most of the drawing time.
    """

    def __init__(self, figsize: tuple[float, float]) -> None:
        self.figure = Figure(figsize=figsize)
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
        PIL.Image.fromarray(pixels).save(buffer, format="png")
        return buffer.getvalue()


class _DigitFigure(_BlitFigure):
    """A titled 28 x 28 gray image whose pixels and title are replaced on each update."""

    def __init__(self, vmax: float) -> None:
        super().__init__((2.5, 2.6))
        ax = self.figure.add_subplot()
        self.picture = ax.imshow(np.zeros((28, 28)), cmap="gray", vmin=0, vmax=vmax)
        ax.set_xticks([0, 9, 18, 27])
        ax.set_yticks([0, 9, 18, 27])
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        self.title = ax.set_title("label 0, index 0", fontsize=10)
        self.figure.subplots_adjust(left=0.2, right=0.95, bottom=0.17, top=0.88)
        self.changes(self.picture, self.title, *ax.spines.values())

    def render(self, image: np.ndarray, title: str) -> bytes:
        self.picture.set_data(image)
        self.title.set_text(title)
        return self.png()


class _ProbabilityFigure(_BlitFigure):
    """A bar chart of the 10 class probabilities, the predicted class highlighted."""

    def __init__(self) -> None:
        super().__init__((3.2, 2.4))
        ax = self.figure.add_subplot()
        self.bars = ax.bar(range(10), np.zeros(10), color="lightgray")
        ax.set_xticks(range(10))
        ax.set_ylim(0, 1)
        ax.set_xlabel("class")
        ax.set_ylabel("probability")
        self.title = ax.set_title("predicted 0", fontsize=10)
        self.figure.subplots_adjust(left=0.2, right=0.95, bottom=0.2, top=0.88)
        self.changes(*self.bars, self.title, *ax.spines.values())

    def render(self, probabilities: np.ndarray, label: int) -> bytes:
        predicted = int(np.argmax(probabilities))
        hit = "tab:green" if predicted == label else "tab:red"
        for k, bar in enumerate(self.bars):
            bar.set_height(probabilities[k])
            bar.set_color(hit if k == predicted else "lightgray")
        self.title.set_text(f"predicted {predicted} (label {label})")
        return self.png()


class _HiddenFigure(_BlitFigure):
    """One panel per hidden layer: each unit's activation, scaled by the layer's largest.

    The y axes stay fixed (0 to 1) so that only the curves and the printed
    maxima are redrawn.
    """

    def __init__(self, sizes: list[int]) -> None:
        super().__init__((3.2, 0.9 + 1.0 * len(sizes)))
        self.axes = list(self.figure.subplots(len(sizes), 1, squeeze=False)[:, 0])
        self.steps, self.maxima = [], []
        for number, (ax, size) in enumerate(zip(self.axes, sizes, strict=True), start=1):
            self.steps.append(ax.stairs(np.zeros(size), fill=True, color="tab:blue"))
            self.maxima.append(
                ax.text(1.0, 1.0, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
            )
            ax.set_xlim(0, size)
            ax.set_ylim(0, 1.05)
            ax.set_ylabel(f"layer {number}\n({size})", fontsize=8)
            ax.tick_params(labelsize=7)
        self.axes[-1].set_xlabel("unit")
        self.axes[0].set_title("hidden activations ÷ max", fontsize=10)
        height = self.figure.get_figheight()
        self.figure.subplots_adjust(
            left=0.22, right=0.95, bottom=0.55 / height, top=1 - 0.35 / height, hspace=0.6
        )
        self.changes(*self.steps, *self.maxima)

    def render(self, hidden: list[np.ndarray]) -> bytes:
        for step, text, values in zip(self.steps, self.maxima, hidden, strict=True):
            largest = float(values.max())
            step.set_data(values / largest if largest > 0 else values)
            text.set_text(f"max {largest:.2f}")
        return self.png()


def _pixel_table(image: np.ndarray, vmax: float) -> str:
    """The 28 x 28 pixel values as an HTML table, each cell shaded with the gray colormap."""
    integers = image.dtype == np.uint8
    rows = []
    for row in image:
        cells = []
        for value in row:
            if value == 0:
                cells.append("<td></td>")
                continue
            gray = int(round(255 * min(float(value) / vmax, 1.0)))
            ink = "#000" if gray > 127 else "#fff"
            text = f"{value}" if integers else f"{value:.2f}".lstrip("0")
            cells.append(
                f'<td style="background:rgb({gray},{gray},{gray});color:{ink}">{text}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    style = (
        "<style>.digit-explorer-pixels table{border-collapse:collapse;background:#000;"
        "font:7px/1 monospace}.digit-explorer-pixels td{width:15px;height:11px;padding:0;"
        "text-align:center;border:1px solid #222}</style>"
    )
    return style + '<table title="pixel values, row by row">' + "".join(rows) + "</table>"


def _image_widget() -> widgets.Image:
    """A PNG image widget shown at its natural size (a flex box must not squeeze it)."""
    return widgets.Image(format="png", layout=widgets.Layout(flex="0 0 auto"))


def _row(children: list[widgets.Widget]) -> widgets.HBox:
    """Widgets side by side, top-aligned (not stretched to the tallest one)."""
    return widgets.HBox(children, layout=widgets.Layout(align_items="flex-start"))


def _check_model(model: Any) -> Any:
    if model is not None and not callable(getattr(model, "forward", None)):
        raise TypeError(
            "model must have a forward(X) method returning class probabilities of shape "
            f"(N, 10); got {type(model).__name__}"
        )
    return model


def _accepts_return_hidden(model: Any) -> bool:
    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):  # no signature available (for example a builtin)
        return False
    return "return_hidden" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


class DigitExplorer(widgets.VBox):
    """The digit explorer widget; build it with :func:`digit_explorer`.

    Attributes
    ----------
    dropdown : ipywidgets.Dropdown
        The class filter: "all" or a class 0-9.
    slider : ipywidgets.IntSlider
        The data-set index (class "all") or the position within the chosen class.
    readout : ipywidgets.HTML
        "index <i> · label <l>" and, for a class, the position within it.
    image : ipywidgets.Image
        The digit as a PNG.
    pixels : ipywidgets.HTML
        The digit's pixel values as a table.
    prediction, probabilities, hidden : ipywidgets.HTML, Image, Image or None
        With a model: "predicted <k>" with the probabilities, their bar chart,
        and (when the model returns them) the hidden activations.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, model: Any | None = None) -> None:
        self.images = as_digit_images(images)
        self.labels = as_digit_labels(labels, len(self.images))
        self.model = _check_model(model)
        self._selection = np.arange(len(self.images))
        self._quiet = False
        self._vmax = pixel_max(self.images)
        self._digit_figure = _DigitFigure(self._vmax)

        classes = [(str(k), int(k)) for k in np.unique(self.labels)]
        self.dropdown = widgets.Dropdown(
            options=[("all", "all"), *classes], value="all", description="class"
        )
        self.slider = widgets.IntSlider(
            value=0,
            min=0,
            max=len(self.images) - 1,
            description="index",
            layout=widgets.Layout(width="420px"),
        )
        self.readout = widgets.HTML().add_class("digit-explorer-readout")
        self.image = _image_widget().add_class("digit-explorer-image")
        self.pixels = widgets.HTML().add_class("digit-explorer-pixels")
        children = [
            widgets.HBox([self.dropdown, self.slider]),
            self.readout,
            _row([self.image, self.pixels]),
        ]
        self.prediction = self.probabilities = self.hidden = None
        if self.model is not None:
            children += self._model_widgets()
        super().__init__(children)
        self.add_class("digit-explorer")
        self.dropdown.observe(self._on_class, names="value")
        self.slider.observe(self._on_slider, names="value")
        self.update()

    def _model_widgets(self) -> list[widgets.Widget]:
        """Check the model's output on the first image; make the prediction widgets."""
        self._with_hidden = _accepts_return_hidden(self.model)
        _, hidden = self._forward(0)
        self._probability_figure = _ProbabilityFigure()
        self.prediction = widgets.HTML().add_class("digit-explorer-prediction")
        self.probabilities = _image_widget().add_class("digit-explorer-probabilities")
        charts = [self.probabilities]
        if hidden:
            self._hidden_figure = _HiddenFigure([h.shape[-1] for h in hidden])
            self.hidden = _image_widget().add_class("digit-explorer-hidden")
            charts.append(self.hidden)
        return [self.prediction, _row(charts)]

    def _forward(self, index: int) -> tuple[np.ndarray, list[np.ndarray]]:
        """The model's probabilities (10,) and hidden activations for one digit."""
        batch = self.images[index : index + 1]
        if self._with_hidden:
            probabilities, hidden = self.model.forward(batch, return_hidden=True)
            hidden = [np.asarray(h)[0] for h in hidden]
        else:
            probabilities, hidden = self.model.forward(batch), []
        probabilities = np.asarray(probabilities)
        if probabilities.shape != (1, 10):
            raise ValueError(
                "model.forward must return probabilities of shape (N, 10); for one image it "
                f"returned shape {probabilities.shape}"
            )
        return probabilities[0], hidden

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

    def _on_slider(self, change: dict) -> None:
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
        self.image.value = self._digit_figure.render(image, f"label {label}, index {index}")
        self.pixels.value = _pixel_table(image, self._vmax)
        if self.model is not None:
            self._show_prediction(index, label)
        where = f"index {index} &middot; label {label}"
        if self.dropdown.value != "all":
            where += f" &middot; digit {self.slider.value + 1} of {len(self._selection)} "
            where += f"in class {self.dropdown.value}"
        self.readout.value = where

    def _show_prediction(self, index: int, label: int) -> None:
        probabilities, hidden = self._forward(index)
        self._predicted = int(np.argmax(probabilities))
        verdict = "correct" if self._predicted == label else f"wrong: the label is {label}"
        listed = " ".join(f"{k}:&nbsp;{p:.3f}" for k, p in enumerate(probabilities))
        self.prediction.value = (
            f"<b>predicted {self._predicted}</b> ({verdict}) &middot; probabilities {listed}"
        )
        self.probabilities.value = self._probability_figure.render(probabilities, label)
        if self.hidden is not None:
            self.hidden.value = self._hidden_figure.render(hidden)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
        """The widget view plus, for static renders, a PNG of the digit and a text line."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = self.summary()
            bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle
