"""The course notebooks as an nbgrader course (docs/teaching.md: grading with nbgrader).

Usage, from the repository root::

    python -m tools.grading.nbgrader_course COURSE [--seed S] [--timeout 60]

writes ``COURSE/source/<notebook>/<notebook>.ipynb`` (one nbgrader assignment per
course notebook, named after it) and ``COURSE/nbgrader_config.py``. Then, in
``COURSE``, nbgrader's own commands work as usual: ``nbgrader generate_assignment
00_start_here``, ``nbgrader autograde 00_start_here``, formgrader, the exchange.

In the source notebooks

* the solution cell of a programming exercise is an nbgrader solution cell: its
  function's body sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``,
  so the release keeps the signature and docstring with the body
  ``raise NotImplementedError("your code here")``, as the student edition does;
* its check cell is a locked, autograded test cell worth the exercise's points
  (declared with it in ``helpers/exercises/nbNN.py``), with a hidden test that fails unless the
  check's verdict is Correct;
* the value exercises' answer cells are already the student's stubs (practice,
  0 points) and the model answers are left out, as in the student edition.

The configuration makes autograde safe from the student's kernel: it restores
missing test cells (``OverwriteCells.add_missing_cells``), kills and restarts a
kernel stuck past ``--timeout`` (also in a loop that ignores SIGINT), and then
replaces the output of every test cell with the verdict of
:mod:`tools.grading.judge` on the student's function (run in a fresh process,
cases drawn from the course's seed), so what the kernel printed never counts
(:mod:`tools.grading.nbgrader_plugins`).
"""

from __future__ import annotations

import argparse
import ast
import math
import secrets
import sys
from pathlib import Path

import nbformat

from helpers.atomic import atomic_path
from helpers.check import verdict
from tools._output import check_folder, mark, replacing
from tools.editions import EditionError, stub
from tools.grading.discover import Graded, graded_exercises
from tools.notebooks import is_solution, run_on_notebooks, source

REPO = Path(__file__).resolve().parents[2]
COMMAND = "python -m tools.grading.nbgrader_course"
STUB = 'raise NotImplementedError("your code here")'
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

__all__ = ["grade_id", "nbgrader_notebook", "write_course"]

CONFIG = '''"""nbgrader configuration written by python -m tools.grading.nbgrader_course."""

import sys

sys.path.insert(0, {repo!r})  # the course repository: tools.grading

from tools.grading.nbgrader_plugins import IsolatedChecks, KillingExecute  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades,
)
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "course"
# The release keeps each function's signature and docstring, then this line.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
# A test cell the student deleted comes back (and is graded), with a warning.
c.OverwriteCells.add_missing_cells = True
# Per-cell time limit; past it the kernel is killed (SIGKILL) and restarted.
c.Execute.timeout = {timeout!r}
# Points come from the checks re-run out of the student's kernel, on the course's seed.
c.IsolatedChecks.seed = {seed!r}
c.IsolatedChecks.timeout = {timeout!r}
c.IsolatedChecks.notebooks = {notebooks!r}
# The kernel and the checked functions run inside bubblewrap (False: as you; unsafe).
c.KillingExecute.sandbox = {sandbox!r}
c.IsolatedChecks.sandbox = {sandbox!r}
c.Autograde.autograde_preprocessors = [
    KillingExecute, IsolatedChecks, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]
'''


def grade_id(kind: str, exercise: str) -> str:
    """nbgrader's id of an exercise's ``kind`` ("solution" or "check") cell: "check_00_3"."""
    return f"{kind}_{exercise.replace('.', '_')}"


def _marked(source: str, where: str) -> str:
    """The solution cell with every top-level function's body between the solution markers."""
    lines = source.splitlines()
    out, done = [], 0
    for statement in ast.parse(source).body:
        if not isinstance(statement, ast.FunctionDef):
            continue
        body = statement.body
        if body[0].lineno == statement.lineno:
            raise EditionError(f"{where}: write {statement.name}'s body on lines of its own")
        has_doc = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
        last = body[0].end_lineno if has_doc else body[0].lineno - 1  # as tools.editions.stub
        indent = " " * body[0].col_offset
        out += lines[done:last]
        out += [indent + BEGIN, *lines[last : statement.end_lineno], indent + END]
        done = statement.end_lineno
    return "\n".join(out + lines[done:])


