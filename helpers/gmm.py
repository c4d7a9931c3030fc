"""Expectation-maximization for a Gaussian mixture with full covariances (notebook 01)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from helpers.validation import (
    as_real,
    check_covariance,
    check_data,
    check_number,
    check_positive_int,
)

__all__ = ["SingularCovarianceError", "fit_gmm"]


class SingularCovarianceError(ValueError):
    """A singular covariance, with ``component``, ``iteration`` (0: start), ``log_likelihood``."""

    def __init__(self, component: int, log_likelihood: list[float], where: str) -> None:
        super().__init__(
            f"component {component} has a singular covariance {where}. Use reg_covar > 0 "
            "(e.g. 1e-6), fewer components, or remove duplicated or constant features."
        )
        self.component, self.iteration = component, len(log_likelihood)
        self.log_likelihood = np.asarray(log_likelihood, dtype=np.float64)


@dataclass
class _GaussianMixtureFit:
    """:func:`fit_gmm`'s result; ``log_likelihood[i]`` per sample entering iteration ``i + 1``."""

    weights_: np.ndarray
    means_: np.ndarray
    covariances_: np.ndarray
    precisions_cholesky_: np.ndarray
    log_likelihood: np.ndarray
    converged: bool
    n_iter: int

    def score(self, X: np.ndarray) -> float:
        """Mean log-likelihood per sample of ``X`` under the fitted mixture."""
        X = check_data(X, n_features=self.means_.shape[1])
        weighted = _log_weighted_density(X, self.weights_, self.means_, self.precisions_cholesky_)
        return float(logsumexp(weighted, axis=1).mean())


def _precision_cholesky(
    covariances: np.ndarray, scale: np.ndarray, history: list[float], nk: np.ndarray | None = None
) -> np.ndarray:
    """Upper-triangular ``U_k`` with ``inv(covariances[k]) = U_k @ U_k.T``, or the error if
    Cholesky fails or an eigenvalue in the data's units (``scale``) is under ``d * eps``."""
    n_features = covariances.shape[1]
    smallest = np.linalg.eigvalsh(covariances * scale[:, None] * scale)[:, 0]
    result = np.empty_like(covariances)
    for k, cov in enumerate(covariances):
        try:
            if smallest[k] <= n_features * np.finfo(np.float64).eps:
                raise np.linalg.LinAlgError("singular in units of the data's variance")
            lower = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            where = (
                f"after the M-step of iteration {len(history)}: responsibilities sum to {nk[k]:.3g}"
                if history else "in init['covariances'], the starting point: not positive definite"
            )
            raise SingularCovarianceError(k, history, where) from None
        result[k] = solve_triangular(lower, np.eye(n_features), lower=True).T
    return result


def _log_weighted_density(X: np.ndarray, weights, means, prec_chol: np.ndarray) -> np.ndarray:
    """``log(weights[k] N(x_i | mean_k, cov_k))``, shape (n, K), via ``|(x - mean_k) @ U_k|^2``."""
    y = np.tensordot(X, prec_chol, axes=(1, 1))  # x @ U_k for every k: shape (n, K, d)
    y -= np.einsum("kd,kde->ke", means, prec_chol)
    half_log_det_precision = np.log(np.diagonal(prec_chol, axis1=1, axis2=2)).sum(axis=1)
    log_density = -0.5 * (X.shape[1] * np.log(2 * np.pi) + np.square(y, out=y).sum(axis=2))
    return log_density + half_log_det_precision + np.log(weights)


def _m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float) -> tuple[np.ndarray, ...]:
    """Weights, means, covariances (plus ``reg_covar * I``) and ``nk`` from responsibilities."""
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / nk[:, None]
    diffs = [(X - mean) * np.sqrt(r)[:, None] for mean, r in zip(means, resp.T, strict=True)]
    covariances = np.stack([diff.T @ diff for diff in diffs]) / nk[:, None, None]
    return nk / nk.sum(), means, covariances + reg_covar * np.eye(X.shape[1]), nk


def _init_or_raise(init: object, K: int, d: int) -> list[np.ndarray]:
    """The starting weights, means and covariances of ``init``, or a clear error."""
    if not isinstance(init, dict):
        raise TypeError(f"init must be a dict, got {type(init).__name__}")
    if set(init) != {"weights", "means", "covariances"}:
        raise ValueError("init must have exactly the keys 'weights', 'means', 'covariances'")
    shapes = {"weights": (K,), "means": (K, d), "covariances": (K, d, d)}
    weights, means, covariances = values = [as_real(init[n], f"init['{n}']") for n in shapes]
    for (name, shape), got in zip(shapes.items(), values, strict=True):
        if got.shape != shape or not np.all(np.isfinite(got)):
            raise ValueError(f"init['{name}'] must be finite, of shape {shape}; got {got.shape}")
    if np.any(weights <= 0) or abs(weights.sum() - 1) > 1e-6:
        raise ValueError(f"init['weights'] must be positive and sum to 1, got {weights}")
    for k, cov in enumerate(covariances):
        check_covariance(cov, f"init['covariances'][{k}]")
    return values


def fit_gmm(
    X: np.ndarray, n_components: int, *, init: dict, reg_covar: float = 1e-6,
    max_iter: int = 100, tol: float = 1e-3,
) -> _GaussianMixtureFit:
    """Fit a Gaussian mixture to ``X`` by EM, as scikit-learn's ``covariance_type="full"``,
    from ``init = {"weights": (K,), "means": (K, d), "covariances": (K, d, d)}``.
    ``reg_covar`` is added to every covariance's diagonal (``0``: plain EM); stop after
    ``max_iter`` iterations or when the mean log-likelihood changes by less than ``tol``.
    Raises :class:`SingularCovarianceError` if a covariance becomes singular."""
    X = check_data(X)
    if check_positive_int(n_components, "n_components") > len(X):
        raise ValueError(f"n_components must be at most the {len(X)} samples, got {n_components}")
    check_positive_int(max_iter, "max_iter")
    check_number(reg_covar, "reg_covar", low=0)
    check_number(tol, "tol", low=0)
    weights, means, covariances = _init_or_raise(init, n_components, X.shape[1])
    variance = X.var(axis=0)
    scale = 1 / np.sqrt(np.where(variance > 0, variance, 1.0))  # constant features: raw units
    history: list[float] = []
    prec_chol = _precision_cholesky(covariances, scale, history)
    for iteration in range(1, max_iter + 1):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            weighted = _log_weighted_density(X, weights, means, prec_chol)  # the E-step
            log_norm = logsumexp(weighted, axis=1)
            history.append(float(log_norm.mean()))
            if not np.isfinite(history[-1]):  # blame the first component that overflowed
                k = int(np.isfinite(weighted).all(axis=0).argmin())
                where = f"at iteration {iteration}: its log-density is non-finite"
                raise SingularCovarianceError(k, history, where)
        resp = np.exp(weighted - log_norm[:, None])
        weights, means, covariances, nk = _m_step(X, resp, reg_covar)
        prec_chol = _precision_cholesky(covariances, scale, history, nk)
        if converged := len(history) > 1 and abs(history[-1] - history[-2]) < tol:
            break
    return _GaussianMixtureFit(
        weights, means, covariances, prec_chol, np.asarray(history), converged, iteration
    )
