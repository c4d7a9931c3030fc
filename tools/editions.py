"""Build the student edition of the course notebooks from the instructor edition.

The notebooks in ``notebooks/`` are the instructor edition: answer cells hold the
solution and carry the cell tag ``solution``. The student edition is the same
notebooks with

* every ``solution`` code cell replaced by its stub: its leading comment lines
  (the instructions), then, for a programming exercise, every top-level
  function with its signature and docstring and the body
  ``raise NotImplementedError("your code here")``, and ``NAME = None`` for every
  top-level assignment to a name starting with ``answer`` or ``prediction``;
  the working code is dropped;
* every ``solution`` markdown (or raw) cell removed (the model answers);
* the outputs of the exercise cells cleared, and their execution counts reset:
  every code cell from the ``## Exercises`` heading on, every cell that calls
  ``check``, and, for a "predict, then run" question placed before the
  exercises, the cells from the prediction up to its check (their outputs
  would give the prediction away);
* everything else identical.

Usage, from the repository root::

    python -m tools.editions OUTDIR

writes ``OUTDIR/student/`` with the same file names as ``notebooks/*.ipynb``.
The folder is written in a temporary folder first, then renamed into place, so a
failed build never leaves half an edition behind.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

import nbformat

from tools._output import check_folder, replacing
from tools.notebooks import (
    EXERCISES_HEADING,
    NOTEBOOKS,
    SOLUTION_TAG,
    calls_check,
    is_solution,
    run_on_notebooks,
    source,
    tags,
)

COMMAND = "python -m tools.editions"
ANSWER_PREFIXES = ("answer", "prediction")
STUB_MESSAGE = "your code here"  # helpers.exercises._STUB_MESSAGE: the check's "No answer yet"

__all__ = ["EditionError", "main", "student_notebook", "stub", "write_student_edition"]


class EditionError(ValueError):
    """A notebook cannot be turned into its student edition (the message says why)."""


def _assigned_names(statement: ast.stmt) -> list[str]:
    """The plain names a top-level statement assigns (``a = ``, ``a: int = ``, ``a, b = ``)."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    else:
        return []
    names = []
    for target in targets:
        elements = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
        names += [element.id for element in elements if isinstance(element, ast.Name)]
    return names


def _function_stub(function: ast.FunctionDef, lines: list[str]) -> str:
    """A top-level function's decorators, signature and docstring, then the stub's body."""
    first = min([function.lineno, *(d.lineno for d in function.decorator_list)])
    body = function.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    if body[0].lineno == function.end_lineno == function.lineno:  # def f(x): return x
        head, indent = [lines[function.lineno - 1][: body[0].col_offset].rstrip()], 4
    else:
        last = body[0].end_lineno if has_doc else body[0].lineno - 1
        head, indent = lines[first - 1 : last], body[0].col_offset
    return "\n".join([*head, " " * indent + f'raise NotImplementedError("{STUB_MESSAGE}")'])


def stub(source: str, where: str = "a solution cell") -> str:
    """The student's version of a solution code cell.

    Keeps the leading comment lines; keeps each top-level function's signature
    and docstring with the body ``raise NotImplementedError("your code here")``,
    and the cell's imports, which the function needs;
    sets every top-level name starting with ``answer`` or ``prediction`` to
    ``None``, in the order they are first assigned.

    Raises
    ------
    EditionError
        If the source is not valid Python, or defines no function and assigns no
        such name (the stub would give the student nothing to fill in).
    """
    try:
        module = ast.parse(source)
    except SyntaxError as error:
        raise EditionError(
            f"{where} is not valid Python ({error.msg}, line {error.lineno})"
        ) from None
    lines = source.splitlines()
    parts: list[str] = []
    names: list[str] = []
    for statement in module.body:
        if isinstance(statement, ast.Import | ast.ImportFrom) and any(
            isinstance(s, ast.FunctionDef) for s in module.body
        ):  # what the student's function needs, e.g. `import h5py`
            parts.append("\n".join(lines[statement.lineno - 1 : statement.end_lineno]))
        if isinstance(statement, ast.FunctionDef):
            parts.append(_function_stub(statement, lines))
        for name in _assigned_names(statement):
            if name.startswith(ANSWER_PREFIXES) and name not in names:
                names.append(name)
                parts.append(f"{name} = None")
    if not parts:
        raise EditionError(
            f"{where} defines no function and assigns no name starting with "
            f"{' or '.join(ANSWER_PREFIXES)!s} at top level, so its stub would be empty; "
            "end it with e.g. `answer_1 = ...`"
        )
    comments = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        comments.append(line)
    while comments and not comments[-1].strip():
        comments.pop()
    if not comments:
        raise EditionError(
            f"{where} does not start with a comment, so the student would get a bare stub "
            "without instructions; start it with e.g. `# Exercise 1: ...`"
        )
    text, after_function = "\n".join(comments), False
    for part in parts:  # a function stands between blank lines, as in PEP 8
        function = part.startswith(("def ", "@"))
        text += ("\n\n\n" if function or after_function else "\n") if text else ""
        text, after_function = text + part, function
    return text


