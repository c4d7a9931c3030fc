"""What a reader sees without a kernel: every widget output shows as a picture.

GitHub, nbviewer, a course site and ``jupyter nbconvert --to html`` show only the
outputs stored in a notebook. A widget output is a reference to a live object that
only a running kernel has, so each one must also store an ``image/png`` of its
final state, and nbconvert's HTML must show that picture as an ``<img>``.

nbconvert prefers the live widget view over the picture whenever the notebook
stores the widget's state in its metadata (the HTML then needs JavaScript from the
internet to draw it), so notebooks are executed without saving widget state, by
``python -m tools.execute notebooks/NAME.ipynb`` (which also stores what a cell prints
as one piece, as a reader expects it, however the kernel happened to flush it).

Also refused: printed output stored in pieces, widget text stored as an output
(``IntSlider(value=3, ...)`` is what a reader sees when there is no picture), tqdm's
widget bars (``tqdm.auto``, ``tqdm.notebook``; use ``from tqdm import tqdm``) and text
progress bars stored before they reached 100%.
"""

from __future__ import annotations

import base64
import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

from tools.notebooks import course_notebooks, dashboards

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = course_notebooks() + dashboards()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: The text repr of a widget: "IntSlider(value=3, ...)", "VBox(children=(...".
WIDGET_TEXT = re.compile(
    r"\b[A-Z]\w*\((?:children|value|description|layout|options|min|max|bar_style)="
)
TQDM_WIDGET = re.compile(r"\b(?:Float|Int)Progress\(")
#: A text progress bar's percentage: " 42%|████▏     | 42/100".
TEXT_BAR = re.compile(r"(\d{1,3})%\|")


class _ImageSources(HTMLParser):
    """Collect the ``src`` of every ``<img>`` in an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.extend(value or "" for name, value in attrs if name == "src")


def _png_sources_in_html(nb: nbformat.NotebookNode) -> set[str]:
    """The base64 PNGs that nbconvert's HTML shows as ``<img>``, whitespace removed."""
    html, _ = HTMLExporter().from_notebook_node(copy.deepcopy(nb))
    parser = _ImageSources()
    parser.feed(html)
    prefix = "data:image/png;base64,"
    return {
        re.sub(r"\s", "", src[len(prefix) :]) for src in parser.sources if src.startswith(prefix)
    }


def _text_of(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    return "".join(output.get("data", {}).get("text/plain", ""))


def _frozen_bars(text: str) -> list[str]:
    """Progress bars whose last state (after the last carriage return) is below 100%."""
    frozen = []
    for line in text.split("\n"):
        shown = line.split("\r")[-1]
        bar = TEXT_BAR.search(shown)
        if bar and int(bar.group(1)) < 100:
            frozen.append(shown.strip())
    return frozen


def static_view_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Everything a reader without a kernel would see wrong in ``nb``; empty if all is well."""
    problems = []
    shown = None  # rendered lazily: only notebooks with widget outputs need the HTML
    for number, cell in enumerate(nb.cells):
        where = f"cell {number} ({''.join(cell.get('source', ''))[:50]!r})"
        streams = [o.get("name") if o.get("output_type") == "stream" else None
                   for o in cell.get("outputs", [])]
        if any(a is not None and a == b for a, b in zip(streams, streams[1:], strict=False)):
            problems.append(f"{where}: its printed output is stored in pieces")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = _text_of(output)
            is_bar = WIDGET_VIEW in data and TEXT_BAR.search(text)
            if TQDM_WIDGET.search(text) or is_bar:
                problems.append(f"{where}: a tqdm widget bar; use from tqdm import tqdm")
            elif WIDGET_TEXT.search(text):
                problems.append(f"{where}: widget text stored as output: {text[:60]!r}")
            problems += [f"{where}: progress bar stored at {bar!r}" for bar in _frozen_bars(text)]
            if WIDGET_VIEW not in data:
                continue
            if "image/png" not in data:
                problems.append(f"{where}: a widget output without a picture (image/png)")
                continue
            if shown is None:
                shown = _png_sources_in_html(nb)
            if re.sub(r"\s", "", "".join(data["image/png"])) not in shown:
                problems.append(
                    f"{where}: the widget's picture is not an <img> in nbconvert's HTML "
                    "(saved widget state makes nbconvert show the live view instead: "
                    "execute with python -m tools.execute)"
                )
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(NOTEBOOK_DIR).as_posix())
def test_a_reader_without_a_kernel_sees_pictures(path: Path) -> None:
    problems = static_view_problems(nbformat.read(path, as_version=4))
    assert not problems, "\n".join(problems)


# The check itself, on tiny notebooks built in memory.

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
    )
).decode("ascii")
VIEW = {"version_major": 2, "version_minor": 0, "model_id": "3f2a"}


def _notebook(*outputs: dict, state: bool = False) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("explorer", execution_count=1)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    nb.cells.append(cell)
    if state:
        model = {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
                 "model_module_version": "2.0.0", "state": {"value": 3}}
        nb.metadata["widgets"] = {
            WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {"3f2a": model}}
        }
    return nb


def _widget(**data: object) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW: VIEW, **data}}


def test_a_widget_with_its_picture_passes() -> None:
    nb = _notebook(_widget(**{"image/png": PNG, "text/plain": "digit explorer: index 0"}))
    assert static_view_problems(nb) == []


def test_a_widget_without_a_picture_fails() -> None:
    nb = _notebook(_widget(**{"text/plain": "IntSlider(value=3, description='Drag me', max=9)"}))
    problems = static_view_problems(nb)
    assert any("without a picture" in p for p in problems)
    assert any("widget text" in p for p in problems)


def test_a_picture_hidden_by_saved_widget_state_fails() -> None:
    nb = _notebook(_widget(**{"image/png": PNG, "text/plain": "explorer"}), state=True)
    assert any("not an <img>" in p for p in static_view_problems(nb))


def test_tqdm_widgets_and_frozen_bars_fail() -> None:
    tqdm_widget = _widget(**{"text/plain": "HBox(children=(HTML(value=''), FloatProgress(value=0"})
    tqdm_auto = _widget(**{"text/plain": "chunks: 100%|██████████| 10/10", "image/png": PNG})
    frozen = {"output_type": "stream", "name": "stderr",
              "text": "\r  0%|          | 0/10 [00:00<?, ?it/s]\r 40%|████      | 4/10\n"}
    finished = {"output_type": "stream", "name": "stderr",
                "text": "\r  0%|          | 0/10\r100%|██████████| 10/10 [00:01<00:00]\n"}
    problems = static_view_problems(_notebook(tqdm_widget, tqdm_auto, finished, frozen))
    assert sum("tqdm widget" in p for p in problems) == 2
    assert "cell 0 ('explorer'): its printed output is stored in pieces" in problems
    assert [p for p in problems if "progress bar" in p] == [
        "cell 0 ('explorer'): progress bar stored at '40%|████      | 4/10'"
    ]
