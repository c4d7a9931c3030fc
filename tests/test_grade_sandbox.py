"""python -m tools.grade on a hostile class: student code cannot harm the instructor or the class.

Beside honest students, each attacker hands in notebook 00 with a function that
attacks while it is checked: it deletes a canary and writes outside its folder,
reads another hand-in, the grader's command line through /proc (the seed), the
old grades.csv, opens a socket to a listener of this test, leaves a child
running (``start_new_session``) that rewrites grades.csv, writes fake replies
into every pipe it finds in /proc/*/fd, kills its parent (and every process it
may), bombs memory with forked children and the disk; others hand in a
symlink, a FIFO, a folder, an oversized cell, or a formula as a name. The run
is the command as an instructor types it. Needs bubblewrap (skipped without:
``apt install bubblewrap``). Every loop is bounded.
"""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import nbformat
import psutil
import pytest

from tests import grading_students as students
from tests.support.processes import marked_processes
from tools._output import alive
from tools.grade import COLUMNS, MAX_CELL_CHARS, MAX_CELLS, WORK_PREFIX, main
from tools.grading.bubblewrap import PREFIX, own_cgroups, unavailable

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))

REPO = Path(__file__).resolve().parents[1]
GRADED = students.graded_notebooks(REPO / "notebooks")
FIRST = next(iter(GRADED))
EXERCISE = GRADED[FIRST][0]
SEED = 918273645  # the grading seed: it must appear nowhere a student can see
MARK = f"hostile-{uuid.uuid4().hex}"  # in every attacker's child's command line
HONEST = ["honest1", "honest2", "honest3"]
FORMULA = '=HYPERLINK("http:x","click")'


def attacks(root: Path, port: int) -> dict[str, str]:
    """Function bodies, one per attacker; each raises what it got, so feedback shows it."""
    canary, out, other = root / "canary.txt", root / "grades.csv", root / "submissions" / "honest1"
    child = (
        "import os, time\n"
        f"for _ in range(300):  # {MARK}\n"
        "    try:\n"
        f"        open({str(out)!r}, 'a').write('attacker,00,00.3,1,1,x\\n')\n"
        "    except OSError:\n"
        "        pass\n"
        "    time.sleep(0.1)\n"
    )
    faker = (
        "import glob, json, struct\n"
        f"# {MARK}\n"
        "data = json.dumps({'kind': 'raise', 'type': 'X', 'message': 'fake'}).encode()\n"
        "for _ in range(50):\n"
        "    for fd in glob.glob('/proc/*/fd/*'):\n"
        "        try:\n"
        "            open(fd, 'wb').write(struct.pack('<Q', len(data)) + data)\n"
        "        except OSError:\n"
        "            pass\n"
    )
    return {
        "canary": (
            "import os\n"
            "got = []\n"
            f"for act in (lambda: os.remove({str(canary)!r}),\n"
            f"            lambda: open({str(root / 'outside.txt')!r}, 'w').write('x'),\n"
            f"            lambda: open({str(REPO / 'tools' / 'grading' / 'sandbox.py')!r}, 'a')):\n"
            "    try:\n"
            "        act()\n"
            "        got.append('done')\n"
            "    except OSError as error:\n"
            "        got.append(type(error).__name__)\n"
            "raise RuntimeError('canary ' + ' '.join(got))"
        ),
        "reader": (
            "import glob\n"
            "got = []\n"
            f"for pattern in ({str(other)!r} + '/*', {str(out)!r}, '/proc/*/cmdline',\n"
            "                '/proc/*/environ', '/etc/shadow', '/root/*'):\n"
            "    for path in glob.glob(pattern)[:50]:\n"
            "        try:\n"
            "            got.append(open(path, 'rb').read(3000).decode('latin-1'))\n"
            "        except OSError:\n"
            "            pass\n"
            "raise RuntimeError('read ' + ' | '.join(got).replace(chr(0), ' '))"
        ),
        "network": (
            "import socket\n"
            "try:\n"
            f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            f"    s.sendall(b'{MARK}')\n"
            "    got = 'connected'\n"
            "except OSError as error:\n"
            "    got = type(error).__name__\n"
            "raise RuntimeError('network ' + got)"
        ),
        "survivor": (
            "import subprocess, sys\n"
            f"subprocess.Popen([sys.executable, '-c', {child!r}], start_new_session=True,\n"
            "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
            f"subprocess.Popen([sys.executable, '-c', {faker!r}], start_new_session=True)\n"
            "return (images > threshold).sum(axis=(1, 2))"
        ),
        "killer": (
            "import os, signal\n"
            "for pid in (os.getppid(), -1, 1):\n"
            "    try:\n"
            "        os.kill(pid, signal.SIGKILL)\n"
            "    except OSError:\n"
            "        pass\n"
            "return None"
        ),
        "membomb": (
            "import os\n"
            "children = []\n"
            "for _ in range(3):\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            "        block = b'x' * 2**30  # every page written: 3 GiB in all\n"
            "        os._exit(0)\n"
            "    children.append(pid)\n"
            "codes = [os.waitpid(pid, 0)[1] for pid in children]\n"
            "raise RuntimeError(f'bomb codes {codes}')"
        ),
        "diskbomb": (
            "got = []\n"
            "for path in ('/tmp/big', 'big', '/dev/shm/big'):\n"
            "    try:\n"
            "        with open(path, 'wb') as file:\n"
            "            for _ in range(1024):  # 1 GiB, a MiB at a time\n"
            "                file.write(bytes(2**20))\n"
            "        got.append('all')\n"
            "    except OSError as error:\n"
            "        got.append(type(error).__name__)\n"
            "raise RuntimeError('disk ' + ' '.join(got))"
        ),
    }


