"""Notebook 01 exercises: the stored answers are right, the stated tolerance is the checked one."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers.check import verdict
from helpers.covariance import condition_number, covariance_matrix, regularize
from helpers.data import load_sample
from helpers.exercises._framework import declared
from helpers.gmm import fit_gmm
from tools.editions import stub, student_notebook

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "01_covariance_conditioning.ipynb"


def _markdown() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_exercise_3_is_the_condition_number_of_classic_plus_0003():
    classic = np.array([[0.1, 0.09], [0.09, 0.1]])
    assert verdict("01.3", condition_number(regularize(classic, 0.003)))[0] == "correct"
    assert verdict("01.3", 19.0)[0] == "not yet"  # "regularization changes nothing"
    assert verdict("01.3", 0.193 / 0.01)[0] == "not yet"  # epsilon added to one eigenvalue


def test_exercise_4_accepts_three_significant_digits_and_no_wrong_derivation():
    expected = declared("01")["01.4"]["expected"]
    cov = covariance_matrix(0.999999, 1.0, 1.0)
    low, high = np.linalg.eigvalsh(cov)
    assert condition_number(regularize(cov, expected)) == pytest.approx(100, rel=1e-5)
    assert condition_number(regularize(cov, 0.999 * expected)) > 100
    assert verdict("01.4", 0.0202)[0] == "correct"  # "three significant digits are enough"
    assert verdict("01.4", high / 99)[0] == "correct"  # lambda_min dropped: 3 digits still hold
    assert verdict("01.4", high / 100 - low)[0] == "not yet"  # epsilon added to lambda_min only
    assert verdict("01.4", high / 100)[0] == "not yet"  # cond taken as lambda_max / epsilon
    assert verdict("01.4", 0.02)[0] == "not yet"  # two digits


def test_exercise_5_is_the_held_out_score_of_a_refit():
    images, labels = load_sample()
    pixels = images.reshape(len(images), -1) / 255.0
    directions = np.linalg.eigh(np.cov(pixels, rowvar=False))[1][:, ::-1][:, :50]
    Z = (pixels - pixels.mean(axis=0)) @ directions  # the signs do not change the fit
    pick = np.random.default_rng(0)
    small = np.concatenate(
        [pick.choice(np.flatnonzero(labels == k), 40, replace=False) for k in range(10)]
    )
    held_out = np.setdiff1d(np.arange(len(Z)), small)
    start = {
        "weights": np.bincount(labels[small]) / len(small),
        "means": np.stack([Z[small][labels[small] == k].mean(axis=0) for k in range(10)]),
        "covariances": np.stack([np.cov(Z[small], rowvar=False)] * 10),
    }
    fit = fit_gmm(Z[small], 10, reg_covar=0.2, init=start)
    assert verdict("01.5", fit.score(Z[held_out]))[0] == "correct"
    assert verdict("01.5", fit.score(Z[small]))[0] == "not yet"  # the training digits
    tenth = fit_gmm(Z[small], 10, reg_covar=0.1, init=start).score(Z[held_out])
    assert fit.score(Z[held_out]) > tenth  # "does 0.2 predict them better than 0.1?"


def test_exercise_6_and_the_prediction_match_the_mnist_sample():
    images, _ = load_sample()
    pixels = images.reshape(len(images), -1) / 255.0
    largest_first = np.linalg.eigvalsh(np.cov(pixels, rowvar=False))[::-1]
    kept = np.cumsum(largest_first) / largest_first.sum()
    assert verdict("01.6", int(np.argmax(kept >= 0.9)) + 1)[0] == "correct"
    thirty = np.random.default_rng(0).normal(size=(30, 50))
    assert verdict("01.p1", int(np.linalg.matrix_rank(np.cov(thirty, rowvar=False))))[0] == (
        "correct"
    )


@pytest.mark.parametrize(
    ("exercise", "stated"),
    [("01.3", "within 0.1 %"), ("01.4", "within 0.2 %"), ("01.5", "within 0.1 %")],
)
def test_the_stated_tolerance_is_the_checked_one(exercise, stated):
    number = exercise.split(".")[1]
    pattern = rf"\*\*Exercise {number}\.\*\*(.*?)(?=\*\*Exercise|\Z)"
    text = re.search(pattern, _markdown(), re.S).group(1)
    assert f"Checked {stated}" in " ".join(text.split())
    percent = float(stated.split()[1]) / 100
    assert declared("01")[exercise]["rtol"] == pytest.approx(percent)


#: A careful read, as notebook 01's time line states it: prose at 200 words a minute,
#: code (with its printed output) at 10 lines a minute, the covariance explorer tried as
#: the text asks, and each exercise at what it takes a student who has read the notebook.
WORDS_PER_MINUTE, LINES_PER_MINUTE, EXPLORER_MINUTES = 200, 10, 3
EXERCISE_MINUTES = {"value": 5, "programming": 15, "prediction": 2, "open question": 5}


def _careful_read() -> dict:
    """Words, code lines and minutes of notebook 01, counted from the notebook itself."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    sources = [(c["cell_type"], "".join(c["source"]), c["metadata"].get("tags", [])) for c in cells]
    words = sum(
        len(re.sub(r"(?m)^\*\*Time:\*\*.*$", "", s).split())
        for kind, s, _ in sources
        if kind == "markdown"
    )
    lines = sum(
        len([line for line in s.splitlines() if line.strip()])
        for kind, s, tags in sources
        if kind == "code" and "solution" not in tags
    )
    checks = re.findall(r'check\("01\.(\w+)", (\w+)\)', "\n".join(s for _, s, _ in sources))
    kinds = {
        "value": sum(k.isdigit() and a.startswith("answer") for k, a in checks),
        "programming": sum(k.isdigit() and not a.startswith("answer") for k, a in checks),
        "prediction": sum(k.startswith("p") for k, _ in checks),
        "open question": sum("**Open question.**" in s for _, s, _ in sources),
    }
    exercises = sum(EXERCISE_MINUTES[k] * n for k, n in kinds.items())
    reading, code = words / WORDS_PER_MINUTE, lines / LINES_PER_MINUTE
    total = reading + code + EXPLORER_MINUTES + exercises
    return {
        "words": words,
        "lines": lines,
        "kinds": kinds,
        "reading": reading,
        "code": code,
        "exercises": exercises,
        "total": total,
    }


