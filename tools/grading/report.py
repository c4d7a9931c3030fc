"""The class report: what a class got right and wrong, from its grades (docs/teaching.md).

Usage, from the repository root::

    python -m tools.grading.report grades.csv [--out class.html]
    python -m tools.grading.report --nbgrader COURSE [--out class.html]

``python -m tools.grade`` writes ``class.html`` beside ``grades.csv`` itself; the first
form rebuilds it from a grades file, the second from an nbgrader course after
``nbgrader autograde`` (the gradebook's scores, and the verdicts that
:mod:`tools.grading.nbgrader_plugins` wrote into the autograded notebooks).

The page shows each exercise's pass rate (a bar chart with the same numbers in a
table beside it), its most common usual mistakes (the check's hints) with counts and
an example student, the distribution of the students' totals, who handed in nothing,
and who could not be graded, and why. It is one self-contained HTML file: the charts
are PNG images inside it, each with alt text, so nothing is fetched when it is opened.
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import nbformat

__all__ = ["exercise_titles", "is_report", "main", "mistake_of", "read_grades", "write_report"]

GENERATOR = '<meta name="generator" content="tools.grading.report">'  # marks our pages
NOT_HANDED_IN = "Not handed in"
NOT_GRADED = ("Not graded", "Could not grade")
STYLE = (
    "body{font-family:sans-serif;font-size:16px;line-height:1.4;max-width:60em;"
    "margin:1em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    "img{max-width:100%;height:auto}"
    ".bar{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}"
)


def is_report(path: Path) -> bool:
    """Whether ``path`` is a class report this module wrote (so it may be replaced)."""
    try:
        with path.open(encoding="utf-8") as file:
            return GENERATOR in file.read(4096)
    except (OSError, UnicodeDecodeError):
        return False


def exercise_titles(course: list[Path]) -> dict[str, str]:
    """Each programming exercise's title, from its solution cell's first line.

    The course notebooks' solution cells open with ``# Exercise 5: what it does.``; the
    title is what follows the colon ("the backward step of tanh, ...").
    """
    from tools.grading.discover import graded_exercises

    titles = {}
    for path in course:
        cells = {c.get("id"): c for c in nbformat.read(path, as_version=4).cells}
        for g in graded_exercises(path):
            first = (cells[g.solution_id].source.splitlines() or [""])[0]
            found = re.match(r"#\s*Exercise\s+\w+\s*:\s*(.+?)\.?\s*$", first)
            titles[g.name] = found.group(1) if found else g.function
    return titles


def mistake_of(feedback: str) -> str | None:
    """The kind of wrong answer a feedback line reports, or None for a right one.

    A usual mistake's hint without its first difference (which names a case); an error
    without its message's details; "No answer yet" for the stub.
    """
    if feedback.startswith("Correct"):
        return None
    text = re.sub(r"^Not yet:\s*", "", feedback)
    text = re.split(r"\s*\((First difference|case ')", text)[0]
    raised = re.match(r"your function raised (\w+)", text)
    if raised:
        return f"your function raised {raised.group(1)}"
    if re.match(r"case '[^']*':", text):  # no usual mistake matched: only a difference
        return "a wrong result that is not a usual mistake"
    return text.rstrip(". ") or feedback


def read_grades(path: Path) -> list[dict]:
    """The rows of a grades CSV that ``python -m tools.grade`` wrote (points as numbers)."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        row["feedback"] = row["feedback"].removeprefix("'")  # tools.grade's CSV neutralizing
        row["student"] = row["student"].removeprefix("'")
        row["points"], row["max_points"] = float(row["points"]), float(row["max_points"])
    return rows


