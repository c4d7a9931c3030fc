"""Synthetic hand-ins for tests/test_grade.py and benchmarks/bench_grade.py.

Every student starts from the student edition (tools.editions) or from the
instructor's notebook; the graded exercises are found from the notebooks, so
new exercises are covered as they land.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import nbformat

from helpers import exercises
from tools.editions import student_notebook
from tools.grading.discover import Graded, graded_exercises

STUB = 'raise NotImplementedError("your code here")'
LOOP = (
    "import signal\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C does not stop it\n"
    "while True:\n"
    "    pass"
)


def graded_notebooks(folder: Path) -> dict[Path, list[Graded]]:
    """The course notebooks in ``folder`` that have programming exercises."""
    found = {path: graded_exercises(path) for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    return {path: graded for path, graded in found.items() if graded}


def student_edition(path: Path) -> nbformat.NotebookNode:
    return student_notebook(nbformat.read(path, as_version=4), path.name)


def instructor(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def cell(notebook: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    (found,) = [c for c in notebook.cells if c.get("id") == cell_id]
    return found


def with_body(notebook: nbformat.NotebookNode, g: Graded, body: str, before: str = "") -> None:
    """Give ``g``'s function in the student's notebook the body ``body`` (stub or solution)."""
    solution = cell(notebook, g.solution_id)
    if STUB not in solution.source:  # the instructor's solution: back to the stub first
        solution.source = (
            student_notebook(nbformat.v4.new_notebook(cells=[copy.deepcopy(solution)]))
            .cells[0]
            .source
        )
    indented = textwrap.indent(body, "    ").lstrip()
    solution.source = before + solution.source.replace(STUB, indented)


def calls_package(g: Graded) -> str:
    """A body that hands its arguments to the package's own implementation."""
    reference = exercises.find(g.name).reference
    return (
        "import sys\n"
        f"from {reference.__module__} import {reference.__name__} as own\n"
        "frame = sys._getframe()\n"
        "args = [frame.f_locals[n] for n in frame.f_code.co_varnames[: frame.f_code.co_argcount]]\n"
        "return own(*args)"
    )


AT_CALL_TIME = (
    "import numpy, helpers.exercises._framework, helpers.check\n"
    "helpers.exercises._framework.differ = lambda *a, **k: ''\n"
    "helpers.check.verdict = lambda *a, **k: ('correct', 'Correct')\n"
    "numpy.isclose = lambda a, b, **k: numpy.ones(numpy.broadcast(a, b).shape, bool)\n"
    "return None"
)
FAKE_CORRECT = "Correct: well done.\n"


def tampered(path: Path, graded: list[Graded], how: str) -> nbformat.NotebookNode:
    """The student edition with every exercise answered wrongly and tampered with ``how``."""
    notebook = student_edition(path)
    for g in graded:
        check = cell(notebook, g.check_id)
        if how == "calls the package":
            with_body(notebook, g, calls_package(g))
            continue
        if how == "patches numpy and helpers when called":
            with_body(notebook, g, AT_CALL_TIME)
            continue
        if how == "overwrites the handed-in notebook":  # its working copy, never the original
            with_body(notebook, g, f"open({path.name!r}, 'w').write('{{}}')\nreturn None")
            continue
        before = ""
        if how == "patches np.allclose beside the function":
            before = "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
        with_body(notebook, g, "return None", before)
        if how == "edits the check cell":
            check.source = f"print({FAKE_CORRECT!r})"
        elif how == "deletes the check cell":
            notebook.cells.remove(check)
        elif how == "stores a fake output":
            check.outputs = [nbformat.v4.new_output("stream", name="stdout", text=FAKE_CORRECT)]
            check.execution_count = 1
        elif how == "prints Correct by hand":
            cell(notebook, g.solution_id).source += f"\n\nprint({FAKE_CORRECT!r})"
    index = notebook.cells.index(cell(notebook, graded[0].solution_id))
    extra = {
        "redefines check": "def check(name, answer):\n    print('Correct: well done.')",
        "patches helpers in a cell": (
            "import helpers.check, helpers.exercises, helpers.exercises._framework\n"
            "helpers.check.verdict = lambda *a, **k: ('correct', 'Correct')\n"
            "helpers.exercises.judge = lambda *a, **k: ('correct', 'Correct')\n"
            "helpers.exercises._framework.differ = lambda *a, **k: ''\n"
            "check = lambda *a, **k: print('Correct')"
        ),
        "patches np.allclose in a cell": "np.allclose = lambda *a, **k: True",
    }
    if how in extra:
        notebook.cells.insert(index, nbformat.v4.new_code_cell(extra[how]))
    return notebook


TAMPERS = [
    "edits the check cell",
    "deletes the check cell",
    "redefines check",
    "patches helpers in a cell",
    "prints Correct by hand",
    "stores a fake output",
    "patches np.allclose in a cell",
    "patches np.allclose beside the function",
    "patches numpy and helpers when called",
    "calls the package",
    "overwrites the handed-in notebook",
]


def write(folder: Path, student: str, name: str, notebook: nbformat.NotebookNode) -> Path:
    target = folder / student / name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target
