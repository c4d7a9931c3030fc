"""Every notebook is stored as one clean, fresh, top-to-bottom run."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
MACHINE_PATH = re.compile(r"/(root|home|tmp|work|Users|private/var)/|[A-Z]:\\\\Users")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    nb = _load(path)
    assert path.stat().st_size < 1_000_000, f"{path.name} is over 1 MB"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "not executed 1..n in one fresh run"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error: {out.get('ename')}"
            text = json.dumps(out.get("text", "")) + json.dumps(out.get("data", {}))
            assert not MACHINE_PATH.search(text), f"machine path in output: {cell['source'][:60]}"
    widgets = nb["metadata"].get("widgets", {})
    if widgets:
        assert "state" in widgets[WIDGET_STATE], "saved widget state has no 'state' key"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_goals_and_closes_with_exercises(path):
    cells = _load(path)["cells"]
    first = "".join(cells[0]["source"]).lower()
    assert cells[0]["cell_type"] == "markdown" and "learning goals" in first
    markdown = ["".join(c["source"]).lower() for c in cells if c["cell_type"] == "markdown"]
    tail = "\n".join(markdown[-4:])
    assert "summary" in tail and "exercise" in tail


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbval_ignore_output_only_on_widget_cells(path):
    for cell in _load(path)["cells"]:
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            kinds = {k for o in cell["outputs"] for k in o.get("data", {})}
            assert "application/vnd.jupyter.widget-view+json" in kinds, (
                "nbval-ignore-output is for widget cells only: " + "".join(cell["source"])[:80]
            )
