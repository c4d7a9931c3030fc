"""The student and instructor editions (tools/editions.py) and the exercise checks.

The instructor edition is ``notebooks/*.ipynb``; the student edition is built
from it. The tests discover the exercises themselves (check cells call
``check("NN.k", name)``; answer cells carry the tag ``solution``), so they run on
``tests/data/editions_example.ipynb`` (a small notebook with one exercise of each
kind) and on every course notebook.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools._output import MARKER
from tools.editions import (
    EditionError,
    main,
    stub,
    student_notebook,
    write_student_edition,
)
from tools.notebooks import EXERCISES_HEADING, course_notebooks, is_solution, source
from tools.notebooks import check_calls as calls_of

FIXTURE = Path(__file__).parent / "data" / "editions_example.ipynb"
NOTEBOOKS = [FIXTURE, *course_notebooks()]
IDS = [path.stem for path in NOTEBOOKS]
#: Wrong answers of two types: each kind of exercise must answer "Not yet" to both.
WRONG_ANSWERS = ["-12345", "'not the answer'"]
CELL_TIMEOUT = 120


def check_calls(cell: dict) -> list[tuple[str, str | None]]:
    """``[(exercise, variable), ...]`` of the ``check`` calls of a code cell."""
    return calls_of(source(cell)) if cell["cell_type"] == "code" else []


def output_text(cell: dict) -> str:
    """Everything a code cell printed or returned, as text (tracebacks included)."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(source({"source": output["text"]}))
        elif output["output_type"] == "error":
            parts.append("\n".join(output["traceback"]))
        else:
            parts.append(source({"source": output.get("data", {}).get("text/plain", "")}))
    return "".join(parts)


def verdicts(cell: dict) -> list[str]:
    """The checker's one-line verdicts a check cell printed."""
    lines = output_text(cell).splitlines()
    return [line for line in lines if line.startswith(("Correct", "Not yet", "No answer yet"))]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="session")
def student_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student edition of every notebook tested here, built once."""
    return write_student_edition(NOTEBOOKS, tmp_path_factory.mktemp("editions"))


# --- the stub of an answer cell -------------------------------------------------------


def test_stub_keeps_instructions_and_blanks_answers() -> None:
    solution = (
        "# Exercise 2. Count the sevens.\n"
        "#   Hint: compare the labels with 7.\n"
        "\n"
        "sevens = labels == 7\n"
        "answer_2 = int(sevens.sum())\n"
        "answer_3: float = 0.5\n"
        "prediction_1, other = 3, 4\n"
        "answer_2 = answer_2 + 0  # assigned twice, blanked once\n"
        "def helper():\n"
        "    answer_9 = 1  # not top level\n"
    )
    assert stub(solution) == (
        "# Exercise 2. Count the sevens.\n"
        "#   Hint: compare the labels with 7.\n"
        "answer_2 = None\n"
        "answer_3 = None\n"
        "prediction_1 = None\n"
        "\n\n"
        "def helper():\n"
        '    raise NotImplementedError("your code here")'
    )


def test_stub_keeps_a_functions_signature_and_docstring() -> None:
    solution = (
        "# Exercise 3: write count_bright.\n"
        "import numpy as np\n"
        "\n"
        "\n"
        "@staticmethod\n"
        "def count_bright(images,\n"
        "                 threshold: int = 128) -> np.ndarray:\n"
        '    """Count the pixels.\n'
        "\n"
        "    One count per image.\n"
        '    """\n'
        "    return (images > threshold).sum(axis=(1, 2))\n"
        "\n"
        "\n"
        "def no_docstring(x): return x\n"
        "answer_4 = count_bright(1)\n"
    )
    assert stub(solution) == (
        "# Exercise 3: write count_bright.\n"
        "import numpy as np\n"
        "\n\n"
        "@staticmethod\n"
        "def count_bright(images,\n"
        "                 threshold: int = 128) -> np.ndarray:\n"
        '    """Count the pixels.\n'
        "\n"
        "    One count per image.\n"
        '    """\n'
        '    raise NotImplementedError("your code here")\n'
        "\n\n"
        "def no_docstring(x):\n"
        '    raise NotImplementedError("your code here")\n'
        "\n\n"
        "answer_4 = None"
    )


def test_a_stub_without_instructions_is_refused() -> None:
    with pytest.raises(EditionError, match="does not start with a comment"):
        stub("x = 2\nanswer = x * 3")


