"""Import time of the modules notebooks import first, each in a fresh interpreter.

The peer is a bare interpreter (``python -c pass``); the difference is what
importing costs a notebook's kernel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
GROUP = "import in a fresh interpreter"


def _python(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize("module", ["helpers", "helpers.data", "helpers.mlp", "helpers.h5"])
def test_import(benchmark, module):
    benchmark.group, benchmark.extra_info = GROUP, {"ours": True}
    benchmark.pedantic(_python, (f"import {module}",), rounds=5, warmup_rounds=1)


def test_bare_interpreter(benchmark):
    benchmark.group = GROUP
    benchmark.pedantic(_python, ("pass",), rounds=5, warmup_rounds=1)
