"""Grading a class: ``python -m tools.grade`` on 30 synthetic students for one notebook, 2 jobs.

The notebook is the course notebook with the most programming exercises (found
by tools.grading.discover, so new exercises count as they land). A third of the
students hand in the instructor's solutions, a third the first usual mistake that
helpers/exercises/nbNN.py declares for every exercise, a third the untouched student
edition. The time is the whole command as an instructor types it (interpreter,
workers, one fresh process per exercise and student); docs/performance.md's table gives
it per student (median / 30). Target: under 1 s per student on 2 cores.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import exercises
from tests import grading_students as students

ROOT = Path(__file__).parents[1]
N_STUDENTS = 30
GROUP = f"grade {N_STUDENTS} students, one notebook, 2 jobs"


def _mistake_source(name: str, function: str) -> str:
    """The first usual mistake declared for exercise ``name``, renamed to ``function``.

    The functions of its module that it calls (and those they call) come first, as a
    student's own helpers would.
    """
    wrong = exercises.find(name).mistakes[0][0]
    module = sys.modules[wrong.__module__]
    functions = [wrong]
    for used in functions:  # grows while it runs: each new function once, so it ends
        for found in (getattr(module, n, None) for n in used.__code__.co_names):
            if inspect.isfunction(found) and found.__module__ == module.__name__:
                functions += [found] if found not in functions else []
    sources = [textwrap.dedent(inspect.getsource(f)) for f in reversed(functions)]
    sources[-1] = sources[-1].replace(f"def {wrong.__name__}(", f"def {function}(", 1)
    return "\n\n".join(sources)


@pytest.fixture(scope="module")
def hand_ins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    graded_notebooks = students.graded_notebooks(ROOT / "notebooks")
    path = max(graded_notebooks, key=lambda p: len(graded_notebooks[p]))
    folder = tmp_path_factory.mktemp("class") / "submissions"
    for number in range(N_STUDENTS):
        kind = number % 3
        if kind == 0:
            notebook = students.instructor(path)
        else:
            notebook = students.student_edition(path)
        if kind == 1:
            for g in graded_notebooks[path]:
                students.cell(notebook, g.solution_id).source = _mistake_source(g.name, g.function)
        students.write(folder, f"student{number:02d}", path.name, notebook)
    return folder


def _grade(hand_ins: Path, out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "tools.grade", str(hand_ins), "--out", str(out), "--jobs", "2"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_grade_a_class(benchmark, hand_ins: Path, tmp_path: Path) -> None:
    benchmark.group, benchmark.extra_info = GROUP, {"ours": True, "students": N_STUDENTS}
    benchmark.pedantic(_grade, (hand_ins, tmp_path / "grades.csv"), rounds=3, warmup_rounds=0)
