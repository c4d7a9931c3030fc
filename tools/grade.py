"""Grade handed-in notebooks: points only from the instructor's checks (docs/teaching.md).

Usage, from the repository root::

    python -m tools.grade SUBMISSIONS --out grades.csv [--timeout 60] [--jobs N] [--seed S]

``SUBMISSIONS/<student>/<notebook>.ipynb`` are the notebooks students handed in,
named as in the student edition (any subset of the course notebooks: the ones
any student handed in are graded, and a student without one gets zero rows for
it); nbgrader's ``submitted/<student>/<assignment>/<notebook>.ipynb`` works too.
For every programming exercise of those notebooks it writes one row of
``student,notebook,exercise,points,max_points,feedback`` to the CSV file, one
feedback page per student, ``FEEDBACK/<student>.html`` (``--feedback``, default
``feedback/`` beside the CSV file), and the class report ``class.html`` beside the
CSV file (:mod:`tools.grading.report`).

Nothing the student's kernel printed or stored counts: each student's function
definition is taken from the notebook and checked by :mod:`tools.grading.judge`
in a separate, fresh process inside bubblewrap (:mod:`tools.grading.bubblewrap`;
``--no-sandbox`` runs it as you, and the summary says so), on cases drawn from
the grading seed, with at most ``--timeout`` seconds per exercise. A hand-in is
read without trusting it: a symlink, device or folder is refused, and so is a
file or code cell over a size limit, before it is parsed. Value exercises are
practice (0 points) and get no rows. The arguments are checked before any
work. The CSV file (formula-like cells neutralized) is written to a temporary
file and renamed over ``--out`` only when every notebook has been graded, and
not at all when none could be.
"""

from __future__ import annotations

import argparse
import csv
import html
import math
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

if TYPE_CHECKING:
    from tools.grading.discover import Graded

REPO = Path(__file__).resolve().parents[1]
COLUMNS = ("student", "notebook", "exercise", "points", "max_points", "feedback")
COMMAND = "python -m tools.grade"
REPORT = "class.html"  # the class report, beside the grades file (tools.grading.report)
NO_ANSWER = (
    'No answer yet: the function still raises NotImplementedError("your code here"), '
    "the student edition's stub; write its body in place of that line."
)
WORK_PREFIX = "grade-work-"  # grade-work-<pid>-*: a run's temporary folder
MAX_NOTEBOOK_BYTES = 32 * 2**20  # a handed-in file larger than this is refused unread
MAX_CELL_CHARS = 200_000  # a code cell longer than this is refused before it is parsed
MAX_CELLS = 2_000  # a notebook with more cells than this is refused before they are parsed
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: CSV cells a spreadsheet runs

__all__ = ["GradeError", "grade", "main"]


class GradeError(ValueError):
    """The command cannot grade with these arguments (the message says why)."""


@dataclass
class Result:
    """The rows of one student's notebook, and the problem with it, if any."""

    student: str
    notebook: str
    rows: list[dict] = field(default_factory=list)
    problem: str = ""


def _row(student: str, notebook: str, exercise: Graded, points: int, feedback: str) -> dict:
    """One row of grades.csv: ``exercise`` (a graded exercise) got ``points``."""
    return {"student": student, "notebook": notebook, "exercise": exercise.name,
            "points": points, "max_points": exercise.points, "feedback": feedback}  # fmt: skip


def _rows(student: str, notebook: str, graded: list[Graded], feedback: str) -> list[dict]:
    return [_row(student, notebook, g, 0, feedback) for g in graded]


