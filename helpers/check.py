"""Check an exercise answer without showing it: every notebook's exercises use it.

``check("01.3", answer)`` prints ``Correct: <why>``, ``Not yet: <hint>`` or ``No answer yet``.
A value exercise is declared in ``exercises/NN.json`` (``kind``, ``expected``, ``rtol``,
``atol``, ``why``, ``hint``); a programming exercise in ``exercises/nbNN.py``.
"""

import contextlib
import textwrap
from collections.abc import Iterator

import numpy as np

from helpers import exercises
from helpers.exercises._framework import STUB_MESSAGE, declared

__all__ = ["attempt", "check", "verdict"]


def _problem(spec: dict, answer: object) -> str:
    """What to say of ``answer``: "" when it is right, else the kind expected or the hint."""
    kind, expected = spec["kind"], spec["expected"]
    if kind == "text":
        if not isinstance(answer, str):
            return f"the answer should be text (a str), got {type(answer).__name__}"
        return "" if answer.strip().lower() in [a.lower() for a in expected] else spec["hint"]
    try:
        got = np.asarray(answer)
        fits = got.dtype.kind in "iuf" and got.shape == np.shape(expected)
        fits = fits and np.isfinite(got).all() and (kind != "integer" or float(got) % 1 == 0)
    except (ValueError, TypeError, OverflowError):  # ragged lists, huge ints
        fits = False
    if not fits:
        shape = f"numbers of shape {np.shape(expected)}"
        should = {"number": "a finite number", "integer": "a whole number"}.get(kind, shape)
        return f"the answer should be {should}, got {type(answer).__name__}"
    tolerance = {"rtol": spec.get("rtol", 0.0), "atol": spec.get("atol", 0.0)}
    return "" if np.allclose(got, expected, **tolerance) else spec["hint"]


def verdict(exercise: str, answer: object, seed: int | None = None) -> tuple[str, str]:
    """Judge an answer, as :func:`check` prints it and the grading tools record it.

    Parameters
    ----------
    exercise : str
        The exercise, like ``"01.2"``.
    answer : object
        The student's value, or their function for a programming exercise.
    seed : int or None, optional
        Draws a programming exercise's hidden cases (None: the notebook's own).

    Returns
    -------
    tuple of str
        ``(status, message)``: status is "correct", "not yet" or "no answer".
    """
    if not isinstance(exercise, str):
        raise TypeError(f"exercise names are text like '04.2', got {type(exercise).__name__}")
    function = exercises.find(exercise)
    spec = declared(exercise.split(".")[0]).get(exercise)
    if function is None and spec is None:
        raise ValueError(f"no exercise {exercise!r}; names look like '01.2'")
    if answer is None:
        return "no answer", "No answer yet"
    if function is not None:
        return exercises.judge(exercise, function, answer, seed)
    if problem := _problem(spec, answer):
        return "not yet", f"Not yet: {problem}"
    return "correct", f"Correct: {spec['why']}"


def check(exercise: str, answer: object) -> None:
    """Print whether an answer is right, with a hint if it is not.

    Parameters
    ----------
    exercise : str
        Its name, such as ``"03.4"``: the notebook's number, then the exercise's.
    answer : object
        What the student gives: a value, or a function (see :func:`verdict`).
    """
    message = verdict(exercise, answer)[1]
    print(textwrap.fill(message, 80, subsequent_indent="  ", break_long_words=False))


@contextlib.contextmanager
def attempt(*exercises_used: str) -> Iterator[None]:
    """Run a cell's use of the student's answers; an error prints a line, not a traceback.

    "Run all" never stops on a student's bug: the cell's block ends at the error, and a
    ``Not yet`` line says which exercise to go back to (``No answer yet`` for the stub).

    Parameters
    ----------
    *exercises_used : str
        The exercises whose answers the block uses, like ``"06.2"``.

    Yields
    ------
    None
        The block runs once.
    """
    names = " and ".join(exercises_used)
    which = f"exercise{'s' if len(exercises_used) > 1 else ''} {names}"
    try:
        yield
    except Exception as error:
        if isinstance(error, NotImplementedError) and STUB_MESSAGE in str(error):
            message = f"No answer yet: write {which} above, then run this cell again."
        else:
            first = (str(error).splitlines() or [""])[0]
            message = (
                f"Not yet: this cell uses your answer to {which}, which raised "
                f"{type(error).__name__}: {first}. Fix it above, then run this cell again."
            )
        print(textwrap.fill(message, 80, subsequent_indent="  ", break_long_words=False))
