"""Hand-written answers to notebook 01's programming exercises (see tests/rewrites)."""

import numpy as np


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


def diagonal_without_reg(X, resp, reg_covar):
    weights, means, variances = diagonal_einsum(X, resp, reg_covar)
    return weights, means, variances - reg_covar


def diagonal_over_n(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    variances = np.stack([resp[:, k] @ (X - means[k]) ** 2 for k in range(len(nk))])
    return nk / len(X), means, variances / len(X) + reg_covar


def diagonal_raw_moment(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    return nk / len(X), resp.T @ X / nk[:, None], resp.T @ X**2 / nk[:, None] + reg_covar


def tied_plus_reg(X, resp, reg_covar):
    weights, means, covariance = tied_vectorized(X, resp, 0.0)
    return weights, means, covariance + np.full_like(covariance, reg_covar)


def tied_total_covariance(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    total = np.cov(X, rowvar=False, bias=True).reshape(X.shape[1], X.shape[1])
    return nk / len(X), means, total + reg_covar * np.eye(X.shape[1])


def tied_mean_of_covariances(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    covariances = [
        np.cov(X, rowvar=False, aweights=resp[:, k], bias=True).reshape(X.shape[1], -1)
        for k in range(len(nk))
    ]
    return nk / len(X), means, sum(covariances) / len(nk) + reg_covar * np.eye(X.shape[1])


REWRITES = {
    "01.5": [diagonal_einsum, diagonal_loops, diagonal_moments],
    "01.6": [tied_vectorized, tied_scikit_style],
}
MISTAKES = {
    "01.5": [
        (diagonal_without_reg, "lack reg_covar"),
        (diagonal_over_n, "N_k / N"),
        (diagonal_raw_moment, "around the origin"),
    ],
    "01.6": [
        (tied_plus_reg, "off the diagonal too"),
        (tied_total_covariance, "overall mean"),
        (tied_mean_of_covariances, "weighs every component equally"),
    ],
}
