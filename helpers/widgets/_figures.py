"""The widgets' pictures (notebooks 01, 03, 05): PNG bytes, blitted figures, digit figures.

:func:`to_png` encodes every picture. A :class:`BlitFigure` is drawn in full once,
then redrawn only where it changes (matplotlib's blitting). The digit explorer's
figures show a digit, its probabilities and the hidden layers; :func:`pixel_table_html`
writes a digit's pixel values as an HTML table. With ``projector=True`` a figure is
smaller (the three fit side by side in 683 x 512 CSS px) and every text in it is 12 pt.
"""

from __future__ import annotations

import io

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Text size in points of the figures laid out for a projector (``projector=True``): at
#: 100 dots per inch, shown at their natural size, 12 pt is 16.7 CSS px, readable from
#: the back of a room (tests/browser/test_projector.py).
PROJECTOR_POINTS = 12.0


def to_png(pixels: np.ndarray, *, fast: bool = False) -> bytes:
    """RGB(A) pixels (rows, columns, 3 or 4) as PNG bytes, alpha dropped; ``fast`` packs less."""
    buffer = io.BytesIO()
    image = PIL.Image.fromarray(np.ascontiguousarray(pixels[..., :3], dtype=np.uint8))
    image.save(buffer, format="png", compress_level=1 if fast else 6)
    return buffer.getvalue()


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
    text_px : float
        The height of the smallest font in the figure, in the PNG's pixels (points x
        dpi / 72), measured at the first :meth:`png`; 0 before it.
    """

    def __init__(self, figsize: tuple[float, float]) -> None:
        self.figure = Figure(figsize=figsize, dpi=100)
        self.canvas = FigureCanvasAgg(self.figure)
        self._changing: list[Artist] = []
        self._background = None
        self.pixels: np.ndarray | None = None
        self.text_px = 0.0

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
            self.text_px = smallest_text_px(self.figure)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._changing:
            self.figure.draw_artist(artist)
        self.pixels = np.array(self.canvas.buffer_rgba())[..., :3]
        return to_png(self.pixels, fast=True)


def smallest_text_px(figure: Figure) -> float:
    """The smallest font of the drawn text, in pixels (0 if none); call it after a draw."""
    sizes = [
        text.get_fontsize()
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * figure.dpi / 72 if sizes else 0.0


class DigitFigure(BlitFigure):
    """A titled 28 x 28 gray image whose pixels and title are replaced on each update.

    On a projector it is larger when ``alone`` (no probabilities beside it).
    """

    def __init__(self, vmax: float, projector: bool = False, alone: bool = False) -> None:
        super().__init__(((2.6, 2.8) if alone else (1.9, 2.5)) if projector else (2.5, 2.6))
        ax = self.figure.add_subplot()
        self.picture = ax.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0, vmax=vmax)
        ax.set(xticks=[0, 9, 18, 27], yticks=[0, 9, 18, 27], xlabel="column", ylabel="row")
        self.title = ax.set_title("label 0, index 0", fontsize=10)
        if projector:
            ax.set(xticks=[0, 14, 27], yticks=[0, 14, 27])
            _projector_text(self.figure, ax)
        else:
            self.figure.subplots_adjust(left=0.2, right=0.95, bottom=0.17, top=0.88)
        self.changes(self.picture, self.title, *ax.spines.values())

    def render(self, image: np.ndarray, title: str) -> bytes:
        """The digit under its title, as PNG bytes."""
        self.picture.set_data(image)
        self.title.set_text(title)
        return self.png()


class ProbabilityFigure(BlitFigure):
    """A bar chart of the 10 class probabilities, the predicted class highlighted."""

    def __init__(self, projector: bool = False) -> None:
        super().__init__((2.2, 2.5) if projector else (3.2, 2.6))
        ax = self.figure.add_subplot()
        self.short = projector  # the title leaves out the label (the read-out gives it)
        self.bars = ax.bar(range(10), np.zeros(10), color="lightgray")
        ax.set(xticks=range(10), ylim=(0, 1), xlabel="class", ylabel="probability")
        self.title = ax.set_title("predicted 0", fontsize=10)
        if projector:
            ax.set(yticks=[0, 0.5, 1])
            _projector_text(self.figure, ax)
        else:
            self.figure.subplots_adjust(left=0.2, right=0.95, bottom=0.17, top=0.88)
        self.changes(*self.bars, self.title, *ax.spines.values())

    def render(self, probabilities: np.ndarray, label: int) -> bytes:
        """The bar chart of ``probabilities``, as PNG bytes."""
        predicted = int(np.argmax(probabilities))
        hit = "tab:green" if predicted == label else "tab:red"
        for k, bar in enumerate(self.bars):
            bar.set_height(probabilities[k])
            bar.set_color(hit if k == predicted else "lightgray")
        self.title.set_text(f"predicted {predicted}" + ("" if self.short else f" (label {label})"))
        return self.png()


class HiddenFigure(BlitFigure):
    """One panel per hidden layer: each unit's activation, scaled by the layer's largest.

    The y axes stay fixed (0 to 1) so that only the curves and the printed maxima
    are redrawn; each maximum is printed inside its panel, clear of the title.
    """

    def __init__(self, sizes: list[int], projector: bool = False) -> None:
        width, height = (2.2, 2.5) if projector else (3.2, 0.9 + 1.0 * len(sizes))
        super().__init__((width, height))
        self.axes = list(self.figure.subplots(len(sizes), 1, squeeze=False)[:, 0])
        self.steps, self.maxima = [], []
        for number, (ax, size) in enumerate(zip(self.axes, sizes, strict=True), start=1):
            self.steps.append(ax.stairs(np.zeros(size), fill=True, color="tab:blue"))
            self.maxima.append(
                ax.text(0.98, 0.92, "", transform=ax.transAxes, ha="right", va="top", fontsize=7,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
            )  # fmt: skip
            ax.set(xlim=(0, size), ylim=(0, 1.3))
            ax.set_ylabel(f"layer {number}\n({size})", fontsize=8)
            ax.tick_params(labelsize=7)
        self.axes[-1].set_xlabel("unit")
        if projector:  # fewer ticks, a shorter title: room for 12 pt text
            for ax, size in zip(self.axes, sizes, strict=True):
                ax.set(xticks=[0, size // 2, size], yticks=[0, 1])
            self.title = self.axes[0].set_title("activations ÷ max", fontsize=10)
            for text in self.maxima:
                text.set_text("max 00.00")  # the widest, for the layout
            _projector_text(self.figure, *self.axes)
        else:
            self.title = self.axes[0].set_title("hidden activations ÷ max", fontsize=10)
            height = self.figure.get_figheight()
            self.figure.subplots_adjust(
                left=0.22, right=0.95, bottom=0.55 / height, top=1 - 0.35 / height, hspace=0.6
            )
        self.changes(*self.steps, *self.maxima)

    def render(self, hidden: list[np.ndarray]) -> bytes:
        """Each layer's activations divided by its largest, as PNG bytes."""
        for step, text, values in zip(self.steps, self.maxima, hidden, strict=True):
            largest = float(values.max())
            step.set_data(values / largest if largest > 0 else values)
            text.set_text(f"max {largest:.2f}")
        return self.png()