def _chart(values: list[tuple[str, float]], xlabel: str, alt: str, percent: bool) -> str:
    """A horizontal bar chart as an <img> inside the page, with ``alt`` text."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    height = 0.5 + 0.45 * max(len(values), 1)
    figure = Figure(figsize=(6.4, height), dpi=100, layout="constrained")
    axes = figure.subplots()
    labels = [label for label, _ in values][::-1]
    numbers = [number for _, number in values][::-1]
    axes.barh(labels, numbers, color="#2b6cb0")
    axes.set_xlabel(xlabel, fontsize=12)
    axes.tick_params(labelsize=12)
    if percent:
        axes.set_xlim(0, 100)
    else:  # counts of students: whole numbers
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _table(head: list[str], body: list[list[object]]) -> str:
    cells = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in body
    )
    return f"<table><tr>{cells}</tr>{rows}</table>"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def _number(x: float) -> str:
    return f"{x:g}"


def report_html(rows: list[dict], titles: dict[str, str] | None = None, source: str = "") -> str:
    """The class report of ``rows`` (grades.csv's rows) as one HTML page."""
    titles = titles or {}
    exercises = sorted({r["exercise"] for r in rows})
    students = sorted({r["student"] for r in rows})
    by_student: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_student[r["student"]].append(r)

    def name(exercise: str) -> str:
        return f"{exercise} {titles[exercise]}" if exercise in titles else exercise

    nothing = [s for s in students if all(r["feedback"].startswith(NOT_HANDED_IN)
                                          for r in by_student[s])]  # fmt: skip
    ungraded = [r for r in rows if r["feedback"].startswith(NOT_GRADED)]
    counted = [r for r in rows if r["student"] not in nothing]
    rates = []
    for exercise in exercises:
        mine = [r for r in counted if r["exercise"] == exercise]
        passed = sum(r["points"] >= r["max_points"] > 0 for r in mine)
        rates.append((exercise, passed, len(mine)))

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        GENERATOR,
        f"<title>Class report</title><style>{STYLE}</style></head><body><main>",
        "<h1>Class report</h1>",
        f"<p>{_count(len(students), 'student')}, {_count(len(exercises), 'graded exercise')}"
        + (f", from {html.escape(source)}" if source else "")
        + f". {len(nothing)} handed in nothing; they are left out of the pass rates.</p>",
        "<h2>Pass rate of each exercise</h2>",
    ]
    if rates:
        bars = [(e, 100 * p / n if n else 0.0) for e, p, n in rates]
        alt = "Bar chart of the share of students who passed each exercise: " + "; ".join(
            f"{e} {p} of {n}" for e, p, n in rates
        )
        table = _table(
            ["exercise", "passed", "of", "pass rate"],
            [[name(e), p, n, f"{100 * p / n:.0f}%" if n else "-"] for e, p, n in rates],
        )
        chart = _chart(bars, "students who passed (%)", alt, percent=True)
        parts.append(f'<div class="bar">{chart}{table}</div>')

    parts.append("<h2>The usual mistakes</h2>")
    parts.append(
        "<p>For each exercise, what the wrong answers were, most common first, with how "
        "many students and one of them to look at.</p>"
    )
    any_mistake = False
    for exercise in exercises:
        mistakes: Counter[str] = Counter()
        example: dict[str, str] = {}
        for r in counted:
            if r["exercise"] != exercise or r["feedback"].startswith((NOT_HANDED_IN, *NOT_GRADED)):
                continue
            kind = mistake_of(r["feedback"])
            if kind is not None:
                mistakes[kind] += 1
                example.setdefault(kind, r["student"])
        if mistakes:
            any_mistake = True
            parts.append(f"<h3>{html.escape(name(exercise))}</h3>")
            body = [[kind, count, example[kind]] for kind, count in mistakes.most_common(5)]
            parts.append(_table(["mistake", "students", "for example"], body))
    if not any_mistake:
        parts.append("<p>No wrong answers.</p>")

    parts.append("<h2>Totals</h2>")
    totals = {s: sum(r["points"] for r in by_student[s]) for s in students if s not in nothing}
    most = max((sum(r["max_points"] for r in by_student[s]) for s in students), default=0)
    if totals:
        spread = Counter(totals.values())
        values = [(_number(t), spread[t]) for t in sorted(spread, reverse=True)]
        alt = f"Bar chart of how many students got each total out of {_number(most)}: " + (
            "; ".join(f"{t} points: {n}" for t, n in values)
        )
        table = _table(["total points", "students"], [list(v) for v in values])
        chart = _chart(values, "students", alt, percent=False)
        parts.append(f"<p>Out of {_number(most)} points.</p>")
        parts.append(f'<div class="bar">{chart}{table}</div>')
    else:
        parts.append("<p>No student handed anything in.</p>")

    parts.append("<h2>Handed in nothing</h2>")
    parts.append(
        f"<p>{html.escape(', '.join(nothing))}</p>" if nothing else "<p>Everyone handed in.</p>"
    )
    parts.append("<h2>Could not be graded</h2>")
    if ungraded:
        body = [[r["student"], r["notebook"], r["exercise"], r["feedback"]] for r in ungraded]
        parts.append(_table(["student", "notebook", "exercise", "why"], body))
    else:
        parts.append("<p>Every hand-in was graded.</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def write_report(path: Path, rows: list[dict], titles: dict[str, str] | None = None,
                 source: str = "") -> None:  # fmt: skip
    """Write the class report of ``rows`` to ``path`` (a temporary file, then renamed)."""
    from helpers.atomic import atomic_path

    with atomic_path(path) as temporary:
        temporary.write_text(report_html(rows, titles, source), encoding="utf-8")


