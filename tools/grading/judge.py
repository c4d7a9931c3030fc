"""The verdict on one programming exercise of one handed-in notebook, safe from the student's code.

:func:`judge_answer` runs the instructor's check, :func:`helpers.exercises.judge`,
in this (the instructor's) process: it draws the cases from the grading seed,
computes the expected values with the reference, compares, and names the usual
mistake. Only the calls to the student's function go to a separate, fresh
Python process (:mod:`tools.grading.sandbox`), started inside bubblewrap
(:mod:`tools.grading.bubblewrap`: no network, a private tmpfs as working folder,
nothing of the host but the system, Python and the course read-only, limits
on the whole process tree) with ``python -I`` (no current folder or PYTHON*
variables on its path), that runs nothing of the notebook but the student's
imports and function definitions, and gets each case whole (the exercise's
``call`` hook, when it has one, runs there too, with the function). Its
replies are decoded without pickle. The whole exercise has one time limit;
past it the sandbox is killed (SIGKILL: a loop may ignore SIGINT; every
process it started goes with it), and the exercise is Not yet.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from helpers import exercises
from tools.grading.bubblewrap import Jail, Limits, clean_environment

__all__ = ["decode", "grading_seed", "judge_answer"]

SANDBOX = Path(__file__).with_name("sandbox.py")
MAX_REPLY_BYTES = 256 * 2**20  # a function returning more than this is Not yet
#: The most a sandbox may take to start Python and import helpers (a bound, not the limit).
STARTUP_SECONDS = 120


class _Stop(BaseException):
    """Ends the check at once (not an Exception, so the check cannot take it for a bug)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Returned:
    """A value of a type the grader does not pass back (a generator, a class instance...).

    Its class is named after the student's type, so the check's message names it.
    """

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def decode(data: dict) -> Any:
    """The value :func:`tools.grading.sandbox.encode` encoded (no pickle: nothing runs)."""
    kind = data["t"]
    if kind == "py":
        return data["v"]
    if kind in ("np", "nd"):
        array = np.load(io.BytesIO(base64.b64decode(data["b"])), allow_pickle=False)
        return array[()] if kind == "np" else array
    if kind in ("list", "tuple"):
        values = [decode(v) for v in data["v"]]
        return values if kind == "list" else tuple(values)
    if kind == "dict":
        return {_hashable(decode(k)): decode(v) for k, v in zip(data["k"], data["v"], strict=True)}
    return type(str(data.get("type", "object")), (_Returned,), {})()


def _hashable(key: Any) -> Any:
    return key if not isinstance(key, list | np.ndarray | dict) else repr(key)


def grading_seed(seed: int, exercise: str) -> int:
    """The seed of ``exercise``'s cases in a grading run with ``seed`` (other per exercise)."""
    return int(np.random.SeedSequence([seed, *exercise.encode()]).generate_state(1)[0])


def _exception(name: str, message: str) -> Exception:
    if name == "NotImplementedError":
        return NotImplementedError(message)
    cls = type(name if name.isidentifier() else "Error", (Exception,), {})
    return cls(message)


def _put_back(originals: list, changed: list) -> None:
    """Change the instructor's copies of the inputs as the student's function changed its own."""
    for original, new in zip(originals, changed, strict=False):
        if isinstance(original, np.ndarray) and np.shape(new) == original.shape:
            np.copyto(original, new, casting="unsafe")
        elif isinstance(original, list) and isinstance(new, list):
            original[:] = new
        elif isinstance(original, dict) and isinstance(new, dict):
            original.clear()
            original.update(new)