def student_notebook(
    notebook: nbformat.NotebookNode, name: str = "the notebook"
) -> nbformat.NotebookNode:
    """Return the student edition of one instructor notebook (the input is not changed)."""
    student = nbformat.from_dict(notebook)
    cells = []
    in_exercises = predicting = False
    for number, cell in enumerate(student.cells, start=1):
        if cell.cell_type == "markdown" and EXERCISES_HEADING.search(source(cell)):
            in_exercises = True
        solution = is_solution(cell)
        if solution:
            if cell.cell_type != "code":
                continue  # a written model answer: the student edition drops it
            cell.source = stub(source(cell), f"solution cell {number} of {name}")
            predicting = predicting or "\nprediction" in f"\n{cell.source}"
            cell.metadata["tags"] = [t for t in tags(cell) if t != SOLUTION_TAG]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        checks = cell.cell_type == "code" and calls_check(source(cell))
        if cell.cell_type == "code" and (in_exercises or solution or predicting or checks):
            cell.outputs = []
            cell.execution_count = None
        predicting = predicting and not checks
        cells.append(cell)
    student.cells = cells
    return student


def _read(path: Path) -> nbformat.NotebookNode:
    if not path.is_file():
        raise EditionError(f"no notebook at {path}")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
            held = json.dumps(content)
            held = held if len(held) <= 20 else held[:17] + "..."
            raise ValueError(f"it holds {held}, not a notebook (a JSON object with its cells)")
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except (ValueError, UnicodeDecodeError, nbformat.ValidationError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise EditionError(f"{path.name} is not a valid notebook: {first_line}") from None
    return notebook


def write_student_edition(notebooks: list[Path], outdir: Path) -> Path:
    """Write the student edition of ``notebooks`` to ``outdir/student/``; return that folder.

    Every notebook is converted before anything is written; the edition is built
    in a temporary folder beside the target and renamed into place, replacing an
    older edition (one this command wrote), never a folder of the user's
    (:func:`tools._output.check_folder`).
    """
    target = outdir / "student"
    sources = {path.resolve().parent for path in notebooks}
    if any(target.resolve().is_relative_to(folder) for folder in sources):
        raise EditionError(
            f"{target} is inside the instructor notebooks' folder, where the tests and the "
            "website would take the student notebooks for course notebooks; choose another "
            "OUTDIR, e.g. dist"
        )
    if outdir.exists() and not outdir.is_dir():
        raise EditionError(f"OUTDIR {outdir} is a file, not a folder; choose a folder, e.g. dist")
    target = check_folder(target, COMMAND, EditionError)
    editions = [(path.name, student_notebook(_read(path), path.name)) for path in notebooks]
    with replacing(target, COMMAND) as building:
        for name, notebook in editions:
            nbformat.write(notebook, building / name)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.editions", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("outdir", type=Path, help="the student edition goes to OUTDIR/student/")
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=NOTEBOOKS,
        help="folder of the instructor notebooks (default: notebooks/)",
    )
    args = parser.parse_args(argv)

    def build(notebooks: list[Path]) -> str:
        target = write_student_edition(notebooks, args.outdir)
        return f"student edition: {len(list(target.glob('*.ipynb')))} notebooks in {target}"

    return run_on_notebooks(args.notebooks, build, EditionError)


if __name__ == "__main__":
    sys.exit(main())
