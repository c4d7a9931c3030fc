"""The student's side of a grading: runs a student's function on the inputs it is sent.

Started by :mod:`tools.grading.judge` as ``python -I tools/grading/sandbox.py``, in
the student's working folder, a fresh process for every exercise. It imports the
installed ``helpers`` (before any student code runs), runs the student's imports
and function definitions (nothing else of the notebook) in a fresh namespace,
then answers calls: each request is a case (pickled by the instructor's
process), run as the check runs it (through the exercise's ``call`` hook if it
has one, e.g. one that opens an HDF5 file for the function), each reply says
what came back (encoded
without pickle: JSON, and arrays in numpy's own format without objects), what it
raised, whether it changed its inputs, or which guarded package function it
called. It never compares anything: the instructor's process does, so nothing the
student's code does to numpy or ``helpers`` in this process can change a verdict.

The protocol uses copies of stdin and stdout made before the student's code
runs; the student's prints go to /dev/null.
"""

from __future__ import annotations

import base64
import builtins
import io
import json
import os
import pickle
import struct
import sys

MAX_DEPTH = 20
MEMORY_LIMIT = 4 * 2**30  # bytes of address space for the student's process


def _read(stream) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack("<Q", head)
    return stream.read(size)


def _write(stream, payload: dict) -> None:
    data = json.dumps(payload).encode()
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def encode(value, depth: int = 0) -> dict:
    """``value`` as JSON-able data (see :func:`tools.grading.judge.decode`)."""
    import numpy as np

    if depth > MAX_DEPTH:
        return {"t": "other", "type": "structure nested too deeply"}
    if value is None or type(value) in (bool, int, float, str):
        return {"t": "py", "v": value}
    if isinstance(value, np.generic | np.ndarray):
        array = np.asarray(value)
        if array.dtype.hasobject:
            return {"t": "other", "type": "array of Python objects"}
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(array, order="C"), allow_pickle=False)
        kind = "np" if isinstance(value, np.generic) else "nd"
        return {"t": kind, "b": base64.b64encode(buffer.getvalue()).decode()}
    if type(value) in (list, tuple):
        return {"t": type(value).__name__, "v": [encode(v, depth + 1) for v in value]}
    if type(value) is dict:
        return {
            "t": "dict",
            "k": [encode(k, depth + 1) for k in value],
            "v": [encode(v, depth + 1) for v in value.values()],
        }
    return {"t": "other", "type": type(value).__name__}


def _limit_process() -> None:
    """Die with the grader (Linux), and cap the address space (a runaway allocation fails)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass


def main() -> None:
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    sys.stdin, sys.stdout, sys.stderr = (open(os.devnull, m) for m in ("r", "w", "w"))

    setup = pickle.loads(_read(requests))
    _limit_process()
    sys.path.insert(0, setup["helpers_path"])  # the instructor's helpers, whatever the cwd holds
    import numpy as np

    from helpers import exercises
    from helpers.exercises._framework import Guard

    _write(replies, {"kind": "started"})

    exercise = exercises.find(setup["exercise"])
    guard = Guard(exercise.guarded or (exercise.reference,))
    namespace = {"__name__": "__student__", "__builtins__": builtins, "np": np}
    try:
        code = compile(setup["source"], "<your notebook>", "exec")
        exec(code, namespace)
        function = namespace[setup["function"]]
    except BaseException as error:  # the definition itself fails: a Not yet line
        _write(replies, {"kind": "setup", "type": type(error).__name__, "message": str(error)})
        return
    _write(replies, {"kind": "ready"})

    while (request := _read(requests)) is not None:
        case = pickle.loads(request)  # a helpers.exercises._framework.Case
        before = pickle.dumps(case)
        guard.called = None
        try:
            with guard:  # as the check does: the exercise's call hook, if any, runs the function
                if exercise.call is not None:
                    result = exercise.call(function, case)
                else:
                    result = function(*case.args, **case.kwargs)
        except BaseException as error:
            text = str(error)
            _write(replies, {"kind": "raise", "type": type(error).__name__, "message": text})
            continue
        if guard.called:
            _write(replies, {"kind": "guard", "called": guard.called})
            continue
        try:
            reply = {"kind": "return", "value": encode(result)}
            if pickle.dumps(case) != before:
                reply["args"] = encode(list(case.args))
                reply["kwargs"] = encode(case.kwargs)
        except BaseException as error:
            reply = {"kind": "raise", "type": type(error).__name__, "message": str(error)}
        _write(replies, reply)


if __name__ == "__main__":
    main()
