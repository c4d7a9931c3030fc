"""Write files atomically: to a temporary file first, then rename over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it onto ``target`` on success.

    Write the whole file to the yielded path inside the ``with`` block. When the
    block finishes, the temporary file replaces ``target`` in one step
    (``os.replace``), so readers see either the old file or the complete new one.
    If the block raises, the temporary file is deleted, ``target`` is left as it
    was, and the exception propagates.

    Parameters
    ----------
    target : str or PathLike
        The final file name. Its folder must exist.

    Yields
    ------
    pathlib.Path
        A path in the same folder as ``target`` that does not exist yet.

    Examples
    --------
    >>> with atomic_path("numbers.txt") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("1 2 3")
    """
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {target}: the folder {folder} does not exist")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # the caller's writer creates the file itself (h5py, open, ...)
    try:
        yield tmp
        if not tmp.exists():
            raise RuntimeError(f"nothing was written to the temporary file for {target}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
