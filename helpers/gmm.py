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

__all__ = ["SingularCovarianceError", "fit_gmm", "m_step"]


class SingularCovarianceError(ValueError):
    """A component's covariance became singular, so EM cannot go on.

    Parameters
    ----------
    component : int
        The component whose covariance is singular.
    log_likelihood : list of float
        The mean log-likelihood per sample of each iteration so far.
    where : str
        When it happened, for the message.

    Attributes
    ----------
    component : int
        The component whose covariance is singular.
    iteration : int
        The iteration it happened in (0: the starting point).
    log_likelihood : ndarray of shape (iteration,)
        The mean log-likelihood per sample of each iteration so far.
    """

    def __init__(self, component: int, log_likelihood: list[float], where: str) -> None:
        super().__init__(
            f"component {component} has a singular covariance {where}. Use reg_covar > 0 "
            "(e.g. 1e-6), fewer components, or remove duplicated or constant features."
        )
        self.component = component
        self.iteration = len(log_likelihood)
        self.log_likelihood = np.asarray(log_likelihood, dtype=np.float64)


@dataclass
class _GaussianMixtureFit:
    """What :func:`fit_gmm` returns.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        The mixing weights.
    means_ : ndarray of shape (n_components, n_features)
        The component means.
    covariances_ : ndarray of shape (n_components, n_features, n_features)
        The component covariances.
    precisions_cholesky_ : ndarray of shape (n_components, n_features, n_features)
        Upper-triangular ``U_k`` with ``inv(covariances_[k]) = U_k @ U_k.T``.
    log_likelihood : ndarray of shape (n_iter,)
        ``log_likelihood[i]``: the mean log-likelihood per sample entering iteration ``i + 1``.
    converged : bool
        Whether EM stopped because the log-likelihood changed by less than ``tol``.
    n_iter : int
        The number of iterations run.
    """

    weights_: np.ndarray
    means_: np.ndarray
    covariances_: np.ndarray
    precisions_cholesky_: np.ndarray
    log_likelihood: np.ndarray
    converged: bool
    n_iter: int

    def score(self, X: np.ndarray) -> float:
        """Mean log-likelihood per sample of ``X`` under the fitted mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data to score.

        Returns
        -------
        score : float
            The mean over the samples of ``log p(x)``.
        """
        X = check_data(X, n_features=self.means_.shape[1])
        weighted = _log_weighted_density(X, self.weights_, self.means_, self.precisions_cholesky_)
        return float(logsumexp(weighted, axis=1).mean())


def _precision_cholesky(
    covariances: np.ndarray, scale: np.ndarray, history: list[float], nk: np.ndarray | None = None
) -> np.ndarray:
    """Upper-triangular ``U_k`` with ``inv(covariances[k]) = U_k @ U_k.T``, or the error."""
    n_features = covariances.shape[1]
    # Singular means: Cholesky fails, or the smallest eigenvalue, measured in units of
    # each feature's variance (``scale``), is under d * eps.
    in_data_units = covariances * scale[:, None] * scale
    smallest = np.linalg.eigvalsh(in_data_units)[:, 0]
    tiny = n_features * np.finfo(np.float64).eps
    result = np.empty_like(covariances)
    for k, cov in enumerate(covariances):
        try:
            if smallest[k] <= tiny:
                raise np.linalg.LinAlgError("singular in units of the data's variance")
            lower = np.linalg.cholesky(cov)  # cov = L @ L.T
        except np.linalg.LinAlgError:
            if history:
                where = (
                    f"after the M-step of iteration {len(history)}: "
                    f"responsibilities sum to {nk[k]:.3g}"
                )
            else:
                where = "in init['covariances'], the starting point: not positive definite"
            raise SingularCovarianceError(k, history, where) from None
        # inv(cov) = inv(L).T @ inv(L), so U = inv(L).T
        result[k] = solve_triangular(lower, np.eye(n_features), lower=True).T
    return result


def _log_weighted_density(X: np.ndarray, weights, means, prec_chol: np.ndarray) -> np.ndarray:
    """``log(weights[k] * N(x_i | mean_k, cov_k))`` for every sample i and component k."""
    n_features = X.shape[1]
    # The squared Mahalanobis distance of x to mean_k is |(x - mean_k) @ U_k|^2.
    y = np.tensordot(X, prec_chol, axes=(1, 1))  # x @ U_k for every k: shape (n, K, d)
    y -= np.einsum("kd,kde->ke", means, prec_chol)  # minus mean_k @ U_k
    squared_distance = np.square(y, out=y).sum(axis=2)  # shape (n, K)
    # log det(cov_k)^(-1/2) is the sum of the logs of U_k's diagonal.
    half_log_det_precision = np.log(np.diagonal(prec_chol, axis1=1, axis2=2)).sum(axis=1)
    log_density = -0.5 * (n_features * np.log(2 * np.pi) + squared_distance)
    return log_density + half_log_det_precision + np.log(weights)


