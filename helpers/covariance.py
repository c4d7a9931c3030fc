"""How well-conditioned is a covariance matrix, and what regularization does to it (notebook 01).

:func:`diagnose` adds what the condition number can hide: the smallest eigenvalue
relative to a variance scale, the log-determinant, whether Cholesky succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.validation import _check_covariance, check_number

__all__ = ["condition_number", "covariance_matrix", "diagnose", "regularize"]


def covariance_matrix(correlation: float, sigma1: float, sigma2: float) -> np.ndarray:
    """The 2x2 covariance ``[[s1^2, r s1 s2], [r s1 s2, s2^2]]``, r in [-1, 1], s1, s2 > 0."""
    correlation = check_number(correlation, "correlation", low=-1, high=1)
    # the variances sigma**2 must be positive float64 numbers, neither 0 nor inf
    sigma1 = check_number(sigma1, "sigma1 (a standard deviation)", low=1e-150, high=1e150)
    sigma2 = check_number(sigma2, "sigma2 (a standard deviation)", low=1e-150, high=1e150)
    off = correlation * sigma1 * sigma2
    return np.array([[sigma1**2, off], [off, sigma2**2]])


def condition_number(cov: np.ndarray) -> float:
    """Condition number of a symmetric positive semi-definite matrix (``inf`` when singular).

    About ``log10(cond)`` decimal digits are lost when solving a system with it. Eigenvalues
    within ``n * eps * largest`` of zero count as zero; below that, ValueError: not a covariance.

    Examples
    --------
    >>> condition_number([[0.1, 0.09], [0.09, 0.1]])  # eigenvalues 0.01 and 0.19
    18.999999999999996
    """
    eigenvalues = np.linalg.eigvalsh(_check_covariance(cov))
    tolerance = len(eigenvalues) * np.finfo(np.float64).eps * np.abs(eigenvalues).max()
    if eigenvalues[0] < -tolerance:
        raise ValueError(
            f"cov has a negative eigenvalue ({eigenvalues[0]:.3g}), so it is not a covariance "
            "matrix (those are positive semi-definite) and has no condition number in this sense"
        )
    return float("inf") if eigenvalues[0] <= tolerance else float(eigenvalues[-1] / eigenvalues[0])


def regularize(cov: np.ndarray, eps: float) -> np.ndarray:
    """Return a new ``cov + eps * I`` (``eps >= 0``): every eigenvalue grows by ``eps``."""
    cov = _check_covariance(cov)
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
    """Measure the conditioning of ``cov`` from several angles.

    A component collapsed to ``eps * I`` has condition number 1; its smallest eigenvalue
    relative to ``reference_variance`` (default: ``trace(cov) / n``) reveals it.
    """
    cov = _check_covariance(cov)
    default = reference_variance is None
    reference_variance = check_number(
        np.trace(cov) / len(cov) if default else reference_variance,
        "cov's mean variance, the default reference_variance," if default else "reference_variance",
        low=0, low_inclusive=False,
    )
    try:
        log_determinant = 2 * np.log(np.diagonal(np.linalg.cholesky(cov))).sum()  # cov = L L^T
    except np.linalg.LinAlgError:
        log_determinant = -np.inf
    eigenvalues = np.linalg.eigvalsh(cov)
    return _CovarianceDiagnostics(
        eigenvalues=eigenvalues,
        condition_number=condition_number(cov),
        relative_min_eigenvalue=float(eigenvalues[0] / reference_variance),
        log_determinant=log_determinant,
        cholesky_ok=log_determinant > -np.inf,
    )
