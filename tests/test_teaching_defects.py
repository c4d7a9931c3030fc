"""The teaching defects of notebooks 00-05 that issue 29 lists, each held by a test.

Each test reads what a student reads (the notebook's markdown and code, the check's
verdicts); none executes a notebook.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np

from helpers.check import verdict
from helpers.exercises._framework import declared
from tools.notebooks import is_solution, source

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def _cells(stem: str) -> list[dict]:
    path = next(NOTEBOOKS.glob(f"{stem}_*.ipynb"))
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_00_2_accepts_three_significant_digits_and_its_hint_gives_no_value_away() -> None:
    # the prose: "Three significant digits are enough"
    for answer in (0.131, 0.1313, 0.13132):
        assert verdict("00.2", answer)[0] == "correct", answer
    for answer in (0.13, 0.132, 0.129, 33.49, 0.1294):
        assert verdict("00.2", answer)[0] == "not yet", answer
    hint = declared("00")["00.2"]["hint"]
    assert "33" not in hint, hint  # 33 / 255 = 0.129 is not the answer


def test_02_prose_states_no_timing_that_the_table_does_not_print() -> None:
    cells = _cells("02")
    table = next(i for i, c in enumerate(cells) if "random rows against everything" in source(c))
    prose = source(cells[table + 1])
    for claim in ("take longer than the whole dataset", "take about as long as"):
        assert claim not in prose, f"02 cell {table + 1} states a timing: {claim!r}"
    assert "the last column says for your machine" in prose


def test_02_shows_create_dataset_with_chunks_and_compression_before_exercise_2() -> None:
    cells = _cells("02")
    exercise = next(i for i, c in enumerate(cells) if "Exercise 2 (programming)" in source(c))
    shown = []
    for cell in cells[:exercise]:
        if cell["cell_type"] != "code" or is_solution(cell):
            continue
        for node in ast.walk(ast.parse(source(cell))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "create_dataset":
                shown.append({k.arg for k in node.keywords})
    assert any({"chunks", "compression"} <= keywords for keywords in shown), shown


def test_03_3_names_the_right_end_of_the_middle_bar_the_lesson_draws() -> None:
    cells = _cells("03")
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    start, stop = (int(v) for v in re.search(r"three\[14, (\d+):(\d+)\]", code).groups())
    right_end = stop - 1  # a slice's stop is not drawn
    exercise = next(source(c) for c in cells if source(c).startswith("**Exercise 3.**"))
    assert f"column {right_end})" in exercise and f"columns {start}-{right_end}" in exercise
    assert declared("03")["03.3"]["expected"] == np.ravel_multi_index((14, right_end), (28, 28))


def test_03_2_names_a_float16_answer_by_its_dtype_not_by_two_equal_numbers() -> None:
    def float16_means(images, labels):
        scaled = (images / 255).astype(np.float16)
        return np.stack([scaled[labels == k].mean(axis=0) for k in range(10)])

    status, message = verdict("03.2", float16_means)
    assert status == "not yet" and "float16" in message, message
    numbers = re.findall(r"expected (\S+), got (\S+)", message)
    assert all(expected != got for expected, got in numbers), message

