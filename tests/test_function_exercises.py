"""Every programming exercise, checked as the issue asks: the notebook's solution, a
correct rewrite, each usual mistake, a raising function, the stub and a function
that calls the package's own implementation.

The exercises are found from the notebooks: a code cell ``check("NN.k", name)``
whose exercise is declared in ``helpers/exercises/nbNN.py``, and the ``solution``
cell that defines ``name`` (its source is run on its own: a solution function
uses only its arguments, numpy and what it imports).
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import exercises
from helpers.check import verdict
from tools.editions import stub
from tools.notebooks import course_notebooks

ROOT = Path(__file__).parents[1]
NOTEBOOKS = course_notebooks()


def _cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [dict(c, source="".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def _function_checks() -> list[tuple[str, str, str]]:
    """(exercise, function name, solution cell source) of every programming exercise."""
    found = []
    for path in NOTEBOOKS:
        cells = _cells(path)
        for cell in cells:
            for node in ast.walk(ast.parse(cell["source"])):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check"):
                    continue
                name, answer = node.args[0].value, node.args[1]
                if not isinstance(answer, ast.Name) or exercises.find(name) is None:
                    continue
                defining = [
                    c["source"]
                    for c in cells
                    if "solution" in c.get("metadata", {}).get("tags", [])
                    and f"def {answer.id}(" in c["source"]
                ]
                assert len(defining) == 1, f"{path.name}: one solution cell defines {answer.id}"
                found.append((name, answer.id, defining[0]))
    return found


CHECKS = _function_checks()
IDS = [name for name, _, _ in CHECKS]


def _define(source: str, function: str):
    namespace: dict = {"np": np}
    exec(compile(source, f"<solution of {function}>", "exec"), namespace)
    return namespace[function]


def _rewrites(name: str) -> tuple[list, list]:
    module = importlib.import_module(f"tests.rewrites.nb{name.split('.')[0]}")
    return module.REWRITES.get(name, []), module.MISTAKES.get(name, [])


def test_every_declared_exercise_is_in_a_notebook() -> None:
    declared = set()
    for path in (ROOT / "helpers" / "exercises").glob("nb*.py"):
        importlib.import_module(f"helpers.exercises.{path.stem}")
    declared = set(exercises._REGISTRY)
    assert declared == set(IDS), "declared in helpers/exercises but checked by no notebook cell"
    per_notebook = {p.name[:2]: sum(i.startswith(p.name[:2]) for i in IDS) for p in NOTEBOOKS}
    assert per_notebook.get("00", 0) >= 1
    # (the other notebooks' counts are held by test_every_notebook_has_its_exercises)


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_the_solution_and_rewrites_are_correct_on_any_seed(name, function, source) -> None:
    solution = _define(source, function)
    rewrites, _ = _rewrites(name)
    assert rewrites, f"tests/rewrites: no correct rewrite of {name}"
    for answer in [solution, *rewrites]:
        for seed in (None, 1, 2024):
            status, message = verdict(name, answer, seed=seed)
            assert status == "correct", f"{answer.__name__} (seed {seed}): {message}"


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_each_usual_mistake_gets_its_own_hint(name, function, source) -> None:
    ex = exercises.find(name)
    assert len(ex.mistakes) >= 2, f"{name}: name the two or three usual mistakes"
    hints = [hint for _, hint in ex.mistakes]
    assert len(set(hints)) == len(hints)
    for wrong, hint in ex.mistakes:
        status, message = verdict(name, wrong)
        assert status == "not yet" and hint in message, message
    _, mistakes = _rewrites(name)
    assert mistakes, f"tests/rewrites: no hand-written mistake for {name}"
    for wrong, words in mistakes:
        status, message = verdict(name, wrong)
        assert status == "not yet" and words in message, f"{wrong.__name__}: {message}"


@pytest.mark.parametrize("name, function, source", CHECKS, ids=IDS)
def test_raising_stub_and_package_calls_are_not_correct(name, function, source) -> None:
    ex = exercises.find(name)

    def raising(*args, **kwargs):
        return 1 / 0

    status, message = verdict(name, raising)
    assert status == "not yet"
    assert message.startswith("Not yet: your function raised ZeroDivisionError"), message

    student = _define(stub(source), function)
    assert verdict(name, student) == ("no answer", "No answer yet")
    assert verdict(name, None) == ("no answer", "No answer yet")
    not_a_function = "Not yet: the answer should be a function, got int"
    assert verdict(name, 5) == ("not yet", not_a_function)

    def calls_package(*args, **kwargs):
        return ex.reference(*args, **kwargs)

    status, message = verdict(name, calls_package)
    assert status == "not yet" and "write it yourself" in message, message
    status, message = verdict(name, ex.reference)
    assert status == "not yet" and "write it yourself" in message, message


def test_integers_are_compared_exactly() -> None:
    big = 131_441_742_944_978_760  # a product of six layer sizes: beyond float's 2**53
    assert exercises._differ(big, big, 1e-6, 1e-9) == ""
    assert exercises._differ(big, big + 1, 1e-6, 1e-9) != ""
    assert exercises._differ(178_110, np.int64(178_110), 1e-6, 1e-9) == ""
    assert "should have the keys" in exercises._differ({"a": 1}, {1: 1, "b": 2}, 1e-6, 1e-9)


def test_scikit_learns_own_estimators_are_guarded_without_importing_scikit_learn() -> None:
    import subprocess
    import sys

    code = "import sys, helpers.exercises.nb01; print('sklearn' in sys.modules)"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert imported.stdout.strip() == "False", imported.stderr

    def diagonal(X, resp, reg_covar):
        from sklearn.mixture import _gaussian_mixture as sk

        nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
        means = resp.T @ X / nk[:, None]
        covariances = sk._estimate_gaussian_covariances_diag(resp, X, nk, means, reg_covar)
        return nk / len(X), means, covariances

    status, message = verdict("01.5", diagonal)
    assert status == "not yet" and "write it yourself" in message, message
    assert "_estimate_gaussian_covariances_diag" in message, message


def test_a_mistake_without_its_hint_is_refused() -> None:
    with pytest.raises(ValueError, match="need hints in its JSON"):
        exercises._exercise("00.3", mistakes={"typo": abs}, reference=abs, cases=dict)


def test_05_1_measures_memory_also_while_tracemalloc_already_traces() -> None:
    """A student's notebook (05 measures with tracemalloc) or a grader may trace already:
    the check still tells blocks from all rows at once, and leaves the tracing on."""
    import tracemalloc

    from tests.rewrites.nb05 import forward_blocks_all_rows_at_once, forward_blocks_list

    tracemalloc.start()
    try:
        kept = np.zeros(1_000_000)  # memory traced before the check: not the student's
        assert verdict("05.1", forward_blocks_list)[0] == "correct"
        status, message = verdict("05.1", forward_blocks_all_rows_at_once)
        assert status == "not yet" and "holds every row at once" in message, message
        assert tracemalloc.is_tracing()
        del kept
    finally:
        tracemalloc.stop()
    assert verdict("05.1", forward_blocks_list)[0] == "correct"
    assert not tracemalloc.is_tracing()
