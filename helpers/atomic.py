"""Write files atomically: to a temporary file first, then rename over the target (notebook 02).

A reader then sees either the old file or the complete new one, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from helpers.validation import check_path

__all__ = ["atomic_path"]


def _process_exists(pid: int) -> bool:
    """Whether a process ``pid`` runs."""
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but belongs to another user
        pass
    return True


def _remove_stale(target: Path) -> None:
    """Delete the temporary files ``.NAME.PID.HEX.tmp`` of ``target`` whose process is gone."""
    form = re.compile(re.escape(f".{target.name}.") + r"(\d+)\.[0-9a-f]+\.tmp")
    for leftover in target.parent.iterdir():
        match = form.fullmatch(leftover.name)
        if match and not _process_exists(int(match.group(1))):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _ctrl_c_noted() -> Iterator[list]:
    """Note Ctrl+C during the block (h5py's C code could swallow it); the caller raises it."""
    noted: list = []
    if threading.current_thread() is not threading.main_thread():
        yield noted  # only the main thread receives signals
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target`` at once.

    Write the file at the yielded path inside the ``with`` block. If the block
    raises or Ctrl+C is pressed, the temporary file is deleted and ``target``
    stays as it was. The temporary file of a process that was killed goes at
    the next write.

    Parameters
    ----------
    target : str or os.PathLike
        The file to write. Its folder must exist; it may not be a folder.

    Yields
    ------
    pathlib.Path
        The temporary file to write, ``.NAME.PID.HEX.tmp`` beside ``target``.
    """
    target = check_path(target, "target")
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {target}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"cannot write {target}: the folder {target.parent} does not exist")
    _remove_stale(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with _ctrl_c_noted() as interrupted:
            yield tmp
        if interrupted:
            raise KeyboardInterrupt(f"interrupted while writing {target.name}; it was not changed")
        if not tmp.exists():
            raise RuntimeError(f"nothing was written to the temporary file for {target}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
