"""Wall time of executing each notebook once in a fresh kernel, the way nbval does.

Every notebook under notebooks/ is found by glob (new ones are included
automatically). Target: each course notebook under 10 s on 2 cores.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
PATHS = sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def execute(path: Path) -> None:
    """Execute the notebook at ``path`` in a fresh kernel started in its folder, like nbval."""
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    km = KernelManager(
        kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager()
    )
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, km=km, timeout=300, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("path", PATHS, ids=[p.relative_to(NOTEBOOKS).as_posix() for p in PATHS])
def test_notebook(benchmark, path):
    benchmark.group, benchmark.extra_info = "notebooks", {"ours": True}
    benchmark.pedantic(execute, (path,), rounds=1, warmup_rounds=0)
