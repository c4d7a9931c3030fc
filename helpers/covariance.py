"""How well-conditioned is a covariance matrix, and what regularization does to it (notebook 01).

* :func:`condition_number`: largest over smallest eigenvalue (``inf`` when singular).
* :func:`covariance_matrix`: the 2x2 covariance from a correlation and two standard deviations.
* :func:`regularize`: ``cov + eps * I``, the fix EM implementations use.
* :func:`diagnose`: the condition number together with the diagnostics it can hide
  (eigenvalues, smallest eigenvalue relative to a variance scale, log-determinant,
  whether a Cholesky factorization succeeds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.validation import check_number

__all__ = ["condition_number", "covariance_matrix", "diagnose", "regularize"]


def check_covariance(cov: np.ndarray, name: str = "cov") -> np.ndarray:
    """Return ``cov`` as a float array after checking it is a finite, square, symmetric matrix.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        The matrix to check.
    name : str, default="cov"
        The name used in error messages.

    Returns
    -------
    cov : ndarray of shape (n, n), dtype float64

    Raises
    ------
    ValueError
        If ``cov`` is not 2-D and square, holds NaN or inf, or is not symmetric
        (up to a relative tolerance of 1e-10).
    """
    cov = np.asarray(cov, dtype=np.float64)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square 2-D matrix, got shape {cov.shape}")
    if not np.all(np.isfinite(cov)):
        raise ValueError(f"{name} contains NaN or inf; a covariance matrix must be finite")
    asymmetry = np.abs(cov - cov.T).max()
    if asymmetry > 1e-10 * max(np.abs(cov).max(), np.finfo(np.float64).tiny):
        raise ValueError(
            f"{name} must be symmetric, but cov - cov.T has entries up to {asymmetry:.3g}"
        )
    return cov


def covariance_matrix(correlation: float, sigma1: float, sigma2: float) -> np.ndarray:
    """The 2x2 covariance ``[[s1^2, r s1 s2], [r s1 s2, s2^2]]``.

    Parameters
    ----------
    correlation : float
        Between -1 and 1; at +-1 the matrix is singular.
    sigma1, sigma2 : float
        Positive standard deviations of the two features.
    """
    correlation = check_number(correlation, "correlation", low=-1, high=1)
    sigma1 = check_number(sigma1, "sigma1", low=0, low_inclusive=False)
    sigma2 = check_number(sigma2, "sigma2", low=0, low_inclusive=False)
    off = correlation * sigma1 * sigma2
    return np.array([[sigma1**2, off], [off, sigma2**2]])


def _is_singular(eigenvalues: np.ndarray) -> bool:
    """Eigenvalues (ascending) of a symmetric matrix: is it numerically singular?

    Uses the rank tolerance of :func:`numpy.linalg.matrix_rank`: an eigenvalue at or
    below ``n * eps * largest`` is indistinguishable from zero in float64.
    """
    largest = np.abs(eigenvalues).max()
    tolerance = len(eigenvalues) * np.finfo(np.float64).eps * largest
    return bool(eigenvalues[0] <= tolerance)


def condition_number(cov: np.ndarray) -> float:
    """Condition number of a symmetric positive semi-definite matrix.

    The ratio of the largest to the smallest eigenvalue. About ``log10(cond)``
    decimal digits are lost when solving a linear system with this matrix.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A symmetric matrix, typically a covariance matrix.

    Returns
    -------
    cond : float
        ``inf`` when the matrix is singular: its smallest eigenvalue is zero, negative,
        or below the float64 rank tolerance ``n * eps * largest eigenvalue``.

    Examples
    --------
    >>> condition_number([[0.1, 0.09], [0.09, 0.1]])  # eigenvalues 0.01 and 0.19
    18.999999999999996
    >>> condition_number([[1.0, 1.0], [1.0, 1.0]])
    inf
    """
    eigenvalues = np.linalg.eigvalsh(check_covariance(cov))
    if _is_singular(eigenvalues):
        return float("inf")
    return float(eigenvalues[-1] / eigenvalues[0])


def regularize(cov: np.ndarray, eps: float) -> np.ndarray:
    """Return ``cov + eps * I``: every eigenvalue grows by ``eps``, eigenvectors stay.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A square symmetric matrix.
    eps : float
        The non-negative amount added to the diagonal.

    Returns
    -------
    regularized : ndarray of shape (n, n)
        A new array; ``cov`` is not modified.
    """
    cov = check_covariance(cov)
    eps = check_number(eps, "eps", low=0)
    return cov + eps * np.eye(cov.shape[0])


@dataclass(frozen=True)
class CovarianceDiagnostics:
    """Everything :func:`diagnose` measures about one covariance matrix.

    Attributes
    ----------
    eigenvalues : ndarray of shape (n,)
        In ascending order.
    condition_number : float
        Largest over smallest eigenvalue; ``inf`` when singular.
    relative_min_eigenvalue : float
        Smallest eigenvalue divided by the reference variance: how thin the
        thinnest direction is compared with the data's spread.
    reference_variance : float
        The variance scale used for ``relative_min_eigenvalue``.
    log_determinant : float
        ``log det(cov)``; ``-inf`` when the matrix is not positive definite.
    cholesky_ok : bool
        Whether :func:`numpy.linalg.cholesky` succeeds.
    """

    eigenvalues: np.ndarray
    condition_number: float
    relative_min_eigenvalue: float
    reference_variance: float
    log_determinant: float
    cholesky_ok: bool

    def __str__(self) -> str:
        shown = np.array2string(self.eigenvalues, precision=3, threshold=6)
        return "\n".join(
            [
                f"eigenvalues               {shown}",
                f"condition number          {self.condition_number:.4g}",
                f"min eigenvalue / variance {self.relative_min_eigenvalue:.3g}"
                f"  (variance scale {self.reference_variance:.3g})",
                f"log-determinant           {self.log_determinant:.4g}",
                f"Cholesky succeeds         {self.cholesky_ok}",
            ]
        )


def diagnose(cov: np.ndarray, reference_variance: float | None = None) -> CovarianceDiagnostics:
    """Measure the conditioning of a covariance matrix from several angles.

    The condition number alone can mislead: a component collapsed to ``eps * I``
    has condition number 1. Comparing the smallest eigenvalue with the variance of
    the data (``reference_variance``) and looking at the log-determinant reveal it.

    Parameters
    ----------
    cov : array-like of shape (n, n)
        A square symmetric matrix.
    reference_variance : float, optional
        The variance scale to compare the smallest eigenvalue with, for example the
        mean variance of the whole data set. Defaults to the mean variance of ``cov``
        itself (``trace(cov) / n``).

    Returns
    -------
    CovarianceDiagnostics
    """
    cov = check_covariance(cov)
    eigenvalues = np.linalg.eigvalsh(cov)
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
        factor = np.linalg.cholesky(cov)
        cholesky_ok = True
        log_det = float(2 * np.log(np.diagonal(factor)).sum())
    except np.linalg.LinAlgError:
        cholesky_ok = False
        log_det = float("-inf")
    singular = _is_singular(eigenvalues)
    return CovarianceDiagnostics(
        eigenvalues=eigenvalues,
        condition_number=float("inf") if singular else float(eigenvalues[-1] / eigenvalues[0]),
        relative_min_eigenvalue=float(eigenvalues[0] / reference_variance),
        reference_variance=float(reference_variance),
        log_determinant=log_det,
        cholesky_ok=cholesky_ok,
    )
