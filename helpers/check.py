"""Check an exercise answer without showing it: every notebook's exercises use it.

``check("01.2", answer)`` prints ``Correct: <why>``, ``Not yet: <hint>`` or
``No answer yet``. Expected answers live in ``helpers/exercises/NN.json`` as
``{"kind", "expected", "rtol"/"atol", "why", "hint"}``; kinds: number, integer,
text, array, shape. Functions a student writes are judged by :mod:`helpers.exercises`.
"""

from __future__ import annotations

import json
import textwrap
from functools import cache
from importlib import resources
from numbers import Integral, Real

import numpy as np

from helpers import exercises

__all__ = ["check", "verdict"]


@cache
def _answers(notebook: str) -> dict:
    source = resources.files("helpers") / "exercises" / f"{notebook}.json"
    return json.loads(source.read_text(encoding="utf-8"))


def _spec(exercise: str) -> dict:
    notebook = exercise.split(".")[0]
    try:
        return _answers(notebook)[exercise]
    except (FileNotFoundError, KeyError):
        raise ValueError(f"no exercise {exercise!r}; names look like '01.2'") from None


def _is_number(x: object) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool | np.bool_)


def _compare(spec: dict, answer: object) -> str | None:
    """None when ``answer`` is right, else what kind of wrong (a hint, not the answer)."""
    kind, expected = spec["kind"], spec["expected"]
    rtol, atol = spec.get("rtol", 0.0), spec.get("atol", 0.0)
    if kind in ("number", "integer"):
        if not _is_number(answer):
            return f"the answer should be a number, got {type(answer).__name__}"
        if isinstance(answer, Integral) and abs(int(answer)) > 10**300:
            return "the answer is far too large to be right"
        if not np.isfinite(float(answer)):
            return f"the answer should be a finite number, got {float(answer)}"
        if kind == "integer" and not (isinstance(answer, Integral) or float(answer).is_integer()):
            return "the answer should be a whole number"
        return None if abs(float(answer) - expected) <= atol + rtol * abs(expected) else ""
    if kind == "text":
        if not isinstance(answer, str):
            return f"the answer should be text (a str), got {type(answer).__name__}"
        accepted = [expected] if isinstance(expected, str) else expected
        return None if answer.strip().lower() in [a.lower() for a in accepted] else ""
    if kind == "shape":
        if not isinstance(answer, tuple | list) or not all(_is_number(n) for n in answer):
            return "the answer should be a tuple of sizes, like (3, 4)"
        return None if tuple(answer) == tuple(expected) else ""
    if kind == "array":
        want = np.asarray(expected, dtype=float)
        try:
            got = np.asarray(answer)
        except (ValueError, TypeError, OverflowError):  # ragged lists, huge ints
            return f"the answer should be a numeric array of shape {want.shape}"
        if got.shape != want.shape or got.dtype.kind not in "biuf":
            return f"the answer should be a numeric array of shape {want.shape}, not {got.shape}"
        return None if np.allclose(got, want, rtol=rtol, atol=atol) else ""
    raise ValueError(f"unknown exercise kind {kind!r}")


def verdict(exercise: str, answer: object, seed: int | None = None) -> tuple[str, str]:
    """Return ``(status, message)``: status is "correct", "not yet" or "no answer".

    ``seed`` draws other hidden cases for a programming exercise (grading);
    None gives the fixed cases a student checks against.
    """
    if not isinstance(exercise, str):
        raise TypeError(f"exercise names are text like '04.2', got {type(exercise).__name__}")
    function_exercise = exercises.find(exercise)
    if answer is None:
        if function_exercise is None:
            _spec(exercise)
        return "no answer", "No answer yet"
    if function_exercise is not None:
        return exercises.judge(exercise, function_exercise, answer, seed)
    spec = _spec(exercise)
    problem = _compare(spec, answer)
    if problem is None:
        return "correct", f"Correct: {spec['why']}"
    return "not yet", f"Not yet: {problem or spec['hint']}"


def check(exercise: str, answer: object) -> None:
    """Print whether ``answer`` to ``exercise`` (like "01.2") is right, with a hint if not."""
    message = verdict(exercise, answer)[1]
    print(textwrap.fill(message, 80, subsequent_indent="  ", break_long_words=False))
