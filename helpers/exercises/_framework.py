"""The exercise framework's internals: helpers.check, nbNN.py and tools.grading share them."""

import _thread
import contextlib
import copy
import hashlib
import importlib
import inspect
import io
import json
import os
import sys
import textwrap
import threading
import tokenize
import warnings
import zlib
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import CodeType, FunctionType
from typing import Any, Self

import numpy as np

STUB_MESSAGE = "your code here"
Case = namedtuple("Case", ["name", "args", "kwargs"])  # a hidden input, named for the student
REGISTRY: dict[str, "Exercise"] = {}


@dataclass(frozen=True)
class Exercise:
    """A programming exercise, declared once by :func:`exercise` in ``nbNN.py``.

    ``cases(rng)`` gives ``{name: args}``; ``call(function, case)`` runs one case.
    """

    reference: Callable
    cases: Callable[[np.random.Generator], dict[str, tuple]]
    title: str  #: as the solution cell's first line says it: "# Exercise k: <title>."
    why: str  #: the words after "Correct: "
    mistakes: tuple[tuple[Callable, str], ...]  #: (a usual mistake, its hint)
    points: int = 1  #: what a correct answer earns in tools.grade and nbgrader
    guarded: tuple = ()  #: what the answer must not call: the reference, the package's own
    refused: tuple = ()  #: library equivalents, as functions or "module:name prefix" strings
    call: Callable[[Callable, Case], Any] | None = None
    names: tuple[str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9

    def run(self, function: Callable, case: Case) -> Any:
        """``function``'s output on ``case``; a tuple as a dict by ``names``."""
        out = self.call(function, case) if self.call else function(*case.args, **case.kwargs)
        if self.names and isinstance(out, tuple | list) and len(out) == len(self.names):
            return dict(zip(self.names, out, strict=True))
        return out

    def difference(self, function: Callable, cases: list[Case], outputs: list) -> str:
        """The first case on which ``function`` does not give ``outputs``, in words ("" if none)."""
        for case, output in zip(cases, outputs, strict=True):
            problem = differ(self.run(function, copy.deepcopy(case)), output, self.rtol, self.atol)
            if problem:
                return f"case '{case.name}': {problem}"
        return ""


@cache
def declared(notebook: str) -> dict:
    """The value exercises of notebook ``notebook``: ``NN.json``'s answers and words."""
    path = Path(__file__).parent / f"{notebook}.json"
    exists = notebook.isdigit() and path.exists()
    return json.loads(path.read_text(encoding="utf-8")) if exists else {}


def exercise(
    name: str, *, title: str, why: str, mistakes: dict[Callable, str], points: int = 1,
    **fields: Any,
) -> None:
    """Declare the programming exercise ``name`` with its words, its mistakes and its points.

    ``mistakes`` maps each usual mistake, a function defined at the top of ``nbNN.py``,
    to its hint; ``fields`` are :class:`Exercise`'s other fields.
    """
    for wrong in mistakes:
        if not isinstance(wrong, FunctionType) or wrong.__qualname__ != wrong.__name__:
            raise ValueError(f"{name}: a usual mistake is a function of its own, got {wrong!r}")
    if not isinstance(points, int) or isinstance(points, bool) or points < 0:
        raise ValueError(f"points of {name} must be a whole number >= 0, got {points!r}")
    if name in declared(name.split(".")[0]):
        raise ValueError(f"{name} is declared twice: as a value exercise in its JSON too")
    guarded = (*(fields.pop("guarded", ()) or (fields["reference"],)), *fields.get("refused", ()))
    pairs = tuple(mistakes.items())
    REGISTRY[name] = Exercise(
        title=title, why=why, mistakes=pairs, points=points, guarded=guarded, **fields
    )


def find(name: str) -> Exercise | None:
    """Find a programming exercise.

    Parameters
    ----------
    name : str
        The exercise, like ``"06.2"``.

    Returns
    -------
    Exercise or None
        Its declaration, or None when ``name`` is not a programming exercise.
    """
    notebook = name.split(".")[0]
    if notebook.isdigit() and Path(__file__).with_name(f"nb{notebook}.py").exists():
        importlib.import_module(f"helpers.exercises.nb{notebook}")
    return REGISTRY.get(name)


#: Library functions that do what a package function does: refused wherever it is.
_EQUIVALENTS = {
    "helpers.mlp.softmax": (
        "scipy.special._logsumexp:softmax",
        "scipy.special._logsumexp:log_softmax",
        "scipy.special._logsumexp:logsumexp",
    ),
    "helpers.gmm.m_step": ("sklearn.mixture._gaussian_mixture:_estimate_gaussian_",),
}
#: What a refused road is called in a message (see :func:`refusal`).
_ROADS = {
    "!switch": "switches off the check's watch (sys.setprofile or threading.setprofile)",
    "!process": "starts another process, where the check cannot watch it",
    "!source": "runs the package's own source code",
}
_PROCESS_EVENTS = frozenset(
    ["os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.spawn", "os.exec",
     "subprocess.Popen", "os.startfile"]
)  # fmt: skip
_LESSON_CODES: dict[CodeType, str] = {}  # functions of a notebook's lesson cells, by code
_ACTIVE: list["Guard"] = []  # the guards now watching, innermost last
_FINGERPRINTS: dict[int, tuple[CodeType, tuple]] = {}


def lesson(function: Callable) -> Callable:
    """Mark ``function`` as one a notebook's lesson cells define: no answer may call it."""
    _LESSON_CODES[function.__code__] = function.__name__
    return function


@cache
def lesson_keys(notebook: str) -> dict[str, str]:
    """``{name: source key}`` of the functions notebook ``notebook``'s lesson cells define."""
    path = Path(__file__).with_name("lessons.json")
    return json.loads(path.read_text(encoding="utf-8")).get(notebook, {}) if path.exists() else {}


def source_key(source: str) -> str:
    """A function's source, compared token by token (not spaces, comments, line breaks)."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines = io.StringIO(textwrap.dedent(source)).readline
    tokens = [t.string for t in tokenize.generate_tokens(lines) if t.type not in skip]
    return hashlib.sha256("\x00".join(tokens).encode()).hexdigest()[:20]


def _mark_lessons(notebook: str, function: object) -> None:
    """Mark the lesson functions of ``notebook`` that ``function``'s namespace still holds.

    A name of a lesson function counts only while it holds the lesson's own code
    (the same source); a student's own function of that name is theirs.
    """
    space = getattr(function, "__globals__", None)
    for name, key in lesson_keys(notebook).items() if isinstance(space, dict) else ():
        found = space.get(name)
        if not isinstance(found, FunctionType) or found.__code__ in _LESSON_CODES:
            continue
        with contextlib.suppress(OSError, TypeError, SyntaxError, tokenize.TokenError):
            if source_key(inspect.getsource(found)) == key:
                lesson(found)


def refusal(called: str) -> str:
    """Say why an answer was refused: the Not yet line of a guard's note.

    Parameters
    ----------
    called : str
        What the guard noted (see :class:`Guard`): a function's name, "lesson:name"
        for a lesson cell's function, or a road around the watch such as "!switch".

    Returns
    -------
    str
        The line, starting with "Not yet: write it yourself".
    """
    if called.startswith("lesson:"):
        does = f"calls {called[7:]}, a function of the notebook's lesson cells"
    else:
        does = _ROADS.get(called, f"calls {called}, which already does what the exercise asks")
    return f"Not yet: write it yourself: your function {does}."


def _fingerprint(code: CodeType) -> tuple:
    """What ``code`` computes, whatever file or line it was compiled from (cached)."""
    cached = _FINGERPRINTS.get(id(code))
    if cached is not None and cached[0] is code:
        return cached[1]
    consts = tuple(
        _fingerprint(c) if isinstance(c, CodeType) else (type(c).__name__, repr(c))
        for c in code.co_consts
    )
    found = (code.co_name, code.co_code, code.co_names, code.co_varnames, consts)
    _FINGERPRINTS[id(code)] = (code, found)
    return found


def _audit(event: str, args: tuple) -> None:
    """The process's audit hook (it cannot be removed): the roads around a guard's watch."""
    if not _ACTIVE or event not in _AUDITED or _ACTIVE[-1].called is not None:
        return
    guard = _ACTIVE[-1]
    if event in ("sys.setprofile", "sys._setprofileallthreads"):
        caller = sys._getframe(1).f_code
        if caller is _BOOTSTRAP and threading.getprofile() == guard._profile:
            guard.threads.add(threading.get_ident())  # a thread started while guarded
        elif caller not in _GUARD_CODES and threading.get_ident() in guard.threads:
            guard.called = "!switch"
    elif threading.get_ident() not in guard.threads:
        return  # another thread's business (a Jupyter kernel has several)
    elif event in _PROCESS_EVENTS:
        guard.called = "!process"
    elif event == "compile" and isinstance(args[0], str | bytes) and guard.copies(args[0]):
        guard.called = "!source"


_AUDITED = frozenset(["sys.setprofile", "sys._setprofileallthreads", "compile"])
_AUDITED |= _PROCESS_EVENTS
_BOOTSTRAP = threading.Thread._bootstrap_inner.__code__  # type: ignore[attr-defined]
sys.addaudithook(_audit)


class Guard:
    """Notes whether a guarded function, or one named ``(file, prefix)``, runs while active.

    A function is recognised by its code object, by the file and line it was
    compiled from (the same module imported under another name, a copied
    ``__code__``) and by a fingerprint of its bytecode (its source compiled
    again); a ``"module:prefix"`` string or a ``(file, prefix)`` pair names
    library functions without importing them. Besides calls, ``called`` notes
    the roads around the watch: switching the profile hook off (even for a
    moment: the process's audit hook sees it), a new process, compiling the
    package's source. Threads started while active are watched too. A call the
    guard noted ends the check even when the answer then raised: ``__exit__``
    swallows the exception, so the caller reads ``called`` instead.
    """

    def __init__(self, functions: tuple[Callable | tuple[str, str] | str, ...]) -> None:
        self.codes: dict[CodeType, str] = {}
        self.files: list[tuple[str, str]] = []
        for given in functions:
            item = _by_file(given) if isinstance(given, str) else given
            if isinstance(item, tuple):
                self.files.append(item)
                continue
            code = getattr(item, "__code__", None)
            if code is None:
                continue
            name = f"{item.__module__}.{item.__qualname__}"
            self.codes[code] = name
            self.files += [_by_file(equivalent) for equivalent in _EQUIVALENTS.get(name, ())]
        self.places = {(_real(c.co_filename), c.co_firstlineno): n for c, n in self.codes.items()}
        self.prints = {_fingerprint(c): n for c, n in self.codes.items()}
        self.called: str | None = None
        self.threads: set[int] = set()
        self._seen: dict[int, tuple[CodeType, str | None]] = {}
        self._lessons = -1
        self._lines: set[str] | None = None

    def match(self, code: CodeType) -> str | None:
        """What guarded function ``code`` is ("lesson:name" for a lesson's), or None."""
        if code in _LESSON_CODES:
            return f"lesson:{_LESSON_CODES[code]}"
        name = self.codes.get(code)
        name = name or self.places.get((_real(code.co_filename), code.co_firstlineno))
        name = name or self.prints.get(_fingerprint(code))
        if name:
            return name
        where = code.co_filename.replace("\\", "/")  # Windows paths too
        for file, prefix in self.files:
            if code.co_name.startswith(prefix) and where.endswith(file):
                return f"{file[:-3].replace('/', '.')}.{code.co_name}"
        return None

    def copies(self, text: str | bytes) -> bool:
        """Whether source ``text`` holds a line of a guarded function's body."""
        if self._lines is None:
            self._lines = set()
            for code in self.codes:
                with contextlib.suppress(OSError, TypeError):
                    source = inspect.getsource(code).splitlines()[1:]
                    self._lines |= {s.strip() for s in source if len(s.strip()) >= 12}
        text = text.decode(errors="replace") if isinstance(text, bytes) else text
        return any(line.strip() in self._lines for line in text.splitlines())

    def _profile(self, frame: Any, event: str, arg: object) -> None:
        if event != "call" or self.called is not None or not self.threads:
            return
        code = frame.f_code
        seen = self._seen.get(id(code))
        if seen is None or seen[0] is not code:
            seen = self._seen[id(code)] = (code, self.match(code))
        if seen[1] is not None:
            self.called = seen[1]

    def __enter__(self) -> Self:
        if self._lessons != len(_LESSON_CODES):  # lesson functions defined since: look again
            self._seen.clear()
            self._lessons = len(_LESSON_CODES)
        self.threads = {threading.get_ident()}
        self._previous = sys.getprofile(), threading.getprofile()
        _ACTIVE.append(self)
        threading.setprofile(self._profile)
        sys.setprofile(self._profile)
        return self

    def __exit__(self, kind: type | None, error: object, traceback: object) -> bool:
        watching = sys.getprofile() == self._profile and threading.getprofile() == self._profile
        sys.setprofile(self._previous[0])
        threading.setprofile(self._previous[1])
        _ACTIVE.remove(self)
        self.threads = set()
        if self.called is None and not watching:
            self.called = "!switch"
        return self.called is not None and kind is not None and issubclass(kind, Exception)


_START_THREAD = _thread.start_new_thread


def _start_watched_thread(function: Callable, args: tuple = (), kwargs: Any = None) -> int:
    """``_thread.start_new_thread``, the thread watched by the active guard (if any)."""
    guard = _ACTIVE[-1] if _ACTIVE else None
    if guard is None:
        return _START_THREAD(function, args, kwargs or {})

    def watched(*args: Any, **kwargs: Any) -> Any:
        guard.threads.add(threading.get_ident())
        sys.setprofile(guard._profile)
        return function(*args, **kwargs)

    return _START_THREAD(watched, args, kwargs or {})


# Every thread, raw or not, starts watched while a guard is active (Python 3.11 has no
# audit event for a new thread, nor setprofile_all_threads).
_thread.start_new_thread = threading._start_new_thread = _start_watched_thread  # type: ignore
_GUARD_CODES = frozenset(
    [Guard.__enter__.__code__, Guard.__exit__.__code__]
    + [c for c in _start_watched_thread.__code__.co_consts if isinstance(c, CodeType)]
)


def _by_file(name: str) -> tuple[str, str]:
    """``"package.module:prefix"`` as ``("package/module.py", prefix)``."""
    module, _, prefix = name.partition(":")
    return module.replace(".", "/") + ".py", prefix


@cache
def _real(path: str) -> str:
    return os.path.realpath(path) if os.path.isabs(path) else path


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


def differ(expected: Any, got: Any, rtol: float, atol: float, what: str = "the result") -> str:
    """How ``got`` differs from ``expected`` ("" when they agree), in words for a student."""
    if isinstance(expected, dict | tuple | list) and not _numeric(expected):
        keys = _keys(expected)
        if _keys(got) != keys:
            should = f"{len(keys)} values" if isinstance(keys, range) else f"the keys {list(keys)}"
            return f"{what} should have {should}, got {_fmt(got)}"
        parts = (differ(expected[k], got[k], rtol, atol, f"{what}[{k!r}]") for k in keys)
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


def seed_for(name: str) -> int:
    return zlib.crc32(name.encode())


def judge(name: str, ex: Exercise, function: object, seed: int | None) -> tuple[str, str]:
    """Judge a function as the answer to a programming exercise, on its hidden cases.

    Parameters
    ----------
    name : str
        The exercise, like ``"06.2"``.
    ex : Exercise
        Its declaration (:func:`find`).
    function : object
        The student's answer.
    seed : int or None
        Draws the cases; None draws the notebook's own.

    Returns
    -------
    tuple of str
        ``(status, message)`` as :func:`helpers.check.verdict` gives it.
    """
    if not callable(function):
        return "not yet", f"Not yet: the answer should be a function, got {type(function).__name__}"
    rng = np.random.default_rng(seed_for(name) if seed is None else seed)
    cases = [Case(case, args, {}) for case, args in ex.cases(rng).items()]
    outputs = []
    guard = Guard(ex.guarded or (ex.reference,))
    _mark_lessons(name.split(".")[0], function)
    with np.errstate(all="ignore"), warnings.catch_warnings(action="ignore"):  # not as noise
        for case in cases:
            given, raised = copy.deepcopy(case), None
            with guard:
                try:
                    outputs.append(ex.run(function, given))
                except Exception as error:  # a student's bug: a Not yet line, never a traceback
                    raised = error
            if guard.called:  # before its error: a refused call may be why it raised
                return "not yet", refusal(guard.called)
            if isinstance(raised, NotImplementedError) and STUB_MESSAGE in str(raised):
                return "no answer", "No answer yet"
            if raised is not None:
                text = f"{type(raised).__name__}: {(str(raised).splitlines() or [''])[0]}"
                return "not yet", f"Not yet: your function raised {text} (case '{case.name}')"
            if differ(case.args, given.args, 0, 0):
                changed = f"changed its input in place (case '{case.name}'); work on a copy"
                return "not yet", f"Not yet: your function {changed}."
        if not (first_wrong := ex.difference(ex.reference, cases, outputs)):
            return "correct", f"Correct: {ex.why}"
        for wrong, hint in ex.mistakes:
            with contextlib.suppress(Exception):  # a mistake that raises is not this one
                if not ex.difference(wrong, cases, outputs):
                    return "not yet", f"Not yet: {hint} (First difference, {first_wrong}.)"
    return "not yet", f"Not yet: {first_wrong}."
