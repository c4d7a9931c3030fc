"""EM for Gaussian mixtures: agreement with scikit-learn, monotonicity, collapse, validation."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from helpers.gmm import SingularCovarianceError, fit_gmm, m_step


def blobs(seed, n_per=200, n_features=2, n_components=3, spread=4.0):
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(n_components):
        mixing = rng.normal(size=(n_features, n_features)) / np.sqrt(n_features) + np.eye(
            n_features
        )
        centre = rng.normal(0, spread, n_features)
        parts.append(rng.normal(size=(n_per, n_features)) @ mixing + centre)
    return np.concatenate(parts)


def start(X, n_components, seed=1):
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    return {
        "weights": np.full(n_components, 1 / n_components),
        "means": X[rng.choice(len(X), n_components, replace=False)],
        "covariances": np.stack([np.eye(d)] * n_components),
    }


def sklearn_fit(X, init, **kwargs):
    model = GaussianMixture(
        len(init["weights"]),
        covariance_type="full",
        weights_init=init["weights"],
        means_init=init["means"],
        precisions_init=np.linalg.inv(init["covariances"]),
        **kwargs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X)


@pytest.mark.parametrize(
    ("n_features", "n_components", "reg_covar", "tol", "max_iter"),
    [
        (2, 3, 1e-6, 1e-10, 500),
        (5, 4, 1e-3, 1e-6, 300),
        (3, 2, 1e-6, 1e-3, 100),
        (4, 3, 0.0, 0.0, 30),
    ],
)
def test_matches_sklearn_from_the_same_start(n_features, n_components, reg_covar, tol, max_iter):
    X = blobs(0, n_features=n_features, n_components=n_components)
    init = start(X, n_components)
    ours = fit_gmm(X, n_components, reg_covar=reg_covar, tol=tol, max_iter=max_iter, init=init)
    ref = sklearn_fit(X, init, reg_covar=reg_covar, tol=tol, max_iter=max_iter)
    assert ours.n_iter == ref.n_iter_ and ours.converged == ref.converged_
    assert ours.log_likelihood[-1] == pytest.approx(ref.lower_bound_, rel=1e-8)
    np.testing.assert_allclose(ours.log_likelihood, ref.lower_bounds_, rtol=1e-8)
    np.testing.assert_allclose(ours.weights_, ref.weights_, atol=1e-6)
    np.testing.assert_allclose(ours.means_, ref.means_, atol=1e-6)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, atol=1e-6)
    assert ours.score(X) == pytest.approx(ref.score(X), rel=1e-8)


def test_m_step_with_hard_assignments_gives_each_groups_share_mean_and_covariance():
    X = blobs(2, n_per=30, n_features=3, n_components=2)
    labels = np.repeat([0, 1], 30)
    labels[:5] = 1  # groups of 25 and 35
    resp = np.eye(2)[labels]
    weights, means, covariances, nk = m_step(X, resp, reg_covar=0.1)
    np.testing.assert_allclose(nk, [25, 35])
    np.testing.assert_allclose(weights, [25 / 60, 35 / 60])
    for k in (0, 1):
        group = X[labels == k]
        np.testing.assert_allclose(means[k], group.mean(axis=0))
        expected = np.cov(group.T, bias=True) + 0.1 * np.eye(3)
        np.testing.assert_allclose(covariances[k], expected, rtol=1e-12)
        np.testing.assert_array_equal(covariances[k], covariances[k].T)


def test_converging_case_stops_before_max_iter_like_sklearn():
    X = blobs(3)
    init = start(X, 3, seed=4)
    ours = fit_gmm(X, 3, tol=1e-8, max_iter=1000, init=init)
    ref = sklearn_fit(X, init, tol=1e-8, max_iter=1000)
    assert ours.converged and ref.converged_ and 5 < ours.n_iter == ref.n_iter_ < 1000


# Random blob problems for the two properties below.
BLOBS = {
    "seed": st.integers(0, 2**32 - 1),
    "n_features": st.integers(1, 4),
    "n_components": st.integers(1, 4),
    "n_per": st.integers(15, 80),
    "spread": st.floats(0.0, 6.0),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**BLOBS)
def test_plain_em_log_likelihood_never_decreases(seed, n_features, n_components, n_per, spread):
    # Only plain EM (reg_covar=0) is monotone, as in scikit-learn's own test: with
    # reg_covar > 0 the M-step returns S + reg_covar * I, which maximizes the
    # likelihood minus a penalty that changes with the responsibilities, so the
    # log-likelihood may fall slightly (seen: by 3e-8).
    X = blobs(seed, n_per=n_per, n_features=n_features, n_components=n_components, spread=spread)
    try:
        init = start(X, n_components, seed)
        fit = fit_gmm(X, n_components, reg_covar=0.0, tol=0.0, max_iter=40, init=init)
    except SingularCovarianceError:
        assume(False)  # plain EM may collapse on random data; that case is tested below
    steps = np.diff(fit.log_likelihood)
    assert np.all(steps >= -1e-9 * (1 + np.abs(fit.log_likelihood[1:]))), steps.min()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**BLOBS, reg_covar=st.sampled_from([1e-6, 1e-3, 0.1]))
def test_regularized_em_keeps_every_eigenvalue_at_least_reg_covar(
    seed, n_features, n_components, n_per, spread, reg_covar
):
    # What regularization does promise: S + reg_covar * I with S positive
    # semi-definite, so no covariance eigenvalue falls below reg_covar (up to
    # rounding relative to the largest one) and every log-likelihood is finite.
    X = blobs(seed, n_per=n_per, n_features=n_features, n_components=n_components, spread=spread)
    init = start(X, n_components, seed)
    fit = fit_gmm(X, n_components, reg_covar=reg_covar, tol=0.0, max_iter=40, init=init)
    eigenvalues = np.linalg.eigvalsh(fit.covariances_)
    rounding = 1e-12 * eigenvalues.max()
    assert eigenvalues.min() >= reg_covar - rounding, (eigenvalues.min(), reg_covar)
    assert np.all(np.isfinite(fit.log_likelihood))


def test_collapse_raises_without_regularization_naming_component_and_iteration(collapse_problem):
    X, init = collapse_problem
    with pytest.raises(SingularCovarianceError, match=r"component 2 .* iteration \d+") as info:
        fit_gmm(X, 3, reg_covar=0.0, tol=1e-6, init=init)
    error = info.value
    assert isinstance(error, ValueError) and error.component == 2 and error.iteration >= 1
    assert len(error.log_likelihood) == error.iteration
    assert "reg_covar" in str(error)


def test_collapse_survives_with_regularization(collapse_problem):
    X, init = collapse_problem
    fit = fit_gmm(X, 3, reg_covar=1e-6, tol=1e-6, init=init)
    assert fit.converged and np.all(np.isfinite(fit.log_likelihood))
    np.testing.assert_allclose(fit.means_[2], [-3.0, 7.0], atol=1e-9)
    np.testing.assert_allclose(fit.covariances_[2], 1e-6 * np.eye(2), rtol=1e-6, atol=1e-20)


def test_collapse_onto_one_point_is_caught_although_cholesky_succeeds():
    # 1-D: a component on a single point gets a variance of rounding noise (~1e-28);
    # Cholesky accepts it and its condition number is 1. (Found by hypothesis: EM then
    # lets the log-likelihood oscillate with the rounding noise.)
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, size=(150, 1)), [[8.0]]])
    init = {"weights": [0.5, 0.5], "means": [[0.0], [7.0]], "covariances": [[[1.0]], [[1.0]]]}
    with pytest.raises(SingularCovarianceError, match=r"component 1 .* iteration 2") as info:
        fit_gmm(X, 2, reg_covar=0.0, tol=0.0, max_iter=40, init=init)
    assert "responsibilities sum to 1." in str(info.value)
    fit = fit_gmm(X, 2, reg_covar=1e-6, tol=0.0, max_iter=40, init=init)
    assert fit.covariances_[1, 0, 0] == pytest.approx(1e-6)


def test_tiny_starting_covariance_is_reported_at_iteration_0(collapse_problem):
    X, init = collapse_problem
    init["covariances"][0] = 1e-20 * np.eye(2)
    with pytest.raises(SingularCovarianceError, match="component 0 .*starting point"):
        fit_gmm(X, 3, init=init)


def test_singular_starting_covariance_is_reported_at_iteration_0(collapse_problem):
    X, init = collapse_problem
    init["covariances"][1] = np.ones((2, 2))
    with pytest.raises(SingularCovarianceError, match="component 1 .*starting point") as info:
        fit_gmm(X, 3, init=init)
    assert info.value.iteration == 0


def test_non_finite_log_likelihood_is_reported_with_the_component():
    X = blobs(0, n_per=20)  # so far from the mean that every squared distance overflows
    init = {"weights": [1.0], "means": [[1e160, 1e160]], "covariances": [np.eye(2)]}
    with pytest.raises(SingularCovarianceError, match="component 0 .*non-finite") as info:
        fit_gmm(X, 1, init=init)
    assert info.value.iteration == 1 and info.value.log_likelihood[0] == -np.inf


@pytest.mark.parametrize(
    ("X", "n_components", "message"),
    [
        (np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]]), 1, "NaN or inf"),
        (np.array([[0.0, 1.0], [np.inf, 2.0], [1.0, 1.0]]), 1, "NaN or inf"),
        (np.arange(10.0), 2, "2-D"),
        (np.ones((3, 2)), 4, "n_components"),
        (np.ones((3, 2)), 0, "n_components"),
    ],
    ids=["nan", "inf", "1-D", "too many components", "zero components"],
)
def test_bad_input_raises_value_error(X, n_components, message):
    with pytest.raises(ValueError, match=message):
        fit_gmm(X, n_components, init={})  # X and n_components are checked before init


def test_non_symmetric_starting_covariance_raises(collapse_problem):
    X, init = collapse_problem
    init["covariances"][0] = [[1.0, 0.5], [0.4, 1.0]]
    with pytest.raises(ValueError, match="symmetric"):
        fit_gmm(X, 3, init=init)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"reg_covar": -1.0}, ValueError, "reg_covar"),
        ({"tol": np.nan}, ValueError, "tol"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"init": {"means": np.zeros((2, 2))}}, ValueError, "init"),
        (
            {
                "init": {
                    "weights": [0.5, 0.6],
                    "means": np.zeros((2, 2)),
                    "covariances": np.stack([np.eye(2)] * 2),
                }
            },
            ValueError,
            "sum to 1",
        ),
        (
            {
                "init": {
                    "weights": [0.5, 0.5],
                    "means": np.zeros((3, 2)),
                    "covariances": np.stack([np.eye(2)] * 2),
                }
            },
            ValueError,
            "shape",
        ),
    ],
)
def test_bad_arguments_raise(kwargs, error, message):
    X = blobs(0, n_per=10)
    with pytest.raises(error, match=message):
        fit_gmm(X, 2, **{"init": start(X, 2), **kwargs})


def test_init_must_be_a_dict():
    with pytest.raises(TypeError, match="init must be a dict, got list"):
        fit_gmm(blobs(0, n_per=10), 2, init=[0.5, 0.5])


def test_n_components_must_be_an_integer():
    with pytest.raises(TypeError, match="n_components"):
        fit_gmm(np.ones((5, 2)), 2.0, init={})


def test_complex_data_or_start_is_refused_not_truncated():
    """numpy dropped the imaginary part with only a ComplexWarning, and EM ran on the rest."""
    X = np.random.default_rng(0).random((20, 2))
    with pytest.raises(TypeError, match=r"X must hold real numbers, got dtype complex128"):
        fit_gmm(X + 1j, 2, init=start(X, 2))
    imaginary = {"weights": [0.5, 0.5], "means": [[0, 0], [1, 1j]], "covariances": [np.eye(2)] * 2}
    with pytest.raises(TypeError, match=r"init\['means'\] must hold real numbers"):
        fit_gmm(X, 2, init=imaginary)
    with pytest.raises(TypeError, match="rectangular array"):
        fit_gmm([[1.0, 2.0], [3.0]], 2, init={})
