"""Expectation-maximization for a Gaussian mixture with full covariances (notebook 01).

:func:`fit_gmm` gives scikit-learn's ``GaussianMixture(covariance_type="full")``
fit from the same start; a singular covariance raises :class:`SingularCovarianceError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from helpers.validation import (
    _as_real,
    _check_covariance,
    _check_data,
    _check_positive_int,
    check_number,
)

__all__ = ["SingularCovarianceError", "fit_gmm"]


class SingularCovarianceError(ValueError):
    """A component's covariance is singular: its Gaussian density is undefined.

    ``component``, ``iteration`` (0: the start) and ``log_likelihood`` (before the failure).
    """

    def __init__(self, message: str, component: int, iteration: int, log_likelihood=()):
        super().__init__(message)
        self.component, self.iteration = component, iteration
        self.log_likelihood = np.asarray(log_likelihood, dtype=np.float64)


@dataclass
class _GaussianMixtureFit:
    """The result of :func:`fit_gmm`, named as in scikit-learn.

    ``log_likelihood[i]``: mean log-likelihood per sample entering iteration ``i + 1``.
    """

    weights_: np.ndarray
    means_: np.ndarray
    covariances_: np.ndarray
    precisions_cholesky_: np.ndarray
    log_likelihood: np.ndarray
    converged: bool
    n_iter: int

    def score(self, X: np.ndarray) -> float:
        """Mean log-likelihood per sample of ``X`` under the fitted mixture."""
        X = _check_data(X, n_features=self.means_.shape[1])
        return _e_step(X, self.weights_, self.means_, self.precisions_cholesky_)[0]


def _singular_error(covariances, k, iteration, nk, history) -> SingularCovarianceError:
    if iteration == 0 and nk is not None:
        cause = (
            f"in the random start: the data points nearest to its centre ({nk[k]:.3g} of "
            "them) do not span every direction. Try another random_state or reg_covar > 0."
        )
    elif iteration == 0:
        cause = "in the starting point: init['covariances'] must be positive definite."
    else:
        cause = (
            f"after the M-step of iteration {iteration}: it collapsed onto too few points or "
            f"onto a lower-dimensional subspace. Its responsibilities add up to {nk[k]:.3g} "
            "(the points it holds)."
        )
    smallest = np.linalg.eigvalsh(covariances[k])[0]
    return SingularCovarianceError(
        f"component {k} has a singular covariance (smallest eigenvalue {smallest:.3g}) {cause} "
        "Use reg_covar > 0 (e.g. 1e-6), fewer components, or remove duplicated or constant "
        "features.", component=k, iteration=iteration, log_likelihood=history,
    )


def _precision_cholesky(
    covariances: np.ndarray, data_variance: np.ndarray, iteration: int = 0, nk=None, history=()
) -> np.ndarray:
    """Upper-triangular ``U_k`` with ``inv(covariances[k]) = U_k @ U_k.T``.

    Singular if Cholesky fails or the smallest eigenvalue, in units of ``data_variance``,
    is below ``n_features * eps``.
    """
    n_features = covariances.shape[1]
    scale = 1.0 / np.sqrt(data_variance)
    smallest = np.linalg.eigvalsh(covariances * scale[:, None] * scale)[:, 0]
    result = np.empty_like(covariances)
    for k, cov in enumerate(covariances):
        if smallest[k] <= n_features * np.finfo(np.float64).eps:
            raise _singular_error(covariances, k, iteration, nk, history)
        try:
            lower = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise _singular_error(covariances, k, iteration, nk, history) from None
        result[k] = solve_triangular(lower, np.eye(n_features), lower=True).T
    return result


def _log_gaussian_density(X: np.ndarray, means: np.ndarray, prec_chol: np.ndarray) -> np.ndarray:
    """``log N(x_i | mean_k, cov_k)``, shape (n, K): ``|(x - mean_k) @ U_k|^2`` for all k."""
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    stacked = prec_chol.transpose(1, 0, 2).reshape(n_features, n_components * n_features)
    y = X @ stacked
    y -= np.einsum("kd,kde->ke", means, prec_chol).reshape(-1)
    np.square(y, out=y)
    mahalanobis = y.reshape(n_samples, n_components, n_features).sum(axis=2)
    half_log_det_precision = np.log(np.diagonal(prec_chol, axis1=1, axis2=2)).sum(axis=1)
    return -0.5 * (n_features * math.log(2 * math.pi) + mahalanobis) + half_log_det_precision


def _e_step(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, prec_chol: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean log-likelihood per sample and log-responsibilities, shape (n, K)."""
    weighted = _log_gaussian_density(X, means, prec_chol) + np.log(weights)
    log_norm = logsumexp(weighted, axis=1)
    return float(log_norm.mean()), weighted - log_norm[:, None]


