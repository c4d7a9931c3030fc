"""Notebook 01 exercises: the stored answers are right, the stated tolerance is the checked one."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers.check import _answers, verdict
from helpers.covariance import condition_number, covariance_matrix, regularize
from helpers.data import load_sample
from helpers.gmm import fit_gmm

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "01_covariance_conditioning.ipynb"


def _markdown() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_exercise_1_is_the_condition_number_of_classic_plus_001():
    classic = np.array([[0.1, 0.09], [0.09, 0.1]])
    assert verdict("01.1", condition_number(regularize(classic, 0.01)))[0] == "correct"
    assert verdict("01.1", 19.0)[0] == "not yet"


def test_exercise_2_accepts_three_significant_digits_as_the_text_says():
    expected = _answers("01")["01.2"]["expected"]
    cov = covariance_matrix(0.999999, 1.0, 1.0)
    assert condition_number(regularize(cov, expected)) == pytest.approx(1000, rel=1e-5)
    assert condition_number(regularize(cov, 0.99 * expected)) > 1000
    assert verdict("01.2", 0.002)[0] == "correct"  # "three significant digits are enough"
    assert verdict("01.2", 0.0019)[0] == "not yet"


def test_exercise_3_matches_a_refit(collapse_problem):
    X, start = collapse_problem
    refit = fit_gmm(X, 3, reg_covar=1e-3, tol=1e-6, init=start)
    relative = np.linalg.eigvalsh(refit.covariances_[2])[0] / X.var(axis=0).mean()
    assert verdict("01.3", relative)[0] == "correct"
    assert verdict("01.3", 1e-3)[0] == "not yet"  # forgetting to divide by the variance


def test_exercise_4_and_the_prediction_match_the_mnist_sample():
    images, _ = load_sample()
    pixels = images.reshape(len(images), -1) / 255.0
    largest_first = np.linalg.eigvalsh(np.cov(pixels, rowvar=False))[::-1]
    kept = np.cumsum(largest_first) / largest_first.sum()
    assert verdict("01.4", int(np.argmax(kept >= 0.9)) + 1)[0] == "correct"
    thirty = np.random.default_rng(0).normal(size=(30, 50))
    assert verdict("01.p1", int(np.linalg.matrix_rank(np.cov(thirty, rowvar=False))))[0] == (
        "correct"
    )


@pytest.mark.parametrize(
    ("exercise", "stated"),
    [("01.1", "within 0.1 %"), ("01.2", "within 1 %"), ("01.3", "within 1 %")],
)
def test_the_stated_tolerance_is_the_checked_one(exercise, stated):
    number = exercise.split(".")[1]
    text = re.search(rf"^{number}\. (.*?)(?=^\d\. |\Z)", _markdown(), re.S | re.M).group(1)
    assert f"Checked {stated}" in " ".join(text.split())
    percent = float(stated.split()[1]) / 100
    assert _answers("01")[exercise]["rtol"] == pytest.approx(percent)
