"""Which exercises a course notebook grades, and what a handed-in notebook answers them with.

The graded exercises are found from the instructor's notebook, never from the
student's: a code cell ``check("NN.k", function_name)`` whose exercise is a
programming exercise (declared in ``helpers/exercises/nbNN.py``), and the
``solution`` cell that defines ``function_name``. In a handed-in notebook only
the top-level imports and function definitions of the student's own cells are
taken (the solution cells and the cells the instructor's notebook lacks), with
the instructor's version of the lesson imports and functions they use, the
functions marked as the lesson's; nothing else (no other statement, no check
cell, no stored output). ``python -m tools.grading.discover --lessons`` writes
``helpers/exercises/lessons.json``, the lesson functions that ``check`` refuses
in the notebook.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from helpers.exercises import find
from helpers.exercises._framework import source_key
from tools.notebooks import check_calls, course_notebooks, source

__all__ = [
    "Graded", "Definition", "as_python", "belongs_to", "graded_exercises", "lesson_keys", "lessons",
    "student_definition",
]  # fmt: skip

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


def as_python(source: str) -> str:
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
    return [(name, answer) for name, answer in check_calls(as_python(code)) if answer]


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
            if find(name) is None:
                continue  # a value exercise: practice, 0 points
            defining = [
                c
                for c in cells
                if SOLUTION_TAG in c.get("metadata", {}).get("tags", [])
                and _defines(ast.parse(as_python(source(c))), function)
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
                    find(name).points,
                )
            )
    return graded


def _statement_lines(statement: ast.stmt, lines: list[str]) -> str:
    decorators = getattr(statement, "decorator_list", [])
    first = min([statement.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[first - 1 : statement.end_lineno])


_LESSON = '@__import__("helpers.exercises._framework").exercises._framework.lesson'  # marks
_KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class _Lessons:
    """What of an instructor's notebook is the lesson's: its non-solution code cells."""

    ids: frozenset[str]  #: the lesson cells' ids
    sources: frozenset[str]  #: the lesson cells' sources, stripped
    solution_ids: frozenset[str]
    cells: dict[str, str]  #: the lesson cells' sources by id
    keys: dict[str, str]  #: ``{function: source key}`` of the functions lesson cells define


def _parsed(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def _functions(tree: ast.Module, lines: list[str]) -> dict[str, str]:
    return {
        node.name: _statement_lines(node, lines)
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


@lru_cache(maxsize=16)
def _lessons_of(path: Path, stamp: float) -> _Lessons:
    ids, sources, solutions, cells, keys = set(), set(), set(), {}, {}
    for cell in _code_cells(nbformat.read(path, as_version=4)):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            solutions.add(cell.get("id", ""))
            continue
        code = as_python(source(cell))
        ids.add(cell.get("id", ""))
        sources.add(source(cell).strip())
        cells[cell.get("id", "")] = code
        if tree := _parsed(code):
            found = _functions(tree, code.splitlines())
            keys.update({name: source_key(text) for name, text in found.items()})
    return _Lessons(frozenset(ids - {""}), frozenset(sources), frozenset(solutions - {""}),
                    cells, keys)  # fmt: skip


def lessons(path: Path) -> _Lessons:
    """The lesson cells of the instructor's notebook at ``path`` (read once per change)."""
    return _lessons_of(path, path.stat().st_mtime)


