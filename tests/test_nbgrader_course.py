"""The nbgrader route: the course notebooks as an nbgrader course, graded by nbgrader's commands.

The conversion is checked on every course notebook with programming exercises
(fast, no nbgrader needed). The end-to-end test (marker ``nbgrader``, skipped
without the ``grading`` extra: ``pip install -r requirements/grading.txt``) runs
``nbgrader generate_assignment`` on every assignment and ``nbgrader autograde``
on a perfect student and an untouched release for each, and on notebook 00 on a
student who tampers, one who deletes the test cell and one whose function loops
forever ignoring Ctrl+C.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests import grading_students as students
from tests.support.processes import marked_processes
from tools.editions import EditionError
from tools.grading.nbgrader_course import BEGIN, END, STUB, grade_id, write_course

REPO = Path(__file__).resolve().parents[1]
GRADED = students.graded_notebooks(REPO / "notebooks")
FIRST = next(iter(GRADED))


def released(source: str) -> str:
    """What nbgrader's ClearSolutions makes of a solution cell (the stub between the markers)."""
    pattern = re.compile(rf"^( *){re.escape(BEGIN)}\n.*?^ *{re.escape(END)}$", re.S | re.M)
    return pattern.sub(lambda m: m.group(1) + STUB, source)


def lines(source: str) -> str:
    """The source without blank lines (the student edition puts two before a function) and
    without top-level imports (the release keeps a solution cell's own imports, which the
    student edition drops)."""
    kept = [line for line in source.splitlines() if line.strip()]
    return "\n".join(line for line in kept if not re.match(r"(import|from) \S", line))


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("course") / "course"
    assignments = write_course(folder, list(GRADED), seed=2026, timeout=10)
    assert assignments == [p.stem for p in GRADED]
    return folder


def test_the_release_is_the_student_edition(course: Path) -> None:
    for path, graded in GRADED.items():
        source = nbformat.read(course / "source" / path.stem / path.name, as_version=4)
        student = students.student_edition(path)
        assert [c.get("id") for c in source.cells] == [c.get("id") for c in student.cells]
        for ours, theirs in zip(source.cells, student.cells, strict=True):
            meta = ours.metadata.get("nbgrader", {})
            if meta.get("solution"):
                assert lines(released(ours.source)) == lines(theirs.source)
            elif meta.get("grade"):
                assert ours.source.startswith(theirs.source) and meta["locked"]
            else:
                assert ours.source == theirs.source
        for g in graded:
            check = students.cell(source, g.check_id).metadata.nbgrader
            assert check["points"] == g.points and check["grade_id"] == grade_id("check", g.name)
            solution = students.cell(source, g.solution_id).metadata.nbgrader
            assert solution["grade_id"] == grade_id("solution", g.name)


def test_the_grading_pins_change_nothing_of_the_lock() -> None:
    from packaging.requirements import Requirement

    from tests.pins import extra_pins

    grading = extra_pins("grading", REPO / "requirements" / "grading.txt")
    (nbgrader,) = grading["nbgrader"]
    assert Requirement("nbgrader>=0.9.6,<0.10").specifier.contains(str(nbgrader.specifier)[2:])


def test_a_course_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(EditionError, match="did not write"):
        write_course(tmp_path, list(GRADED), seed=1, timeout=10)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def as_released(notebook: nbformat.NotebookNode, release: Path) -> nbformat.NotebookNode:
    """``notebook`` with the nbgrader metadata of the release (as if the student edited it)."""
    meta = {c.get("id"): c.metadata.get("nbgrader") for c in nbformat.read(release, 4).cells}
    for cell in notebook.cells:
        if meta.get(cell.get("id")):
            cell.metadata["nbgrader"] = meta[cell.get("id")]
    return notebook


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,  # a bound on a hang
    )


