"""One verdict for one answer: ``check`` in the notebook, ``tools.grade`` and nbgrader agree.

Two hand-ins per course notebook with programming exercises, each run as the
student runs it (a real kernel, cell by cell) and graded as the instructor
grades it (tools.grade's own steps; nbgrader's IsolatedChecks preprocessor):

* every exercise's function calls the student's own helper, defined in another
  cell (the instructor's solution under another name): Correct everywhere;
* every exercise's function first calls a function of the notebook's lesson
  cells: refused everywhere, with the same words.
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from helpers import exercises
from tests import grading_students as students
from tools.grading.discover import Graded, lessons, student_definition
from tools.grading.judge import grading_seed, judge_answer
from tools.notebooks import execute, source

REPO = Path(__file__).resolve().parents[1]
GRADED = students.graded_notebooks(REPO / "notebooks")
SEED = 2026


def _own_helper(notebook: nbformat.NotebookNode, g: Graded) -> None:
    """``g``'s function calls the solution, renamed and moved into a cell of its own."""
    solution = students.cell(notebook, g.solution_id)
    tree = ast.parse(source(solution))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == g.function:
            node.name = f"_own_{g.function}"
    index = notebook.cells.index(solution)
    helper = nbformat.v4.new_code_cell(ast.unparse(tree))
    helper.id = f"own-{g.name.replace('.', '-')}"  # a cell the instructor's notebook lacks
    notebook.cells.insert(index, helper)
    solution.source = (
        f"def {g.function}(*args, **kwargs):\n    return _own_{g.function}(*args, **kwargs)\n"
    )


def _lesson_function(path: Path) -> tuple[str, str, str, int] | None:
    """(cell id, its imports and the function's source, name, required arguments) or None."""
    for ident, code in lessons(path).cells.items():
        tree = ast.parse(code)
        imports = [ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        for node in tree.body:
            plain = isinstance(node, ast.FunctionDef) and not any(
                isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(node)
            )
            if plain:
                text = ast.get_source_segment(code, node, padded=False)
                required = len(node.args.args) - len(node.args.defaults)
                return ident, "\n".join([*imports, text]), node.name, required
    return None


def _hand_in(path: Path, kind: str) -> tuple[nbformat.NotebookNode, str]:
    """The hand-in of ``kind`` ("helper" or "lesson") and the lesson function's name."""
    notebook = students.instructor(path)
    name = ""
    if kind == "lesson":
        ident, text, name, required = _lesson_function(path)
        call = f"{name}(*[None] * {required})"
        for g in GRADED[path]:
            solution = students.cell(notebook, g.solution_id)
            tree = ast.parse(source(solution))
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == g.function:
                    first = 1 if ast.get_docstring(node) else 0
                    node.body.insert(first, ast.parse(call).body[0])
            solution.source = ast.unparse(tree)
    else:
        for g in GRADED[path]:
            _own_helper(notebook, g)
    # The notebook as the student ran it, kept short: the lesson cell (its function only),
    # then the student's cells, then a cell that prints each check's verdict.
    ids = {g.solution_id for g in GRADED[path]}
    kept = [c for c in notebook.cells if c.get("id") in ids or c.get("id", "").startswith("own")]
    if kind == "lesson":
        lesson_cell = nbformat.v4.new_code_cell(text)
        lesson_cell.id = ident
        kept.insert(0, lesson_cell)
    verdicts = {g.name: (g.function, grading_seed(SEED, g.name)) for g in GRADED[path]}
    report = textwrap.dedent(
        f"""\
        import json
        from helpers.check import verdict
        print(json.dumps({{name: verdict(name, globals()[function], seed=seed)
                          for name, (function, seed) in {verdicts!r}.items()}}))
        """
    )
    notebook.cells = [nbformat.v4.new_code_cell("import numpy as np"), *kept]
    notebook.cells.append(nbformat.v4.new_code_cell(report))
    return notebook, name


def _in_the_notebook(notebook: nbformat.NotebookNode, folder: Path) -> dict[str, list]:
    ran = execute(nbformat.from_dict(notebook), folder, timeout=600)
    return json.loads(ran.cells[-1].outputs[0]["text"])


def _by_tools_grade(notebook, path: Path, folder: Path) -> dict[str, list]:
    found = {}
    for g in GRADED[path]:
        definition = student_definition(notebook, g.function, path)
        assert definition.source is not None, definition.problem
        found[g.name] = list(
            judge_answer(g.name, definition.source, g.function, SEED, folder, timeout=60)
        )
    return found


def _by_nbgrader(notebook, path: Path) -> dict[str, list]:
    pytest.importorskip("nbgrader")
    from tools.grading.nbgrader_course import grade_id
    from tools.grading.nbgrader_plugins import IsolatedChecks

    handed = nbformat.from_dict(notebook)
    for g in GRADED[path]:
        test = nbformat.v4.new_code_cell(f"check({g.name!r}, {g.function})")
        test.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id("check", g.name)}
        handed.cells.append(test)
    checks = IsolatedChecks(seed=SEED, timeout=60.0, notebooks=str(path.parent))
    graded, _ = checks.preprocess(handed, {})
    found = {}
    for cell, g in zip(graded.cells[-len(GRADED[path]) :], GRADED[path], strict=True):
        (output,) = cell.outputs
        text = output.get("text", "").strip() or output.get("evalue", "")
        found[g.name] = ["correct" if output.output_type == "stream" else "not yet", text]
    return found


@pytest.mark.parametrize("kind", ["helper", "lesson"])
@pytest.mark.parametrize("path", GRADED, ids=lambda p: p.name[:2])
def test_one_verdict_in_the_notebook_tools_grade_and_nbgrader(path, kind, tmp_path) -> None:
    if kind == "lesson" and _lesson_function(path) is None:
        pytest.skip(f"{path.name}: its lesson cells define no function")
    notebook, lesson = _hand_in(path, kind)
    in_notebook = _in_the_notebook(notebook, tmp_path)
    graded = _by_tools_grade(notebook, path, tmp_path)
    for name, (status, message) in in_notebook.items():
        if kind == "helper":
            assert status == "correct", f"{name} in the notebook: {message}"
        else:
            assert (status, message) == ("not yet", exercises.refusal(f"lesson:{lesson}"))
        assert graded[name] == [status, message], f"{name}: tools.grade differs"
    assert _by_nbgrader(notebook, path) == in_notebook, "nbgrader's verdicts differ"


@pytest.mark.parametrize("path", GRADED, ids=lambda p: p.name[:2])
def test_every_solution_cells_function_is_part_of_every_answer(path: Path) -> None:
    """01.5 may use the student's m_step of another exercise: every solution cell is theirs."""
    notebook = students.instructor(path)
    theirs = {
        node.name
        for cell in notebook.cells
        if "solution" in cell.get("metadata", {}).get("tags", []) and cell.cell_type == "code"
        for node in ast.parse(source(cell)).body
        if isinstance(node, ast.FunctionDef)
    }
    for g in GRADED[path]:
        taken = ast.parse(student_definition(notebook, g.function, path).source)
        defined = {n.name for n in taken.body if isinstance(n, ast.FunctionDef)}
        assert theirs <= defined, f"{g.name}: {theirs - defined} left out"
        marked = {n.name for n in taken.body if isinstance(n, ast.FunctionDef) and n.decorator_list}
        assert not marked & theirs, "a student's function taken for the lesson's"
