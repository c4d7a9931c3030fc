"""Re-run notebooks top to bottom in a fresh kernel and store their outputs.

    python -m tools.execute notebooks/01_covariance_conditioning.ipynb [more ...]

What ``jupyter nbconvert --execute --inplace`` does, with three settings that
its command line cannot all reach (nbclient's ``coalesce_streams`` is not a
configurable option, and nbconvert's own coalescing runs before execution):

* each printed output is stored in one piece, a progress bar in its final state
  (``coalesce_streams``);
* no widget state, so GitHub, nbconvert and the website show each widget's
  stored picture instead of a "loading widget" placeholder;
* no per-cell timestamps, so a re-run changes only what the cells print.

``tests/test_static_view.py`` and ``tests/test_notebook_hygiene.py`` check the result.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nbformat

from tools.notebooks import execute as run
from tools.notebooks import write_notebook


def execute(path: Path, timeout: int = 900) -> float:
    """Execute the notebook at ``path`` in its own folder, write it back; return seconds."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    run(notebook, path.parent, timeout)
    seconds = time.perf_counter() - start
    write_notebook(notebook, path)
    return seconds


def main() -> None:
    """Command line: execute each notebook given, printing its wall time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args()
    if args.timeout < 1:
        parser.error(f"--timeout must be at least 1 second, got {args.timeout}")
    for path in args.notebooks:
        if not path.is_file():
            parser.error(f"{path}: no such notebook file")
        try:
            nbformat.validate(nbformat.read(path, as_version=4))
        except Exception as error:  # JSON, encoding or schema: the file is left as it is
            parser.error(f"{path} is not a valid notebook ({type(error).__name__}); left as it is")
    for path in args.notebooks:
        print(f"{path}: {execute(path, args.timeout):.1f} s", flush=True)


if __name__ == "__main__":
    main()
