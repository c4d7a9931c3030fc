"""Expectation-maximization for a Gaussian mixture with full covariance matrices (notebook 01).

The algorithm follows scikit-learn's ``GaussianMixture(covariance_type="full")`` step
by step, so that from the same starting point both give the same fit:

* the **E-step** computes each point's log-density under each component through the
  Cholesky factor of the component's precision (no matrix inverse, no determinant),
  and the responsibilities with the log-sum-exp trick (no underflow);
* the **M-step** computes weights, means and covariances from the responsibilities
  and adds ``reg_covar`` to the diagonal of every covariance;
* ``log_likelihood[i]`` is the mean log-likelihood per sample computed in the E-step
  of iteration ``i + 1``, that is of the parameters *entering* that iteration
  (scikit-learn's ``lower_bounds_``); EM stops when it changes by less than ``tol``.

When a covariance is singular (a component collapsed onto a few points with
``reg_covar=0``) :class:`SingularCovarianceError` names the component and iteration.
"Singular" means that Cholesky fails *or* that, in units of the data's variance, the
smallest eigenvalue is at the level of float64 rounding (:func:`check_not_collapsed`);
scikit-learn only catches the first and carries on with a covariance of rounding noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from helpers.validation import check_number, check_positive_int

__all__ = ["SingularCovarianceError", "fit_gmm"]


class SingularCovarianceError(ValueError):
    """A component's covariance is singular, so its Gaussian density is undefined.

    Attributes
    ----------
    component : int
        Index of the component (0-based).
    iteration : int
        The EM iteration whose M-step produced the covariance (0: the starting point).
    log_likelihood : ndarray
        The mean log-likelihoods of the iterations before the failure.
    """

    def __init__(self, message: str, component: int, iteration: int, log_likelihood=()):
        super().__init__(message)
        self.component = component
        self.iteration = iteration
        self.log_likelihood = np.asarray(log_likelihood, dtype=np.float64)


@dataclass
class GaussianMixtureFit:
    """The result of :func:`fit_gmm`.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray of shape (n_components, n_features, n_features)
    precisions_cholesky_ : ndarray of shape (n_components, n_features, n_features)
        Upper-triangular ``U`` with ``inv(covariance) = U @ U.T``.
    log_likelihood : ndarray of shape (n_iter,)
        Mean log-likelihood per sample at every iteration (of the parameters entering it).
    converged : bool
        Whether the change of the mean log-likelihood fell below ``tol``.
    n_iter : int
        Number of EM iterations run.
    """

    weights_: np.ndarray
    means_: np.ndarray
    covariances_: np.ndarray
    precisions_cholesky_: np.ndarray
    log_likelihood: np.ndarray
    converged: bool
    n_iter: int

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        """Log-density of the mixture at each row of ``X``, shape (n_samples,)."""
        X = _check_data(X, n_features=self.means_.shape[1])
        log_prob = log_gaussian_density(X, self.means_, self.precisions_cholesky_)
        return _logsumexp_rows(log_prob + np.log(self.weights_))

    def score(self, X: np.ndarray) -> float:
        """Mean log-likelihood per sample of ``X`` under the fitted mixture."""
        return float(self.score_samples(X).mean())


def _check_data(X: np.ndarray, n_features: int | None = None) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D of shape (n_samples, n_features), got {X.ndim}-D shape {X.shape}; "
            "for one feature use X.reshape(-1, 1)"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one sample and one feature, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or inf; remove or impute those values first")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, the mixture has {n_features}")
    return X


def _logsumexp_rows(a: np.ndarray) -> np.ndarray:
    """``log(sum(exp(a), axis=1))`` without overflow: subtract each row's maximum first."""
    top = a.max(axis=1, keepdims=True)
    top[~np.isfinite(top)] = 0.0  # a row of -inf stays -inf
    return (top + np.log(np.exp(a - top).sum(axis=1, keepdims=True)))[:, 0]


