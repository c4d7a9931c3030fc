"""python -m tools.grade: points only from the instructor's checks, safe from what students hand in.

One class of synthetic students (tests/grading_students.py) is graded once, by the
command as an instructor types it: a perfect student (the instructor's notebooks),
an untouched student edition, one student per way of tampering (each hands in one
of the notebooks with programming exercises, in turn), a student whose
function loops forever (ignoring Ctrl+C), a file that is not a notebook, another
notebook under the right name, and a student who handed in nothing.
"""

from __future__ import annotations

import csv
import html
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests import grading_students as students
from tools.grade import COLUMNS, main
from tools.grading.bubblewrap import unavailable
from tools.grading.discover import student_definition
from tools.grading.judge import decode, grading_seed
from tools.grading.sandbox import encode

REPO = Path(__file__).resolve().parents[1]
GRADED = students.graded_notebooks(REPO / "notebooks")
FIRST = next(iter(GRADED))  # notebook 00: where the broken files go
# the endless loop goes into the first exercise of the notebook with the most of them
LOOPED = max(GRADED, key=lambda path: len(GRADED[path]))
TIMEOUT = 10  # seconds per exercise in the class run (the loop costs this much)


def tampered_notebook(number: int) -> Path:
    """The notebook tamperer ``number`` hands in (one each, in turn: the run stays short)."""
    return list(GRADED)[number % len(GRADED)]


NEEDS_BWRAP = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if unavailable():
        pytest.skip(unavailable())
    root = tmp_path_factory.mktemp("class")
    hand_ins = root / "submissions"
    for path, graded in GRADED.items():
        students.write(hand_ins, "perfect", path.name, students.instructor(path))
        students.write(hand_ins, "untouched", path.name, students.student_edition(path))
        for number, how in enumerate(students.TAMPERS):
            if tampered_notebook(number) == path:
                tampered = students.tampered(path, graded, how)
                students.write(hand_ins, f"tamper{number:02d}", path.name, tampered)
        if path == LOOPED:
            looping = students.instructor(path)
            students.with_body(looping, graded[0], students.LOOP)
            students.write(hand_ins, "loop", path.name, looping)
    (hand_ins / "broken").mkdir()
    (hand_ins / "broken" / FIRST.name).write_text("this is not a notebook")
    other = next(p for p in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) if p != FIRST)
    (hand_ins / "wrong").mkdir()
    (hand_ins / "wrong" / FIRST.name).write_bytes(other.read_bytes())
    (hand_ins / "missing").mkdir()
    (hand_ins / "missing" / "notes.txt").write_text("I forgot")
    before = {p: p.read_bytes() for p in hand_ins.rglob("*") if p.is_file()}
    out = root / "grades.csv"
    out.write_text(",".join(COLUMNS) + "\nold,00_start_here,00.3,0,1,an older run\n")
    run = subprocess.run(
        [sys.executable, "-m", "tools.grade", str(hand_ins), "--out", str(out)]
        + ["--timeout", str(TIMEOUT), "--jobs", "2", "--seed", "2026"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,  # a bound on a hang, not a speed test (benchmarks/bench_grade.py is)
    )
    rows = list(csv.DictReader(out.open())) if run.returncode == 0 else []
    after = {p: p.read_bytes() for p in hand_ins.rglob("*") if p.is_file()}
    return dict(run=run, rows=rows, root=root, unchanged=before == after)


def rows_of(graded_class: dict, student: str) -> list[dict]:
    return [r for r in graded_class["rows"] if r["student"] == student]


def test_the_command_grades_everyone_and_exits_0(graded_class: dict) -> None:
    run = graded_class["run"]
    assert run.returncode == 0, run.stderr
    summary = run.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"graded {6 + len(students.TAMPERS)} students"), summary
    assert "mean score" in summary and "problems" in summary
    assert list(graded_class["rows"][0]) == list(COLUMNS)
    assert graded_class["unchanged"], "grading changed a handed-in file"


