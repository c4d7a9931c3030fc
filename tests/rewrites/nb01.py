"""Hand-written answers to notebook 01's programming exercises (see tests/rewrites)."""

import numpy as np

# --- 01.1, the E-step ------------------------------------------------------------------------


def e_step_inverse(X, weights, means, covariances):
    # inverse and slogdet instead of Cholesky; the log-sum-exp written out
    d = X.shape[1]
    a = []
    for w, mean, cov in zip(weights, means, covariances, strict=True):
        diff = X - mean
        maha = np.sum(diff @ np.linalg.inv(cov) * diff, axis=1)
        a.append(np.log(w) - 0.5 * (d * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1] + maha))
    a = np.array(a).T
    shift = np.max(a, axis=1)[:, None]
    norm = shift + np.log(np.sum(np.exp(a - shift), axis=1))[:, None]
    return np.exp(a - norm), float(np.mean(norm))


def e_step_vectorized(X, weights, means, covariances):
    # every component at once: (K, d, d) Cholesky factors, solve per component
    L = np.linalg.cholesky(covariances)
    diff = X[None, :, :] - means[:, None, :]  # (K, N, d)
    z = np.linalg.solve(L, diff.transpose(0, 2, 1))  # (K, d, N)
    log_det = 2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
    log_dens = -0.5 * (X.shape[1] * np.log(2 * np.pi) + log_det[:, None] + (z**2).sum(axis=1))
    a = (np.log(weights)[:, None] + log_dens).T
    top = a.max(axis=1, keepdims=True)
    log_total = top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))
    return np.exp(a - log_total), log_total.mean()


def e_step_per_point(X, weights, means, covariances):
    # a point at a time, the log-sum-exp over its row
    precisions = [np.linalg.inv(c) for c in covariances]
    log_dets = [np.log(np.linalg.det(c)) for c in covariances]
    resp, total = np.empty((len(X), len(weights))), 0.0
    for i, x in enumerate(X):
        row = np.array([
            np.log(w) - 0.5 * (len(x) * np.log(2 * np.pi) + ld + (x - m) @ p @ (x - m))
            for w, m, p, ld in zip(weights, means, precisions, log_dets, strict=True)
        ])
        lse = row.max() + np.log(np.exp(row - row.max()).sum())
        resp[i] = np.exp(row - lse)
        total += lse
    return resp, total / len(X)


def _log_dens(X, means, covariances, log_det=lambda c: np.linalg.slogdet(c)[1], inner=None):
    d = X.shape[1]
    out = np.empty((len(X), len(means)))
    for k, (mean, cov) in enumerate(zip(means, covariances, strict=True)):
        diff = X - mean
        form = np.linalg.inv(cov) if inner is None else inner(cov)
        out[:, k] = -0.5 * (d * np.log(2 * np.pi) + log_det(cov)
                            + np.einsum("ni,ij,nj->n", diff, form, diff))
    return out


def _normalized(a):
    top = a.max(axis=1, keepdims=True)
    log_total = top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))
    return np.exp(a - log_total), log_total.mean()


def _twice_log_det(cov):
    return 2 * np.linalg.slogdet(cov)[1]


# --- 01.2, the M-step with full covariances --------------------------------------------------


def full_einsum(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = np.einsum("nk,nd->kd", resp, X) / nk[:, None]
    diff = X[:, None, :] - means[None, :, :]  # (n, K, d)
    covariances = np.einsum("nk,nki,nkj->kij", resp, diff, diff) / nk[:, None, None]
    return nk / nk.sum(), means, covariances + reg_covar * np.eye(X.shape[1])


def full_weighted_cov(X, resp, reg_covar):
    # numpy's weighted covariance (aweights), bias=True divides by the sum of the weights
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    d = X.shape[1]
    covariances = np.stack([
        np.cov(X, rowvar=False, aweights=r, bias=True).reshape(d, d) for r in resp.T
    ])
    return nk / len(X), means, covariances + np.diag(np.full(d, reg_covar))


# --- 01.7 and 01.8, diagonal and tied ---------------------------------------------------------


def diagonal_einsum(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = np.einsum("nk,nd->kd", resp, X) / nk[:, None]
    diff = X[:, None, :] - means[None, :, :]  # (n, K, d)
    variances = np.einsum("nk,nkd->kd", resp, diff**2) / nk[:, None]
    return nk / nk.sum(), means, variances + reg_covar


def diagonal_loops(X, resp, reg_covar):
    n, d = X.shape
    weights, means, variances = [], [], []
    for k in range(resp.shape[1]):
        total = sum(resp[i, k] for i in range(n))
        mean = [sum(resp[i, k] * X[i, j] for i in range(n)) / total for j in range(d)]
        var = [
            sum(resp[i, k] * (X[i, j] - mean[j]) ** 2 for i in range(n)) / total + reg_covar
            for j in range(d)
        ]
        weights.append(total / n)
        means.append(mean)
        variances.append(var)
    return np.array(weights), np.array(means), np.array(variances)


def diagonal_moments(X, resp, reg_covar):
    # E[x^2] - E[x]^2: the same in exact arithmetic, a little rounding with offsets of 5
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    variances = resp.T @ X**2 / nk[:, None] - means**2
    return nk / len(X), means, variances + reg_covar


def tied_vectorized(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    diff = X[:, None, :] - means[None, :, :]  # (n, K, d)
    covariance = np.einsum("nk,nkd,nke->de", resp, diff, diff) / len(X)
    return nk / len(X), means, covariance + np.diag(np.full(X.shape[1], reg_covar))


def tied_scikit_style(X, resp, reg_covar):
    # scikit-learn's formula: the data's second moment minus the means' second moment
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    covariance = (X.T @ X - (nk * means.T) @ means) / nk.sum()
    covariance[np.diag_indices_from(covariance)] += reg_covar
    return nk / nk.sum(), means, covariance


REWRITES = {
    "01.1": [e_step_inverse, e_step_vectorized, e_step_per_point],
    "01.2": [full_einsum, full_weighted_cov],
    "01.7": [diagonal_einsum, diagonal_loops, diagonal_moments],
    "01.8": [tied_vectorized, tied_scikit_style],
}
WRONG: dict = {}
