"""Where the collection keeps its files (used by notebooks 00, 02, 04 and 05).

The reference weights ship inside the package, so an installed package finds them too.
The notebooks write only into :func:`scratch_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REFERENCE_WEIGHTS", "scratch_dir", "shown"]

_PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root when the package runs from a checkout, else ``None``.
_CHECKOUT = _PACKAGE_DIR.parent if (_PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
#: The trained 784-200-100-10 network (see data/README.md for its provenance).
REFERENCE_WEIGHTS = _PACKAGE_DIR / "reference" / "mlp-784-200-100-10.h5"
_SCRATCH_VARIABLE = "COURSE_SCRATCH_DIR"


def _scratch_root() -> Path:
    """``$COURSE_SCRATCH_DIR``, else ``scratch/`` in the checkout, else in the working folder."""
    if os.environ.get(_SCRATCH_VARIABLE):
        return Path(os.environ[_SCRATCH_VARIABLE]).expanduser().resolve()
    return (_CHECKOUT or Path.cwd().resolve()) / "scratch"


def scratch_dir(name: str | None = None) -> Path:
    """Return (and create) the scratch folder, or its subfolder ``name`` (e.g. "05").

    ``name`` must be one plain folder name (not ``"../x"``), so nothing is written outside.
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be one plain folder name such as '05' or None, got {name!r}")
    if name is not None and (name in ("", ".", "..") or Path(name).name != name):
        raise ValueError(f"name must be one plain folder name such as '05', got {name!r}")
    folder = _scratch_root() if name is None else _scratch_root() / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shown(path: str | Path) -> str:
    """``path`` for printing: ``scratch/...``, relative to the repository, or its file name."""
    path = Path(path).resolve()
    for base, prefix in ((_scratch_root(), ("scratch",)), (_CHECKOUT or _PACKAGE_DIR.parent, ())):
        if path.is_relative_to(base):
            return "/".join(prefix + path.relative_to(base).parts) or "."
    return path.name