def m_step(X: np.ndarray, resp: np.ndarray, reg_covar: float) -> tuple[np.ndarray, ...]:
    """The M-step: the mixture that best explains ``X`` given the responsibilities.

    Component k's weight, mean and covariance are its share of the samples, their
    average and their spread, each sample counted with its responsibility ``resp[i, k]``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data.
    resp : ndarray of shape (n_samples, n_components)
        The responsibilities; each row sums to 1.
    reg_covar : float
        Added to every covariance's diagonal (0: plain EM).

    Returns
    -------
    weights : ndarray of shape (n_components,)
        The mixing weights; they sum to 1.
    means : ndarray of shape (n_components, n_features)
        The component means.
    covariances : ndarray of shape (n_components, n_features, n_features)
        The component covariances, plus ``reg_covar * I``.
    nk : ndarray of shape (n_components,)
        Each component's total responsibility, plus ``10 * eps`` as in scikit-learn.
    """
    n_features = X.shape[1]
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    weights = nk / nk.sum()
    means = (resp.T @ X) / nk[:, None]
    covariances = np.empty((len(means), n_features, n_features))
    for k, mean in enumerate(means):
        # sqrt(r) on both sides: diff.T @ diff is then exactly symmetric.
        diff = (X - mean) * np.sqrt(resp[:, k])[:, None]
        covariances[k] = (diff.T @ diff) / nk[k]
    covariances += reg_covar * np.eye(n_features)
    return weights, means, covariances, nk


def _init_or_raise(init: object, K: int, d: int) -> list[np.ndarray]:
    """The starting weights, means and covariances of ``init``, or a clear error."""
    if not isinstance(init, dict):
        raise TypeError(f"init must be a dict, got {type(init).__name__}")
    if set(init) != {"weights", "means", "covariances"}:
        raise ValueError("init must have exactly the keys 'weights', 'means', 'covariances'")
    shapes = {"weights": (K,), "means": (K, d), "covariances": (K, d, d)}
    values = []
    for name, shape in shapes.items():
        value = as_real(init[name], f"init['{name}']")
        if value.shape != shape or not np.all(np.isfinite(value)):
            raise ValueError(f"init['{name}'] must be finite, of shape {shape}; got {value.shape}")
        values.append(value)
    weights, means, covariances = values
    if np.any(weights <= 0) or abs(weights.sum() - 1) > 1e-6:
        raise ValueError(f"init['weights'] must be positive and sum to 1, got {weights}")
    for k, cov in enumerate(covariances):
        check_covariance(cov, f"init['covariances'][{k}]")
    return values


def fit_gmm(
    X: np.ndarray, n_components: int, *, init: dict, reg_covar: float = 1e-6,
    max_iter: int = 100, tol: float = 1e-3,
) -> _GaussianMixtureFit:
    """Fit a Gaussian mixture to ``X`` by EM, as scikit-learn's ``covariance_type="full"``.

    EM stops after ``max_iter`` iterations, or earlier when the mean log-likelihood
    changes by less than ``tol``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    n_components : int
        The number of components K, at most n_samples.
    init : dict
        The starting point: ``{"weights": (K,), "means": (K, d), "covariances": (K, d, d)}``.
    reg_covar : float, default=1e-6
        Added to every covariance's diagonal (0: plain EM).
    max_iter : int, default=100
        The most iterations EM runs.
    tol : float, default=1e-3
        EM stops when the mean log-likelihood changes by less than this.

    Returns
    -------
    fit : _GaussianMixtureFit
        ``weights_``, ``means_``, ``covariances_``, the ``log_likelihood`` of every
        iteration, ``converged`` and ``n_iter``.

    Raises
    ------
    SingularCovarianceError
        If a covariance becomes singular.
    """
    X = check_data(X)
    check_positive_int(n_components, "n_components")
    if n_components > len(X):
        raise ValueError(f"n_components must be at most the {len(X)} samples, got {n_components}")
    check_positive_int(max_iter, "max_iter")
    check_number(reg_covar, "reg_covar", low=0)
    check_number(tol, "tol", low=0)
    weights, means, covariances = _init_or_raise(init, n_components, X.shape[1])
    variance = X.var(axis=0)
    scale = 1 / np.sqrt(np.where(variance > 0, variance, 1.0))  # constant features: raw units
    history: list[float] = []  # the mean log-likelihood per sample of each iteration
    prec_chol = _precision_cholesky(covariances, scale, history)
    converged = False
    for iteration in range(1, max_iter + 1):
        # E-step: how much each component explains each sample (the responsibilities).
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            weighted = _log_weighted_density(X, weights, means, prec_chol)
            log_norm = logsumexp(weighted, axis=1)  # log p(x_i)
            history.append(float(log_norm.mean()))
        if not np.isfinite(history[-1]):
            finite = np.isfinite(weighted).all(axis=0)  # one entry per component
            k = int(np.argmin(finite))  # blame the first component that is not finite
            where = f"at iteration {iteration}: its log-density is non-finite"
            raise SingularCovarianceError(k, history, where)
        resp = np.exp(weighted - log_norm[:, None])
        # M-step: the mixture that best explains the samples given the responsibilities.
        weights, means, covariances, nk = m_step(X, resp, reg_covar)
        prec_chol = _precision_cholesky(covariances, scale, history, nk)
        if len(history) > 1 and abs(history[-1] - history[-2]) < tol:
            converged = True
            break
    return _GaussianMixtureFit(
        weights, means, covariances, prec_chol, np.asarray(history), converged, iteration
    )
