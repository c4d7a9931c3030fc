"""Condition numbers, regularization and the diagnostics of helpers.covariance."""

import numpy as np
import pytest

from helpers.covariance import condition_number, diagnose, eigenvalues, regularize
from helpers.validation import check_covariance

CLASSIC = np.array([[0.1, 0.09], [0.09, 0.1]])


def test_classic_matrix_has_condition_number_19():
    assert condition_number(CLASSIC) == pytest.approx(19.0, rel=1e-12)


def test_classic_demo_epsilon_1e5_gives_18_98():
    cond = condition_number(regularize(CLASSIC, 1e-5))
    assert cond == pytest.approx((0.19 + 1e-5) / (0.01 + 1e-5), rel=1e-12)
    assert f"{cond:.1f}" == "19.0" and f"{cond:.4f}" == "18.9820"


def test_eigenvalues_are_ascending_and_rounding_noise_is_exactly_zero():
    v = np.array([1.0, 2.0, 3.0])
    rank_one = np.outer(v, v) / 7  # eigvalsh gives two values of order 1e-16, not 0
    assert np.any(np.linalg.eigvalsh(rank_one)[:2] != 0)
    values = eigenvalues(rank_one)
    np.testing.assert_array_equal(values[:2], [0.0, 0.0])
    assert values[2] == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(eigenvalues(np.diag([3.0, 1.0, 2.0])), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"cov has a negative eigenvalue \(-1\): not a covariance"):
        eigenvalues(np.diag([1.0, -1.0]))


def test_condition_number_matches_numpy_for_spd_matrix():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 6))
    cov = a @ a.T + 0.1 * np.eye(6)
    assert condition_number(cov) == pytest.approx(np.linalg.cond(cov), rel=1e-8)


@pytest.mark.parametrize(
    "cov",
    [np.ones((2, 2)), np.zeros((3, 3)), np.diag([1.0, 0.0])],
    ids=["duplicated feature", "zero", "zero variance"],
)
def test_singular_matrix_has_infinite_condition_number(cov):
    assert condition_number(cov) == np.inf


@pytest.mark.parametrize(
    "cov", [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]]], ids=["indefinite", "diag(1, -1)"]
)
def test_an_indefinite_matrix_is_not_a_covariance(cov):
    """It used to give inf, reported as singular: a negative variance is an error, not a fact."""
    with pytest.raises(ValueError, match="negative eigenvalue"):
        condition_number(cov)
    with pytest.raises(ValueError, match="negative eigenvalue"):
        diagnose(cov, reference_variance=1.0)


def test_complex_matrices_are_refused_not_truncated():
    with pytest.raises(TypeError, match="must hold real numbers, got dtype complex128"):
        condition_number([[1.0, 0.0], [0.0, 1j]])
    with pytest.raises(TypeError, match="real numbers"):
        regularize(np.eye(2) + 0j, 0.1)


def test_regularize_shifts_every_eigenvalue_by_eps_and_copies():
    cov = np.array([[2.0, 1.0], [1.0, 2.0]])
    out = regularize(cov, 0.5)
    np.testing.assert_allclose(np.linalg.eigvalsh(out), np.linalg.eigvalsh(cov) + 0.5)
    assert cov[0, 0] == 2.0 and out is not cov


def test_regularizing_a_singular_matrix_makes_it_well_defined():
    assert condition_number(regularize(np.ones((2, 2)), 1e-6)) == pytest.approx(2 / 1e-6 + 1)


@pytest.mark.parametrize(
    ("cov", "message"),
    [
        (np.array([[1.0, 0.5], [0.4, 1.0]]), "symmetric"),
        (np.ones((2, 3)), "square"),
        (np.ones(3), "square"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "NaN or inf"),
    ],
)
def test_bad_matrices_raise_value_error(cov, message):
    for fn in (condition_number, lambda c: regularize(c, 1e-3), diagnose, check_covariance):
        with pytest.raises(ValueError, match=message):
            fn(cov)


def test_diagnose_reports_everything_for_an_spd_matrix():
    d = diagnose(CLASSIC)
    np.testing.assert_allclose(d.eigenvalues, [0.01, 0.19], rtol=1e-12)
    assert d.condition_number == pytest.approx(19.0)
    assert d.relative_min_eigenvalue == pytest.approx(0.01 / 0.1)
    assert d.log_determinant == pytest.approx(np.log(0.01 * 0.19))
    assert d.cholesky_ok


def test_collapsed_component_has_cond_1_but_diagnostics_reveal_it():
    collapsed = 1e-6 * np.eye(2)
    d = diagnose(collapsed, reference_variance=2.0)
    assert d.condition_number == pytest.approx(1.0)
    assert d.relative_min_eigenvalue == pytest.approx(5e-7)
    assert d.log_determinant == pytest.approx(2 * np.log(1e-6))


def test_diagnose_singular_matrix_cholesky_fails():
    d = diagnose(np.ones((2, 2)))
    assert not d.cholesky_ok and d.log_determinant == -np.inf and d.condition_number == np.inf


def test_diagnose_rejects_bad_reference_variance():
    with pytest.raises(ValueError, match="reference_variance"):
        diagnose(np.eye(2), reference_variance=0.0)


def test_diagnose_of_a_zero_matrix_says_what_is_missing():
    # the default, cov's mean variance, is 0 here: the message says it was the default
    with pytest.raises(ValueError, match=r"\(by default cov's mean variance\) must be in \(0"):
        diagnose(np.zeros((2, 2)))
    assert diagnose(np.zeros((2, 2)), reference_variance=1.0).cholesky_ok is False


@pytest.mark.parametrize("eps", [True, float("nan"), np.inf, -1e-3, "0.1"])
def test_regularize_refuses_bad_eps(eps):
    with pytest.raises((TypeError, ValueError), match="eps"):
        regularize(np.eye(2), eps)