def grade_notebook(
    student: str,
    path: Path,
    instructor: Path,
    graded: list,
    seed: int,
    timeout: float,
    workroot: Path,
    sandboxed: bool = True,
) -> Result:
    """Grade one handed-in notebook (``path`` may be missing or broken: zero rows then)."""
    from tools.grading.discover import belongs_to, student_definition
    from tools.grading.judge import judge_answer

    stem = instructor.stem
    result = Result(student, stem)
    if path.parent.is_symlink():
        result.problem = f"refused: {student}/ is a symbolic link, not a student's folder"
        line = "Not graded: your folder is a symbolic link, not a folder of hand-ins."
        result.rows = _rows(student, stem, graded, line)
        return result
    if not os.path.lexists(path):
        result.problem = f"not handed in: no {instructor.name} in {student}/"
        result.rows = _rows(student, stem, graded, f"Not handed in: no {instructor.name}.")
        return result
    try:
        text = _read_hand_in(path)
    except _Refused as refused:
        result.problem = f"refused: {student}/{instructor.name}: {refused}"
        result.rows = _rows(student, stem, graded, f"Not graded: {instructor.name} {refused}.")
        return result
    workdir = Path(tempfile.mkdtemp(prefix="work-", dir=workroot))
    try:
        notebook = nbformat.reads(text, as_version=4)
        _check_cells(notebook)
        nbformat.validate(notebook)
    except _Refused as refused:
        result.problem = f"refused: {student}/{instructor.name}: {refused}"
        result.rows = _rows(student, stem, graded, f"Not graded: {instructor.name} {refused}.")
        return result
    except Exception as error:  # JSON, encoding and schema errors alike
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        result.problem = f"not a notebook: {student}/{instructor.name}: {first[:200]}"
        line = f"Not graded: {instructor.name} is not a readable notebook ({first[:200]})."
        result.rows = _rows(student, stem, graded, line)
        return result
    if not belongs_to(notebook, instructor, graded):
        result.problem = f"wrong notebook: {student}/{instructor.name} is not {stem}"
        line = (
            f"Not graded: this file is not {stem} (none of its cells or exercise functions "
            "are in it); was another notebook handed in under its name?"
        )
        result.rows = _rows(student, stem, graded, line)
        return result
    for g in graded:
        definition = student_definition(notebook, g.function)
        if definition.source is None:
            status, message = "not yet", definition.problem
        else:
            status, message = judge_answer(
                g.name, definition.source, g.function, seed, workdir, timeout, sandboxed
            )
        if message.startswith(("Not yet: your function did not finish", "Could not grade")):
            result.problem = result.problem or f"{student}/{instructor.name} {g.name}: {message}"
        points = g.points if status == "correct" else 0
        result.rows.append(_row(student, stem, g, points, message))
    return result


class _Refused(Exception):
    """A hand-in the instructor's side does not open or parse (the message says why)."""


