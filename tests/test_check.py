"""The exercise checker: Correct, Not yet with a hint, No answer yet; never the answer."""

from __future__ import annotations

import numpy as np
import pytest

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
    with pytest.raises(KeyError, match="no exercise '99.1'"):
        verdict("99.1", 1)
