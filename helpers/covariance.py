"""How well-conditioned is a covariance matrix, and what regularization does to it (notebook 01)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.validation import check_covariance, check_number

__all__ = ["condition_number", "covariance_matrix", "diagnose", "regularize"]


def covariance_matrix(correlation: float, sigma1: float, sigma2: float) -> np.ndarray:
    """The 2x2 covariance ``[[s1^2, r s1 s2], [r s1 s2, s2^2]]``, r in [-1, 1], s1, s2 > 0."""
    correlation = check_number(correlation, "correlation", low=-1, high=1)
    sigma1 = check_number(sigma1, "sigma1 (a standard deviation)", low=1e-150, high=1e150)
    sigma2 = check_number(sigma2, "sigma2 (a standard deviation)", low=1e-150, high=1e150)
    off = correlation * sigma1 * sigma2
    return np.array([[sigma1**2, off], [off, sigma2**2]])


def _eigenvalues(cov: object) -> np.ndarray:
    """Ascending eigenvalues of a covariance; those within ``n * eps * largest`` of 0 are 0."""
    eigenvalues = np.linalg.eigvalsh(check_covariance(cov))
    rounding = len(eigenvalues) * np.finfo(np.float64).eps * np.abs(eigenvalues).max()
    if eigenvalues[0] < -rounding:
        raise ValueError(f"cov has a negative eigenvalue ({eigenvalues[0]:.3g}): not a covariance")
    eigenvalues[np.abs(eigenvalues) <= rounding] = 0.0
    return eigenvalues


def condition_number(cov: np.ndarray) -> float:
    """Condition number of a symmetric positive semi-definite matrix (``inf`` when singular).

    About ``log10(cond)`` decimal digits are lost when solving a system with it.
    """
    eigenvalues = _eigenvalues(cov)
    return float(eigenvalues[-1] / eigenvalues[0]) if eigenvalues[0] > 0 else float("inf")


def regularize(cov: np.ndarray, eps: float) -> np.ndarray:
    """Return a new ``cov + eps * I`` (``eps >= 0``): every eigenvalue grows by ``eps``."""
    cov = check_covariance(cov)
    return cov + check_number(eps, "eps", low=0) * np.eye(len(cov))


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

    That has condition number 1; its smallest eigenvalue relative to ``reference_variance``
    reveals it, and so does its log-determinant.
    """
    cov = check_covariance(cov)
    if reference_variance is None:
        reference_variance = np.trace(cov) / len(cov)
    name = "reference_variance (by default cov's mean variance)"
    reference_variance = check_number(reference_variance, name, low=0, low_inclusive=False)
    try:
        log_determinant = 2 * np.log(np.diagonal(np.linalg.cholesky(cov))).sum()  # cov = L L^T
    except np.linalg.LinAlgError:
        log_determinant = -np.inf
    eigenvalues = _eigenvalues(cov)
    return _CovarianceDiagnostics(
        eigenvalues=eigenvalues,
        condition_number=condition_number(cov),
        relative_min_eigenvalue=float(eigenvalues[0] / reference_variance),
        log_determinant=log_determinant,
        cholesky_ok=log_determinant > -np.inf,
    )
