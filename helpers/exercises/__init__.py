"""Programming exercises: the student writes a function, :func:`helpers.check.check` runs it.

Each exercise is declared once, in ``nbNN.py``, with :func:`_exercise` (see :class:`_Exercise`).
"""

from __future__ import annotations

import copy
import importlib
import sys
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

import numpy as np

__all__ = ["find", "judge"]

_STUB_MESSAGE = "your code here"


@dataclass(frozen=True)
class _Case:
    """One hidden input: ``name`` says what it is ("one row", "large logits")."""

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Exercise:
    """``cases(rng)`` gives the hidden inputs as ``{name: args}`` (the seed is fixed for the
    student, another for grading) and ``reference`` the expected outputs. ``mistakes`` lists
    each usual mistake's function followed by its hint: an answer whose outputs match it on
    every case gets the hint. The answer may not call a ``guarded`` function (default: the
    reference) nor change its inputs. ``call(function, case)`` runs a case another way and
    ``names`` name a tuple result's values in messages."""

    reference: Callable
    cases: Callable[[np.random.Generator], dict[str, tuple]]
    why: str
    mistakes: tuple = ()
    guarded: tuple[Callable | tuple[str, str], ...] = ()
    call: Callable[[Callable, _Case], Any] | None = None
    names: tuple[str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9


_REGISTRY: dict[str, _Exercise] = {}


def _exercise(name: str, mistakes: Sequence = (), **fields: Any) -> None:
    """Declare the programming exercise ``name`` (like "04.4"); see :class:`_Exercise`."""
    if name in _REGISTRY:
        raise ValueError(f"exercise {name!r} is declared twice")
    pairs = tuple(zip(mistakes[::2], mistakes[1::2], strict=True))
    _REGISTRY[name] = _Exercise(mistakes=pairs, **fields)


def find(name: str) -> _Exercise | None:
    """The programming exercise ``name``, or None when it is not one."""
    notebook = name.split(".")[0]
    if notebook.isdigit() and Path(__file__).with_name(f"nb{notebook}.py").exists():
        importlib.import_module(f"{__name__}.nb{notebook}")
    return _REGISTRY.get(name)


class _Guard:
    """Notes whether any of ``functions`` is called while it is active (any alias counts).

    An entry may also be a pair ``(file, prefix)``: every function whose name starts
    with ``prefix`` in a source file whose path ends with ``file``, which guards a
    library's functions without importing the library (scikit-learn takes a second).
    """

    def __init__(self, functions: Sequence[Callable | tuple[str, str]]) -> None:
        self.codes: dict[CodeType, str] = {
            f.__code__: f"{f.__module__}.{f.__qualname__}" for f in functions if callable(f)
        }
        self.files = [g for g in functions if isinstance(g, tuple)]
        self.called: str | None = None

    def _profile(self, frame: Any, event: str, arg: object) -> None:
        if event != "call" or self.called is not None:
            return
        code = frame.f_code
        if code in self.codes:
            self.called = self.codes[code]
        where = code.co_filename.replace("\\", "/")  # Windows paths too
        for file, prefix in self.files:
            if code.co_name.startswith(prefix) and where.endswith(file):
                self.called = f"{file[:-3].replace('/', '.')}.{code.co_name}"

    def __enter__(self) -> _Guard:
        self._previous = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(self._previous)


def _run(ex: _Exercise, function: Callable, case: _Case) -> Any:
    """``function``'s output on ``case`` (through ``ex.call`` if it has one); a tuple result
    as a dict by ``ex.names``, so that messages name its values."""
    out = function(*case.args, **case.kwargs) if ex.call is None else ex.call(function, case)
    if ex.names and isinstance(out, tuple | list) and len(out) == len(ex.names):
        return dict(zip(ex.names, out, strict=True))
    return out


def _fmt(value: Any) -> str:
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return repr(value) if len(repr(value)) <= 40 else f"a {type(value).__name__}"


def _differ(expected: Any, got: Any, rtol: float, atol: float, what: str = "the result") -> str:
    """How ``got`` differs from ``expected`` ("" when they agree), in words for a student."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{what} should be a dict, got {type(got).__name__}"
        if set(got) != set(expected):
            return f"{what} should have the keys {sorted(expected)}, got {sorted(got, key=repr)}"
        parts = (_differ(expected[k], got[k], rtol, atol, f"{what}[{k!r}]") for k in expected)
        return next((p for p in parts if p), "")
    if isinstance(expected, tuple | list) and not _numeric(expected):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            return f"{what} should be a tuple of {len(expected)} values, got {_fmt(got)}"
        pairs = enumerate(zip(expected, got, strict=True))
        parts = (_differ(e, g, rtol, atol, f"{what}[{i}]") for i, (e, g) in pairs)
        return next((p for p in parts if p), "")
    if not _numeric(expected) or isinstance(expected, int):  # text, None, bool, int: exactly
        same_kind = type(got) is type(expected) or _numeric(got) and np.ndim(got) == 0
        ok = same_kind and bool(got == expected)
        return "" if ok else f"{what}: expected {_fmt(expected)}, got {_fmt(got)}"
    if not _numeric(got):
        return f"{what} should be numbers (an array), got {type(got).__name__}"
    want, have = np.asarray(expected), np.asarray(got)
    if have.shape != want.shape:
        return f"{what} has shape {have.shape}, expected {want.shape}"
    close = np.isclose(have, want, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return ""
    where = tuple(int(i) for i in np.argwhere(~close)[0])
    at = f" at {list(where)}" if where else ""
    return f"{what}{at}: expected {_fmt(want[where])}, got {_fmt(have[where])}"


def _numeric(value: Any) -> bool:
    """True for a number or a (nested) array of numbers (bool included)."""
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def _seed_for(name: str) -> int:
    """The fixed seed of exercise ``name``'s cases for self-checking."""
    return zlib.crc32(name.encode())


def judge(name: str, ex: _Exercise, function: object, seed: int | None) -> tuple[str, str]:
    """``(status, message)`` of ``function`` as the answer to ``name``; see check.verdict."""
    if not callable(function):
        return "not yet", f"Not yet: the answer should be a function, got {type(function).__name__}"
    rng = np.random.default_rng(_seed_for(name) if seed is None else seed)
    cases = [_Case(case, args) for case, args in ex.cases(rng).items()]
    first_wrong = ""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a student's overflow shows in the verdict, not as noise
        for case in cases:
            want, given = _run(ex, ex.reference, copy.deepcopy(case)), copy.deepcopy(case)
            try:
                with _Guard(ex.guarded or (ex.reference,)) as guard:
                    got = _run(ex, function, given)
            except Exception as error:  # a student's bug: a Not yet line, never a traceback
                if isinstance(error, NotImplementedError) and _STUB_MESSAGE in str(error):
                    return "no answer", "No answer yet"
                text = str(error).splitlines()[0] if str(error) else ""
                raised = f"your function raised {type(error).__name__}: {text}"
                return "not yet", f"Not yet: {raised} (case '{case.name}')"
            if guard.called:
                return "not yet", (
                    f"Not yet: write it yourself: your function calls {guard.called}, which "
                    "already does what the exercise asks."
                )
            if _differ(case.args, given.args, 0, 0):
                return "not yet", (
                    f"Not yet: your function changed its input in place (case '{case.name}'); "
                    "work on a copy."
                )
            problem = _differ(want, got, ex.rtol, ex.atol)
            first_wrong = first_wrong or (problem and f"case '{case.name}': {problem}")
        if not first_wrong:
            return "correct", f"Correct: {ex.why}"
        hint = next((h for wrong, h in ex.mistakes if _same(ex, wrong, function, cases)), "")
    if hint:
        return "not yet", f"Not yet: {hint} (First difference, {first_wrong}.)"
    return "not yet", f"Not yet: {first_wrong}."


def _same(ex: _Exercise, wrong: Callable, function: Callable, cases: list[_Case]) -> bool:
    """Whether ``function``'s outputs match the mistake ``wrong``'s on every case."""
    try:
        return not any(
            _differ(*(_run(ex, f, copy.deepcopy(c)) for f in (wrong, function)), ex.rtol, ex.atol)
            for c in cases
        )
    except Exception:
        return False
