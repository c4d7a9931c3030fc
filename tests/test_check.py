"""The exercise checker: Correct, Not yet with a hint, No answer yet; never the answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers import exercises
from helpers.check import check, verdict


def test_states(capsys: pytest.CaptureFixture[str]) -> None:
    assert verdict("00.example", 784)[0] == "correct"
    assert verdict("00.example", np.int64(784))[0] == "correct"
    assert verdict("00.example", None) == ("no answer", "No answer yet")
    status, message = verdict("00.example", 785)
    assert status == "not yet" and message.startswith("Not yet: ") and "784" not in message
    check("00.example", 784)
    assert capsys.readouterr().out.startswith("Correct: ")


@pytest.mark.parametrize("bad", ["784", True, [784], 784.5])
def test_wrong_types_get_a_hint_not_a_traceback(bad: object) -> None:
    status, message = verdict("00.example", bad)
    assert status == "not yet" and "784" not in message.replace("784.5", "")


def test_unknown_exercise() -> None:
    """An unknown name is a wrong value of the right kind: ValueError (the policy)."""
    with pytest.raises(ValueError, match="no exercise '99.1'; names look like '01.2'"):
        verdict("99.1", 1)
    with pytest.raises(TypeError, match="exercise names are text"):
        verdict(1.2, 1)


EXERCISES = Path(__file__).parents[1] / "helpers" / "exercises"
EXERCISE_FILES = sorted(EXERCISES.glob("[0-9][0-9].json"))  # not lessons.json


@pytest.mark.parametrize("path", EXERCISE_FILES, ids=lambda p: p.name)
def test_every_entry_has_a_why_and_a_hint_that_does_not_give_the_answer(path: Path) -> None:
    for name, spec in json.loads(path.read_text(encoding="utf-8")).items():
        assert name.startswith(path.stem + "."), f"{name} belongs in {name.split('.')[0]}.json"
        assert spec["kind"] in {"number", "integer", "text", "array", "shape"}, name
        assert exercises.find(name) is None, f"{name}: a value exercise, not a programming one"
        assert spec["why"].strip() and spec["hint"].strip(), name
        if spec["kind"] == "text":
            assert isinstance(spec["expected"], list), f"{name}: expected is a list of answers"
        if spec["kind"] in ("number", "integer"):
            answer = re.compile(rf"(?<![\d.]){re.escape(str(spec['expected']))}(?![\d.])")
            assert not answer.search(spec["hint"]), f"the hint of {name} gives the answer"


@pytest.mark.parametrize("bad", [[[1, 2], [3]], [1, "a"], 10**400, [10**400], float("inf")])
@pytest.mark.parametrize("exercise", ["00.1", "04.2", "02.2"])
def test_ragged_huge_and_infinite_answers_get_a_hint(exercise: str, bad: object) -> None:
    status, message = verdict(exercise, bad)
    assert status == "not yet" and message.startswith("Not yet: "), message


@pytest.mark.parametrize("name", [4.2, 42, None, ("04", "2")])
def test_an_exercise_name_that_is_not_text_is_a_clear_error(name: object) -> None:
    with pytest.raises(TypeError, match="exercise names are text like '04.2'"):
        verdict(name, 1)


def test_attempt_turns_a_students_error_into_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    from helpers.check import attempt

    with attempt("06.5"):
        raise NotImplementedError("your code here")
    assert capsys.readouterr().out.startswith("No answer yet: write exercise 06.5 above")
    with attempt("06.5"):
        raise ValueError("shapes (3,2) and (4,) not aligned")
    out = capsys.readouterr().out
    assert out.startswith("Not yet: this cell uses your answer to exercise 06.5")
    assert "ValueError: shapes (3,2)" in " ".join(out.split())
    with attempt("06.5"):
        print("fine")
    assert capsys.readouterr().out == "fine\n"
    with attempt("01.1", "01.2"):
        raise NotImplementedError("your code here")
    assert capsys.readouterr().out.startswith("No answer yet: write exercises 01.1 and 01.2")
    with pytest.raises(KeyboardInterrupt), attempt("06.5"):  # the student's stop still stops
        raise KeyboardInterrupt


def test_check_prints_the_refusal_of_a_switched_off_watch(capsys: pytest.CaptureFixture) -> None:
    """What the student reads when the answer turns the guard off, then on again."""
    import sys

    hook = sys.getprofile()
    ex = exercises.find("00.3")

    def sneaky(*args):
        previous = sys.getprofile()
        sys.setprofile(None)
        try:
            return ex.reference(*args)
        finally:
            sys.setprofile(previous)

    check("00.3", sneaky)
    out = " ".join(capsys.readouterr().out.split())
    assert out == exercises.refusal("!switch") == (
        "Not yet: write it yourself: your function switches off the check's watch "
        "(sys.setprofile or threading.setprofile)."
    )
    assert sys.getprofile() is hook
