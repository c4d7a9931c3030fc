"""Wall time of executing every notebook once, each in a fresh kernel, the way nbval does.

nbval (``pytest --nbval-current-env``) collects every notebook under notebooks/
(subfolders such as dashboards/ too), starts one kernel per notebook from the
test run's own Python, in the notebook's folder, and runs the cells in order.
Here nbclient does the same with nbval's kernel spec, and the time of a
notebook covers starting its kernel, running every cell and shutting down.

The peer is the floor of that procedure: as many fresh kernels, each running
one empty cell. The ratio (floor / total) is the share of the time spent on
kernels alone. Targets: under 60 s for all notebooks (the course's budget on
2 cores) and under 12 s for each.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.timing import Row, print_rows

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
MAX_TOTAL_S = 60.0
MAX_EACH_S = 12.0
CELL_TIMEOUT_S = 300  # as --nbval-cell-timeout in pyproject.toml
MAX_REPEATS = 3  # one pass over every notebook takes tens of seconds


def execute(notebook, cwd: Path) -> float:
    """Seconds to execute ``notebook`` (an nbformat node) in a fresh kernel started in ``cwd``."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    km = KernelManager(
        kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager()
    )
    client = NotebookClient(
        notebook, km=km, timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(cwd)}}
    )
    start = time.perf_counter()
    client.execute(stderr=subprocess.DEVNULL)  # as nbval: the kernel's own log is not shown
    return time.perf_counter() - start


def empty_notebook():
    """A notebook with one empty code cell: what a fresh kernel costs by itself."""
    import nbformat

    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])


def notebooks(folder: Path) -> list[Path]:
    """Every notebook nbval collects under ``folder``: subfolders too, hidden folders not."""
    found = folder.rglob("*.ipynb")
    return sorted(
        p for p in found if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def run(repeats: int = 5, notebook_dir: Path = NOTEBOOK_DIR) -> list[Row]:
    import nbformat

    notebook_dir = Path(notebook_dir)
    paths = notebooks(notebook_dir)
    if not paths:
        raise FileNotFoundError(f"no notebooks in {notebook_dir}")
    passes = max(1, min(repeats, MAX_REPEATS))
    execute(empty_notebook(), notebook_dir)  # warm-up: first kernel start, disk cache
    floor = statistics.median(execute(empty_notebook(), notebook_dir) for _ in range(passes))
    times: dict[str, list[float]] = {p.relative_to(notebook_dir).as_posix(): [] for p in paths}
    totals = []
    for _ in range(passes):
        for p in paths:
            name = p.relative_to(notebook_dir).as_posix()
            times[name].append(execute(nbformat.read(p, as_version=4), p.parent))
        totals.append(sum(t[-1] for t in times.values()))
    peer = "kernel start-up floor (fresh kernel, one empty cell)"
    rows = [
        Row(
            f"every notebook once ({len(paths)}, fresh kernel each)",
            statistics.median(totals),
            f"{len(paths)} x {peer}",  # one kernel per notebook
            floor * len(paths),
            f"ratio = kernel start-up's share of the total; passes: {passes} (median)",
            max_s=MAX_TOTAL_S,
        )
    ]
    for name, seconds in times.items():
        rows.append(Row(name, statistics.median(seconds), peer, floor, max_s=MAX_EACH_S))
    return rows


if __name__ == "__main__":
    print_rows(run())