def nbgrader_rows(course: Path) -> list[dict]:
    """grades.csv's rows of an autograded nbgrader course (see tools.grading.nbgrader_course).

    Points come from the gradebook; the feedback line from the test cell's output in
    ``autograded/<student>/<assignment>/<notebook>.ipynb``; a student of the gradebook
    without a submission gets "Not handed in" rows.
    """
    from nbgrader.api import Gradebook, MissingEntry

    database = course / "gradebook.db"
    if not database.is_file():
        raise FileNotFoundError(f"no gradebook.db in {course}: run nbgrader autograde there first")
    rows = []
    with Gradebook(f"sqlite:///{database}") as gradebook:
        for assignment in gradebook.assignments:
            for notebook in assignment.notebooks:
                tests = [c for c in notebook.grade_cells if c.name.startswith("check_")]
                for student in gradebook.students:
                    path = course / "autograded" / student.id / assignment.name
                    verdicts = _verdicts(path / f"{notebook.name}.ipynb")
                    for cell in tests:
                        exercise = cell.name.removeprefix("check_").replace("_", ".", 1)
                        try:
                            grade = gradebook.find_grade(
                                cell.name, notebook.name, assignment.name, student.id
                            )
                            points = float(grade.score)
                            line = verdicts.get(cell.name, "No verdict stored")
                        except MissingEntry:
                            points, line = 0.0, f"{NOT_HANDED_IN}: no {notebook.name}.ipynb."
                        rows.append({"student": student.id, "notebook": notebook.name,
                                     "exercise": exercise, "points": points,
                                     "max_points": float(cell.max_score),
                                     "feedback": line})  # fmt: skip
    return rows


def _verdicts(path: Path) -> dict[str, str]:
    """grade_id -> the verdict the isolated checks wrote into an autograded notebook's test cells.

    A Correct verdict is the cell's printed text, any other the ``evalue`` of its error.
    """
    if not path.is_file():
        return {}
    verdicts = {}
    for cell in nbformat.read(path, as_version=4).cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        outputs = cell.get("outputs", [])
        text = "".join(o.get("text", "") or o.get("evalue", "") for o in outputs)
        if grade_id and text.strip():
            verdicts[grade_id] = " ".join(text.split())
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.grading.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("grades", type=Path, nargs="?", help="a grades.csv of tools.grade")
    parser.add_argument("--nbgrader", type=Path, help="an autograded nbgrader course folder")
    parser.add_argument("--out", type=Path, help="the page to write (default: class.html beside)")
    args = parser.parse_args(argv)
    if (args.grades is None) == (args.nbgrader is None):
        parser.error("give either a grades CSV or --nbgrader COURSE")
    try:
        if args.grades is not None:
            rows, source = read_grades(args.grades), str(args.grades)
            out = args.out or args.grades.parent / "class.html"
        else:
            rows, source = nbgrader_rows(args.nbgrader), f"nbgrader course {args.nbgrader}"
            out = args.out or args.nbgrader / "class.html"
        if out.exists() and not is_report(out):
            raise FileExistsError(f"{out} exists and is not a class report; it is left as it is")
        from tools.notebooks import course_notebooks

        write_report(out, rows, exercise_titles(course_notebooks()), source=source)
    except (OSError, KeyError, ValueError, csv.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"class report in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
