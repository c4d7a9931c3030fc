"""Every notebook (the dashboards too) is stored as one clean, fresh, top-to-bottom run."""

import json
import re

import pytest

from tools.notebooks import course_notebooks, dashboards, exercise_cells, tags

NOTEBOOKS = course_notebooks()
#: The course notebooks and the Voila dashboards: both are stored runs.
STORED_RUNS = NOTEBOOKS + dashboards()
MACHINE_PATH = re.compile(r"/(root|home|tmp|work|Users|private/var)/|[A-Z]:\\\\Users")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


def _name(path):
    return path.name if path.parent.name != "dashboards" else f"dashboards/{path.name}"


@pytest.mark.parametrize("path", STORED_RUNS, ids=_name)
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
    headings = [
        line.strip().lower()
        for c in cells
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
        if line.startswith("## ")
    ]
    assert "## summary" in headings, "no '## Summary' section"
    assert headings[-1] == "## exercises", "the last section must be '## Exercises'"
    assert headings.index("## summary") < len(headings) - 1, "the summary comes first"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_linter_comments_in_code_cells(path):
    for cell in _load(path)["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            assert "# noqa" not in source, "a linter comment in a teaching cell: " + source[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_are_checked_and_solutions_tagged(path):
    exercises = exercise_cells(_load(path)["cells"])
    assert exercises, "no '## Exercises' section"
    code = ["".join(c["source"]) for c in exercises if c["cell_type"] == "code"]
    checks = [s for s in code if "check(" in s]
    assert len(checks) >= 2, "the exercises need at least two check(...) calls"
    assert not [s for s in code if re.search(r"(?m)^\s*assert\b", s)], (
        "an exercise cell asserts its answer; use check(...)"
    )
    for cell in exercises:
        source = "".join(cell["source"])
        tagged = "solution" in tags(cell)
        if cell["cell_type"] == "code":
            answers = re.search(r"(?m)^((answer|prediction)\w*\s*=|def )", source)
            assert tagged == bool(answers), (
                "answer cells (assigning answer_k or prediction_k, or defining the function of "
                "a programming exercise) and only they carry the 'solution' tag: " + source[:80]
            )
            if tagged:
                assert "check(" not in source, "the check(...) call goes in an untagged cell"
        elif re.search(r"<summary>\s*(model answer|solution)", source, re.IGNORECASE):
            assert tagged, "a written solution must carry the 'solution' tag: " + source[:80]


@pytest.mark.parametrize("path", STORED_RUNS, ids=_name)
def test_nbval_ignore_output_only_on_widget_cells(path):
    for cell in _load(path)["cells"]:
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            kinds = {k for o in cell["outputs"] for k in o.get("data", {})}
            assert "application/vnd.jupyter.widget-view+json" in kinds, (
                "nbval-ignore-output is for widget cells only: " + "".join(cell["source"])[:80]
            )