def precision_cholesky(
    covariances: np.ndarray, iteration: int = 0, nk: np.ndarray | None = None
) -> np.ndarray:
    """Upper-triangular ``U_k`` with ``inv(covariances[k]) = U_k @ U_k.T``, for every k.

    ``covariances[k] = L L^T`` (Cholesky), so ``U_k = inv(L).T``, found with a
    triangular solve instead of an inverse.

    Raises
    ------
    SingularCovarianceError
        If a covariance is not numerically positive definite (Cholesky fails); the
        message names the component, the iteration and, when ``nk`` is given, how
        many points the component holds.
    """
    n_components, n_features, _ = covariances.shape
    identity = np.eye(n_features)
    result = np.empty_like(covariances)
    for k in range(n_components):
        try:
            lower = np.linalg.cholesky(covariances[k])
        except np.linalg.LinAlgError:
            raise _singular_error(covariances[k], k, iteration, nk) from None
        result[k] = solve_triangular(lower, identity, lower=True).T
    return result


def _singular_error(cov: np.ndarray, k: int, iteration: int, nk) -> SingularCovarianceError:
    smallest = np.linalg.eigvalsh(cov)[0]
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
            "onto a lower-dimensional subspace."
        )
        if nk is not None:
            cause += f" Its responsibilities add up to {nk[k]:.3g} (the points it holds)."
    return SingularCovarianceError(
        f"component {k} has a singular covariance (smallest eigenvalue {smallest:.3g}) "
        f"{cause} Use reg_covar > 0 (e.g. 1e-6), fewer components, or remove duplicated or "
        "constant features.",
        component=k,
        iteration=iteration,
    )


def check_not_collapsed(
    covariances: np.ndarray,
    data_variance: np.ndarray,
    iteration: int = 0,
    nk: np.ndarray | None = None,
) -> None:
    """Raise if a covariance is singular at float64 resolution, even if Cholesky passes.

    A component on a single point has a covariance made of rounding noise (say 1e-30):
    positive, so Cholesky succeeds, and in one dimension its condition number is 1. In
    units of the data's variance (``D^-1/2 cov D^-1/2`` with ``D = diag(data_variance)``)
    its smallest eigenvalue is then below ``n_features * eps``: no better than rounding.

    Raises
    ------
    SingularCovarianceError
        Naming the first such component and the iteration.
    """
    n_features = covariances.shape[1]
    scale = 1.0 / np.sqrt(data_variance)
    standardized = covariances * scale[:, None] * scale[None, :]
    smallest = np.linalg.eigvalsh(standardized)[:, 0]
    tolerance = n_features * np.finfo(np.float64).eps
    for k in np.flatnonzero(smallest <= tolerance):
        raise _singular_error(covariances[k], int(k), iteration, nk)


def _non_finite_error(X, means, prec_chol, iteration, history) -> SingularCovarianceError:
    with np.errstate(over="ignore", invalid="ignore"):
        log_prob = log_gaussian_density(X, means, prec_chol)
    bad = np.flatnonzero(~np.isfinite(log_prob).all(axis=0))
    k = int(bad[0]) if bad.size else int(np.argmax(np.nanmax(log_prob, axis=0)))
    return SingularCovarianceError(
        f"component {k} gives a non-finite log-density at iteration {iteration} (mean "
        f"log-likelihood {history[-1]}): its covariance is numerically singular. "
        "Use reg_covar > 0 (e.g. 1e-6) or fewer components.",
        component=k,
        iteration=iteration,
        log_likelihood=history,
    )