@pytest.mark.parametrize("content", ["[]", "null", "12345", '{"cells": 3}', "not json"])
def test_a_file_that_is_not_a_notebook_is_a_one_line_error(
    content: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "01_x.ipynb").write_text(content, encoding="utf-8")
    assert main([str(tmp_path / "out"), "--notebooks", str(folder)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: 01_x.ipynb is not a valid notebook: ") and "\n" not in error
    assert not (tmp_path / "out" / "student").exists()


@pytest.mark.parametrize(
    ("solution", "message"),
    [
        ("# explain\nx = compute()", "assigns no name starting with answer or prediction"),
        ("# explain\nanswer_1 = (", "is not valid Python"),
    ],
)
def test_stub_refuses_a_cell_that_gives_nothing_to_fill_in(solution: str, message: str) -> None:
    with pytest.raises(EditionError, match=message):
        stub(solution, "solution cell 7 of x.ipynb")


# --- writing the edition ----------------------------------------------------------------


def test_command_writes_student_folder_atomically(tmp_path: Path, capsys) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    assert main([str(tmp_path / "out"), "--notebooks", str(notebooks)]) == 0
    assert "1 notebooks" in capsys.readouterr().out
    student = tmp_path / "out" / "student"
    assert sorted(p.name for p in student.iterdir()) == [MARKER, FIXTURE.name]

    # A broken notebook: a clear error, and the edition written before stays whole.
    (notebooks / "zz_broken.ipynb").write_text("{not json", encoding="utf-8")
    assert main([str(tmp_path / "out"), "--notebooks", str(notebooks)]) == 1
    assert "zz_broken.ipynb is not a valid notebook" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["student"]
    assert sorted(p.name for p in student.iterdir()) == [MARKER, FIXTURE.name]

    # Rebuilding replaces the old edition.
    (notebooks / "zz_broken.ipynb").unlink()
    (student / "stale.ipynb").write_text("{}", encoding="utf-8")
    assert main([str(tmp_path / "out"), "--notebooks", str(notebooks)]) == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["student"]
    assert sorted(p.name for p in student.iterdir()) == [MARKER, FIXTURE.name]


def test_a_folder_of_the_users_is_never_replaced(tmp_path: Path, capsys) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    theirs = tmp_path / "mine" / "student"
    theirs.mkdir(parents=True)
    (theirs / "thesis.txt").write_text("precious", encoding="utf-8")
    assert main([str(tmp_path / "mine"), "--notebooks", str(notebooks)]) == 1
    assert "did not write" in capsys.readouterr().err
    assert [p.name for p in theirs.iterdir()] == ["thesis.txt"]
    assert (theirs / "thesis.txt").read_text(encoding="utf-8") == "precious"
    a_file = tmp_path / "afile"
    a_file.write_text("mine", encoding="utf-8")
    assert main([str(a_file), "--notebooks", str(notebooks)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_the_student_edition_never_goes_among_the_instructor_notebooks(
    tmp_path: Path, capsys
) -> None:
    source = tmp_path / "notebooks"
    source.mkdir()
    (source / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    assert main([str(source), "--notebooks", str(source)]) == 1
    assert "inside the instructor notebooks' folder" in capsys.readouterr().err
    assert [p.name for p in source.iterdir()] == [FIXTURE.name]


def test_missing_notebook_and_empty_stub_are_clear_errors(tmp_path: Path) -> None:
    source = tmp_path / "notebooks"
    source.mkdir()
    with pytest.raises(EditionError, match="no notebook at"):
        write_student_edition([source / "missing.ipynb"], tmp_path / "out")
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("# Exercise 1\nx = 2 * 3")
    cell.metadata.tags = ["solution"]
    notebook.cells = [nbformat.v4.new_markdown_cell("## Exercises"), cell]
    nbformat.write(notebook, source / "bad.ipynb")
    with pytest.raises(EditionError, match="solution cell 2 of bad.ipynb defines no function"):
        write_student_edition([source / "bad.ipynb"], tmp_path / "out")
    assert not (tmp_path / "out" / "student").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_changes_only_exercises(path: Path, student_folder: Path) -> None:
    instructor, student = read(path), read(student_folder / path.name)
    assert student.metadata == instructor.metadata
    kept = [cell for cell in instructor.cells if cell.cell_type == "code" or not is_solution(cell)]
    assert [cell.id for cell in student.cells] == [cell.id for cell in kept]
    in_exercises = predicting = False
    for before, after in zip(kept, student.cells, strict=True):
        in_exercises = in_exercises or (
            before.cell_type == "markdown" and bool(EXERCISES_HEADING.search(source(before)))
        )
        if is_solution(before):
            assert source(after) == stub(source(before))
            predicting = predicting or "prediction" in source(after)
        else:
            assert source(after) == source(before)
        cleared = in_exercises or is_solution(before) or predicting or check_calls(before)
        if after.cell_type == "code" and cleared:
            assert after.outputs == [] and after.execution_count is None
        elif after.cell_type == "code":
            assert after.outputs == before.outputs
            assert after.execution_count == before.execution_count
        predicting = predicting and not check_calls(before)


def test_prediction_before_the_exercises_hides_its_outputs() -> None:
    """A "predict, then run" question in the text: the run's output would give it away."""
    prediction = nbformat.v4.new_code_cell("# How many? Predict.\nprediction_1 = 784")
    prediction.metadata.tags = ["solution"]
    cells = [
        nbformat.v4.new_code_cell("print('before')"),
        prediction,
        nbformat.v4.new_code_cell("print(28 * 28)"),
        nbformat.v4.new_code_cell('check("00.example", prediction_1)'),
        nbformat.v4.new_code_cell("print('after')"),
    ]
    for cell in cells:
        cell.outputs = [nbformat.v4.new_output("stream", text="shown\n")]
        cell.execution_count = 1
    notebook = nbformat.v4.new_notebook(cells=cells)
    student = student_notebook(notebook, "x.ipynb")
    assert [bool(cell.outputs) for cell in student.cells] == [True, False, False, False, True]
    assert [cell.execution_count for cell in student.cells] == [1, None, None, None, 1]
    assert notebook.cells[2].outputs, "the instructor notebook is left unchanged"


# --- the exercises of every notebook ------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_follows_the_exercise_convention(path: Path) -> None:
    """Ends with ## Exercises: 2-4 checked exercises, a prediction, a model answer."""
    cells = read(path).cells
    headings = [
        i
        for i, c in enumerate(cells)
        if c.cell_type == "markdown" and EXERCISES_HEADING.search(source(c))
    ]
    assert headings, f"{path.name} has no '## Exercises' heading"
    exercises = [call for cell in cells[headings[0] :] for call in check_calls(cell)]
    numbered = {name for name, _ in exercises if not re.fullmatch(r"\d\d\.p\w+", name)}
    predictions = {name for name, _ in exercises if re.fullmatch(r"\d\d\.p\w+", name)}
    if path != FIXTURE:  # the fixture's answers file has one exercise only
        assert 2 <= len(numbered) <= 6, f"{path.name}: {len(numbered)} checked exercises"
        assert predictions, f"{path.name}: no checked 'predict, then run' question (NN.pk)"
    assert all(variable for _, variable in exercises), "check a variable: check('NN.k', answer_k)"
    assert any(
        c.cell_type == "markdown" and is_solution(c) and "Model answer" in source(c) for c in cells
    ), f"{path.name}: no model answer (a markdown cell tagged solution)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_instructor_edition_passes_every_check(path: Path) -> None:
    """The stored outputs (which nbval re-checks) say Correct for every check call."""
    checked = 0
    for cell in read(path).cells:
        calls = check_calls(cell)
        if calls:
            got = verdicts(cell)
            assert len(got) == len(calls) and all(v.startswith("Correct") for v in got), (
                f"{path.name}: {source(cell)!r} printed {output_text(cell)!r}"
            )
            checked += len(calls)
    assert checked, f"{path.name} checks no exercise"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_solution_text_in_student_edition(path: Path, student_folder: Path) -> None:
    instructor = read(path)
    student = read(student_folder / path.name)
    student_lines = {
        line.strip()
        for cell in student.cells
        for line in (source(cell) + "\n" + output_text(cell)).splitlines()
    }
    elsewhere = {
        line.strip()
        for cell in instructor.cells
        if not is_solution(cell)
        for line in source(cell).splitlines()
    }
    secrets = set()
    for cell in instructor.cells:
        if is_solution(cell):
            comments = cell.cell_type == "code" and stub(source(cell))
            for line in source(cell).splitlines():
                line = line.strip()
                if len(line) > 3 and line not in elsewhere and not (comments and line in comments):
                    secrets.add(line)
        for line in output_text(cell).splitlines() if check_calls(cell) else []:
            secrets.add(line.strip())  # the "Correct: why" lines explain the answer
    leaked = sorted(secrets & student_lines)
    assert not leaked, f"solution text in the student edition of {path.name}: {leaked}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_edition_runs_and_answers_every_check(path: Path, student_folder: Path) -> None:
    """Top to bottom without an error, "No answer yet" everywhere, "Not yet" for wrong answers.

    One kernel per notebook: after the notebook ran, every check cell is run again
    after setting its variable to a wrong answer of each type.
    """
    notebook = read(student_folder / path.name)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # no terminal colours
                pytest.fail(f"student edition of {path.name}, cell {index}: {plain}", pytrace=False)
        checks = [(i, c) for i, c in enumerate(notebook.cells) if check_calls(c)]
        assert checks, f"{path.name} checks no exercise"
        for index, cell in checks:
            calls = check_calls(cell)
            assert verdicts(cell) == ["No answer yet"] * len(calls), (
                f"{path.name} cell {index} printed {output_text(cell)!r}"
            )
            for wrong in WRONG_ANSWERS:
                code = "\n".join([*(f"{v} = {wrong}" for _, v in calls), source(cell)])
                trial = nbformat.v4.new_code_cell(code)
                client.execute_cell(trial, index, store_history=False)
                printed = output_text(trial)
                assert all(o["output_type"] != "error" for o in trial.outputs), printed
                assert "Traceback" not in printed
                assert len(verdicts(trial)) == len(calls), printed
                assert all(v.startswith("Not yet: ") for v in verdicts(trial)), printed


# --- no exercise is answered by copying a lesson cell (issue 29) ------------------------


def _statements(text: str) -> set[str]:
    """The statements of ``text`` as ast writes them (spaces and comments do not count): each
    simple statement whole, a loop, ``if`` or ``with`` by its header; definitions, imports,
    docstrings and statements too short to hold an idea (``total = 0``) left out."""
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.For | ast.AsyncFor):
            found.add(f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}:")
        elif isinstance(node, ast.While | ast.If):
            found.add(f"{type(node).__name__.lower()} {ast.unparse(node.test)}:")
        elif isinstance(node, ast.With):
            found.add(f"with {', '.join(ast.unparse(item) for item in node.items)}:")
        elif isinstance(node, ast.stmt) and not isinstance(
            node,
            ast.FunctionDef
            | ast.ClassDef
            | ast.Import
            | ast.ImportFrom
            | ast.Expr
            | ast.Try
            | ast.Match
            | ast.AsyncFunctionDef
            | ast.AsyncWith,
        ):
            found.add(ast.unparse(node))
    return {statement for statement in found if len(statement.replace(" ", "")) >= 12}


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:  # IPython syntax (%magic, !shell) in a lesson cell
        return False
    return True


def test_statements_are_compared_by_code_not_by_spelling() -> None:
    solution = "def f(sizes):\n    total = 0\n    for n_in, n_out in zip(sizes[:-1], sizes[1:]):\n"
    solution += "        total += n_out * n_in + n_out  # weights, biases\n    return total\n"
    lesson = "for n_in,n_out in zip(sizes[:-1],sizes[1:]):\n    print(n_out*n_in+n_out)\n"
    assert _statements(solution) & _statements(lesson) == {
        "for (n_in, n_out) in zip(sizes[:-1], sizes[1:]):"
    }
    assert "total = 0" not in _statements(solution)  # too short to give anything away
    assert "total += n_out * n_in + n_out" in _statements(solution)


@pytest.mark.parametrize("path", course_notebooks(), ids=[p.stem for p in course_notebooks()])
def test_no_solution_statement_appears_in_a_lesson_cell_of_the_student_edition(
    path: Path,
) -> None:
    """An exercise that a lesson cell answers is answered by copying: none of a solution
    cell's statements may stand in a code cell the student edition shows filled in."""
    instructor = read(path)
    solutions = [source(c) for c in instructor.cells if c.cell_type == "code" and is_solution(c)]
    stubs = {stub(text) for text in solutions}
    lesson = set()
    for cell in student_notebook(instructor, path.name).cells:
        if cell.cell_type == "code" and source(cell) not in stubs and _parses(source(cell)):
            lesson |= _statements(source(cell))
    copied = {s for text in solutions for s in _statements(text) if s in lesson}
    assert not copied, f"{path.name}: lesson cells of the student edition hold {sorted(copied)}"
