"""Mutation testing of the programming exercises' checks (issue 29; docs/design.md has the scores).

Usage, from the repository root::

    python -m tools.mutation [EXERCISE ...] [--seeds 3] [--survivors]

For every programming exercise of the course notebooks (or those named), it
takes the instructor's solution, the ``solution`` cell the student edition
removes, and makes mutmut's kind of single changes to its functions, one at a
time: ``>``/``>=``, ``<``/``<=``, ``==``/``!=``, ``+``/``-``, ``*``/``/``,
``//``/``/``, ``**``/``*``, ``and``/``or``, an ``axis`` 0/1 (-1 to 0),
``max``/``min``, ``argmax``/``argmin``, ``maximum``/``minimum``, ``keepdims``
flipped, a dropped ``.T``, a dropped unary minus, a dropped in-place update
(``x -= y`` removed), a number constant + 1, ``True``/``False``, ``in``/``not in``,
``is``/``is not``, a string ``s`` to ``"XXsXX"``. Each mutant runs on the
exercise's own kind of inputs (its hidden cases drawn with ``--seeds`` other
seeds) beside the solution: a mutant whose outputs all agree (or that changes
its inputs just as the solution does) is equivalent and left out. Every
other mutant must get "Not yet" from the check at the notebook's seed. The
table gives per exercise the mutants, those that change the answer and those
the check caught, and the total.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from helpers.check import verdict
from helpers.exercises import find
from helpers.exercises._framework import Case, Exercise, differ
from tools.grading.discover import graded_exercises
from tools.notebooks import course_notebooks, source

__all__ = ["Score", "mutants", "score", "main"]

SECONDS = 30  # a mutant that runs longer (an endless loop) counts as changing the answer
_COMPARE = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
            ast.Is: ast.IsNot, ast.IsNot: ast.Is}  # fmt: skip
_BINARY = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
           ast.FloorDiv: ast.Div, ast.Pow: ast.Mult}  # fmt: skip
_AXES = (0, 1, -1)
_NAMES = {"max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax",
          "maximum": "minimum", "minimum": "maximum", "amax": "amin", "amin": "amax"}  # fmt: skip
_SYMBOL = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!=",
           ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Pow: "**", ast.And: "and", ast.Or: "or", ast.In: "in", ast.NotIn: "not in",
           ast.Is: "is", ast.IsNot: "is not"}  # fmt: skip


def _changes(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, Callable]]:
    """``(description, apply)`` of each single change at ``node``; ``apply(node, parent)``."""

    def swap(attribute: str, index: int | None, new: type) -> Callable:
        def apply(n: ast.AST, p: ast.AST) -> None:
            if index is None:
                setattr(n, attribute, new())
            else:
                getattr(n, attribute)[index] = new()

        return apply

    def set_value(attribute: str, value: object) -> Callable:
        return lambda n, p: setattr(n, attribute, value)

    def replace_by(child: str | None) -> Callable:  # the node gives way to its child (or pass)
        def apply(n: ast.AST, p: ast.AST) -> None:
            new = ast.Pass() if child is None else getattr(n, child)
            for name, value in ast.iter_fields(p):
                if value is n:
                    setattr(p, name, new)
                elif isinstance(value, list) and any(v is n for v in value):
                    value[[v is n for v in value].index(True)] = new

        return apply

    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                new = _COMPARE[type(op)]
                yield f"{_SYMBOL[type(op)]} to {_SYMBOL[new]}", swap("ops", i, new)
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _BINARY:
        new = _BINARY[type(node.op)]
        yield f"{_SYMBOL[type(node.op)]} to {_SYMBOL[new]}", swap("op", None, new)
    elif isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield f"{_SYMBOL[type(node.op)]} to {_SYMBOL[new]}", swap("op", None, new)
    elif isinstance(node, ast.keyword) and node.arg == "axis" and _integer(node.value) in _AXES:
        value = _integer(node.value)
        new = {0: 1, 1: 0, -1: 0}[value]
        yield f"axis={value} to axis={new}", lambda n, p: setattr(n, "value", ast.Constant(new))
    elif isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant):
        value = node.value.value
        if isinstance(value, bool):
            flip = not value
            yield f"{node.arg}={value} to {flip}", lambda n, p: setattr(n.value, "value", flip)
    elif isinstance(node, ast.Name) and node.id in _NAMES:
        yield f"{node.id} to {_NAMES[node.id]}", set_value("id", _NAMES[node.id])
    elif isinstance(node, ast.Attribute) and node.attr in _NAMES:
        yield f".{node.attr} to .{_NAMES[node.attr]}", set_value("attr", _NAMES[node.attr])
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield "dropped .T", replace_by("value")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "dropped unary -", replace_by("operand")
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        yield f"{node.value!r} to {node.value + 1!r}", set_value("value", node.value + 1)
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        if not isinstance(parent, ast.keyword):  # keywords: above
            yield f"{node.value} to {not node.value}", set_value("value", not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is str and node.value:
        if not isinstance(parent, ast.JoinedStr):  # mutmut's: "XX" around a string
            yield f"{node.value!r} to 'XX{node.value}XX'", set_value("value", f"XX{node.value}XX")
    if isinstance(node, ast.AugAssign):
        yield f"dropped in-place update ({_SYMBOL.get(type(node.op), '')}=)", replace_by(None)


def _integer(node: ast.AST) -> int | None:
    """The int that ``node`` writes (``-1`` too), or None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _integer(node.operand)
        return None if inner is None else -inner
    ok = isinstance(node, ast.Constant) and type(node.value) is int
    return node.value if ok else None


