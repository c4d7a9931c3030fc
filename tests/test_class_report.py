"""The class report (tools.grading.report) and the student's feedback page of tools.grade.

A small class of notebook 00 is graded by the command as an instructor types it, in
both layouts (``SUBMISSIONS/<student>/<notebook>.ipynb`` and nbgrader's
``submitted/<student>/<assignment>/<notebook>.ipynb``); the report must name the usual
mistakes its students made, with counts and an example student.
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import grading_students as students
from tools.grade import NO_ANSWER
from tools.grading.report import exercise_titles, main, mistake_of, read_grades, report_html

REPO = Path(__file__).resolve().parents[1]
FIRST = REPO / "notebooks" / "00_start_here.ipynb"
AT_THRESHOLD = "return (images >= threshold).sum(axis=(1, 2))"  # 00.3's usual mistake
COLUMNS = "return (images > threshold).sum(axis=1)"


def _text(page: str) -> str:
    """What a reader of ``page`` reads: its words without tags and styles, one space apart."""
    body = page.split("</style>")[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _row(student: str, exercise: str, points: int, feedback: str) -> dict:
    return {"student": student, "notebook": "00_start_here", "exercise": exercise,
            "points": points, "max_points": 1, "feedback": feedback}  # fmt: skip


def test_mistake_of_groups_a_hint_without_its_case() -> None:
    first = "Not yet: your counts include the pixels equal (First difference, case 'a': x)."
    second = "Not yet: your counts include the pixels equal (First difference, case 'b': y)."
    assert mistake_of(first) == mistake_of(second) == "your counts include the pixels equal"
    assert mistake_of("Correct: well done") is None
    raised = "Not yet: your function raised ValueError: shapes (3,) and (4,) (case 'one image')"
    assert mistake_of(raised) == "your function raised ValueError"
    other = "Not yet: case 'one image': the result: expected 3, got 4."
    assert mistake_of(other) == "a wrong result that is not a usual mistake"
    assert mistake_of("No answer yet") == "No answer yet"


def test_the_report_counts_mistakes_names_an_example_and_the_missing() -> None:
    hint = "Not yet: your counts include the pixels equal to the threshold (First difference, x)."
    rows = [
        _row("ann", "00.3", 1, "Correct: one count per image."),
        _row("bob", "00.3", 0, hint),
        _row("cid", "00.3", 0, hint),
        _row("dee", "00.3", 0, "No answer yet"),
        _row("eve", "00.3", 0, "Not handed in: no 00_start_here.ipynb in eve/."),
        _row("fay", "00.3", 0, "Not graded: 00_start_here.ipynb is not a readable notebook."),
    ]
    page = report_html(rows, {"00.3": "one count per image"})
    text = _text(page)
    assert "00.3 one count per image 1 5 20%" in text  # eve handed in nothing: not counted
    assert "your counts include the pixels equal to the threshold 2 bob" in text
    assert "No answer yet 1 dee" in text
    assert "Handed in nothing eve" in text
    assert "fay 00_start_here 00.3 Not graded: 00_start_here.ipynb is not a readable" in text
    assert page.count("<img ") == 2 and page.count('alt="') == 2


def test_a_formula_in_a_name_is_text_in_the_page() -> None:
    rows = [_row('=HYPERLINK("x")', "00.3", 0, "Not yet: <script>alert(1)</script>")]
    page = report_html(rows)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_titles_come_from_the_solution_cells() -> None:
    titles = exercise_titles([FIRST])
    assert titles["00.3"].startswith("one count per image")


def test_the_report_command_replaces_only_its_own_page(tmp_path: Path, capsys) -> None:
    grades = tmp_path / "grades.csv"
    with grades.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(_row("a", "00.3", 1, "")))
        writer.writeheader()
        writer.writerow(_row("ann", "00.3", 1, "Correct: fine"))
    assert read_grades(grades)[0]["points"] == 1.0
    mine = tmp_path / "notes.html"
    mine.write_text("my own notes")
    assert main([str(grades), "--out", str(mine)]) == 1
    assert mine.read_text() == "my own notes"
    assert "not a class report" in capsys.readouterr().err
    assert main([str(grades)]) == 0 and main([str(grades)]) == 0  # its own page: replaced
    text = _text((tmp_path / "class.html").read_text())  # the title from the course notebooks
    assert "00.3 one count per image of the pixels above the threshold 1 1 100%" in text


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A class of notebook 00, graded by the command; one student in nbgrader's layout."""
    root = tmp_path_factory.mktemp("small-class")
    hand_ins = root / "submitted"
    (g,) = students.graded_notebooks(REPO / "notebooks")[FIRST]
    for name, body in [("ann", None), ("bob", AT_THRESHOLD), ("cid", AT_THRESHOLD),
                       ("dee", COLUMNS), ("eve", "stub")]:  # fmt: skip
        notebook = students.instructor(FIRST) if body is None else students.student_edition(FIRST)
        if body not in (None, "stub"):
            students.with_body(notebook, g, body)
        folder = f"{FIRST.stem}/{FIRST.name}" if name == "cid" else FIRST.name  # nbgrader's
        students.write(hand_ins, name, folder, notebook)
    (hand_ins / "fay").mkdir()  # handed in nothing
    out = root / "grades.csv"
    run = subprocess.run(
        [sys.executable, "-m", "tools.grade", str(hand_ins), "--out", str(out)]
        + ["--seed", "7", "--jobs", "2", "--notebooks", str(REPO / "notebooks")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,  # a bound on a hang
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return {"root": root, "rows": read_grades(out), "run": run}


def test_grading_writes_the_class_report_beside_the_grades(graded: dict) -> None:
    page = (graded["root"] / "class.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "your counts include the pixels equal to the threshold" in text
    assert re.search(r"equal to the threshold; .above. means strictly greater 2 (bob|cid)", text)
    assert "sum over both pixel axes" in text  # dee's mistake
    assert "Handed in nothing fay" in text


def test_nbgraders_submitted_layout_is_graded(graded: dict) -> None:
    cid = [r for r in graded["rows"] if r["student"] == "cid"]
    assert cid and "equal to the threshold" in cid[0]["feedback"]


def test_the_feedback_page_names_the_exercise_and_explains_the_stub(graded: dict) -> None:
    page = (graded["root"] / "feedback" / "eve.html").read_text(encoding="utf-8")
    assert "00.3 one count per image" in page
    assert 'raises NotImplementedError(&quot;your code here&quot;)' in page
    assert NO_ANSWER.startswith("No answer yet: the function still raises NotImplementedError")
    bob = (graded["root"] / "feedback" / "bob.html").read_text(encoding="utf-8")
    assert "strictly greater" in bob  # the hint


@pytest.mark.nbgrader
def test_the_report_from_an_nbgrader_gradebook(tmp_path: Path) -> None:
    """After nbgrader autograde, the same report comes from the gradebook and its notebooks."""
    pytest.importorskip("nbgrader", reason="the grading extra: requirements/grading.txt")
    import os

    import nbformat

    from tools.grading.nbgrader_course import write_course

    course = tmp_path / "course"
    write_course(course, [FIRST], seed=2026, timeout=10)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    def nbgrader(*args: str) -> None:
        run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                             capture_output=True, text=True, timeout=600)  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]

    nbgrader("generate_assignment", FIRST.stem)
    release = nbformat.read(course / "release" / FIRST.stem / FIRST.name, as_version=4)
    (g,) = students.graded_notebooks(REPO / "notebooks")[FIRST]
    for name, body in [("ann", None), ("bob", AT_THRESHOLD)]:
        notebook = students.instructor(FIRST)
        if body is not None:
            students.with_body(notebook, g, body)
        meta = {c.get("id"): c.metadata.get("nbgrader") for c in release.cells}
        for cell in notebook.cells:  # the release's metadata, as if the student edited it
            if meta.get(cell.get("id")):
                cell.metadata["nbgrader"] = meta[cell.get("id")]
        students.write(course / "submitted", name, f"{FIRST.stem}/{FIRST.name}", notebook)
    nbgrader("autograde", FIRST.stem)
    assert main(["--nbgrader", str(course)]) == 0
    text = _text((course / "class.html").read_text(encoding="utf-8"))
    assert "00.3 one count per image of the pixels above the threshold 1 2 50%" in text
    assert re.search(r"equal to the threshold; .above. means strictly greater 1 bob", text)