def test_a_perfect_student_gets_the_maximum(graded_class: dict) -> None:
    rows = rows_of(graded_class, "perfect")
    assert len(rows) == sum(len(g) for g in GRADED.values())
    for r in rows:
        assert r["points"] == r["max_points"] != "0", r
        assert r["feedback"].startswith("Correct: "), r


def test_an_untouched_student_edition_gets_0(graded_class: dict) -> None:
    rows = rows_of(graded_class, "untouched")
    assert rows and all(r["points"] == "0" and r["feedback"] == "No answer yet" for r in rows)


@pytest.mark.parametrize("number, how", list(enumerate(students.TAMPERS)), ids=students.TAMPERS)
def test_tampering_earns_nothing(graded_class: dict, number: int, how: str) -> None:
    path = tampered_notebook(number)
    rows = [r for r in rows_of(graded_class, f"tamper{number:02d}") if r["notebook"] == path.stem]
    assert len(rows) == len(GRADED[path])
    for r in rows:
        assert r["points"] == "0", r
        assert r["feedback"].startswith("Not yet"), r
    if how == "calls the package":
        assert all("write it yourself" in r["feedback"] for r in rows)


def test_an_endless_loop_costs_only_its_exercise(graded_class: dict) -> None:
    looping = GRADED[LOOPED][0]
    rows = [r for r in rows_of(graded_class, "loop") if r["notebook"] == LOOPED.stem]
    assert len(rows) == len(GRADED[LOOPED])
    for r in rows:
        if r["exercise"] == looping.name:
            assert r["points"] == "0"
            assert f"did not finish within {TIMEOUT} s" in r["feedback"]
        else:
            assert r["points"] == r["max_points"], r
    assert "problem: " in graded_class["run"].stderr


@pytest.mark.parametrize(
    "student, words",
    [
        ("broken", "is not a readable notebook"),
        ("wrong", f"this file is not {FIRST.stem}"),
        ("missing", "Not handed in"),
    ],
)
def test_a_file_that_cannot_be_graded_is_a_zero_row(graded_class, student, words) -> None:
    rows = rows_of(graded_class, student)
    if student != "missing":
        rows = [r for r in rows if r["notebook"] == FIRST.stem]
    assert rows and all(r["points"] == "0" and words in r["feedback"] for r in rows), rows


