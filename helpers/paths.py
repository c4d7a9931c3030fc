"""Where the collection keeps its files.

The notebooks write only into :func:`scratch_dir`, a folder git ignores, never
into ``data/``.
"""

from __future__ import annotations

from pathlib import Path

#: The repository root (this package is installed in editable mode from it).
ROOT = Path(__file__).resolve().parents[1]
#: Files committed with the collection: the reference network weights.
DATA_DIR = ROOT / "data"
#: The trained 784-200-100-10 network (see data/README.md for its provenance).
REFERENCE_WEIGHTS = DATA_DIR / "mlp-784-200-100-10.h5"


def scratch_dir(name: str | None = None) -> Path:
    """Return (and create) the git-ignored ``scratch/`` folder, or a subfolder of it."""
    folder = ROOT / "scratch" if name is None else ROOT / "scratch" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shown(path: str | Path) -> str:
    """``path`` relative to the repository root, for printing without machine paths."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.name