def _projector_text(figure, *axes) -> None:
    """Every text of ``axes`` 12 pt (ticks, labels, titles, texts); layout made to fit them."""
    for ax in axes:
        ax.tick_params(labelsize=PROJECTOR_POINTS)
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts):
            text.set_fontsize(PROJECTOR_POINTS)
    figure.set_layout_engine("constrained", w_pad=0.02, h_pad=0.02)


def pixel_table_html(image: np.ndarray, vmax: float) -> str:
    """The 28 x 28 pixel values as an HTML table, each cell shaded as ``gray_r`` does.

    The text is black on light cells and white on dark ones; the switch at gray
    level 118 keeps both at a contrast ratio of at least 4.5 (WCAG AA).
    """
    integers = image.dtype == np.uint8
    rows = []
    for row in image:
        cells = []
        for value in row:
            if value == 0:
                cells.append("<td></td>")
                continue
            gray = 255 - int(round(255 * min(float(value) / vmax, 1.0)))  # 0 = white
            ink = "#000" if gray >= 118 else "#fff"
            text = f"{value}" if integers else f"{value:.2f}".lstrip("0")
            cells.append(
                f'<td style="background:rgb({gray},{gray},{gray});color:{ink}">{text}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    style = (
        "<style>.digit-explorer-pixels table{border-collapse:collapse;background:#fff;"
        "font:8px/1 monospace}.digit-explorer-pixels td{width:16px;height:12px;padding:0;"
        "text-align:center;border:1px solid #ddd}</style>"
    )
    return style + '<table title="pixel values, row by row">' + "".join(rows) + "</table>"
