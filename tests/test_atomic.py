"""Atomic writes: the target is replaced whole or not at all (helpers.atomic)."""

import subprocess
import sys
from pathlib import Path

import pytest

from helpers.atomic import atomic_path


def test_replaces_target_on_success(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and not tmp.exists()
        tmp.write_text("new")
        assert target.read_text() == "old"  # not visible until the block ends
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_failure_keeps_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="midway"):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("midway")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_nothing_written_is_an_error(tmp_path):
    with pytest.raises(RuntimeError, match="nothing was written"):
        with atomic_path(tmp_path / "out.txt"):
            pass
    assert list(tmp_path.iterdir()) == []


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_path(tmp_path / "no" / "out.txt"):
            pass


def test_a_users_file_named_like_a_temporary_one_is_kept(tmp_path: Path) -> None:
    """Only ``.NAME.PID.HEX.tmp`` of a process that is gone is removed, nothing else."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    keep = [
        f".results.h5.{gone}.bak",
        f".results.h5.{gone}",
        f".results.h5.{gone}.x.tmp",
        ".results.h5.2023.bak",
    ]
    for name in keep:
        (tmp_path / name).write_text("mine", encoding="utf-8")
    stale = tmp_path / f".results.h5.{gone}.00ff.tmp"
    stale.write_bytes(b"half a file")
    with atomic_path(tmp_path / "results.h5") as tmp:
        tmp.write_text("new", encoding="utf-8")
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*keep, "results.h5"])


def test_target_must_be_a_path():
    with pytest.raises(TypeError, match="target must be a non-empty str or path-like, got 3"):
        with atomic_path(3):
            pass