def _m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float) -> tuple[np.ndarray, ...]:
    """Weights, means, covariances (plus ``reg_covar * I``) and ``nk`` from responsibilities."""
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / nk[:, None]
    covariances = np.empty((len(nk), X.shape[1], X.shape[1]))
    for k in range(len(nk)):
        weighted_diff = (X - means[k]) * np.sqrt(resp[:, k])[:, None]
        covariances[k] = weighted_diff.T @ weighted_diff / nk[k]
        covariances[k].flat[:: X.shape[1] + 1] += reg_covar
    return nk / nk.sum(), means, covariances, nk


def _init_or_raise(init: object, n_components: int, n_features: int) -> tuple:
    """The starting weights, means and covariances of ``init``, or a clear error."""
    if not isinstance(init, dict):
        raise TypeError(f"init must be a dict or None, got {type(init).__name__}")
    if set(init) != {"weights", "means", "covariances"}:
        raise ValueError("init must have exactly the keys 'weights', 'means', 'covariances'")
    K, d = n_components, n_features
    shapes = {"weights": (K,), "means": (K, d), "covariances": (K, d, d)}
    weights, means, covariances = values = [_as_real(init[n], f"init['{n}']") for n in shapes]
    for (name, shape), got in zip(shapes.items(), values, strict=True):
        if got.shape != shape or not np.all(np.isfinite(got)):
            raise ValueError(f"init['{name}'] must be finite, of shape {shape}; got {got.shape}")
    if np.any(weights <= 0) or abs(weights.sum() - 1) > 1e-6:
        raise ValueError(f"init['weights'] must be positive and sum to 1, got {weights}")
    for k, cov in enumerate(covariances):
        _check_covariance(cov, f"init['covariances'][{k}]")
    return weights, means, covariances, None


def _random_start(X: np.ndarray, n_components: int, reg_covar: float, random_state) -> tuple:
    """Random data points as centres; every point goes to its nearest; one M-step."""
    rng = np.random.default_rng(random_state)
    centres = X[rng.choice(len(X), size=n_components, replace=False)]
    distances = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    resp = np.zeros((len(X), n_components))
    resp[np.arange(len(X)), distances.argmin(axis=1)] = 1.0
    return _m_step(X, resp, reg_covar)


def fit_gmm(
    X: np.ndarray,
    n_components: int,
    *,
    reg_covar: float = 1e-6,
    max_iter: int = 100,
    tol: float = 1e-3,
    init: dict | None = None,
    random_state: int | None = None,
) -> _GaussianMixtureFit:
    """Fit a full-covariance Gaussian mixture to ``X`` (n_samples, n_features) by EM.

    ``reg_covar`` is added to every covariance's diagonal (``0``: plain EM); stop after
    ``max_iter`` iterations or when the mean log-likelihood changes by less than ``tol``.
    ``init`` is ``{"weights": (K,), "means": (K, d), "covariances": (K, d, d)}``; without
    it, ``random_state`` seeds random data points as centres (:func:`_random_start`).
    Raises :class:`SingularCovarianceError` if a covariance becomes singular.
    """
    X = _check_data(X)
    if _check_positive_int(n_components, "n_components") > len(X):
        raise ValueError(
            f"n_components must be between 1 and the number of samples ({len(X)}), "
            f"got {n_components}"
        )
    _check_positive_int(max_iter, "max_iter")
    check_number(reg_covar, "reg_covar", low=0)
    check_number(tol, "tol", low=0)
    if init is None:
        weights, means, covariances, nk = _random_start(X, n_components, reg_covar, random_state)
    else:
        weights, means, covariances, nk = _init_or_raise(init, n_components, X.shape[1])
    data_variance = X.var(axis=0)
    data_variance[data_variance == 0] = 1.0  # constant features: compare in raw units
    prec_chol = _precision_cholesky(covariances, data_variance, 0, nk)
    history: list[float] = []
    previous = -np.inf
    for iteration in range(1, max_iter + 1):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            log_likelihood, log_resp = _e_step(X, weights, means, prec_chol)
        history.append(log_likelihood)
        if not np.isfinite(log_likelihood):
            with np.errstate(over="ignore", invalid="ignore"):  # find the culprit
                finite = np.isfinite(_log_gaussian_density(X, means, prec_chol)).all(axis=0)
            k = int(np.argmin(finite))  # the first component with a non-finite log-density
            raise SingularCovarianceError(
                f"component {k} gives a non-finite log-density at iteration {iteration} (mean "
                f"log-likelihood {log_likelihood}): its covariance is numerically singular. "
                "Use reg_covar > 0 (e.g. 1e-6) or fewer components.",
                component=k, iteration=iteration, log_likelihood=history,
            )
        weights, means, covariances, nk = _m_step(X, np.exp(log_resp), reg_covar)
        prec_chol = _precision_cholesky(covariances, data_variance, iteration, nk, history)
        converged = abs(log_likelihood - previous) < tol
        if converged:
            break
        previous = log_likelihood
    return _GaussianMixtureFit(
        weights, means, covariances, prec_chol, np.asarray(history), converged, iteration
    )
