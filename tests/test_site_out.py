"""``python -m tools.site --out DIR`` never deletes what it did not make.

It once replaced DIR whole and emptied a sibling ``DIR-src``: ``--out .`` in the
repository root deleted the checkout, ``.git`` included. Each refusal here is
checked before any build work (these tests take milliseconds, not a build).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools._output import check_folder, mark
from tools.notebooks import calls_check
from tools.site import COMMAND, REPO, SiteError, build, main, stage


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _refused(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    assert main(argv) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: ") and len(error.splitlines()) == 1, error
    return error


def test_out_dot_in_the_repository_root_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(REPO)
    before = sorted(p.name for p in REPO.iterdir())
    assert "repository" in _refused(["--out", "."], capsys)
    assert "repository" in _refused(["--out", ".."], capsys)
    assert sorted(p.name for p in REPO.iterdir()) == before


def test_a_folder_of_the_users_and_its_sibling_are_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    thesis, sibling = tmp_path / "thesis", tmp_path / "thesis-src"
    for folder in (thesis, sibling):
        (folder / "chapter").mkdir(parents=True)
        (folder / "chapter" / "one.tex").write_text("my work", encoding="utf-8")
    before = _snapshot(tmp_path)
    assert "did not write" in _refused(["--out", str(thesis)], capsys)
    assert _snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis", "thesis-src"]


def test_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me", encoding="utf-8")
    assert "is a file" in _refused(["--out", str(target)], capsys)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_empty_and_earlier_outputs_are_accepted(tmp_path: Path) -> None:
    def check_out(out: Path) -> Path:
        return check_folder(out, COMMAND, SiteError)

    assert check_out(tmp_path / "new" / "site") == (tmp_path / "new" / "site").resolve()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_out(empty) == empty.resolve()
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "index.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(SiteError, match="did not write"):
        check_out(earlier)
    mark(earlier, "python -m tools.grade")
    with pytest.raises(SiteError, match="python -m tools.grade wrote it"):
        check_out(earlier)
    mark(earlier, COMMAND)
    assert check_out(earlier) == earlier.resolve()


def test_the_student_edition_site_shows_stubs_and_no_solution(tmp_path: Path) -> None:
    """``--edition student``: what the students get, so a class can be given the website."""
    staged = {p.name: p for p in stage(tmp_path / "student", "student")}
    instructor = {p.name: p for p in stage(tmp_path / "instructor")}
    for name in ["00_start_here.ipynb", "06_backpropagation.ipynb"]:
        cells = nbformat.read(staged[name], as_version=4).cells
        code = "\n".join(c.source for c in cells if c.cell_type == "code")
        assert not any("solution" in c.metadata.get("tags", []) for c in cells)
        assert "Model answer" not in "\n".join(c.source for c in cells)
        checks = [c for c in cells if c.cell_type == "code" and calls_check(c.source)]
        assert checks and not any(c.outputs for c in checks)
        teacher = nbformat.read(instructor[name], as_version=4).cells
        exercises = sum(
            "hide-input" in c.metadata.get("tags", []) and "def " in c.source for c in teacher
        )
        assert code.count('raise NotImplementedError("your code here")') == exercises
        assert any("hide-input" in c.metadata.get("tags", []) for c in teacher)
    with pytest.raises(SiteError, match="edition must be one of"):
        build(tmp_path / "x", edition="teacher")
