"""Grade a folder of handed-in notebooks: points only from the instructor's checks (README).

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
in a separate, fresh process, in a working folder of its own (a copy of the
notebook, never the original), on cases drawn from the grading seed, with at
most ``--timeout`` seconds per exercise. Value exercises are practice (0 points)
and get no rows. The CSV file is written to a temporary file and renamed over
``--out`` only when every notebook has been graded.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import secrets
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

if TYPE_CHECKING:
    from tools.grading.discover import Graded

REPO = Path(__file__).resolve().parents[1]
COLUMNS = ("student", "notebook", "exercise", "points", "max_points", "feedback")
FEEDBACK_MARK = ".grade-feedback"  # marks a feedback folder this command made
REPORT = "class.html"  # the class report, beside the grades file (tools.grading.report)
NO_ANSWER = (
    'No answer yet: the function still raises NotImplementedError("your code here"), '
    "the student edition's stub; write its body in place of that line."
)

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
) -> Result:
    """Grade one handed-in notebook (``path`` may be missing or broken: zero rows then)."""
    from tools.grading.discover import belongs_to, student_definition
    from tools.grading.judge import judge_answer

    stem = instructor.stem
    result = Result(student, stem)
    if not path.is_file():
        result.problem = f"not handed in: no {instructor.name} in {student}/"
        result.rows = _rows(student, stem, graded, f"Not handed in: no {instructor.name}.")
        return result
    workdir = Path(tempfile.mkdtemp(prefix="work-", dir=workroot))
    copy = workdir / instructor.name
    shutil.copyfile(path, copy)  # the student's code works on a copy, never the original
    try:
        notebook = nbformat.read(copy, as_version=4)
        nbformat.validate(notebook)
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
                g.name, definition.source, g.function, seed, workdir, timeout
            )
        if message.startswith(("Not yet: your function did not finish", "Could not grade")):
            result.problem = result.problem or f"{student}/{instructor.name} {g.name}: {message}"
        points = g.points if status == "correct" else 0
        result.rows.append(_row(student, stem, g, points, message))
    return result


def _check_arguments(args: argparse.Namespace) -> list[Path]:
    """The student folders; a GradeError for anything wrong, before any work is done."""
    from tools.grading.report import is_report

    submissions: Path = args.submissions
    if not submissions.exists():
        raise GradeError(f"SUBMISSIONS folder {submissions} does not exist")
    if not submissions.is_dir():
        raise GradeError(
            f"SUBMISSIONS {submissions} is a file; expected a folder of student folders, "
            "SUBMISSIONS/<student>/<notebook>.ipynb"
        )
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
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
    if feedback.exists() and not feedback.is_dir():
        raise GradeError(f"--feedback {feedback} is a file; give a folder")
    if feedback.is_dir() and any(feedback.iterdir()) and not (feedback / FEEDBACK_MARK).exists():
        raise GradeError(
            f"--feedback {feedback} holds files this command did not write; give a new or "
            "empty folder (or one an earlier run wrote)"
        )
    if args.timeout <= 0:
        raise GradeError(f"--timeout must be a number of seconds > 0, got {args.timeout:g}")
    if args.jobs < 1:
        raise GradeError(f"--jobs must be 1 or more, got {args.jobs}")
    return students


def _hand_ins(student: Path) -> dict[str, Path]:
    """A student folder's files by name: ``<student>/<notebook>.ipynb``, or nbgrader's
    ``submitted/<student>/<assignment>/<notebook>.ipynb`` (one folder deeper)."""
    found: dict[str, Path] = {}
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


def _feedback_page(
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
) -> tuple[list[dict], list[str]]:
    """Grade every student folder against the ``course`` notebooks; write the CSV and pages.

    Returns the rows and the problems (one line each).
    """
    from tqdm.auto import tqdm

    from helpers.atomic import atomic_path
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
    workroot = Path(tempfile.mkdtemp(prefix="grade-work-"))
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
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
                ): (s.name, name)
                for s, name in tasks
            }
            bar = tqdm(total=len(futures), unit="notebook", desc="grading", disable=not progress)
            for future in as_completed(futures):
                student, name = futures[future]
                try:
                    results[student, name] = future.result()
                except Exception as error:  # a bug of ours must not cost the whole class
                    stem = graded[name][0].stem
                    line = f"Could not grade: {type(error).__name__}: {error}"
                    result = Result(student, stem, _rows(student, stem, graded[name][1], line))
                    result.problem = f"{student}/{name}: {line}"
                    results[student, name] = result
                bar.update()
            bar.close()
    finally:
        shutil.rmtree(workroot, ignore_errors=True)

    rows, by_student = [], {}
    for s, name in tasks:
        result = results[s.name, name]
        rows += result.rows
        by_student.setdefault(s.name, ([], []))[0].extend(result.rows)
        if result.problem:
            problems.append(result.problem)
            by_student[s.name][1].append(result.problem)

    feedback.mkdir(parents=True, exist_ok=True)
    (feedback / FEEDBACK_MARK).write_text("written by python -m tools.grade\n")
    titles = exercise_titles([path for path, _ in graded.values()])
    for student, (student_rows, student_problems) in by_student.items():
        with atomic_path(feedback / f"{student}.html") as page:
            page.write_text(_feedback_page(student, student_rows, student_problems, titles))
    with atomic_path(out) as temporary:
        with open(temporary, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    write_report(out.parent / REPORT, rows, titles, source=str(out))
    return rows, problems


def _summary(rows: list[dict], problems: list[str], students: int, out: Path, seed: int) -> str:
    notebooks = sorted({r["notebook"] for r in rows})
    totals: dict[str, list[int]] = {}
    for r in rows:
        totals.setdefault(r["student"], [0, 0])
        totals[r["student"]][0] += r["points"]
        totals[r["student"]][1] += r["max_points"]
    mean = sum(t[0] for t in totals.values()) / max(len(totals), 1)
    most = max((t[1] for t in totals.values()), default=0)
    return (
        f"graded {students} students, {len(notebooks)} notebook(s) ({', '.join(notebooks)}): "
        f"mean score {mean:.2f} of {most} points, {len(problems)} problems; "
        f"grades in {out} (seed {seed})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.grade", description=__doc__.split("\n\n")[0]
    )
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
    args = parser.parse_args(argv)
    if args.feedback is None:
        args.feedback = args.out.parent / "feedback"
    seed = secrets.randbits(32) if args.seed is None else args.seed
    try:
        from tools.notebooks import course_notebooks

        students = _check_arguments(args)
        course = course_notebooks(args.notebooks)
        if not course:
            raise GradeError(f"no notebooks (*.ipynb) in {args.notebooks}")
        rows, problems = grade(
            students, course, args.out, args.feedback, seed, args.timeout, args.jobs
        )
    except GradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if all(r["feedback"].startswith("Could not grade") for r in rows):
        print("error: no notebook could be graded (see the problems above)", file=sys.stderr)
        return 1
    print(_summary(rows, problems, len(students), args.out, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