def test_each_student_gets_a_feedback_page(graded_class: dict) -> None:
    feedback = graded_class["root"] / "feedback"
    names = {r["student"] for r in graded_class["rows"]}
    assert {p.stem for p in feedback.glob("*.html")} == names
    page = (feedback / "loop.html").read_text()
    assert "did not finish within" in page
    assert all(html.escape(r["feedback"]) in page for r in rows_of(graded_class, "loop"))


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda tmp: tmp / "nowhere", "does not exist"),
        (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt", "is a file"),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "holds no student folders"),
    ],
    ids=["missing", "a file", "empty"],
)
def test_bad_submissions_get_one_line_before_any_work(tmp_path, capsys, make, words) -> None:
    out = tmp_path / "grades.csv"
    out.write_text("older\n")
    assert main([str(make(tmp_path)), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1, err
    assert out.read_text() == "older\n" and not (tmp_path / "feedback").exists()


@pytest.mark.parametrize(
    "out, words",
    [
        ("missing/grades.csv", "does not exist"),
        ("folder", "is a folder"),
        ("thesis.csv", "is not a grades file"),
    ],
    ids=["in a missing folder", "over a folder", "over a file of the user's"],
)
def test_a_bad_out_gets_one_line_before_any_work(tmp_path, capsys, out, words) -> None:
    hand_ins = tmp_path / "submissions"
    students.write(hand_ins, "ann", FIRST.name, students.student_edition(FIRST))
    (tmp_path / "folder").mkdir()
    (tmp_path / "thesis.csv").write_text("my,own\ndata,1\n")
    assert main([str(hand_ins), "--out", str(tmp_path / out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1, err
    assert not (tmp_path / "feedback").exists() and not list((tmp_path / "folder").iterdir())
    assert (tmp_path / "thesis.csv").read_text() == "my,own\ndata,1\n"


def test_feedback_never_lands_in_a_folder_of_other_files(tmp_path, capsys) -> None:
    hand_ins = tmp_path / "submissions"
    students.write(hand_ins, "ann", FIRST.name, students.student_edition(FIRST))
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "mine.txt").write_text("keep me")
    assert main([str(hand_ins), "--out", str(tmp_path / "grades.csv")]) == 1
    assert "did not write" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "feedback").iterdir()] == ["mine.txt"]
    inside = hand_ins / "feedback"  # the next run would grade it as a student's folder
    argv = [str(hand_ins), "--out", str(tmp_path / "grades.csv"), "--feedback", str(inside)]
    assert main(argv) == 1
    assert "is inside SUBMISSIONS" in capsys.readouterr().err
    assert not inside.exists()


def test_only_the_imports_and_functions_of_the_students_cells_are_taken() -> None:
    """Every cell of a notebook that is no course notebook is the student's (issue 29)."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("def f(x):\n    return 1"),
            nbformat.v4.new_code_cell("np.allclose = lambda *a, **k: True"),
            nbformat.v4.new_code_cell(
                "import math\n%matplotlib inline\nnp.allclose = None\n\n"
                "@staticmethod\ndef f(x):\n    return math.pi\nprint('Correct')"
            ),
        ]
    )
    source = student_definition(notebook, "f").source
    taken = "def f(x):\n    return 1\nimport math\n@staticmethod\ndef f(x):\n    return math.pi\n"
    assert source == taken
    assert "No cell" not in student_definition(notebook, "g").problem
    assert "no cell of your notebook defines g" in student_definition(notebook, "g").problem
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f(x:\n  pass")])
    assert "not valid Python" in student_definition(broken, "f").problem


BODIES = {
    "allocates far too much": ("return np.ones(2**40)", "raised MemoryError"),
    "ends its process": ("import os\nos._exit(3)", "ended the Python process"),
    "writes into the protocol's stdout": (
        "import os\nos.write(1, b'Correct' * 1000)\nprint('Correct')\nreturn None",
        "Not yet: case",
    ),
    "returns a generator": ("return (x for x in [])", "got generator"),
    "raises SystemExit": ("raise SystemExit(0)", "raised SystemExit"),
}


@NEEDS_BWRAP
@pytest.mark.parametrize("body, words", BODIES.values(), ids=BODIES)
def test_the_judge_survives_what_a_function_does(tmp_path: Path, body: str, words: str) -> None:
    from tools.grading.judge import judge_answer

    g = GRADED[FIRST][0]
    notebook = students.student_edition(FIRST)
    students.with_body(notebook, g, body)
    source = student_definition(notebook, g.function).source
    status, message = judge_answer(g.name, source, g.function, 1, tmp_path, timeout=30)
    assert status == "not yet" and words in message, message


def test_replies_are_decoded_without_pickle() -> None:
    import numpy as np

    value = {"a": (np.arange(3.0), np.float32(2.5), [1, None, "x"]), 3: np.bool_(True)}
    back = decode(encode(value))
    assert back.keys() == value.keys()
    assert np.array_equal(back["a"][0], value["a"][0]) and back["a"][1] == np.float32(2.5)
    assert back["a"][2] == [1, None, "x"] and back[3] is np.True_
    objects = decode(encode(np.array([object()], dtype=object)))
    assert repr(objects) == "<array of Python objects>"
    assert repr(decode(encode(iter([])))) == "<list_iterator>"


def test_points_are_declared_once_and_the_grading_seed_is_not_the_students() -> None:
    from helpers.exercises import find
    from helpers.exercises._framework import seed_for

    assert find("00.3").points == 1 and find("06.2").points == 3  # the default, an exception
    for path, graded in GRADED.items():
        for g in graded:
            assert g.points == find(g.name).points and g.notebook == path.name
            assert grading_seed(2026, g.name) != seed_for(g.name)
            assert grading_seed(2026, g.name) != grading_seed(2027, g.name)