def test_the_time_line_is_a_careful_read_of_the_notebook_as_it_is():
    time_line = re.search(r"(?m)^\*\*Time:\*\*.*$", _markdown()).group(0)
    stated = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", time_line)]
    total, words, reading, per_minute, lines, code, lines_per_minute, explorer, exercises = stated
    assert (per_minute, lines_per_minute) == (WORDS_PER_MINUTE, LINES_PER_MINUTE)
    read = _careful_read()
    assert read["kinds"] == {"value": 4, "programming": 4, "prediction": 1, "open question": 1}
    assert words == pytest.approx(read["words"], rel=0.05)
    assert lines == pytest.approx(read["lines"], rel=0.05)
    assert abs(reading - read["reading"]) <= 1 and abs(code - read["code"]) <= 1
    assert (explorer, exercises) == (EXPLORER_MINUTES, read["exercises"])
    assert total == 5 * np.ceil(read["total"] / 5)  # "about": rounded up to 5 minutes


def _cells() -> list[tuple[str, str, bool]]:
    """(cell type, source, tagged solution) of every cell of notebook 01."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return [
        (c["cell_type"], "".join(c["source"]), "solution" in c["metadata"].get("tags", []))
        for c in cells
    ]


def test_the_e_step_and_m_step_are_exercises_and_no_lesson_cell_holds_a_solution_line():
    cells = _cells()
    checks = re.findall(r'check\("(01\.\d)", (\w+)\)', "\n".join(s for _, s, _ in cells))
    assert ("01.1", "e_step") in checks and ("01.2", "m_step") in checks
    lesson = {line.strip() for _, source, solution in cells if not solution
              for line in source.splitlines()}
    for kind, source, solution in cells:
        if not (solution and kind == "code"):
            continue
        kept = {line.strip() for line in stub(source).splitlines()}  # signature, docstring
        given = [
            line.strip() for line in source.splitlines()
            if line.strip() and line.strip() not in kept and line.strip() in lesson
        ]
        assert not given, f"a lesson cell holds the solution line(s) {given}"


def test_the_notebook_asks_blas_for_one_thread_before_any_matrix_product():
    first_code = next(source for kind, source, _ in _cells() if kind == "code")
    assert 'threadpool_limits(limits=1, user_api="blas")' in first_code


def test_a_student_e_step_that_raises_never_stops_run_all():
    """The student edition with an E-step that raises ValueError runs to the end; every cell
    that runs the student's EM prints a Not yet line that names the error."""
    import nbformat
    from nbclient import NotebookClient

    student = student_notebook(nbformat.read(NOTEBOOK, as_version=4))
    stubbed = [c for c in student.cells if "def e_step(" in c.source]
    assert len(stubbed) == 1 and 'raise NotImplementedError("your code here")' in stubbed[0].source
    stubbed[0].source = stubbed[0].source.replace(
        'raise NotImplementedError("your code here")', 'raise ValueError("my bug")'
    )
    client = NotebookClient(student, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on any traceback
    attempts = [c for c in student.cells if c.cell_type == "code" and "with attempt(" in c.source]
    assert len(attempts) >= 6
    for cell in attempts:
        printed = "".join(o.get("text", "") for o in cell.outputs)
        assert "Not yet: this cell uses your answer to exercises 01.1 and 01.2" in " ".join(
            printed.split()
        ), printed
        assert "ValueError: my bug" in " ".join(printed.split()) or "NameError" in printed
