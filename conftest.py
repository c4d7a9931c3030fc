"""Every test run (unit tests and notebooks) writes into its own scratch folder.

The notebooks write their files into ``helpers.paths.scratch_dir()``; notebook 02
even deletes the ``*.h5`` files there first. A test run must never touch the
folder a student's JupyterLab kernel is using, so the run sets
``COURSE_SCRATCH_DIR`` to a fresh temporary folder before anything is collected:
the notebook kernels that nbval starts inherit it. The folder is removed at the end
of a run that passed, and kept (its path printed) after a failure, for a look at
what the failing notebook or browser test left there: a failed browser test's
screenshot is in its ``browser-failures`` folder (pytest-playwright's ``--output``;
pyproject.toml's ``--screenshot only-on-failure``), and its Playwright trace too when
the run adds ``--tracing retain-on-failure`` (recording traces slows the browser tests
by about a sixth, so step 2 leaves it off).

The run uses two processes (pytest-xdist, ``-n 2 --dist loadgroup`` in pyproject.toml);
each test gets xdist's public ``xdist_group`` mark: its file (a notebook's cells run in
order in one kernel), or the group of the tests that share a server (:data:`_SHARING`).
Each worker writes into its own folder inside the run's, which the run keeps or removes as a whole,
and uses one BLAS thread unless told otherwise (``OPENBLAS_NUM_THREADS``...): two
processes with a thread per core each would fight over the cores (OpenBLAS's idle
threads spin), and the notebooks' outputs hold for any thread count (CI checks 1 and 2).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

_VARIABLE = "COURSE_SCRATCH_DIR"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A run of benchmarks/ only is one process: it times code on an otherwise idle machine."""
    benchmarks = config.rootpath / "benchmarks"
    paths = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    if paths and all(path.is_relative_to(benchmarks) for path in paths):
        config.option.numprocesses = 0


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("numprocesses", None) and _loadgroup_is_broken(config):
        raise pytest.UsageError(
            "pytest 9.2 and pytest-xdist 3.8 ignore --dist loadgroup's groups (a notebook's "
            "cells would be scattered over the processes): pip install -r requirements/lock.txt"
        )
    before = os.environ.get(_VARIABLE)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: a folder inside the run's
        folder = tempfile.mkdtemp(prefix=f"{config.workerinput['workerid']}-", dir=before)
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(variable, "1")  # see the module docstring
    else:
        folder = tempfile.mkdtemp(prefix="course-scratch-")
    config.stash[_key] = (before, folder)
    if config.getoption("output", None) == "test-results":  # pytest-playwright's default
        config.option.output = os.path.join(folder, "browser-failures")  # kept: see above
    os.environ[_VARIABLE] = folder


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put each test into its xdist group (``--dist loadgroup``): see :func:`_group`."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item.nodeid)))


def _loadgroup_is_broken(config: pytest.Config) -> bool:
    """Whether ``--dist loadgroup`` is asked for but pytest and xdist ignore its groups.

    xdist 3.8 groups a test by appending ``@group`` to ``item._nodeid``, which
    pytest 9.2 no longer reads (it has ``item._id``).
    """
    new_pytest = Version(metadata.version("pytest")) >= Version("9.2")
    old_xdist = Version(metadata.version("pytest-xdist")) <= Version("3.8")
    return config.getoption("dist", "no") == "loadgroup" and new_pytest and old_xdist


def _group(nodeid: str) -> str:
    """The xdist group of a test: its file, or the group of the servers it shares."""
    path = nodeid.split("::")[0]
    return next((group for start, group in _SHARING if path.startswith(start)), path)


def pytest_report_header(config: pytest.Config) -> str:
    return f"scratch folder of this run: {config.stash[_key][1]}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        terminalreporter.write_line(f"scratch folder kept: {config.stash[_key][1]}")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _key not in config.stash:  # pytest_configure stopped the run
        return
    before, folder = config.stash[_key]
    if config.stash.get(_failed, False) is False and not hasattr(config, "workerinput"):
        shutil.rmtree(folder, ignore_errors=True)
    if before is None:
        os.environ.pop(_VARIABLE, None)
    else:
        os.environ[_VARIABLE] = before


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ok = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
    session.config.stash[_failed] = exitstatus not in ok


#: Test files that share servers, and the group (one process) they run in.
_SHARING = [
    ("tests/browser/test_lab_widgets.py", "JupyterLab"),
    ("tests/browser/test_isolation.py", "JupyterLab"),
    ("tests/browser/", "Voila and the website"),
    ("tests/hub/", "JupyterHub"),
]
_key = pytest.StashKey[tuple[str | None, str]]()
_failed = pytest.StashKey[bool]()
