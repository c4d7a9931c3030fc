"""Programming exercises for helpers.check: declared in ``nbNN.py``, words in ``NN.json``."""

import contextlib
import copy
import importlib
import json
import sys
import warnings
import zlib
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Self

import numpy as np

__all__ = ["find", "judge"]


_STUB_MESSAGE = "your code here"
_Case = namedtuple("_Case", ["name", "args", "kwargs"])  # a hidden input, named for the student
_REGISTRY: dict[str, "_Exercise"] = {}


@dataclass(frozen=True)
class _Exercise:
    """An exercise: ``cases(rng)`` gives ``{name: args}``, ``call(function, case)`` runs one."""

    reference: Callable
    cases: Callable[[np.random.Generator], dict[str, tuple]]
    why: str
    mistakes: tuple[tuple[Callable, str], ...]
    guarded: tuple = ()
    call: Callable[[Callable, _Case], Any] | None = None
    names: tuple[str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9

    def run(self, function: Callable, case: _Case) -> Any:
        """``function``'s output on ``case``; a tuple as a dict by ``names``."""
        out = self.call(function, case) if self.call else function(*case.args, **case.kwargs)
        if self.names and isinstance(out, tuple | list) and len(out) == len(self.names):
            return dict(zip(self.names, out, strict=True))
        return out

    def difference(self, function: Callable, cases: list[_Case], outputs: list) -> str:
        """The first case on which ``function`` does not give ``outputs``, in words ("" if none)."""
        for case, output in zip(cases, outputs, strict=True):
            problem = _differ(self.run(function, copy.deepcopy(case)), output, self.rtol, self.atol)
            if problem:
                return f"case '{case.name}': {problem}"
        return ""


@cache
def _declared(notebook: str) -> dict:
    """The exercises' words (and the value exercises' answers) of ``NN.json``."""
    path = Path(__file__).parent / f"{notebook}.json"
    exists = notebook.isdigit() and path.exists()
    return json.loads(path.read_text(encoding="utf-8")) if exists else {}


def _exercise(name: str, mistakes: dict[str, Callable], **fields: Any) -> None:
    """Declare the programming exercise ``name``; ``mistakes`` are keyed by their hint's name."""
    words = _declared(name.split(".")[0])[name]
    if mistakes.keys() != words["hints"].keys():
        raise ValueError(f"{name}: the mistakes {sorted(mistakes)} need hints in its JSON")
    pairs = tuple((wrong, words["hints"][key]) for key, wrong in mistakes.items())
    _REGISTRY[name] = _Exercise(why=words["why"], mistakes=pairs, **fields)


def find(name: str) -> _Exercise | None:
    """The programming exercise ``name``, or None when it is not one."""
    notebook = name.split(".")[0]
    if _declared(notebook).get(name, {}).get("kind") == "function":
        importlib.import_module(f"{__name__}.nb{notebook}")
    return _REGISTRY.get(name)


class _Guard:
    """Notes whether a guarded function, or one named ``(file, prefix...)``, runs while active."""

    def __init__(self, functions: tuple[Callable | tuple[str, str], ...]) -> None:
        self.codes = {f.__code__: f for f in functions if callable(f)}
        self.files = [g for g in functions if isinstance(g, tuple)]
        self.called: str | None = None

    def _profile(self, frame: Any, event: str, arg: object) -> None:
        if event != "call" or self.called is not None:
            return
        code = frame.f_code
        if function := self.codes.get(code):
            self.called = f"{function.__module__}.{function.__qualname__}"
        where = code.co_filename.replace("\\", "/")  # Windows paths too
        for file, prefix in self.files:
            if code.co_name.startswith(prefix) and where.endswith(file):
                self.called = f"{file[:-3].replace('/', '.')}.{code.co_name}"

    def __enter__(self) -> Self:
        self._previous = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(self._previous)


def _fmt(value: Any) -> str:
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = f"{value:.4g}" if isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else f"a {type(value).__name__}"


def _keys(value: Any) -> Any:
    if isinstance(value, dict):
        return value.keys()
    return range(len(value)) if isinstance(value, tuple | list) else None


def _differ(expected: Any, got: Any, rtol: float, atol: float, what: str = "the result") -> str:
    """How ``got`` differs from ``expected`` ("" when they agree), in words for a student."""
    if isinstance(expected, dict | tuple | list) and not _numeric(expected):
        keys = _keys(expected)
        if _keys(got) != keys:
            should = f"{len(keys)} values" if isinstance(keys, range) else f"the keys {list(keys)}"
            return f"{what} should have {should}, got {_fmt(got)}"
        parts = (_differ(expected[k], got[k], rtol, atol, f"{what}[{k!r}]") for k in keys)
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
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def _seed_for(name: str) -> int:
    return zlib.crc32(name.encode())


def judge(name: str, ex: _Exercise, function: object, seed: int | None) -> tuple[str, str]:
    """``(status, message)`` of ``function`` as the answer to ``name``; see check.verdict."""
    if not callable(function):
        return "not yet", f"Not yet: the answer should be a function, got {type(function).__name__}"
    rng = np.random.default_rng(_seed_for(name) if seed is None else seed)
    cases = [_Case(case, args, {}) for case, args in ex.cases(rng).items()]
    outputs = []
    with np.errstate(all="ignore"), warnings.catch_warnings(action="ignore"):  # not as noise
        for case in cases:
            given = copy.deepcopy(case)
            try:
                with _Guard(ex.guarded or (ex.reference,)) as guard:
                    outputs.append(ex.run(function, given))
            except Exception as error:  # a student's bug: a Not yet line, never a traceback
                if isinstance(error, NotImplementedError) and _STUB_MESSAGE in str(error):
                    return "no answer", "No answer yet"
                raised = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
                return "not yet", f"Not yet: your function raised {raised} (case '{case.name}')"
            if guard.called:
                does = f"calls {guard.called}, which already does what the exercise asks"
                return "not yet", f"Not yet: write it yourself: your function {does}."
            if _differ(case.args, given.args, 0, 0):
                changed = f"changed its input in place (case '{case.name}'); work on a copy"
                return "not yet", f"Not yet: your function {changed}."
        if not (first_wrong := ex.difference(ex.reference, cases, outputs)):
            return "correct", f"Correct: {ex.why}"
        for wrong, hint in ex.mistakes:
            with contextlib.suppress(Exception):  # a mistake that raises is not this one
                if not ex.difference(wrong, cases, outputs):
                    return "not yet", f"Not yet: {hint} (First difference, {first_wrong}.)"
    return "not yet", f"Not yet: {first_wrong}."