def mutants(code: str) -> Iterator[tuple[str, str]]:
    """``(description, mutated source)`` of every single change to the functions of ``code``."""
    tree = ast.parse(code)

    def sites(root: ast.AST) -> list[tuple[ast.AST, ast.AST | None]]:
        found, docstrings = [], set()
        for node in ast.walk(root):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and ast.get_docstring(node):
                docstrings.add(id(node.body[0].value))
            for child in ast.iter_child_nodes(node):
                if id(child) not in docstrings:
                    found.append((child, node))
        functions = [n for n in root.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        inside = {id(n) for f in functions for n in ast.walk(f)} - {id(f) for f in functions}
        return [(n, p) for n, p in found if id(n) in inside]

    made = {ast.unparse(tree)}  # a change made twice (axis=0 to 1, and 0 to 1) counts once
    for index, (node, parent) in enumerate(sites(tree)):
        for number, (description, _) in enumerate(_changes(node, parent)):
            changed = copy.deepcopy(tree)
            node2, parent2 = sites(changed)[index]
            list(_changes(node2, parent2))[number][1](node2, parent2)
            line = getattr(node, "lineno", getattr(parent, "lineno", 0))
            mutated = ast.unparse(ast.fix_missing_locations(changed))
            if mutated not in made:
                made.add(mutated)
                yield f"line {line}: {description}", mutated


@dataclass
class Score:
    """One exercise's mutants: how many, how many change the answer, how many the check caught."""

    exercise: str
    mutants: int = 0
    changing: int = 0
    caught: int = 0
    survivors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _define(code: str, function: str) -> Callable:
    namespace: dict = {"np": np, "__name__": "__mutant__"}
    exec(compile(code, f"<{function}>", "exec"), namespace)
    return namespace[function]


def _outputs(ex: Exercise, function: Callable, seeds: list[int]) -> list:
    """What ``function`` gives (and leaves of its inputs) on the cases of ``seeds``."""
    found = []
    for seed in seeds:
        for name, args in ex.cases(np.random.default_rng(seed)).items():
            case = Case(name, copy.deepcopy(args), {})
            try:
                found.append((ex.run(function, case), case.args))
            except Exception as error:  # noqa: BLE001 (a mutant's error is an answer too)
                found.append((type(error).__name__, None))
    return found


def _differs(ex: Exercise, these: list, those: list) -> bool:
    return any(
        differ(a, b, ex.rtol, ex.atol) or differ(x, y, 0, 0)
        for (a, x), (b, y) in zip(these, those, strict=True)
    )


def score(name: str, code: str, function: str, seeds: int = 3) -> Score:
    """The mutation score of exercise ``name`` whose solution cell is ``code``."""
    ex, result = find(name), Score(name)
    others = [1000 + k for k in range(seeds)]  # not the notebook's seed
    with np.errstate(all="ignore"), warnings.catch_warnings(action="ignore"):
        expected = _outputs(ex, _define(code, function), others)
        for description, mutated in mutants(code):
            try:
                mutant = _define(mutated, function)
            except Exception:  # noqa: BLE001 (a mutant that does not compile is no mutant)
                continue
            result.mutants += 1
            try:
                with _time_limit(SECONDS):
                    changes = _differs(ex, expected, _outputs(ex, mutant, others))
            except TimeoutError:
                changes = True
            if not changes:
                continue
            result.changing += 1
            try:
                with _time_limit(SECONDS):
                    caught = verdict(name, mutant)[0] != "correct"
            except TimeoutError:
                caught = True
            result.caught += caught
            if not caught:
                result.survivors.append(description)
    return result


def solutions(folder: Path | None = None) -> list[tuple[str, str, str]]:
    """``(exercise, solution cell source, function)`` of every programming exercise."""
    found = []
    import nbformat

    for path in course_notebooks(folder) if folder else course_notebooks():
        cells = {c.get("id"): c for c in nbformat.read(path, as_version=4).cells}
        for g in graded_exercises(path):
            found.append((g.name, source(cells[g.solution_id]), g.function))
    return found


def table(scores: list[Score]) -> str:
    """The scores as a Markdown table, with the total."""
    lines = ["| exercise | mutants | change the answer | caught | caught % |",
             "|---|---:|---:|---:|---:|"]  # fmt: skip
    total = Score("total")
    for s in [*scores, total]:
        if s is not total:
            total.mutants += s.mutants
            total.changing += s.changing
            total.caught += s.caught
        share = f"{100 * s.caught / s.changing:.0f}" if s.changing else "-"
        lines.append(f"| {s.exercise} | {s.mutants} | {s.changing} | {s.caught} | {share} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__)
    parser.add_argument("exercises", nargs="*", help="like 04.2 (default: every one)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the inputs that decide")
    parser.add_argument("--survivors", action="store_true", help="list the uncaught mutants")
    parser.add_argument("--notebooks", type=Path, help="the course notebooks' folder")
    args = parser.parse_args(argv)
    scores = []
    for name, code, function in solutions(args.notebooks):
        if args.exercises and name not in args.exercises:
            continue
        scores.append(score(name, code, function, args.seeds))
        if args.survivors:
            for survivor in scores[-1].survivors:
                print(f"{name} survivor: {survivor}", file=sys.stderr)
    print(table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
