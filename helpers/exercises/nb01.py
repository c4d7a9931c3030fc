"""The programming exercises of notebook 01: the E-step in log space, and M-steps with a
full, a diagonal and a tied covariance."""

import numpy as np
from scipy.linalg import solve_triangular

from helpers import gmm
from helpers.exercises._framework import exercise

# scikit-learn's own estimators and E-step, guarded by file (importing scikit-learn takes a
# second), and every function of helpers/gmm.py (fit_gmm, its E- and M-step, score)
_SKLEARN = ("sklearn/mixture/_gaussian_mixture.py", "_estimate_")
_SKLEARN_LOG_DET = ("sklearn/mixture/_gaussian_mixture.py", "_compute_log_det")
_SKLEARN_E_STEP = ("sklearn/mixture/_base.py", "_e")  # _e_step, _estimate_log_prob_resp, ...
_SCIPY_LOGSUMEXP = ("scipy/special/_logsumexp.py", "logsumexp")
_SCIPY_LOGPDF = ("scipy/stats/_multivariate.py", "logpdf")
_GMM = ("helpers/gmm.py", "")


# --- the E-step ----------------------------------------------------------------------------


def _log_densities(X, means, covariances):
    """``log N(x_i | means[k], covariances[k])``, shape (N, K), through Cholesky factors."""
    out = np.empty((len(X), len(means)))
    for k, (mean, cov) in enumerate(zip(means, covariances, strict=True)):
        lower = np.linalg.cholesky(cov)
        z = solve_triangular(lower, (X - mean).T, lower=True)
        log_det = 2 * np.log(np.diag(lower)).sum()
        out[:, k] = -0.5 * (X.shape[1] * np.log(2 * np.pi) + log_det + (z**2).sum(axis=0))
    return out


def _logsumexp(a, axis, keepdims=False):
    """``log(exp(a).sum(axis))``, shifted by the largest term (scipy's is guarded)."""
    top = a.max(axis=axis, keepdims=True)
    out = top + np.log(np.exp(a - top).sum(axis=axis, keepdims=True))
    return out if keepdims else out.squeeze(axis)


def _e_step_from(log_weighted, *, lse=True, axis=1, total=np.mean):
    """An E-step from ``log_weighted(X, weights, means, covariances)``, shape (N, K)."""

    def e_step(X, weights, means, covariances):
        a = log_weighted(X, weights, means, covariances)
        if not lse:  # plain exp, then normalize
            p = np.exp(a)
            return p / p.sum(axis=axis, keepdims=True), total(np.log(p.sum(axis=1)))
        log_norm = _logsumexp(a, axis, keepdims=True)
        return np.exp(a - log_norm), total(_logsumexp(a, 1))

    return e_step


def _weighted(X, weights, means, covariances):
    return np.log(weights) + _log_densities(X, means, covariances)


def _density_with(log_det_term, quadratic="precision", two_pi=True):
    """Log-densities plus log-weights with a changed determinant or quadratic term."""

    def log_weighted(X, weights, means, covariances):
        d = X.shape[1]
        out = np.empty((len(X), len(means)))
        for k, (mean, cov) in enumerate(zip(means, covariances, strict=True)):
            diff = X - mean
            inner = cov if quadratic == "covariance" else np.linalg.inv(cov)
            maha = np.einsum("ni,ij,nj->n", diff, inner, diff)
            constant = d * np.log(2 * np.pi) if two_pi else 0.0
            out[:, k] = -0.5 * (constant + maha) - log_det_term(cov)
        return np.log(weights) + out

    return log_weighted


def _half_log_det(cov):
    return 0.5 * np.linalg.slogdet(cov)[1]


def _e_step(X, weights, means, covariances):
    return _e_step_from(_weighted)(X, weights, means, covariances)


def _spd(rng: np.random.Generator, d: int, scale: float) -> np.ndarray:
    """A random covariance: positive definite, correlated, ``scale`` times about 1."""
    a = rng.normal(size=(d, d))
    return scale * (a @ a.T / d + 0.3 * np.eye(d))


def _mixture(rng: np.random.Generator, k: int, d: int) -> tuple[np.ndarray, ...]:
    weights = rng.dirichlet(np.full(k, 2.0))
    means = rng.normal(0, 3, size=(k, d))
    covariances = np.stack([_spd(rng, d, rng.uniform(0.3, 3)) for _ in range(k)])
    return weights, means, covariances


def _points(rng: np.random.Generator, means: np.ndarray, n: int) -> np.ndarray:
    return means[rng.integers(len(means), size=n)] + rng.normal(0, 1.5, (n, means.shape[1]))


