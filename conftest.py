"""Every test run (unit tests and notebooks) writes into its own scratch folder.

The notebooks write their files into ``helpers.paths.scratch_dir()``; notebook 02
even deletes the ``*.h5`` files there first. A test run must never touch the
folder a student's JupyterLab kernel is using, so the run sets
``COURSE_SCRATCH_DIR`` to a fresh temporary folder before anything is collected:
the notebook kernels that nbval starts inherit it. The folder is removed at the end
of a run that passed, and kept (its path printed) after a failure, for a look at
what the failing notebook or browser test left there.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_VARIABLE = "COURSE_SCRATCH_DIR"


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_key] = (os.environ.get(_VARIABLE), tempfile.mkdtemp(prefix="course-scratch-"))
    os.environ[_VARIABLE] = config.stash[_key][1]


def pytest_report_header(config: pytest.Config) -> str:
    return f"scratch folder of this run: {config.stash[_key][1]}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        terminalreporter.write_line(f"scratch folder kept: {config.stash[_key][1]}")


def pytest_unconfigure(config: pytest.Config) -> None:
    before, folder = config.stash[_key]
    if config.stash.get(_failed, False) is False:
        shutil.rmtree(folder, ignore_errors=True)
    if before is None:
        os.environ.pop(_VARIABLE, None)
    else:
        os.environ[_VARIABLE] = before


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ok = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
    session.config.stash[_failed] = exitstatus not in ok


_key = pytest.StashKey[tuple[str | None, str]]()
_failed = pytest.StashKey[bool]()