def _read_hand_in(path: Path) -> str:
    """The text of a handed-in notebook: a regular file of at most MAX_NOTEBOOK_BYTES.

    A symlink, a device, a pipe or a folder is refused without being opened
    (``O_NOFOLLOW``, and the opened file is checked again with ``fstat``).
    """
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise _Refused("is a symbolic link, not a file: hand in the notebook itself")
    if stat.S_ISDIR(info.st_mode):
        raise _Refused("is a folder, not a notebook file")
    if not stat.S_ISREG(info.st_mode):
        raise _Refused("is not a regular file (a device or a pipe)")
    if info.st_size > MAX_NOTEBOOK_BYTES:
        raise _Refused(
            f"is {info.st_size / 2**20:.0f} MB, more than the {MAX_NOTEBOOK_BYTES >> 20} MB "
            "a notebook may be (clear its outputs)"
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise _Refused(f"cannot be opened ({error.strerror})") from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Refused("is not a regular file")
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise _Refused(f"is more than the {MAX_NOTEBOOK_BYTES >> 20} MB a notebook may be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Refused(f"is not UTF-8 text ({error.reason} at byte {error.start})") from None


def _check_cells(notebook: nbformat.NotebookNode) -> None:
    """Refuse a notebook with a code cell longer than MAX_CELL_CHARS, or more than MAX_CELLS."""
    if len(notebook.cells) > MAX_CELLS:
        raise _Refused(f"has {len(notebook.cells):,} cells, more than the {MAX_CELLS:,} allowed")
    for number, cell in enumerate(notebook.cells, start=1):
        text = cell.get("source", "")
        size = len(text) if isinstance(text, str) else sum(map(len, text))
        if cell.get("cell_type") == "code" and size > MAX_CELL_CHARS:
            raise _Refused(
                f"has a code cell (cell {number}) of {size:,} characters, more than the "
                f"{MAX_CELL_CHARS:,} a cell may have"
            )


def _spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _writable_folder(folder: Path, what: str) -> None:
    """Raise a GradeError unless a file can be made in ``folder`` (tried, then removed)."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".grade-try-"):
            pass
    except OSError as error:
        raise GradeError(f"{what}: cannot write in {folder} ({error.strerror})") from None


def _check_arguments(args: argparse.Namespace) -> list[Path]:
    """The student folders; a GradeError for anything wrong, before any work is done."""
    from tools._output import check_folder
    from tools.grading.report import is_report

    submissions: Path = args.submissions
    if not submissions.exists():
        raise GradeError(f"SUBMISSIONS folder {submissions} does not exist")
    if not submissions.is_dir():
        raise GradeError(
            f"SUBMISSIONS {submissions} is a file; expected a folder of student folders, "
            "SUBMISSIONS/<student>/<notebook>.ipynb"
        )
    if not math.isfinite(args.timeout) or args.timeout <= 0:
        raise GradeError(f"--timeout must be a finite number of seconds > 0, got {args.timeout}")
    if args.seed is not None and args.seed < 0:
        raise GradeError(f"--seed must be a whole number >= 0, got {args.seed}")
    if args.jobs < 1:
        raise GradeError(f"--jobs must be 1 or more, got {args.jobs}")
    students = sorted(
        p
        for p in submissions.iterdir()
        if not p.name.startswith(".") and p.is_dir()  # a symlinked folder: refused below
    )
    if not students:
        raise GradeError(
            f"SUBMISSIONS folder {submissions} holds no student folders; expected "
            "SUBMISSIONS/<student>/<notebook>.ipynb"
        )
    out: Path = args.out
    if out.is_dir():
        raise GradeError(f"--out {out} is a folder; give the CSV file to write, like grades.csv")
    if not out.parent.is_dir():
        raise GradeError(f"--out {out}: the folder {out.parent} does not exist")
    if out.resolve().is_relative_to(submissions.resolve()):
        raise GradeError(f"--out {out} is inside SUBMISSIONS; write the grades elsewhere")
    if out.is_file() and not _is_grades_file(out):
        raise GradeError(
            f"--out {out} exists and is not a grades file this command wrote; it is left as "
            "it is: give a new file name"
        )
    report = out.parent / REPORT
    if report.exists() and not is_report(report):
        raise GradeError(
            f"{report} exists and is not a class report this command wrote; it is left as "
            "it is: write the grades into another folder"
        )
    feedback: Path = args.feedback
    check_folder(feedback, COMMAND, GradeError, f"--feedback {feedback}")
    if feedback.resolve().is_relative_to(submissions.resolve()):
        raise GradeError(
            f"--feedback {feedback} is inside SUBMISSIONS, where it would be read as a "
            "student's folder; write the feedback elsewhere"
        )
    if out.exists() and not os.access(out, os.W_OK):
        raise GradeError(f"--out {out} is not writable")
    _writable_folder(out.parent, f"--out {out}")
    if not feedback.exists() and not feedback.parent.is_dir():
        raise GradeError(f"--feedback {feedback}: the folder {feedback.parent} does not exist")
    _writable_folder(feedback if feedback.is_dir() else feedback.parent, f"--feedback {feedback}")
    if not args.no_sandbox:
        from tools.grading.bubblewrap import unavailable

        problem = unavailable()
        if problem:
            raise GradeError(f"cannot sandbox the students' code: {problem}")
    return students


def _hand_ins(student: Path) -> dict[str, Path]:
    """A student folder's files by name: ``<student>/<notebook>.ipynb``, or nbgrader's
    ``submitted/<student>/<assignment>/<notebook>.ipynb`` (one folder deeper)."""
    found: dict[str, Path] = {}
    if student.is_symlink():  # refused, unread, by grade_notebook
        return found
    for path in sorted(student.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() and not path.is_symlink() and path.suffix != ".ipynb":  # an assignment
            found.update((p.name, p) for p in sorted(path.glob("*.ipynb")))
        else:
            found.setdefault(path.name, path)
    return found


def _is_grades_file(path: Path) -> bool:
    """Whether ``path`` starts with the header line this command writes."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return next(csv.reader(file), None) == list(COLUMNS)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def feedback_page(
    student: str, rows: list[dict], problems: list[str], titles: dict[str, str]
) -> str:
    """A student's feedback: each exercise's title, verdict, hint and points, as an HTML page."""
    total = sum(r["points"] for r in rows)
    most = sum(r["max_points"] for r in rows)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Feedback: {html.escape(student)}</title>",
        "<style>body{font-family:sans-serif;font-size:16px;line-height:1.4;max-width:60em;"
        "margin:1em auto;padding:0 1em}table{border-collapse:collapse}"
        "td,th{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left;"
        "vertical-align:top;overflow-wrap:break-word}th{white-space:nowrap}</style></head>"
        "<body><main>",
        f"<h1>Feedback for {html.escape(student)}</h1>",
        f"<p>Total: {total} of {most} points. Each function was checked on new cases in a "
        "fresh Python process; the outputs stored in your notebook do not count.</p>",
        '<table><tr><th scope="col">exercise</th><th scope="col">points</th>'
        '<th scope="col">verdict</th></tr>',
    ]
    for r in rows:
        title = titles.get(r["exercise"], "")
        name = f"{r['exercise']} {title}".strip()
        verdict = NO_ANSWER if r["feedback"] == "No answer yet" else r["feedback"]
        lines.append(
            f"<tr><td>{html.escape(name)} (in {html.escape(r['notebook'])})</td>"
            f"<td>{r['points']}&nbsp;/&nbsp;{r['max_points']}</td>"
            f"<td>{html.escape(verdict)}</td></tr>"
        )
    lines.append("</table>")
    if problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        lines.append(f"<p>Problems:</p><ul>{items}</ul>")
    lines.append("</main></body></html>")
    return "\n".join(lines) + "\n"