def sandbox_cgroups(owners: Callable[[int], bool]) -> list[str]:
    """The sandboxes' cgroups whose owner (the pid in ``grade-sandbox-<pid>-<n>``) passes.

    Another grading run on the same machine (CI's nbgrader step, a second test run) has
    sandboxes of its own: only an owner's pid tells them apart.
    """
    found = []
    for folder in own_cgroups().values():
        for cgroup in folder.glob(f"{PREFIX}*"):
            owner = cgroup.name[len(PREFIX) :].split("-")[0]
            if cgroup.is_dir() and owner.isdigit() and owners(int(owner)):
                found.append(str(cgroup))
    return found


def leftovers(grader_pid: int) -> list[str]:
    """Processes of ours still running: the attackers' children, and anything of the grader's.

    A cgroup is left over when the process that made it is gone (a run that is still
    going removes its own at its end, and the grader's start removes those of killed runs).
    """
    found = marked_processes(MARK)
    found += sandbox_cgroups(lambda owner: not alive(owner))
    found += [str(p) for p in Path("/tmp").glob(f"{WORK_PREFIX}{grader_pid}-*")]
    return found


def settled(grader_pid: int) -> list[str]:
    """What is left once any process killed at the end has had time to go (bounded wait)."""
    for _ in range(50):
        left = leftovers(grader_pid)
        if not left:
            return left
        time.sleep(0.2)
    return left


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    hand_ins = root / "submissions"
    for name in HONEST:
        students.write(hand_ins, name, FIRST.name, students.instructor(FIRST))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    heard: list[bytes] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():  # bounded: the fixture sets stop
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    heard.append(connection.recv(1000) or b"<connected>")
                except OSError:
                    heard.append(b"<connected>")

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    for name, body in attacks(root, listener.getsockname()[1]).items():
        notebook = students.instructor(FIRST)
        students.with_body(notebook, EXERCISE, body)
        students.write(hand_ins, name, FIRST.name, notebook)
    students.write(hand_ins, FORMULA, FIRST.name, students.student_edition(FIRST))
    # refused hand-ins: a symlink (to the seed's file and to another hand-in), a FIFO
    # (which blocks a reader), a folder, a cell too long to parse, a symlinked folder
    (hand_ins / "symlink").mkdir()
    (hand_ins / "symlink" / FIRST.name).symlink_to(hand_ins / "honest1" / FIRST.name)
    (hand_ins / "fifo").mkdir()
    os.mkfifo(hand_ins / "fifo" / FIRST.name)
    (hand_ins / "folder" / FIRST.name).mkdir(parents=True)
    huge = students.instructor(FIRST)
    students.cell(huge, EXERCISE.solution_id).source += "\n#" + "x" * MAX_CELL_CHARS
    students.write(hand_ins, "hugecell", FIRST.name, huge)
    many = students.instructor(FIRST)
    many.cells += [nbformat.v4.new_code_cell("1") for _ in range(MAX_CELLS)]
    students.write(hand_ins, "manycells", FIRST.name, many)
    (hand_ins / "linkedfolder").symlink_to(hand_ins / "honest2")
    canary = root / "canary.txt"
    canary.write_text("the instructor's file\n")
    out = root / "grades.csv"
    old = ",".join(COLUMNS) + "\nold,00_start_here,00.3,0,1,an older run\n"
    out.write_text(old)
    env = dict(os.environ, GRADE_TEST_MARK=MARK)
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.grade", str(hand_ins), "--out", str(out)]
        + ["--timeout", "20", "--jobs", "2", "--seed", str(SEED)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate(timeout=900)  # a bound on a hang
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    grades_after = out.read_text(encoding="utf-8")
    time.sleep(3)  # a surviving child would write into grades.csv now
    left = settled(process.pid)
    stop.set()
    thread.join(timeout=5)
    listener.close()
    pages = "".join(p.read_text() for p in (root / "feedback").glob("*.html"))
    return dict(
        code=process.returncode, stdout=stdout, stderr=stderr, rows=rows, root=root,
        grades_after=grades_after, grades_later=out.read_text(encoding="utf-8"), left=left,
        heard=heard, canary=canary, pages=pages,
    )  # fmt: skip


def feedback(hostile_class: dict, student: str) -> str:
    (row,) = [r for r in hostile_class["rows"] if r["student"] == student]
    return row["feedback"]


def test_the_run_ends_with_a_sandboxed_summary(hostile_class: dict) -> None:
    assert hostile_class["code"] == 0, hostile_class["stderr"][-3000:]
    summary = hostile_class["stdout"].strip().splitlines()[-1]
    assert "sandboxed (bubblewrap" in summary and "UNSANDBOXED" not in summary, summary


@pytest.mark.parametrize("student", HONEST)
def test_every_honest_student_keeps_their_points(hostile_class: dict, student: str) -> None:
    (row,) = [r for r in hostile_class["rows"] if r["student"] == student]
    assert row["points"] == row["max_points"] != "0", row


def test_the_instructors_files_are_intact(hostile_class: dict) -> None:
    assert hostile_class["canary"].read_text() == "the instructor's file\n"
    assert not (hostile_class["root"] / "outside.txt").exists()
    assert "canary OSError" in feedback(hostile_class, "canary") or "canary FileNotFound" in (
        feedback(hostile_class, "canary")
    )
    assert "done" not in feedback(hostile_class, "canary")


def test_nothing_secret_is_read(hostile_class: dict) -> None:
    said = feedback(hostile_class, "reader")
    assert said.startswith("Not yet") and "read " in said, said
    everything = hostile_class["grades_after"] + hostile_class["pages"]
    assert str(SEED) not in everything
    assert "an older run" not in said and "def count_bright" not in said
    assert MARK not in said  # the grader's environment
    assert "root:" not in said


def test_the_listener_saw_nothing(hostile_class: dict) -> None:
    assert hostile_class["heard"] == []
    assert "network OSError" in feedback(hostile_class, "network") or "network " in (
        feedback(hostile_class, "network")
    )
    assert "connected" not in feedback(hostile_class, "network")


def test_no_process_or_folder_is_left_and_grades_stay_written(hostile_class: dict) -> None:
    assert hostile_class["left"] == []
    assert hostile_class["grades_later"] == hostile_class["grades_after"]
    assert "attacker" not in hostile_class["grades_later"]


def test_the_parent_killer_costs_only_its_own_row(hostile_class: dict) -> None:
    said = feedback(hostile_class, "killer")
    assert said.startswith("Not yet"), said
    assert "BrokenProcessPool" not in hostile_class["stdout"] + hostile_class["stderr"]


def test_the_memory_bomb_is_bounded_for_the_whole_tree(hostile_class: dict) -> None:
    said = feedback(hostile_class, "membomb")
    assert said.startswith("Not yet"), said
    summary = hostile_class["stdout"].strip().splitlines()[-1]
    if "memory limited per process only" in summary:
        pytest.skip("no cgroup could be made here: the summary says memory is per process")
    assert "limited per student by a cgroup" in summary, summary
    assert "bomb codes [0, 0, 0]" not in said, said  # 3 GiB in three processes: over the 2 GiB


def test_the_disk_bomb_is_bounded(hostile_class: dict) -> None:
    said = feedback(hostile_class, "diskbomb")
    assert said.startswith("Not yet") and "disk " in said, said
    assert "all" not in said.split("disk ", 1)[1], said


@pytest.mark.parametrize(
    "student, words",
    [
        ("symlink", "is a symbolic link"),
        ("fifo", "not a regular file"),
        ("folder", "is a folder"),
        ("hugecell", "more than the"),
        ("manycells", "cells, more than the"),
        ("linkedfolder", "is a symbolic link"),
    ],
)
def test_an_untrusted_hand_in_is_refused_with_a_reason(hostile_class, student, words) -> None:
    said = feedback(hostile_class, student)
    assert said.startswith("Not graded") and words in said, said
    assert f"refused: {student}" in hostile_class["stderr"]


def test_a_formula_named_student_is_text_in_the_csv(hostile_class: dict) -> None:
    raw = (hostile_class["root"] / "grades.csv").read_text(encoding="utf-8")
    assert "'" + FORMULA.replace('"', '""') in raw
    assert not any(line.startswith("=") or ',"=' in line for line in raw.splitlines())


# --- arguments and a killed run ------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--timeout", "nan"], "--timeout must be a finite number"),
        (["--timeout", "inf"], "--timeout must be a finite number"),
        (["--timeout", "0"], "--timeout must be a finite number"),
        (["--seed", "-1"], "--seed must be a whole number >= 0"),
        (["--seed", "x"], "--seed"),
        (["--jobs", "0"], "--jobs must be 1 or more"),
        (["--out", "/proc/grades.csv"], "cannot write in /proc"),
    ],
    ids=["nan", "inf", "zero", "negative seed", "seed not a number", "no jobs", "unwritable"],
)
def test_a_bad_argument_is_one_line_before_any_work(tmp_path, capsys, extra, words) -> None:
    hand_ins = tmp_path / "submissions"
    students.write(hand_ins, "ann", FIRST.name, students.instructor(FIRST))
    out = tmp_path / "grades.csv"
    argv = [str(hand_ins), "--out", str(out), *extra]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    err = capsys.readouterr().err
    assert code in (1, 2) and err.startswith("error: ") and err.count("\n") == 1, err
    assert words in err, err
    assert not out.exists() and not (tmp_path / "feedback").exists()
    assert not list(Path("/tmp").glob(f"{WORK_PREFIX}{os.getpid()}-*"))


