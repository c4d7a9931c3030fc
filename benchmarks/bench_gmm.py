"""EM for a full-covariance Gaussian mixture: helpers.gmm.fit_gmm against scikit-learn.

Both start from the same parameters and run exactly 50 iterations (``tol=0``) on the
same 20,000 points in 10 dimensions with 5 components; the row reports the time per
iteration (``ratio = scikit-learn / ours``, above 1: ours is faster).

Per iteration means ``(time of 51 iterations - time of 1 iteration) / 50``: this removes
what each side does once per fit (input validation, and scikit-learn's k-means
initialization, which it runs even when all starting parameters are given).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from benchmarks.timing import Row, median_time, print_rows
from helpers.gmm import fit_gmm

N_SAMPLES, N_FEATURES, N_COMPONENTS, N_ITER = 20_000, 10, 5, 50


def make_problem(seed: int = 0) -> tuple[np.ndarray, dict]:
    """Five correlated Gaussian blobs and a starting point (random data points as means)."""
    rng = np.random.default_rng(seed)
    per = N_SAMPLES // N_COMPONENTS
    blobs = []
    for _ in range(N_COMPONENTS):
        mixing = rng.normal(size=(N_FEATURES, N_FEATURES)) / np.sqrt(N_FEATURES)
        blobs.append(rng.normal(size=(per, N_FEATURES)) @ mixing + rng.normal(0, 3, N_FEATURES))
    X = np.concatenate(blobs)
    init = {
        "weights": np.full(N_COMPONENTS, 1 / N_COMPONENTS),
        "means": X[rng.choice(len(X), N_COMPONENTS, replace=False)],
        "covariances": np.stack([np.cov(X, rowvar=False)] * N_COMPONENTS),
    }
    return X, init


def run(repeats: int = 5) -> list[Row]:
    X, init = make_problem()

    def ours(n_iter: int) -> None:
        result = fit_gmm(X, N_COMPONENTS, init=init, tol=0.0, max_iter=n_iter)
        assert result.n_iter == n_iter

    def sklearn(n_iter: int) -> None:
        model = GaussianMixture(
            N_COMPONENTS,
            covariance_type="full",
            reg_covar=1e-6,
            tol=0.0,
            max_iter=n_iter,
            weights_init=init["weights"],
            means_init=init["means"],
            precisions_init=np.linalg.inv(init["covariances"]),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X)
        assert model.n_iter_ == n_iter

    def per_iteration(fit) -> float:
        full = median_time(lambda: fit(N_ITER + 1), repeats=repeats)
        setup = median_time(lambda: fit(1), repeats=repeats)
        return (full - setup) / N_ITER

    ours_s = per_iteration(ours)
    peer_s = per_iteration(sklearn)
    note = f"per EM iteration; {N_SAMPLES} x {N_FEATURES}, {N_COMPONENTS} components"
    return [Row("fit_gmm: one EM iteration", ours_s, "sklearn GaussianMixture", peer_s, note)]


if __name__ == "__main__":
    print_rows(run())