def _e_cases(rng: np.random.Generator) -> dict:
    n, d, k = int(rng.integers(20, 60)), int(rng.integers(2, 6)), int(rng.integers(2, 5))
    mixture = _mixture(rng, k, d)
    # the lesson's data: two clouds and a far-away point whose densities all underflow to 0
    lesson_means = np.array([[0.0, 0.0], [5.0, 3.0], [-3.0, 7.0]])
    far = np.concatenate([_points(rng, lesson_means[:2], 30), [[400.0, -300.0]]])
    lesson = (np.full(3, 1 / 3), lesson_means, np.stack([np.eye(2)] * 3))
    # the lesson's collapse: a needle 1e-6 I on three identical records
    needle = np.concatenate([_points(rng, lesson_means[:2], 20), np.repeat([[-3.0, 7.0]], 3, 0)])
    needle_mixture = (np.array([0.49, 0.5, 0.01]), lesson_means + [[0.3, -0.2], [0, 0.4], [0, 0]],
                      np.stack([_spd(rng, 2, 1.0), _spd(rng, 2, 2.0), 1e-6 * np.eye(2)]))
    # a nearly singular covariance: correlation 0.999999, scaled
    scales = np.diag([2.0, 0.5])
    near = scales @ np.array([[1.0, 0.999999], [0.999999, 1.0]]) @ scales
    near_means = rng.normal(0, 1, (2, 2))
    near_mixture = (np.array([0.3, 0.7]), near_means, np.stack([near, _spd(rng, 2, 1)]))
    one = _mixture(rng, 1, 3)
    line = _mixture(rng, 3, 1)
    on_mean = _mixture(rng, 3, 3)
    return {
        f"{n} points, {d} features, {k} components": (_points(rng, mixture[1], n), *mixture),
        "a point far from every component (all its densities underflow to 0)": (far, *lesson),
        "a collapsed component: 1e-6 I on three identical points": (needle, *needle_mixture),
        "a covariance with correlation 0.999999": (_points(rng, near_means, 25), *near_mixture),
        "one component": (_points(rng, one[1], 12), *one),
        "one feature": (_points(rng, line[1], 15), *line),
        "points exactly on the means": (on_mean[1].copy(), *on_mean),
    }


exercise(
    "01.1",
    reference=_e_step,
    cases=_e_cases,
    mistakes={
        "no_log_sum_exp": _e_step_from(_weighted, lse=False),
        "wrong_axis": _e_step_from(_weighted, axis=0),
        "no_weights": _e_step_from(lambda X, w, m, c: _log_densities(X, m, c)),
        "weights_not_log": _e_step_from(lambda X, w, m, c: w + _log_densities(X, m, c)),
        "det_not_log": _e_step_from(_density_with(lambda c: 0.5 * np.linalg.det(c))),
        "no_half_log_det": _e_step_from(_density_with(lambda c: np.linalg.slogdet(c)[1])),
        "no_log_det": _e_step_from(_density_with(lambda c: 0.0)),
        "covariance_not_inverse": _e_step_from(_density_with(_half_log_det, "covariance")),
        "no_2pi": _e_step_from(_density_with(_half_log_det, two_pi=False)),
        "sum_not_mean": _e_step_from(_weighted, total=np.sum),
    },
    guarded=(_e_step, _SKLEARN, _SKLEARN_LOG_DET, _SKLEARN_E_STEP, _SCIPY_LOGSUMEXP,
             _SCIPY_LOGPDF, _GMM),
    names=("responsibilities", "mean log-likelihood"),
)


# --- the M-steps ---------------------------------------------------------------------------


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


def _full(X, resp, reg_covar):
    return _m_step(lambda X, R, w, m, c: c + R)(X, resp, reg_covar)


def _diagonal(X, resp, reg_covar):
    return _m_step(lambda X, R, w, m, c: np.einsum("kii->ki", c + R))(X, resp, reg_covar)


def _tied(X, resp, reg_covar):
    return _m_step(lambda X, R, w, m, c: np.tensordot(w, c, axes=1) + R)(X, resp, reg_covar)


def _outer(means):
    return means[:, :, None] * means[:, None, :]


exercise(
    "01.2",
    reference=_full,
    cases=_cases,
    mistakes={
        "no_reg_covar": _m_step(lambda X, R, w, m, c: c),
        "reg_everywhere": _m_step(lambda X, R, w, m, c: c + R[0, 0]),
        "over_all_points": _m_step(lambda X, R, w, m, c: c * w[:, None, None] + R),
        "around_origin": _m_step(lambda X, R, w, m, c: c + R + _outer(m)),
    },
    guarded=(_full, gmm.m_step, _SKLEARN, _GMM),
    names=("weights", "means", "covariances"),
)

exercise(
    "01.7",
    reference=_diagonal,
    cases=_cases,
    mistakes={
        "no_reg_covar": _m_step(lambda X, R, w, m, c: np.einsum("kii->ki", c)),
        "over_all_points": _m_step(lambda X, R, w, m, c: np.einsum("kii,k->ki", c, w) + R[0, 0]),
        "around_origin": _m_step(lambda X, R, w, m, c: np.einsum("kii->ki", c + R) + m**2),
    },
    guarded=(_diagonal, gmm.m_step, _SKLEARN, _GMM),
    names=("weights", "means", "variances"),
)

exercise(
    "01.8",
    reference=_tied,
    cases=_cases,
    mistakes={
        "reg_everywhere": _m_step(lambda X, R, w, m, c: np.tensordot(w, c, axes=1) + R[0, 0]),
        "overall_mean": _m_step(lambda X, R, w, m, c: np.cov(X.T, bias=True) + R),
        "equal_weights": _m_step(lambda X, R, w, m, c: c.mean(axis=0) + R),
    },
    guarded=(_tied, gmm.m_step, _SKLEARN, _GMM),
    names=("weights", "means", "covariance"),
)
