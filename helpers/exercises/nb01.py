"""The programming exercises of notebook 01: M-steps with a diagonal and with a tied covariance."""

import numpy as np

from helpers import gmm
from helpers.exercises import _exercise

# scikit-learn's own estimators, guarded by file (importing scikit-learn takes a second)
_SKLEARN = ("sklearn/mixture/_gaussian_mixture.py", "_estimate_gaussian_")


def _m_step(last):
    """An M-step with covariances ``last(X, R, weights, means, covariances)``, R = reg_covar I."""

    def m_step(X, resp, reg_covar):
        nk = resp.sum(axis=0)
        means = resp.T @ X / nk[:, None]
        diff = X[None] - means[:, None]
        covariances = np.einsum("kn,kni,knj->kij", resp.T, diff, diff) / nk[:, None, None]
        R = reg_covar * np.eye(X.shape[1])
        return nk / len(X), means, last(X, R, nk / len(X), means, covariances)

    return m_step


def _cases(rng: np.random.Generator) -> dict:
    def data(n: int, d: int) -> np.ndarray:  # features with their own offsets and scales
        return rng.normal(rng.uniform(-5, 5, d), rng.uniform(0.5, 3, d), size=(n, d))

    def soft(n: int, k: int) -> np.ndarray:  # responsibilities: rows of k that sum to 1
        return rng.dirichlet(np.full(k, 0.7), size=n)

    reg = float(10 ** rng.uniform(-3, -1))
    n, d, k = int(rng.integers(20, 60)), int(rng.integers(2, 6)), int(rng.integers(2, 5))
    hard = np.eye(3)[rng.permutation(np.arange(24) % 3)]  # 8 points for each component
    tiny = soft(30, 3) * [1, 1, 1e-6]  # the last component holds almost nothing
    tiny /= tiny.sum(axis=1, keepdims=True)
    mixed = data(25, 6)
    mixed[:, 1], mixed[:, 5] = 4.0, mixed[:, 3]  # a constant feature and a duplicated one
    return {
        f"{n} points, {d} features, {k} components": (data(n, d), soft(n, k), reg),
        "hard assignments (responsibilities 0 or 1)": (data(24, 4), hard, reg),
        "one point per component": (data(3, 2), np.eye(3), 0.01),
        "a component with a tiny weight": (data(30, 2), tiny, reg),
        "one feature": (data(15, 1), soft(15, 2), reg),
        "a constant feature and a duplicated one": (mixed, soft(25, 2), reg),
        "reg_covar 0": (data(40, 3), soft(40, 3), 0.0),
    }


def _diagonal(X, resp, reg_covar):
    return _m_step(lambda X, R, w, m, c: np.einsum("kii->ki", c + R))(X, resp, reg_covar)


def _tied(X, resp, reg_covar):
    return _m_step(lambda X, R, w, m, c: np.tensordot(w, c, axes=1) + R)(X, resp, reg_covar)


_exercise(
    "01.5",
    reference=_diagonal,
    cases=_cases,
    mistakes={
        "no_reg_covar": _m_step(lambda X, R, w, m, c: np.einsum("kii->ki", c)),
        "over_all_points": _m_step(lambda X, R, w, m, c: np.einsum("kii,k->ki", c, w) + R[0, 0]),
        "around_origin": _m_step(lambda X, R, w, m, c: np.einsum("kii->ki", c + R) + m**2),
    },
    guarded=(_diagonal, gmm._m_step, _SKLEARN),
    names=("weights", "means", "variances"),
)

_exercise(
    "01.6",
    reference=_tied,
    cases=_cases,
    mistakes={
        "reg_everywhere": _m_step(lambda X, R, w, m, c: np.tensordot(w, c, axes=1) + R[0, 0]),
        "overall_mean": _m_step(lambda X, R, w, m, c: np.cov(X.T, bias=True) + R),
        "equal_weights": _m_step(lambda X, R, w, m, c: c.mean(axis=0) + R),
    },
    guarded=(_tied, gmm._m_step, _SKLEARN),
    names=("weights", "means", "covariance"),
)
