"""Wall time of executing each notebook once in a fresh kernel, the way nbval does.

Every course notebook and dashboard (tools.notebooks) is timed. Target: each
course notebook under 10 s on 2 cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.notebooks import NOTEBOOKS, course_notebooks, dashboards
from tools.notebooks import execute as run

PATHS = course_notebooks() + dashboards()


def execute(path: Path) -> None:
    """Execute the notebook at ``path`` in a fresh kernel started in its folder, like nbval."""
    import nbformat
    from jupyter_client import KernelManager
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    km = KernelManager(
        kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager()
    )
    run(nbformat.read(path, as_version=4), path.parent, 300, km=km)


@pytest.mark.parametrize("path", PATHS, ids=[p.relative_to(NOTEBOOKS).as_posix() for p in PATHS])
def test_notebook(benchmark, path):
    benchmark.group, benchmark.extra_info = "notebooks", {"ours": True}
    benchmark.pedantic(execute, (path,), rounds=1, warmup_rounds=0)
