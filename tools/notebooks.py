"""The course's notebooks, for the tools, the tests and the benchmarks.

One place for what they all need: which notebooks there are, a notebook's
cells and the exercise convention, running a notebook with nbclient, and
writing a notebook in one step.

The convention: a course notebook ends with a ``## Exercises`` section; an
answer cell carries the tag ``solution``; a check cell calls
``check("NN.k", answer)`` from :mod:`helpers.check`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

from helpers.atomic import atomic_path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SOLUTION_TAG = "solution"
EXERCISES_HEADING = re.compile(r"^##\s+Exercises\s*$", re.MULTILINE)

__all__ = [
    "EXERCISES_HEADING",
    "NOTEBOOKS",
    "REPO",
    "SOLUTION_TAG",
    "calls_check",
    "check_calls",
    "course_notebooks",
    "dashboards",
    "execute",
    "exercise_cells",
    "is_solution",
    "run_on_notebooks",
    "source",
    "tags",
    "write_notebook",
]


def course_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The course notebooks ``folder/*.ipynb``, in order (the dashboards are not among them)."""
    return sorted(folder.glob("*.ipynb"))


def dashboards(folder: Path = NOTEBOOKS) -> list[Path]:
    """The Voila dashboards ``folder/dashboards/*.ipynb``, in order."""
    return sorted((folder / "dashboards").glob("*.ipynb"))


def source(cell: dict) -> str:
    """A cell's source as one string (a notebook file may store it as a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def tags(cell: dict) -> list[str]:
    """A cell's tags."""
    return list(cell.get("metadata", {}).get("tags", []))


def is_solution(cell: dict) -> bool:
    """True when the cell carries the ``solution`` tag."""
    return SOLUTION_TAG in tags(cell)


def exercise_cells(cells: list[dict]) -> list[dict]:
    """The cells from the ``## Exercises`` heading to the end ([] without one)."""
    for number, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown" and EXERCISES_HEADING.search(source(cell)):
            return cells[number:]
    return []


def check_calls(code: str) -> list[tuple[str, str | None]]:
    """``(exercise, variable)`` of every ``check("NN.k", variable)`` call in ``code``.

    ``variable`` is None when the answer is not a plain name; code that is not
    valid Python has no calls.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "check"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            answer = node.args[1] if len(node.args) > 1 else None
            calls.append((node.args[0].value, answer.id if isinstance(answer, ast.Name) else None))
    return calls


def calls_check(code: str) -> bool:
    """True when ``code`` calls ``check(...)`` (its output says whether an answer is right)."""
    return bool(check_calls(code))


def execute(
    notebook: nbformat.NotebookNode, folder: Path, timeout: int = 900, **options: object
) -> nbformat.NotebookNode:
    """Run ``notebook`` top to bottom in a fresh kernel started in ``folder``; return it.

    Each printed output is stored in one piece and no widget state or per-cell
    timestamps are kept, so a re-run changes only what the cells print. The
    kernel's own log (its stderr, not the cells') is not shown. ``options`` go to
    :class:`nbclient.NotebookClient` (e.g. ``km=``).
    """
    from nbclient import NotebookClient  # imported here: only running needs it

    settings = {
        "timeout": timeout,
        "kernel_name": "python3",
        "coalesce_streams": True,
        "store_widget_state": False,
        "record_timing": False,
    }
    settings.update(options)
    notebook.metadata.pop("widgets", None)  # widget state of an earlier run
    resources = {"metadata": {"path": str(folder)}}
    NotebookClient(notebook, resources=resources, **settings).execute(stderr=subprocess.DEVNULL)
    return notebook


def write_notebook(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write ``notebook`` to ``path`` in one step: never a half-written notebook."""
    with atomic_path(path) as temporary:
        nbformat.write(notebook, temporary)


def run_on_notebooks(
    folder: Path, build: Callable[[list[Path]], str], errors: type[Exception]
) -> int:
    """A command's work on the course notebooks of ``folder``; the exit code.

    ``build`` gets the notebooks and returns the line to print when done; an
    error of type ``errors`` (or no notebook at all) is printed as one line
    ``error: ...`` on stderr, and the exit code is 1.
    """
    notebooks = course_notebooks(folder)
    if not notebooks:
        print(f"error: no notebooks (*.ipynb) in {folder}", file=sys.stderr)
        return 1
    try:
        done = build(notebooks)
    except errors as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(done)
    return 0
