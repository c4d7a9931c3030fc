"""Processes a test left behind: found by a mark in their command line or environment.

The hostile-class tests (``tests/test_grade_sandbox.py``, ``tests/test_nbgrader_course.py``)
put a random mark into every attacker's code and the grader's environment; once
grading is over, no process may still carry it.
"""

from __future__ import annotations

import os

import psutil


def marked_processes(mark: str) -> list[str]:
    """The running processes (not this one) whose command line or environment holds ``mark``.

    Each is given by its command line, at most 200 characters. A process that
    ends while it is read, or a zombie, is not counted; one whose environment
    cannot be read (another user's) is judged by its command line.
    """
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            command = " ".join(process.cmdline())
        except psutil.Error:  # ended, a zombie, or a kernel thread we may not read
            continue
        try:
            environment = " ".join(f"{k}={v}" for k, v in process.environ().items())
        except psutil.Error:
            environment = ""
        if mark in command or mark in environment:
            found.append(command[:200])
    return found