@pytest.mark.nbgrader
def test_nbgrader_generates_and_autogrades_the_course(course: Path) -> None:
    pytest.importorskip("nbgrader", reason="the grading extra: requirements/grading.txt")
    for path in GRADED:
        run = nbgrader(course, "generate_assignment", path.stem)
        assert run.returncode == 0, run.stderr[-3000:]
        release = nbformat.read(course / "release" / path.stem / path.name, as_version=4)
        student = students.student_edition(path)
        assert [lines(c.source) for c in release.cells] == [lines(c.source) for c in student.cells]

    for path, graded in GRADED.items():
        release = course / "release" / path.stem / path.name
        hand_ins = {
            "perfect": students.instructor(path),
            "untouched": nbformat.read(release, as_version=4),
        }
        if path == FIRST:
            tamper = students.tampered(path, graded, "patches helpers in a cell")
            tamper.cells.insert(1, nbformat.v4.new_code_cell("np.allclose = lambda *a, **k: True"))
            hand_ins["tamper"] = tamper
            hand_ins["deleted"] = students.tampered(path, graded, "deletes the check cell")
            looping = students.instructor(path)
            students.with_body(looping, graded[0], students.LOOP)
            hand_ins["loop"] = looping
        for student, notebook in hand_ins.items():
            notebook = as_released(notebook, release)
            students.write(course / "submitted", student, f"{path.stem}/{path.name}", notebook)
        # generous time limits for the other notebooks' cells; notebook 00's loop takes 10 s
        limit = [] if path == FIRST else ["--Execute.timeout=300"]
        run = nbgrader(course, "autograde", path.stem, *limit)
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Missing grade cell" in run.stderr or path != FIRST

    run = nbgrader(course, "export", "--to", "grades.csv")
    assert run.returncode == 0, run.stderr[-3000:]
    scores = {
        (r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"]))
        for r in csv.DictReader((course / "grades.csv").open())
    }
    for path, graded in GRADED.items():
        most = float(sum(g.points for g in graded))
        assert scores[path.stem, "perfect"] == (most, most)
        assert scores[path.stem, "untouched"] == (0.0, most)
    rest = float(sum(g.points for g in GRADED[FIRST][1:]))
    assert scores[FIRST.stem, "tamper"][0] == 0.0
    assert scores[FIRST.stem, "deleted"][0] == 0.0
    assert scores[FIRST.stem, "loop"][0] == rest  # only the looping exercise is lost
    shutil.rmtree(course / "autograded")


HOSTILE_SEED = 918273645  # must appear in nothing a student's kernel can print


def hostile_cells(course: Path, mark: str) -> dict[str, str]:
    """Cells a hostile student adds: each prints what it got (autograde stores the output)."""
    survivor = (
        "import sqlite3, time\n"
        f"for _ in range(100):  # {mark}\n"
        "    try:\n"
        f"        db = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
        "        db.execute('update grade set manual_score = 6')\n"
        "        db.commit()\n"
        "    except Exception:\n"
        "        pass\n"
        "    time.sleep(0.1)\n"
    )
    return {
        "reader": (
            "import glob\n"
            "got = []\n"
            f"for pattern in ({str(course / 'nbgrader_config.py')!r}, '/proc/*/cmdline',\n"
            f"                '/proc/*/environ', {str(course / 'gradebook.db')!r}):\n"
            "    for path in glob.glob(pattern)[:50]:\n"
            "        try:\n"
            "            got.append(open(path, 'rb').read(3000).decode('latin-1'))\n"
            "        except OSError as error:\n"
            "            got.append(type(error).__name__)\n"
            "print('read', ' | '.join(got).replace(chr(0), ' '))"
        ),
        "survivor": (
            "import subprocess, sys\n"
            f"subprocess.Popen([sys.executable, '-c', {survivor!r}], start_new_session=True)\n"
            "print('started')"
        ),
        "killer": (
            "import os, signal\n"
            "for pid in (os.getppid(), -1):\n"
            "    try:\n"
            "        os.kill(pid, signal.SIGKILL)\n"
            "    except OSError as error:\n"
            "        print(type(error).__name__)"
        ),
    }


@pytest.mark.nbgrader
def test_autograde_keeps_a_hostile_class_in_its_sandbox(tmp_path: Path) -> None:
    pytest.importorskip("nbgrader", reason="the grading extra: requirements/grading.txt")
    from tools.grading.bubblewrap import unavailable

    if unavailable():
        pytest.skip(unavailable())
    import time
    import uuid

    mark = f"hostile-{uuid.uuid4().hex}"
    course = tmp_path / "course"
    write_course(course, [FIRST], seed=HOSTILE_SEED, timeout=60)
    run = nbgrader(course, "generate_assignment", FIRST.stem)
    assert run.returncode == 0, run.stderr[-3000:]
    release = course / "release" / FIRST.stem / FIRST.name
    honest = ["honest1", "honest2"]
    hand_ins = {name: students.instructor(FIRST) for name in honest}
    ids = {}
    for name, code in hostile_cells(course, mark).items():
        notebook = students.instructor(FIRST)
        notebook.cells.insert(1, nbformat.v4.new_code_cell(code))
        ids[name] = notebook.cells[1].id
        hand_ins[name] = notebook
    for student, notebook in hand_ins.items():
        notebook = as_released(notebook, release)
        students.write(course / "submitted", student, f"{FIRST.stem}/{FIRST.name}", notebook)
    run = nbgrader(course, "autograde", FIRST.stem)
    assert run.returncode == 0, run.stderr[-3000:]
    time.sleep(3)  # a surviving process would edit the gradebook now
    assert marked_processes(mark) == []
    run = nbgrader(course, "export", "--to", "grades.csv")
    assert run.returncode == 0, run.stderr[-3000:]
    scores = {
        r["student_id"]: (float(r["score"]), float(r["max_score"]))
        for r in csv.DictReader((course / "grades.csv").open())
    }
    most = float(sum(g.points for g in GRADED[FIRST]))
    assert {student: scores[student] for student in hand_ins} == {
        student: (most, most) for student in hand_ins
    }  # the attackers' functions are the instructor's: full points, nothing more
    outputs = {}
    for student in hand_ins:
        graded = course / "autograded" / student / FIRST.stem / FIRST.name
        notebook = nbformat.read(graded, as_version=4)
        (cell,) = [c for c in notebook.cells if c.get("id") == ids.get(student)] or [None]
        outputs[student] = "".join(
            str(o.get("text", "")) + str(o.get("evalue", ""))
            for o in (cell or {}).get("outputs", [])
        )
    assert outputs["reader"].startswith("read"), outputs
    assert str(HOSTILE_SEED) not in outputs["reader"] and "IsolatedChecks" not in outputs["reader"]
    assert "SQLite" not in outputs["reader"]
    assert "started" in outputs["survivor"]
    assert (course / "nbgrader_config.py").read_text().count(str(HOSTILE_SEED)) == 1


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--timeout", "nan"], "--timeout must be a finite number"),
        (["--timeout", "inf"], "--timeout must be a finite number"),
        (["--timeout", "-1"], "--timeout must be a finite number"),
        (["--seed", "-1"], "--seed must be a whole number >= 0"),
    ],
    ids=["nan", "inf", "negative timeout", "negative seed"],
)
def test_a_bad_argument_writes_no_course(tmp_path: Path, capsys, extra, words) -> None:
    from tools.grading.nbgrader_course import main

    course = tmp_path / "course"
    assert main([str(course), *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1, err
    assert not course.exists()