class _Sandbox:
    """The student's function, living in its own process; calling this object calls it there."""

    def __init__(
        self,
        source: str,
        function: str,
        exercise: str,
        workdir: Path,
        timeout: float,
        sandboxed: bool = True,
    ) -> None:
        # Starting Python and importing helpers is not the student's time: a busy
        # machine may take long, so the limit starts once the sandbox says it started.
        self.deadline = time.monotonic() + max(timeout, STARTUP_SECONDS)
        self.timeout = timeout
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "OPENBLAS_", "OMP_", "MKL_"))
        }
        env.update(
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            MPLBACKEND="Agg",
            TMPDIR=str(workdir),
        )
        command = [sys.executable, "-I", str(SANDBOX)]
        self.jail = None
        if sandboxed:  # bubblewrap: no network, no files but its own, limits on the tree
            limits = Limits(cpu_seconds=int(max(timeout, STARTUP_SECONDS)) + 10)
            self.jail = Jail(limits)
            command, env = self.jail.wrap(command), clean_environment()
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=workdir,
                env=env,
                start_new_session=True,  # its own process group: killed as a whole
            )
        except BaseException:
            if self.jail is not None:
                self.jail.close()
            raise
        helpers_path = str(Path(exercises.__file__).resolve().parents[2])
        self._send(
            {
                "source": source,
                "function": function,
                "exercise": exercise,
                "helpers_path": helpers_path,
            }
        )

    def _send(self, payload: object) -> None:
        data = pickle.dumps(payload)
        try:
            self.process.stdin.write(struct.pack("<Q", len(data)) + data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self._ended()

    def _read_exactly(self, size: int) -> bytes:
        fd, chunks, got = self.process.stdout.fileno(), [], 0
        while got < size:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.kill()
                raise _Stop(
                    f"Not yet: your function did not finish within {self.timeout:g} s "
                    "(an endless loop, or far too slow)."
                )
            chunk = os.read(fd, min(size - got, 2**20))
            if not chunk:
                self._ended()
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _ended(self) -> None:
        self.kill()
        code = self.process.returncode
        raise _Stop(f"Not yet: your code ended the Python process that ran it (exit code {code}).")

    def receive(self) -> dict:
        import json

        (size,) = struct.unpack("<Q", self._read_exactly(8))
        if size > MAX_REPLY_BYTES:
            self.kill()
            raise _Stop(f"Not yet: your function returned more than {MAX_REPLY_BYTES >> 20} MB.")
        return json.loads(self._read_exactly(size))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the student's function is called through run(case)")

    def run(self, case: Any) -> Any:
        """What the check gets from the student's function on ``case`` (run in the sandbox)."""
        try:
            self._send(case)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise _Stop(
                f"Could not grade: its inputs cannot be sent to a process ({error})"
            ) from None
        reply = self.receive()
        if reply["kind"] == "raise":
            raise _exception(reply["type"], reply["message"])
        if reply["kind"] == "guard":
            raise _Stop(exercises.refusal(reply["called"]))  # the notebook's words
        if "args" in reply:
            _put_back(list(case.args), decode(reply["args"]))
            _put_back([case.kwargs], [decode(reply["kwargs"])])
        return decode(reply["value"])

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        if self.jail is not None:
            self.jail.close()  # whatever the student's code started ends with it
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def judge_answer(
    exercise: str,
    source: str,
    function: str,
    seed: int,
    workdir: Path,
    timeout: float,
    sandboxed: bool = True,
) -> tuple[str, str]:
    """``(status, message)`` of the student's ``function`` defined by ``source``.

    ``status`` is "correct", "not yet" or "no answer", as from
    :func:`helpers.check.verdict`; the cases are drawn with
    :func:`grading_seed` ``(seed, exercise)``. The student's code runs in
    ``workdir`` with at most ``timeout`` seconds for the whole exercise, inside
    bubblewrap (:mod:`tools.grading.bubblewrap`: its working folder is then a private
    tmpfs, not ``workdir``) unless ``sandboxed`` is False.

    Raises
    ------
    tools.grading.bubblewrap.SandboxUnavailable
        If ``sandboxed`` and bubblewrap cannot run here.
    """
    ex = exercises.find(exercise)
    if ex is None:
        raise ValueError(f"{exercise} is not a programming exercise")
    sandbox = _Sandbox(source, function, exercise, workdir, timeout, sandboxed)
    try:
        try:
            sandbox.receive()  # "started": helpers imported, no student code run yet
        except _Stop:
            return "not yet", "Could not grade: the grading process did not start."
        sandbox.deadline = time.monotonic() + timeout  # the limit is for the student's code
        ready = sandbox.receive()
        if ready["kind"] == "setup":
            return "not yet", (
                f"Not yet: defining {function} raised {ready['type']}: "
                f"{ready['message'].splitlines()[0] if ready['message'] else ''}"
            ).rstrip(": ")
        sandbox.__name__ = function
        original = ex.call

        def call(answer: Any, case: Any) -> Any:
            if answer is sandbox:  # the student's function: in its own process
                return sandbox.run(case)
            if original is not None:  # the reference and the usual mistakes: here
                return original(answer, case)
            return answer(*case.args, **case.kwargs)

        graded = dataclasses.replace(ex, call=call)
        return exercises.judge(exercise, graded, sandbox, grading_seed(seed, exercise))
    except _Stop as stop:
        return "not yet", stop.message
    finally:
        sandbox.kill()
