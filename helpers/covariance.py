"""How well-conditioned is a covariance matrix, and what regularization does to it (notebook 01)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.validation import check_covariance, check_number

__all__ = ["condition_number", "covariance_matrix", "diagnose", "eigenvalues", "regularize"]


def covariance_matrix(correlation: float, sigma1: float, sigma2: float) -> np.ndarray:
    """The 2x2 covariance of two features with the given correlation and spreads.

    That is ``[[s1^2, r s1 s2], [r s1 s2, s2^2]]``.

    Parameters
    ----------
    correlation : float
        The correlation r, in [-1, 1].
    sigma1 : float
        The first feature's standard deviation s1, positive.
    sigma2 : float
        The second feature's standard deviation s2, positive.

    Returns
    -------
    cov : ndarray of shape (2, 2)
        The covariance matrix.
    """
    correlation = check_number(correlation, "correlation", low=-1, high=1)
    sigma1 = check_number(sigma1, "sigma1 (a standard deviation)", low=1e-150, high=1e150)
    sigma2 = check_number(sigma2, "sigma2 (a standard deviation)", low=1e-150, high=1e150)
    off_diagonal = correlation * sigma1 * sigma2
    return np.array([[sigma1**2, off_diagonal], [off_diagonal, sigma2**2]])


def eigenvalues(cov: object) -> np.ndarray:
    """The eigenvalues of a covariance, ascending, with rounding noise set to 0.

    An eigenvalue within ``n * eps * largest`` of 0 is rounding noise: it becomes 0.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A symmetric positive semi-definite matrix.

    Returns
    -------
    values : ndarray of shape (n,)
        The eigenvalues, smallest first.

    Raises
    ------
    ValueError
        If ``cov`` has a negative eigenvalue beyond rounding: it is not a covariance.
    """
    values = np.linalg.eigvalsh(check_covariance(cov))
    largest = np.abs(values).max()
    rounding = len(values) * np.finfo(np.float64).eps * largest
    if values[0] < -rounding:
        raise ValueError(f"cov has a negative eigenvalue ({values[0]:.3g}): not a covariance")
    values[np.abs(values) <= rounding] = 0.0
    return values


def condition_number(cov: np.ndarray) -> float:
    """The condition number of a covariance: its largest eigenvalue over its smallest.

    About ``log10(cond)`` decimal digits are lost when solving a system with it.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A covariance, as for :func:`eigenvalues`.

    Returns
    -------
    cond : float
        The condition number, ``inf`` when ``cov`` is singular.
    """
    values = eigenvalues(cov)
    smallest = values[0]
    largest = values[-1]
    if smallest == 0:
        return float("inf")
    return float(largest / smallest)


def regularize(cov: np.ndarray, eps: float) -> np.ndarray:
    """Return a new ``cov + eps * I``: every eigenvalue grows by ``eps``.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A covariance matrix; it is not changed.
    eps : float
        What to add to the diagonal, at least 0.

    Returns
    -------
    regularized : ndarray of shape (n, n)
        The new matrix ``cov + eps * I``.
    """
    cov = check_covariance(cov)
    eps = check_number(eps, "eps", low=0)
    return cov + eps * np.eye(len(cov))


@dataclass(frozen=True)
class _CovarianceDiagnostics:
    """What :func:`diagnose` measures; ``log_determinant`` is -inf unless Cholesky succeeds."""

    eigenvalues: np.ndarray
    condition_number: float
    relative_min_eigenvalue: float
    log_determinant: float
    cholesky_ok: bool


def diagnose(cov: np.ndarray, reference_variance: float | None = None) -> _CovarianceDiagnostics:
    """The condition number and what it can hide, like a component collapsed to ``eps * I``.

    Such a component has condition number 1. Its smallest eigenvalue relative to
    ``reference_variance`` reveals it, and so does its log-determinant.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A symmetric positive semi-definite matrix.
    reference_variance : float, optional
        The variance to compare the smallest eigenvalue with, positive;
        by default ``cov``'s mean variance.

    Returns
    -------
    diagnostics : _CovarianceDiagnostics
        ``eigenvalues``, ``condition_number``, ``relative_min_eigenvalue``,
        ``log_determinant`` (-inf when Cholesky fails) and ``cholesky_ok``.
    """
    cov = check_covariance(cov)
    if reference_variance is None:
        reference_variance = np.trace(cov) / len(cov)
    name = "reference_variance (by default cov's mean variance)"
    reference_variance = check_number(reference_variance, name, low=0, low_inclusive=False)
    try:
        lower = np.linalg.cholesky(cov)  # cov = L @ L.T
    except np.linalg.LinAlgError:
        log_determinant = -np.inf
    else:
        # det(cov) = det(L)^2, and det(L) is the product of L's diagonal.
        log_determinant = 2 * np.log(np.diagonal(lower)).sum()
    values = eigenvalues(cov)
    return _CovarianceDiagnostics(
        eigenvalues=values,
        condition_number=condition_number(cov),
        relative_min_eigenvalue=float(values[0] / reference_variance),
        log_determinant=log_determinant,
        cholesky_ok=log_determinant > -np.inf,
    )
