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
    sigma1, sigma2 = (  # the variance sigma**2 must be a positive float64, not 0 or inf
        check_number(s, f"{name} (a standard deviation)", low=1e-150, high=1e150)
        for s, name in ((sigma1, "sigma1"), (sigma2, "sigma2"))
    )
    off = correlation * sigma1 * sigma2
    return np.array([[sigma1**2, off], [off, sigma2**2]])


def _condition(eigenvalues: np.ndarray) -> float:
    """Largest over smallest of ascending eigenvalues; ``inf`` below ``n * eps * largest``."""
    largest = np.abs(eigenvalues).max()
    tolerance = len(eigenvalues) * np.finfo(np.float64).eps * largest
    if eigenvalues[0] < -tolerance:
        raise ValueError(
            f"the matrix has a negative eigenvalue ({eigenvalues[0]:.3g}), so it is not a "
            "covariance matrix (those are positive semi-definite) and has no condition "
            "number in this sense"
        )
    if eigenvalues[0] <= tolerance:
        return float("inf")
    return float(eigenvalues[-1] / eigenvalues[0])


def condition_number(cov: np.ndarray) -> float:
    """Condition number of a symmetric positive semi-definite matrix (``inf`` when singular).

    About ``log10(cond)`` decimal digits are lost when solving a system with it.

    Examples
    --------
    >>> condition_number([[0.1, 0.09], [0.09, 0.1]])  # eigenvalues 0.01 and 0.19
    18.999999999999996
    >>> condition_number([[1.0, 1.0], [1.0, 1.0]])
    inf
    """
    return _condition(np.linalg.eigvalsh(_check_covariance(cov)))


def regularize(cov: np.ndarray, eps: float) -> np.ndarray:
    """Return a new ``cov + eps * I`` (``eps >= 0``): every eigenvalue grows by ``eps``."""
    cov = _check_covariance(cov)
    eps = check_number(eps, "eps", low=0)
    return cov + eps * np.eye(cov.shape[0])


@dataclass(frozen=True)
class _CovarianceDiagnostics:
    """What :func:`diagnose` measures; ``eigenvalues`` ascending, ``log_determinant`` -inf
    unless positive definite."""

    eigenvalues: np.ndarray
    condition_number: float
    relative_min_eigenvalue: float
    reference_variance: float
    log_determinant: float
    cholesky_ok: bool


def diagnose(cov: np.ndarray, reference_variance: float | None = None) -> _CovarianceDiagnostics:
    """Measure the conditioning of ``cov`` from several angles.

    A component collapsed to ``eps * I`` has condition number 1; its smallest eigenvalue
    relative to ``reference_variance`` (default: ``trace(cov) / n``) reveals it.
    """
    cov = _check_covariance(cov)
    if reference_variance is None:
        reference_variance = float(np.trace(cov) / cov.shape[0])
        if reference_variance <= 0:
            raise ValueError(
                f"cov has no positive variance on its diagonal (mean {reference_variance:g}), "
                "so there is no scale to compare its smallest eigenvalue with; pass "
                "reference_variance (for example the mean variance of the data)"
            )
    reference_variance = check_number(
        reference_variance, "reference_variance", low=0, low_inclusive=False
    )
    try:
        factor = np.linalg.cholesky(cov)  # cov = L L^T, so log det = 2 sum(log diag L)
    except np.linalg.LinAlgError:
        factor = None
    eigenvalues = np.linalg.eigvalsh(cov)
    return _CovarianceDiagnostics(
        eigenvalues=eigenvalues,
        condition_number=_condition(eigenvalues),
        relative_min_eigenvalue=float(eigenvalues[0] / reference_variance),
        reference_variance=reference_variance,
        log_determinant=-np.inf if factor is None else 2 * np.log(np.diagonal(factor)).sum(),
        cholesky_ok=factor is not None,
    )