def test_a_symlink_to_a_secret_is_never_read(tmp_path: Path, capsys) -> None:
    hand_ins = tmp_path / "submissions"
    (hand_ins / "ann").mkdir(parents=True)
    (hand_ins / "ann" / FIRST.name).symlink_to("/etc/passwd")
    out = tmp_path / "grades.csv"
    old = ",".join(COLUMNS) + "\nold,00_start_here,00.3,1,1,an older run\n"
    out.write_text(old)
    assert main([str(hand_ins), "--out", str(out), "--seed", "1", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "root:" not in err and "is a symbolic link" in err
    assert "root:" not in out.read_text() + (tmp_path / "feedback" / "ann.html").read_text()


def test_a_killed_run_leaves_nothing_once_the_next_starts(tmp_path: Path) -> None:
    hand_ins = tmp_path / "submissions"
    looping = students.instructor(FIRST)
    students.with_body(looping, EXERCISE, f"# {MARK}\n" + students.LOOP)
    students.write(hand_ins, "loop", FIRST.name, looping)
    env = dict(os.environ, GRADE_TEST_MARK=MARK)
    command = [sys.executable, "-m", "tools.grade", str(hand_ins), "--jobs", "1"]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "grades.csv"), "--timeout", "120"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    sandboxes = []
    for _ in range(600):  # until the student's code runs in its sandbox: at most 120 s
        try:  # the sandboxes this run made: their owners are the grader or its workers
            run = {process.pid} | {c.pid for c in psutil.Process(process.pid).children(True)}
        except psutil.NoSuchProcess:
            run = set()
        sandboxes = sandbox_cgroups(run.__contains__)
        if sandboxes or process.poll() is not None:
            break
        time.sleep(0.2)
    assert sandboxes, "no sandbox started"
    time.sleep(1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    processes = [p for p in settled(process.pid) if not p.startswith(("/sys", "/tmp"))]
    assert processes == [], "the killed run left processes running"
    # what a SIGKILL cannot clean (its working folder, its cgroups) goes at the next start
    again = subprocess.run(
        [*command, "--out", str(tmp_path / "again.csv"), "--timeout", "1"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert settled(process.pid) == []


def test_without_a_cgroup_it_still_sandboxes_and_says_memory_is_per_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tools import grade
    from tools.grading import bubblewrap
    from tools.grading.discover import student_definition
    from tools.grading.judge import judge_answer

    monkeypatch.setattr(bubblewrap, "own_cgroups", dict)  # as where no cgroup may be made
    with bubblewrap.Jail() as jail:
        assert not jail.tree_limited
        assert "cgroup.procs" not in " ".join(jail.wrap(["/bin/true"]))
    assert "memory limited per process only" in grade.safety(True)
    notebook = students.instructor(FIRST)
    students.with_body(
        notebook, EXERCISE, "import socket\nsocket.create_connection(('127.0.0.1', 9))"
    )
    source = student_definition(notebook, EXERCISE.function).source
    status, message = judge_answer(EXERCISE.name, source, EXERCISE.function, 1, tmp_path, 60)
    assert status == "not yet" and "raised" in message and "Error" in message, message
    assert "UNSANDBOXED" in grade.safety(False)


def test_without_bubblewrap_it_refuses_unless_told_no_sandbox(tmp_path: Path) -> None:
    hand_ins = tmp_path / "submissions"
    students.write(hand_ins, "ann", FIRST.name, students.instructor(FIRST))
    out = tmp_path / "grades.csv"
    env = dict(os.environ, PATH=str(tmp_path / "no-bwrap-here"))  # as where it is not installed
    command = [sys.executable, "-m", "tools.grade", str(hand_ins), "--out", str(out)]
    run = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("error: ") and "apt install bubblewrap" in run.stderr
    assert not out.exists() and not (tmp_path / "feedback").exists()
    run = subprocess.run(
        [*command, "--no-sandbox", "--jobs", "1"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "UNSANDBOXED (--no-sandbox)" in run.stdout.strip().splitlines()[-1]
    (row,) = csv.DictReader(out.open())
    assert row["points"] == row["max_points"] != "0", row


@pytest.mark.skipif(unavailable() is not None, reason="bubblewrap cannot run here")
def test_a_course_under_tmp_is_seen_through_the_private_tmp(tmp_path, monkeypatch) -> None:
    """CI clones the course into a folder under /tmp: the sandbox's own tmpfs /tmp must not
    hide the environment and course it binds read-only (it did: "did not start")."""
    from tools.grading import bubblewrap
    from tools.grading.bubblewrap import Jail, clean_environment

    course = tmp_path / "course"
    course.mkdir()
    (course / "lesson.txt").write_text("seen")
    assert str(course).startswith("/tmp/"), "pytest's tmp_path is under /tmp here"
    monkeypatch.setattr(bubblewrap, "_read_only", lambda: [course])
    with Jail() as jail:
        run = subprocess.run(jail.wrap(["/bin/cat", str(course / "lesson.txt")]),
                             env=clean_environment(), capture_output=True, text=True,
                             timeout=60)  # fmt: skip
    assert run.stdout == "seen", run.stderr
