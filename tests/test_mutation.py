"""tools.mutation: single changes to the instructor's solutions, and how many the checks catch.

The score test runs every programming exercise the notebooks hold (about half a
minute on an idle machine): ``-k operators`` runs only the fast tests.
"""

from __future__ import annotations

import pytest

from tools.mutation import mutants, score, solutions, table

SOFTMAX = '''\
# a comment
def softmax_rows(z):
    """Row-wise softmax."""
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted) * 1
    e /= e.sum(axis=-1, keepdims=True)
    return e.T.T if -1 < 0 and "a" in "ab" else None
'''


def test_the_operators_make_single_changes_inside_functions_only() -> None:
    found = dict(mutants(SOFTMAX))
    for description in [
        "line 4: - to +",
        "line 4: .max to .min",
        "line 4: axis=1 to axis=0",
        "line 4: keepdims=True to False",
        "line 5: * to /",
        "line 5: 1 to 2",
        "line 6: / to *",
        "line 6: dropped in-place update (/=)",
        "line 6: axis=-1 to axis=0",
        "line 7: dropped .T",
        "line 7: < to <=",
        "line 7: and to or",
        "line 7: dropped unary -",
        "line 7: in to not in",
        "line 7: 'a' to 'XXaXX'",
    ]:
        assert description in found, f"{description} missing from {sorted(found)}"
    assert not any("Row-wise" in d for d in found), "the docstring is no mutation site"
    assert found["line 6: dropped in-place update (/=)"].count("/=") == 0
    assert found["line 4: .max to .min"].count(".min(") == 1
    for mutated in found.values():  # each is one change: the rest is the original
        assert mutated != SOFTMAX and "def softmax_rows(z):" in mutated


def test_equivalent_mutants_are_left_out_and_changing_ones_are_counted() -> None:
    """``+ 0`` to ``- 0`` changes no count; ``>`` to ``>=``, ``+ 1`` and bad axes do.

    (``* 1`` to ``/ 1`` changes the answer now: 00.3 wants whole-number counts.)
    """
    code = "def bright(images, threshold):\n    return (images > threshold).sum(axis=(1, 2)) + 0\n"
    result = score("00.3", code, "bright", seeds=1)
    assert result.mutants == 5 and result.changing == 4, result
    assert result.caught == result.changing, result.survivors
    assert "| total | 5 | 4 | 4 | 100 |" in table([result])


def test_the_checks_catch_95_percent_of_120_answer_changing_mutants() -> None:
    """Issue 29: every exercise's solution, mutated; the Not yet share across all of them."""
    scores = [score(name, code, function) for name, code, function in solutions()]
    changing = sum(s.changing for s in scores)
    caught = sum(s.caught for s in scores)
    survivors = [f"{s.exercise} {d}" for s in scores for d in s.survivors]
    assert changing >= 120, f"only {changing} answer-changing mutants:\n{table(scores)}"
    assert caught >= 0.95 * changing, f"{table(scores)}\nsurvivors: {survivors}"


@pytest.mark.parametrize("code", ["def f(x):\n    return x\n", "x = 1 + 2\n"])
def test_code_without_a_site_has_no_mutant(code: str) -> None:
    assert list(mutants(code)) == []
