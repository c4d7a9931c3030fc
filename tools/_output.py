"""Safe output for every tool: replace only a folder the tool made, write files atomically.

A folder a tool writes holds :data:`MARKER`, a file naming the command that made
it (``python -m tools.site``). The tool writes into, or replaces, a folder only
when it is new, empty, or marked with that same command; :func:`check_folder`
refuses anything else, saying why, before any work: a folder of other files, a
file, the checkout or a folder holding it, the home folder, ``/``.
:func:`replacing` builds a folder beside its target and renames it into place,
so a failed build leaves the old one as it was. Files are written with
:func:`helpers.atomic.atomic_path` (a temporary file, then a rename). A run's
scratch folder carries its process id, so :func:`remove_stale` deletes only
those of runs that are gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from helpers.atomic import atomic_path

REPO = Path(__file__).resolve().parents[1]
#: The file that marks a folder as written by one of the tools; it names the command.
MARKER = ".written-by"


def made_by(folder: Path) -> str | None:
    """The command that wrote ``folder`` (the first line of its :data:`MARKER`), or None."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[0].strip() if lines else None


def check_folder(
    folder: Path, command: str, error: type[Exception] = ValueError, name: str = ""
) -> Path:
    """``folder`` resolved, if ``command`` may write into it or replace it; else ``error``.

    Allowed: a folder that does not exist yet, an empty folder, or one that
    ``command`` wrote (its :data:`MARKER` names it). ``name`` is how the message
    names the folder (default: the path as given).
    """
    name = name or str(folder)
    resolved = folder.resolve()
    if resolved == Path(resolved.anchor):
        raise error(f"{name} is the root of the file system; choose a new folder")
    for place, words in ((REPO, "the repository"), (Path.home().resolve(), "your home folder")):
        if resolved == place:
            raise error(f"{name} is {words}, which would be replaced; choose a new folder")
        if place.is_relative_to(resolved):
            raise error(f"{name} holds {words}, which would be replaced; choose a new folder")
    if resolved.exists() and not resolved.is_dir():
        raise error(f"{name} is a file, not a folder; choose a new folder")
    if resolved.is_dir() and any(resolved.iterdir()):
        maker = made_by(resolved)
        if maker != command:
            why = f"{maker} wrote it" if maker else f"it has no {MARKER}"
            raise error(
                f"{name} holds files that {command} did not write ({why}); it is left as it "
                "is: choose a new or empty folder"
            )
    return resolved


def mark(folder: Path, command: str) -> None:
    """Make ``folder`` (and its parents) if needed and mark it as written by ``command``."""
    folder.mkdir(parents=True, exist_ok=True)
    if made_by(folder) != command:
        with atomic_path(folder / MARKER) as temporary:
            temporary.write_text(f"{command}\n", encoding="utf-8")


def swap(building: Path, target: Path) -> None:
    """Rename the finished folder ``building`` onto ``target``, replacing an older one.

    Both must be in the same parent folder. The older ``target`` is renamed
    aside first and deleted only once the new one is in place.
    """
    if not target.exists():
        building.rename(target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    target.rename(aside / target.name)
    building.rename(target)
    shutil.rmtree(aside)


@contextlib.contextmanager
def replacing(target: Path, command: str | None = None) -> Iterator[Path]:
    """Yield a new empty folder beside ``target``; when the block ends, it becomes ``target``.

    With ``command``, the new folder is marked as written by it. If the block
    raises, the new folder is deleted and ``target`` stays as it was. The caller
    has checked ``target`` with :func:`check_folder` (or owns the folder it is in).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        yield building
        if command:
            mark(building, command)
        swap(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def alive(pid: int) -> bool:
    """Whether the process ``pid`` runs (another user's counts)."""
    try:
        os.kill(pid, 0)  # signal 0 only asks
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(prefix: str) -> None:
    """Delete the scratch folders ``<tmp>/<prefix><pid>-*`` of runs whose process is gone.

    A folder of another name, a symbolic link, and the folder of a live
    process (another user's too) are left alone.
    """
    for folder in Path(tempfile.gettempdir()).glob(prefix + "*"):
        try:
            owner = int(folder.name[len(prefix) :].split("-")[0])
        except ValueError:
            continue  # not one of ours
        if not alive(owner) and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