def lesson_keys(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """``{notebook number: {function: source key}}`` of every course notebook's lesson cells.

    This is ``helpers/exercises/lessons.json``, which the notebook's ``check``
    reads (write it with ``python -m tools.grading.discover --lessons``).
    """
    paths = course_notebooks(folder) if folder else course_notebooks()
    return {path.name[:2]: dict(sorted(lessons(path).keys.items())) for path in paths}


def _instructor_of(notebook: nbformat.NotebookNode) -> Path | None:
    """The course notebook that ``notebook`` is a copy of: the one with most of its cell ids."""
    ids = {cell.get("id") for cell in notebook.cells} - {None, ""}
    shared = {path: len(ids & (lessons(path).ids | lessons(path).solution_ids))
              for path in course_notebooks()}  # fmt: skip
    best = max(shared, key=shared.get, default=None)
    return best if best is not None and shared[best] else None


def _names(tree: ast.AST) -> set[str]:
    """Every name ``tree`` uses (and the first part of every dotted name)."""
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _lesson_part(code: str, used: set[str], keys: dict[str, str]) -> list[str]:
    """A lesson cell's imports (each may fail) and functions (marked) that ``used`` names."""
    tree, lines, kept = _parsed(code), code.splitlines(), []
    for statement in tree.body if tree else []:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            bound = {(a.asname or a.name).split(".")[0] for a in statement.names}
            if bound & used:
                text = textwrap.indent(_statement_lines(statement, lines), "    ")
                kept.append(f"try:\n{text}\nexcept Exception:\n    pass")
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            if statement.name in used and statement.name in keys:
                kept.append(f"{_LESSON}\n{_statement_lines(statement, lines)}")
    return kept


def student_definition(
    notebook: nbformat.NotebookNode, function: str, instructor: Path | None = None
) -> Definition:
    """What a hand-in answers with: the imports and functions of the student's own cells.

    The student's cells are the solution cells and every code cell that is not
    one of the lesson cells of ``instructor``, the course notebook (found by
    cell ids when not given), matched by cell id or source; their top-level
    imports and function definitions are kept in notebook order (no other
    statement: ``np.allclose = ...`` is not run), so a helper the student wrote
    in any cell works as it does in the notebook. Where the student's code
    uses a name of the lesson cells, the instructor's version of that lesson
    import or function comes first (a lesson's function marked as such, so
    calling it is refused as ``check`` refuses it).
    """
    instructor = instructor or _instructor_of(notebook)
    lesson = lessons(instructor) if instructor else _Lessons(*[frozenset()] * 3, {}, {})
    pattern = re.compile(rf"^\s*(async\s+)?def\s+{re.escape(function)}\s*\(", re.MULTILINE)
    found: Definition | None = None
    kept: list[str] = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        ident, tagged = cell.get("id", ""), cell.get("metadata", {}).get("tags", [])
        theirs = ident in lesson.solution_ids or SOLUTION_TAG in tagged
        if not theirs and (ident in lesson.ids or source(cell).strip() in lesson.sources):
            continue  # a lesson cell: the instructor's version is used, where it is needed
        code = as_python(source(cell))
        tree = _parsed(code)
        if tree is None:
            if pattern.search(code):
                error = _syntax_error(code)
                found = Definition(
                    None,
                    f"Not yet: the cell that defines {function} (cell {number}) is not valid "
                    f"Python: {error.msg} (line {error.lineno}).",
                )
            continue
        lines = code.splitlines()
        for statement in tree.body:
            if isinstance(statement, _KEPT):
                text = _statement_lines(statement, lines)
                name = getattr(statement, "name", None)
                if name in lesson.keys and source_key(text) == lesson.keys[name]:
                    text = f"{_LESSON}\n{text}"  # a copy of the lesson's function is the lesson's
                kept.append(text)
        if _defines(tree, function):
            found = Definition("")
    if found is None:
        return Definition(None, f"Not yet: no cell of your notebook defines {function}(...).")
    if found.source is None:
        return found
    used = set().union(*(_names(tree) for tree in map(_parsed, kept) if tree))
    prelude = [part for c in lesson.cells.values() for part in _lesson_part(c, used, lesson.keys)]
    return Definition("\n".join(prelude + kept) + "\n")


def _syntax_error(code: str) -> SyntaxError:
    try:
        ast.parse(code)
    except SyntaxError as error:
        return error
    raise AssertionError("the code parses")


def belongs_to(notebook: nbformat.NotebookNode, instructor: Path, graded: list[Graded]) -> bool:
    """True when ``notebook`` is a copy of the course notebook ``instructor`` (edited or not).

    It is when it keeps any cell of the course notebook (by cell id) or defines
    any of its graded functions.
    """
    theirs = {cell.get("id") for cell in nbformat.read(instructor, as_version=4).cells}
    if any(cell.get("id") in theirs for cell in notebook.cells):
        return True
    return any(student_definition(notebook, g.function, instructor).source for g in graded)


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.grading.discover --lessons``: write helpers/exercises/lessons.json."""
    import argparse
    import json

    from helpers.atomic import atomic_path

    parser = argparse.ArgumentParser(prog="python -m tools.grading.discover", description=__doc__)
    parser.add_argument("--lessons", action="store_true", help="write lessons.json")
    if not parser.parse_args(argv).lessons:
        parser.print_help()
        return 2
    target = Path(find.__code__.co_filename).with_name("lessons.json")
    with atomic_path(target) as path:
        path.write_text(json.dumps(lesson_keys(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