def grade(
    students: list[Path],
    course: list[Path],
    out: Path,
    feedback: Path,
    seed: int,
    timeout: float,
    jobs: int,
    progress: bool = True,
    sandboxed: bool = True,
) -> tuple[list[dict], list[str]]:
    """Grade every student folder against the ``course`` notebooks; write the CSV and pages.

    Returns the rows and the problems (one line each). When no notebook could be
    graded, nothing is written (an older CSV file stays as it was).
    """
    from tqdm.auto import tqdm

    from helpers.atomic import atomic_path
    from tools._output import mark
    from tools.grading.discover import graded_exercises
    from tools.grading.report import exercise_titles, write_report

    try:
        graded = {path.name: (path, graded_exercises(path)) for path in course}
    except ValueError as error:  # an instructor notebook that breaks the exercise conventions
        raise GradeError(str(error)) from None
    graded = {name: pair for name, pair in graded.items() if pair[1]}
    if not graded:
        raise GradeError("the course notebooks have no programming exercises to grade")
    hand_ins = {s: _hand_ins(s) for s in students}
    handed = {name for s in students for name in hand_ins[s] if name in graded}
    if not handed:
        names = ", ".join(sorted(graded))
        raise GradeError(f"no student folder holds a notebook with programming exercises ({names})")
    problems = [
        f"ignored: {p.relative_to(s.parent)} (not a course notebook with programming exercises)"
        for s in students
        for name, p in sorted(hand_ins[s].items())
        if name not in graded
    ]
    tasks = [(s, name) for s in students for name in sorted(handed)]
    results: dict[tuple[str, str], Result] = {}
    _clean_stale()
    workroot = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
    bar = tqdm(total=len(tasks), unit="notebook", desc="grading", disable=not progress)
    try:
        # A worker that dies (it should not: student code runs in bubblewrap) breaks the
        # pool: the notebooks it left are graded again, each in a pool of its own, so
        # only the one that breaks it loses its rows.
        rounds = [(tasks, jobs)]
        while rounds:
            todo, workers = rounds.pop()
            broken = []
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=get_context("spawn"), initializer=_die_with_parent
            ) as pool:
                futures = {
                    pool.submit(
                        grade_notebook,
                        s.name,
                        hand_ins[s].get(name, s / name),
                        graded[name][0],
                        graded[name][1],
                        seed,
                        timeout,
                        workroot,
                        sandboxed,
                    ): (s, name)
                    for s, name in todo
                }
                for future in as_completed(futures):
                    s, name = futures[future]
                    try:
                        results[s.name, name] = future.result()
                    except BrokenProcessPool as error:
                        if len(todo) > 1:
                            broken.append((s, name))
                            continue
                        results[s.name, name] = _failed(s.name, name, graded, error)
                    except Exception as error:  # a bug of ours must not cost the whole class
                        results[s.name, name] = _failed(s.name, name, graded, error)
                    bar.update()
            rounds += [([task], 1) for task in broken]
    finally:
        bar.close()
        shutil.rmtree(workroot, ignore_errors=True)

    rows, by_student = [], {}
    for s, name in tasks:
        result = results[s.name, name]
        rows += result.rows
        by_student.setdefault(s.name, ([], []))[0].extend(result.rows)
        if result.problem:
            problems.append(result.problem)
            by_student[s.name][1].append(result.problem)

    if all(r["feedback"].startswith("Could not grade") for r in rows):
        return rows, problems  # nothing graded: the old grades and pages stay as they are
    mark(feedback, COMMAND)
    titles = exercise_titles([path for path, _ in graded.values()])
    for student, (student_rows, student_problems) in by_student.items():
        with atomic_path(feedback / f"{student}.html") as page:
            page.write_text(feedback_page(student, student_rows, student_problems, titles))
    with atomic_path(out) as temporary:
        with open(temporary, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({k: _spreadsheet_safe(v) for k, v in r.items()} for r in rows)
    write_report(out.parent / REPORT, rows, titles, source=str(out))
    return rows, problems


def _failed(student: str, name: str, graded: dict, error: BaseException) -> Result:
    """The zero rows of a notebook whose grading failed (``error`` says why)."""
    stem = graded[name][0].stem
    line = f"Could not grade: {type(error).__name__}: {error}"
    result = Result(student, stem, _rows(student, stem, graded[name][1], line))
    result.problem = f"{student}/{name}: {line}"
    return result


def _die_with_parent() -> None:
    """In a pool worker: die when the grader dies (even by SIGKILL), so none is left behind."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the grader died before this line
        os._exit(1)


def _clean_stale() -> None:
    """Remove what graders that were killed left: their working folders and sandbox cgroups."""
    from tools._output import remove_stale
    from tools.grading.bubblewrap import clean_stale

    remove_stale(WORK_PREFIX)
    clean_stale()


def safety(sandboxed: bool) -> str:
    """The summary's words on how the students' code ran."""
    if not sandboxed:
        return "UNSANDBOXED (--no-sandbox): the students' code ran as you"
    from tools.grading.bubblewrap import Jail

    with Jail() as jail:
        whole = jail.tree_limited
    return "sandboxed (bubblewrap" + (
        ", memory and processes limited per student by a cgroup)"
        if whole
        else "; no cgroup could be made: memory limited per process only)"
    )


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (``error: ...``), exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see python -m tools.grade --help)\n")


def _summary(rows: list[dict], problems: list[str], students: int, out: Path, seed: int) -> str:
    notebooks = sorted({r["notebook"] for r in rows})
    totals: dict[str, list[int]] = {}
    for r in rows:
        totals.setdefault(r["student"], [0, 0])
        totals[r["student"]][0] += r["points"]
        totals[r["student"]][1] += r["max_points"]
    mean = sum(t[0] for t in totals.values()) / max(len(totals), 1)
    most = max((t[1] for t in totals.values()), default=0)
    failed = sorted({r["student"] for r in rows if r["feedback"].startswith("Could not grade")})
    return (
        f"graded {students} students, {len(notebooks)} notebook(s) ({', '.join(notebooks)}): "
        f"mean score {mean:.2f} of {most} points, {len(problems)} problems"
        + (f" (could not grade: {', '.join(failed)})" if failed else "")
        + f"; grades in {out} (seed {seed})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m tools.grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="SUBMISSIONS/<student>/<notebook>.ipynb")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write")
    parser.add_argument(
        "--feedback", type=Path, help="feedback pages go here (default: feedback/ beside --out)"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds per exercise (default 60)"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="notebooks graded at once"
    )
    parser.add_argument(
        "--seed", type=int, help="draws the hidden cases (default: a new one, printed)"
    )
    parser.add_argument(
        "--notebooks", type=Path, default=REPO / "notebooks", help="the course notebooks"
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run the students' code without bubblewrap, as you (unsafe; the summary says so)",
    )
    args = parser.parse_args(argv)
    if threading.current_thread() is not threading.main_thread():
        return _main(args)
    # SIGTERM ends the run like Ctrl+C: its temporary folder and sandboxes are removed
    before = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return _main(args)
    finally:
        signal.signal(signal.SIGTERM, before)


def _main(args: argparse.Namespace) -> int:
    if args.feedback is None:
        args.feedback = args.out.parent / "feedback"
    seed = secrets.randbits(32) if args.seed is None else args.seed
    try:
        from tools.notebooks import course_notebooks

        students = _check_arguments(args)
        course = course_notebooks(args.notebooks)
        if not course:
            raise GradeError(f"no notebooks (*.ipynb) in {args.notebooks}")
        sandboxed = not args.no_sandbox
        rows, problems = grade(
            students, course, args.out, args.feedback, seed, args.timeout, args.jobs,
            sandboxed=sandboxed,
        )  # fmt: skip
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if all(r["feedback"].startswith("Could not grade") for r in rows):
        print(
            f"error: no notebook could be graded (see the problems above); {args.out} is "
            "left as it was",
            file=sys.stderr,
        )
        return 1
    print(_summary(rows, problems, len(students), args.out, seed) + "; " + safety(sandboxed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
