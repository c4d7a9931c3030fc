"""EM for a full-covariance Gaussian mixture: helpers.gmm.fit_gmm against scikit-learn.

Both start from the same parameters and run exactly 50 iterations (``tol=0``)
on the same 20,000 points in 10 dimensions with 5 components. scikit-learn is
told ``init_params="random_from_data"``: it computes a starting assignment even
when every starting parameter is given, and this is its cheapest one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from helpers.gmm import fit_gmm

GROUP = "fit_gmm 50 EM iterations"
N_SAMPLES, N_FEATURES, N_COMPONENTS, N_ITER = 20_000, 10, 5, 50


@pytest.fixture(scope="module")
def problem() -> tuple[np.ndarray, dict]:
    """Five correlated Gaussian blobs and a starting point (random data points as means)."""
    rng = np.random.default_rng(0)
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


def test_fit_gmm(benchmark, problem):
    X, init = problem
    benchmark.group, benchmark.extra_info = GROUP, {"ours": True}
    fit = benchmark(fit_gmm, X, N_COMPONENTS, init=init, tol=0.0, max_iter=N_ITER)
    assert fit.n_iter == N_ITER


def test_scikit_learn(benchmark, problem):
    X, init = problem

    def fit() -> GaussianMixture:
        model = GaussianMixture(
            N_COMPONENTS, covariance_type="full", reg_covar=1e-6, tol=0.0, max_iter=N_ITER,
            init_params="random_from_data", weights_init=init["weights"],
            means_init=init["means"], precisions_init=np.linalg.inv(init["covariances"]),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(X)

    benchmark.group = GROUP
    assert benchmark(fit).n_iter_ == N_ITER