def log_gaussian_density(X: np.ndarray, means: np.ndarray, prec_chol: np.ndarray) -> np.ndarray:
    """``log N(x_i | mean_k, cov_k)`` for every point and component, shape (n, K).

    With ``inv(cov_k) = U_k U_k^T`` the squared Mahalanobis distance is
    ``|(x - mean_k) @ U_k|^2`` and ``-0.5 log det cov_k = sum(log diag U_k)``.
    All components are done with one matrix product ``X @ [U_1 ... U_K]``.
    """
    n_samples, n_features = X.shape
    n_components = means.shape[0]
    stacked = prec_chol.transpose(1, 0, 2).reshape(n_features, n_components * n_features)
    shifted_means = np.einsum("kd,kde->ke", means, prec_chol).reshape(-1)
    y = X @ stacked
    y -= shifted_means
    np.square(y, out=y)
    mahalanobis = np.einsum("nkd->nk", y.reshape(n_samples, n_components, n_features))
    half_log_det_precision = np.log(np.diagonal(prec_chol, axis1=1, axis2=2)).sum(axis=1)
    return -0.5 * (n_features * math.log(2 * math.pi) + mahalanobis) + half_log_det_precision


def e_step(
    X: np.ndarray, weights: np.ndarray, means: np.ndarray, prec_chol: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean log-likelihood per sample and log-responsibilities, shape (n, K)."""
    weighted = log_gaussian_density(X, means, prec_chol) + np.log(weights)
    log_norm = _logsumexp_rows(weighted)
    return float(log_norm.mean()), weighted - log_norm[:, None]


def m_step(
    X: np.ndarray, resp: np.ndarray, reg_covar: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and regularized covariances from responsibilities ``resp`` (n, K).

    ``cov_k = sum_i r_ik (x_i - mean_k)(x_i - mean_k)^T / nk + reg_covar * I``, computed as
    ``Z^T Z / nk`` with the rows of ``Z`` scaled by ``sqrt(r_ik)`` (one symmetric product).

    Returns ``(weights, means, covariances, nk)`` where ``nk`` is each component's
    total responsibility (its "number of points"). Like scikit-learn, ``nk`` gets
    ``10 * eps`` so that an empty component does not divide by zero.
    """
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / nk[:, None]
    n_components, n_features = means.shape
    covariances = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        weighted_diff = (X - means[k]) * np.sqrt(resp[:, k])[:, None]
        covariances[k] = weighted_diff.T @ weighted_diff / nk[k]
        covariances[k].flat[:: n_features + 1] += reg_covar
    return nk / nk.sum(), means, covariances, nk


def _check_init(init: dict, n_components: int, n_features: int):
    if not isinstance(init, dict) or set(init) != {"weights", "means", "covariances"}:
        raise ValueError(
            "init must be a dict with exactly the keys 'weights', 'means', 'covariances'"
        )
    weights = np.asarray(init["weights"], dtype=np.float64)
    means = np.asarray(init["means"], dtype=np.float64)
    covariances = np.asarray(init["covariances"], dtype=np.float64)
    expected = {
        "weights": (weights, (n_components,)),
        "means": (means, (n_components, n_features)),
        "covariances": (covariances, (n_components, n_features, n_features)),
    }
    for name, (value, shape) in expected.items():
        if value.shape != shape:
            raise ValueError(f"init['{name}'] must have shape {shape}, got {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"init['{name}'] contains NaN or inf")
    if np.any(weights <= 0) or abs(weights.sum() - 1) > 1e-6:
        raise ValueError(f"init['weights'] must be positive and sum to 1, got {weights}")
    if not np.allclose(covariances, covariances.transpose(0, 2, 1), rtol=1e-10, atol=0):
        raise ValueError("init['covariances'] must be symmetric matrices")
    return weights, means, covariances


def _initial_parameters(X: np.ndarray, n_components: int, reg_covar: float, random_state):
    """Start from random data points as centres: assign every point to its nearest.

    Returns ``(weights, means, covariances, nk)`` like :func:`m_step`.
    """
    rng = np.random.default_rng(random_state)
    centres = X[rng.choice(len(X), size=n_components, replace=False)]
    distances = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    resp = np.zeros((len(X), n_components))
    resp[np.arange(len(X)), distances.argmin(axis=1)] = 1.0
    return m_step(X, resp, reg_covar)


def _check_arguments(n_components, reg_covar, max_iter, tol, n_samples):
    if check_positive_int(n_components, "n_components") > n_samples:
        raise ValueError(
            f"n_components must be between 1 and the number of samples ({n_samples}), "
            f"got {n_components}"
        )
    check_positive_int(max_iter, "max_iter")
    check_number(reg_covar, "reg_covar", low=0)
    check_number(tol, "tol", low=0)


def fit_gmm(
    X: np.ndarray,
    n_components: int,
    *,
    reg_covar: float = 1e-6,
    max_iter: int = 100,
    tol: float = 1e-3,
    init: dict | None = None,
    random_state: int | None = None,
) -> GaussianMixtureFit:
    """Fit a full-covariance Gaussian mixture to ``X`` by expectation-maximization.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Finite data, one point per row.
    n_components : int
        Number of Gaussian components, between 1 and ``n_samples``.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance in the M-step. ``0`` gives plain EM,
        which fails with :class:`SingularCovarianceError` when a component collapses.
    max_iter : int, default=100
        Maximum number of EM iterations.
    tol : float, default=1e-3
        Stop when the mean log-likelihood per sample changes by less than ``tol``.
    init : dict, optional
        Starting parameters ``{"weights": (K,), "means": (K, d), "covariances": (K, d, d)}``.
        Without it, ``n_components`` random data points are the centres, every point is
        assigned to the nearest one and one M-step gives the starting parameters.
    random_state : int, optional
        Seed for the random starting centres (ignored when ``init`` is given).

    Returns
    -------
    GaussianMixtureFit

    Raises
    ------
    ValueError
        For invalid input (NaN or inf, not 2-D, too many components, bad ``init``).
    SingularCovarianceError
        When a covariance is singular (Cholesky fails, or its smallest eigenvalue in units
        of the data's variance is below ``n_features * eps``, see
        :func:`check_not_collapsed`); names the component and the iteration. With
        ``reg_covar`` above ``n_features * eps`` times the data's variance this cannot
        happen after the first M-step.
    """
    X = _check_data(X)
    _check_arguments(n_components, reg_covar, max_iter, tol, X.shape[0])
    if init is None:
        weights, means, covariances, nk = _initial_parameters(
            X, n_components, reg_covar, random_state
        )
    else:
        weights, means, covariances = _check_init(init, n_components, X.shape[1])
        nk = None
    data_variance = X.var(axis=0)
    data_variance[data_variance == 0] = 1.0  # constant features: compare in raw units
    check_not_collapsed(covariances, data_variance, iteration=0, nk=nk)
    prec_chol = precision_cholesky(covariances, iteration=0, nk=nk)
    history: list[float] = []
    converged = False
    previous = -np.inf
    for iteration in range(1, max_iter + 1):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            log_likelihood, log_resp = e_step(X, weights, means, prec_chol)  # checked next
        history.append(log_likelihood)
        if not np.isfinite(log_likelihood):
            raise _non_finite_error(X, means, prec_chol, iteration, history)
        weights, means, covariances, nk = m_step(X, np.exp(log_resp), reg_covar)
        try:
            check_not_collapsed(covariances, data_variance, iteration, nk)
            prec_chol = precision_cholesky(covariances, iteration=iteration, nk=nk)
        except SingularCovarianceError as error:
            error.log_likelihood = np.asarray(history)
            raise
        if abs(log_likelihood - previous) < tol:
            converged = True
            break
        previous = log_likelihood
    return GaussianMixtureFit(
        weights_=weights,
        means_=means,
        covariances_=covariances,
        precisions_cholesky_=prec_chol,
        log_likelihood=np.asarray(history),
        converged=converged,
        n_iter=iteration,
    )
