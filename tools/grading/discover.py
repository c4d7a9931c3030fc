"""Which exercises a course notebook grades, and what a handed-in notebook answers them with.

The graded exercises are found from the instructor's notebook, never from the
student's: a code cell ``check("NN.k", function_name)`` whose exercise is a
programming exercise (declared in ``helpers/exercises/nbNN.py``), and the
``solution`` cell that defines ``function_name``. In a handed-in notebook only
the student's definition of that function is taken: the top-level imports and
function definitions of the last code cell that defines it, nothing else (no
other cell, no check cell, no stored output).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import exercises
from tools.grading.points import points_of
from tools.notebooks import check_calls, source

__all__ = ["Graded", "Definition", "belongs_to", "graded_exercises", "student_definition"]

SOLUTION_TAG = "solution"


@dataclass(frozen=True)
class Graded:
    """A graded programming exercise of one course notebook."""

    notebook: str  #: file name, like "00_start_here.ipynb"
    name: str  #: like "00.3"
    function: str  #: the function the check cell passes, like "count_bright"
    solution_id: str  #: cell id of the instructor's solution cell
    check_id: str  #: cell id of the check cell
    points: int


@dataclass(frozen=True)
class Definition:
    """The student's definition of a function: the source to run, or why there is none."""

    source: str | None
    problem: str = ""  #: a feedback line when ``source`` is None


def _python(source: str) -> str:
    """A cell's source as plain Python (IPython magics become function calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # a cell IPython cannot read is reported by ast.parse below
        return source


def _code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.get("cell_type") == "code"]


def _checks(code: str) -> list[tuple[str, str]]:
    """``(exercise, function name)`` of every ``check("NN.k", name)`` call in a cell."""
    return [(name, answer) for name, answer in check_calls(_python(code)) if answer]


def _defines(tree: ast.Module, function: str) -> bool:
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
        for node in tree.body
    )


def graded_exercises(path: Path) -> list[Graded]:
    """The programming exercises of the course notebook at ``path``, in notebook order.

    Raises
    ------
    ValueError
        If a check cell names a function that no ``solution`` cell defines, or
        more than one does (the notebook breaks the exercise conventions).
    """
    notebook = nbformat.read(path, as_version=4)
    cells = _code_cells(notebook)
    graded = []
    for cell in cells:
        for name, function in _checks(source(cell)):
            if exercises.find(name) is None:
                continue  # a value exercise: practice, 0 points
            defining = [
                c
                for c in cells
                if SOLUTION_TAG in c.get("metadata", {}).get("tags", [])
                and _defines(ast.parse(_python(source(c))), function)
            ]
            if len(defining) != 1:
                raise ValueError(
                    f"{path.name}: check({name!r}, {function}) needs exactly one solution cell "
                    f"defining {function}, found {len(defining)}"
                )
            graded.append(
                Graded(
                    path.name,
                    name,
                    function,
                    defining[0].get("id", ""),
                    cell.get("id", ""),
                    points_of(name),
                )
            )
    return graded


def _statement_lines(statement: ast.stmt, lines: list[str]) -> str:
    decorators = getattr(statement, "decorator_list", [])
    first = min([statement.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[first - 1 : statement.end_lineno])


def student_definition(notebook: nbformat.NotebookNode, function: str) -> Definition:
    """The top-level imports and functions of the last code cell that defines ``function``.

    Nothing else of the notebook is kept: no other statement of that cell (so a
    ``np.allclose = ...`` beside the function is not run), no other cell.
    """
    pattern = re.compile(rf"^\s*(async\s+)?def\s+{re.escape(function)}\s*\(", re.MULTILINE)
    found: Definition | None = None
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code = _python(source(cell))
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            if pattern.search(code):
                found = Definition(
                    None,
                    f"Not yet: the cell that defines {function} (cell {number}) is not valid "
                    f"Python: {error.msg} (line {error.lineno}).",
                )
            continue
        if not _defines(tree, function):
            continue
        lines = code.splitlines()
        kept = [
            _statement_lines(statement, lines)
            for statement in tree.body
            if isinstance(
                statement, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef
            )
        ]
        found = Definition("\n".join(kept) + "\n")
    if found is None:
        return Definition(None, f"Not yet: no cell of your notebook defines {function}(...).")
    return found


def belongs_to(notebook: nbformat.NotebookNode, instructor: Path, graded: list[Graded]) -> bool:
    """True when ``notebook`` is a copy of the course notebook ``instructor`` (edited or not).

    It is when it keeps any cell of the course notebook (by cell id) or defines
    any of its graded functions.
    """
    theirs = {cell.get("id") for cell in nbformat.read(instructor, as_version=4).cells}
    if any(cell.get("id") in theirs for cell in notebook.cells):
        return True
    return any(student_definition(notebook, g.function).source for g in graded)
