"""Import time of ``helpers`` in a fresh interpreter, against the interpreter's own start-up.

Each measurement starts a new Python process (nothing cached in memory, the
way a notebook kernel starts), times ``import <module>`` inside it and prints
the seconds. The peer is the wall time of starting a bare interpreter
(``python -c pass``): importing our package should cost less than that.
Target: under 0.5 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.timing import Row, format_seconds, print_rows

ROOT = Path(__file__).parents[1]
MAX_IMPORT_S = 0.5
TIMED_IMPORT = (
    "import time; start = time.perf_counter(); import {module}; print(time.perf_counter() - start)"
)
TIMED_ALL = (
    "import importlib, pkgutil; start = time.perf_counter()\n"
    "for info in pkgutil.walk_packages(helpers.__path__, 'helpers.'):\n"
    "    importlib.import_module(info.name)\n"
    "print(time.perf_counter() - start)"
)


def _python(code: str) -> str:
    """Run ``code`` in a fresh interpreter in the repository root; return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -c {code!r} failed:\n{done.stderr}")
    return done.stdout


def import_seconds(module: str, repeats: int = 5, warmup: int = 1) -> float:
    """Median seconds ``import module`` takes in a fresh interpreter."""
    code = TIMED_IMPORT.format(module=module)
    for _ in range(warmup):  # the first run may compile .pyc files and fill the disk cache
        _python(code)
    return statistics.median(float(_python(code)) for _ in range(repeats))


def startup_seconds(repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``python -c pass``: starting and stopping a bare interpreter."""
    for _ in range(warmup):
        _python("pass")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _python("pass")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def all_modules_seconds(repeats: int = 5, warmup: int = 1) -> float:
    """Median seconds to import every module of ``helpers`` in a fresh interpreter."""
    code = TIMED_IMPORT.format(module="helpers") + "\n" + TIMED_ALL
    for _ in range(warmup):
        _python(code)
    return statistics.median(float(_python(code).split()[-1]) for _ in range(repeats))


def run(repeats: int = 5) -> list[Row]:
    startup = startup_seconds(repeats)
    numpy_s = import_seconds("numpy", repeats)
    peer = "bare interpreter start-up (python -c pass)"
    rows = [
        Row(
            "import helpers", import_seconds("helpers", repeats), peer, startup, max_s=MAX_IMPORT_S
        ),
        Row(
            "import helpers.data",
            import_seconds("helpers.data", repeats),
            peer,
            startup,
            f"what notebooks import first; numpy alone takes {format_seconds(numpy_s)}",
            max_s=MAX_IMPORT_S,
        ),
        Row(
            "import every helpers module",
            all_modules_seconds(repeats),
            peer,
            startup,
            "no target: includes matplotlib, h5py and scikit-learn where modules use them",
        ),
    ]
    return rows


if __name__ == "__main__":
    print_rows(run())
