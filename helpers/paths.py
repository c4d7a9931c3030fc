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
    if _CHECKOUT is not None:
        return _CHECKOUT / "scratch"
    return Path.cwd().resolve() / "scratch"


def scratch_dir(name: str | None = None) -> Path:
    """Return (and create) the scratch folder, or its subfolder ``name``.

    The scratch folder is ``$COURSE_SCRATCH_DIR`` if set, else ``scratch/`` in the
    repository, else ``scratch/`` in the working folder (an installed package).

    Parameters
    ----------
    name : str, optional
        One plain folder name such as ``"05"`` (not ``"../x"``), so nothing is
        written outside the scratch folder.

    Returns
    -------
    folder : Path
        The folder, which now exists.
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be one plain folder name such as '05' or None, got {name!r}")
    if name is not None and (name in ("", ".", "..") or Path(name).name != name):
        raise ValueError(f"name must be one plain folder name such as '05', got {name!r}")
    folder = _scratch_root()
    if name is not None:
        folder = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shown(path: str | Path) -> str:
    """``path`` for printing, without the folders of this machine.

    Parameters
    ----------
    path : str or Path
        Any path.

    Returns
    -------
    text : str
        ``scratch/...`` inside the scratch folder, else the path relative to the
        repository (or to the installed package's folder), else the file name.
    """
    path = Path(path).resolve()
    scratch = _scratch_root()
    if path.is_relative_to(scratch):
        return "/".join(("scratch", *path.relative_to(scratch).parts))
    repository = _CHECKOUT or _PACKAGE_DIR.parent
    if path.is_relative_to(repository):
        return "/".join(path.relative_to(repository).parts) or "."
    return path.name