def _nbgrader(cell: dict, **fields: object) -> None:
    cell.metadata["nbgrader"] = {"schema_version": 3, "task": False, **fields}


def nbgrader_notebook(path: Path, graded: list[Graded]) -> nbformat.NotebookNode:
    """The nbgrader source version of the course notebook at ``path`` (see the module doc)."""
    notebook = nbformat.read(path, as_version=4)
    solutions = {g.solution_id: g for g in graded}
    checks = {g.check_id: g for g in graded}
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        where = f"cell {number} of {path.name}"
        if cell.get("id") in solutions:
            g = solutions[cell.id]
            cell.source = _marked(source(cell), where)
            _nbgrader(
                cell,
                grade=False,
                solution=True,
                locked=False,
                grade_id=grade_id("solution", g.name),
            )
        elif cell.get("id") in checks:
            g = checks[cell.id]
            cell.source = "\n".join(
                [
                    source(cell).rstrip(),
                    "### BEGIN HIDDEN TESTS",
                    f"from {verdict.__module__} import {verdict.__name__} as _verdict",
                    f"_status, _message = _verdict({g.name!r}, {g.function})",
                    'assert _status == "correct", _message',
                    "### END HIDDEN TESTS",
                ]
            )
            _nbgrader(
                cell,
                grade=True,
                solution=False,
                locked=True,
                points=g.points,
                grade_id=grade_id("check", g.name),
            )
        elif is_solution(cell):
            if cell.cell_type != "code":
                continue  # a model answer: not handed out
            cell.source = stub(source(cell), where)  # a value exercise: practice, 0 points
        cells.append(cell)
    notebook.cells = cells
    return notebook


def write_course(
    course: Path, notebooks: list[Path], seed: int, timeout: float, sandbox: bool = True
) -> list[str]:
    """Write the nbgrader source folder and configuration into ``course``; return the assignments.

    ``course`` must be new, empty or made by this function before; it replaces
    only ``source/<assignment>/`` of the notebooks given and ``nbgrader_config.py``.
    With ``sandbox`` (the default) autograde runs the students' kernels and
    functions inside bubblewrap, which must work here (an EditionError says how
    to install it otherwise).
    """
    if not math.isfinite(timeout) or timeout <= 0:
        raise EditionError(f"--timeout must be a finite number of seconds > 0, got {timeout}")
    if seed < 0:
        raise EditionError(f"--seed must be a whole number >= 0, got {seed}")
    if sandbox:
        from tools.grading.bubblewrap import unavailable

        if unavailable():
            raise EditionError(f"cannot sandbox the students' code: {unavailable()}")
    course = check_folder(course, COMMAND, EditionError)
    converted = []
    for path in notebooks:
        graded = graded_exercises(path)
        if graded:
            converted.append((path, nbgrader_notebook(path, graded)))
    if not converted:
        raise EditionError("none of the notebooks has a programming exercise to grade")
    mark(course, COMMAND)
    for path, notebook in converted:
        with replacing(course / "source" / path.stem) as building:
            nbformat.write(notebook, building / path.name)
    config = CONFIG.format(
        repo=str(REPO),
        stub=STUB,
        seed=seed,
        timeout=timeout,
        notebooks=str(notebooks[0].parent),
        sandbox=sandbox,
    )
    with atomic_path(course / "nbgrader_config.py") as temporary:
        temporary.write_text(config, encoding="utf-8")
    return [path.stem for path, _ in converted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.grading.nbgrader_course", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("course", type=Path, help="the nbgrader course folder to write")
    parser.add_argument("--seed", type=int, help="draws the hidden cases (default: a new one)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per cell/exercise")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="autograde runs the students' code without bubblewrap, as you (unsafe)",
    )
    args = parser.parse_args(argv)
    seed = secrets.randbits(32) if args.seed is None else args.seed

    def build(notebooks: list[Path]) -> str:
        assignments = write_course(
            args.course, notebooks, seed, args.timeout, sandbox=not args.no_sandbox
        )
        return f"nbgrader course in {args.course}: assignments {', '.join(assignments)}"

    return run_on_notebooks(args.notebooks, build, EditionError)


if __name__ == "__main__":
    sys.exit(main())
