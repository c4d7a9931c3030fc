"""The tools' one safe-output helper (tools/_output.py): a tool replaces only a folder it made.

Each refusal names the folder and says why, and changes nothing; a replaced
folder is swapped in whole or not at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools._output import MARKER, REPO, check_folder, made_by, mark, remove_stale, replacing
from tools.grading.nbgrader_course import main as nbgrader_course_main
from tools.site import main as site_main

TOOL = "python -m tools.example"


class Refused(ValueError):
    """A tool's own error type: the helper raises the one it is given."""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder with a file in it, as ``~`` for the code under test."""
    folder = tmp_path / "home" / "ann"
    folder.mkdir(parents=True)
    (folder / "thesis.tex").write_text("precious", encoding="utf-8")
    monkeypatch.setenv("HOME", str(folder))
    return folder


@pytest.mark.parametrize(
    ("where", "words"),
    [
        (lambda home: REPO, "is the repository"),
        (lambda home: REPO / "notebooks" / "..", "is the repository"),
        (lambda home: REPO.parent, "holds the repository"),
        (lambda home: home, "is your home folder"),
        (lambda home: home.parent, "holds your home folder"),
        (lambda home: Path("/"), "is the root of the file system"),
    ],
    ids=["checkout", "checkout-by-dots", "parent-of-checkout", "home", "parent-of-home", "root"],
)
def test_places_that_are_never_replaced_are_refused(home: Path, where, words: str) -> None:
    folder = where(home)
    with pytest.raises(Refused, match=words) as refused:
        check_folder(folder, TOOL, Refused, f"--out {folder}")
    assert str(refused.value).startswith(f"--out {folder} ")


def test_even_a_marked_home_or_checkout_is_refused(home: Path) -> None:
    mark(home, TOOL)  # a marker copied there by mistake does not make home the tool's
    with pytest.raises(Refused, match="is your home folder"):
        check_folder(home, TOOL, Refused)


def test_a_folder_of_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "chapter").mkdir(parents=True)
    (mine / "chapter" / "one.tex").write_text("my work", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(Refused, match=f"{TOOL} did not write \\(it has no {MARKER}\\)"):
        check_folder(mine, TOOL, Refused)
    mark(tmp_path / "other", "python -m tools.other")
    with pytest.raises(Refused, match="python -m tools.other wrote it"):
        check_folder(tmp_path / "other", TOOL, Refused)
    assert snapshot(tmp_path) == {**before, f"other/{MARKER}": b"python -m tools.other\n"}


def test_a_file_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me", encoding="utf-8")
    with pytest.raises(Refused, match="is a file, not a folder"):
        check_folder(notes, TOOL, Refused)
    assert notes.read_text(encoding="utf-8") == "keep me"


def test_new_empty_and_own_folders_are_accepted_resolved(tmp_path: Path) -> None:
    assert check_folder(tmp_path / "new" / "out", TOOL) == (tmp_path / "new" / "out")
    (tmp_path / "empty").mkdir()
    assert check_folder(tmp_path / "empty", TOOL) == tmp_path / "empty"
    mark(tmp_path / "ours", TOOL)
    (tmp_path / "ours" / "page.html").write_text("old", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "ours")
    assert check_folder(tmp_path / "link", TOOL) == tmp_path / "ours"
    assert made_by(tmp_path / "ours") == TOOL and made_by(tmp_path / "empty") is None


def test_replacing_swaps_the_folder_in_whole(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with replacing(target, TOOL) as new:
        (new / "index.html").write_text("first", encoding="utf-8")
        assert not target.exists()  # nothing is in place before the block ends
    assert snapshot(target) == {"index.html": b"first", MARKER: f"{TOOL}\n".encode()}
    with replacing(target, TOOL) as new:
        (new / "other.html").write_text("second", encoding="utf-8")
    assert sorted(snapshot(target)) == [MARKER, "other.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no folder left beside it


def test_a_failed_build_leaves_the_old_folder_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with replacing(target, TOOL) as new:
        (new / "index.html").write_text("good", encoding="utf-8")
    before = snapshot(target)
    with pytest.raises(RuntimeError, match="build failed"), replacing(target, TOOL) as new:
        (new / "index.html").write_text("half", encoding="utf-8")
        raise RuntimeError("build failed")
    assert snapshot(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_the_tools_refuse_home_as_they_are_typed(home: Path, capsys: pytest.CaptureFixture) -> None:
    before = snapshot(home)
    assert site_main(["--out", str(home)]) == 1
    assert "is your home folder" in capsys.readouterr().err
    assert nbgrader_course_main([str(home), "--no-sandbox"]) == 1
    assert "is your home folder" in capsys.readouterr().err
    assert snapshot(home) == before


def test_only_the_scratch_folders_of_runs_that_are_gone_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    gone, live = int(ended.stdout), os.getpid()
    for name in [f"run-{gone}-a", f"run-{live}-b", "run-notes", f"other-{gone}-c"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "data").write_text("x", encoding="utf-8")
    (tmp_path / f"run-{gone}-link").symlink_to(tmp_path / "run-notes")
    remove_stale("run-")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([f"run-{live}-b", "run-notes", f"other-{gone}-c", f"run-{gone}-link"])
    assert (tmp_path / "run-notes" / "data").is_file()
