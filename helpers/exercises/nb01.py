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


def _responsibilities(a, *, lse=True, axis=1, total=np.mean):
    """Responsibilities and the mean log-likelihood from log-weighted densities ``a`` (N, K)."""
    if not lse:  # plain exp, then normalize
        p = np.exp(a)
        return p / p.sum(axis=axis, keepdims=True), total(np.log(p.sum(axis=1)))
    log_norm = _logsumexp(a, axis, keepdims=True)
    return np.exp(a - log_norm), total(_logsumexp(a, 1))


def _weighted(X, weights, means, covariances):
    return np.log(weights) + _log_densities(X, means, covariances)


def _weighted_with(X, weights, means, covariances, *, log_det="half", quadratic="precision",
                   two_pi=True):
    """Log-densities plus log-weights with a changed determinant or quadratic term."""
    d = X.shape[1]
    out = np.empty((len(X), len(means)))
    for k, (mean, cov) in enumerate(zip(means, covariances, strict=True)):
        diff = X - mean
        inner = cov if quadratic == "covariance" else np.linalg.inv(cov)
        maha = np.einsum("ni,ij,nj->n", diff, inner, diff)
        constant = d * np.log(2 * np.pi) if two_pi else 0.0
        out[:, k] = -0.5 * (constant + maha) - _log_det_term(cov, log_det)
    return np.log(weights) + out


def _log_det_term(cov, log_det):
    """Half the log-determinant ("half"), or a usual mistake: "whole", "det", "none"."""
    if log_det == "det":
        return 0.5 * np.linalg.det(cov)
    if log_det == "none":
        return 0.0
    log_abs_det = np.linalg.slogdet(cov)[1]
    return log_abs_det if log_det == "whole" else 0.5 * log_abs_det


def _e_step(X, weights, means, covariances):
    return _responsibilities(_weighted(X, weights, means, covariances))


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


def _no_log_sum_exp(X, weights, means, covariances):
    return _responsibilities(_weighted(X, weights, means, covariances), lse=False)


def _wrong_axis(X, weights, means, covariances):
    return _responsibilities(_weighted(X, weights, means, covariances), axis=0)


def _no_weights(X, weights, means, covariances):
    return _responsibilities(_log_densities(X, means, covariances))


def _weights_not_log(X, weights, means, covariances):
    return _responsibilities(weights + _log_densities(X, means, covariances))


def _det_not_log(X, weights, means, covariances):
    return _responsibilities(_weighted_with(X, weights, means, covariances, log_det="det"))


def _no_half_log_det(X, weights, means, covariances):
    return _responsibilities(_weighted_with(X, weights, means, covariances, log_det="whole"))


def _no_log_det(X, weights, means, covariances):
    return _responsibilities(_weighted_with(X, weights, means, covariances, log_det="none"))


def _covariance_not_inverse(X, weights, means, covariances):
    a = _weighted_with(X, weights, means, covariances, quadratic="covariance")
    return _responsibilities(a)


def _no_2pi(X, weights, means, covariances):
    return _responsibilities(_weighted_with(X, weights, means, covariances, two_pi=False))


def _sum_not_mean(X, weights, means, covariances):
    return _responsibilities(_weighted(X, weights, means, covariances), total=np.sum)


exercise(
    "01.1",
    title="the E-step, in log space",
    why=(
        "each point's log-densities plus the log-weights, normalized over the components by log-"
        "sum-exp: the largest term is shifted to 0 before exp, so a point far from every component"
        " still gets responsibilities that sum to 1, and its log-likelihood stays finite."
    ),
    reference=_e_step,
    cases=_e_cases,
    mistakes={
        _no_log_sum_exp: (
            "your responsibilities are NaN (0/0) for a point far from every component: exp of its "
            "log-densities underflows to 0. Normalize in log space: subtract each point's log-sum-"
            "exp before exp (section 6)."
        ),
        _wrong_axis: (
            "your responsibilities sum to 1 over the points (down each column); each point's "
            "responsibilities must sum to 1 over the components (along its row)."
        ),
        _no_weights: (
            "your responsibilities ignore the mixture weights: each component's term is "
            "log(weight) plus its log-density."
        ),
        _weights_not_log: (
            "you add the weights themselves to the log-densities; in log space the factor weight "
            "becomes log(weight)."
        ),
        _det_not_log: (
            "your log-density uses the determinant of the covariance where its logarithm belongs: "
            "the term is -1/2 log det."
        ),
        _no_half_log_det: (
            "your log-density subtracts the whole log-determinant; the term is half of it, -1/2 "
            "log det."
        ),
        _no_log_det: (
            "your log-density lacks the -1/2 log det term, so a narrow component gets too little "
            "responsibility."
        ),
        _covariance_not_inverse: (
            "your quadratic form uses the covariance where its inverse belongs: (x - mean) "
            "Sigma^-1 (x - mean), which the Cholesky factor gives as |z|^2 with L z = x - mean."
        ),
        _no_2pi: (
            "your responsibilities are right, but your log-likelihood lacks the constant -d/2 "
            "log(2 pi) of each log-density."
        ),
        _sum_not_mean: (
            "your log-likelihood is the sum over the points; the exercise asks for the mean per "
            "point."
        ),
    },
    guarded=(_e_step, _SKLEARN, _SKLEARN_LOG_DET, _SKLEARN_E_STEP, _SCIPY_LOGSUMEXP,
             _SCIPY_LOGPDF, _GMM),
    names=("responsibilities", "mean log-likelihood"),
)


# --- the M-steps ---------------------------------------------------------------------------


def _moments(X, resp, reg_covar):
    """Weights, means, full covariances (without reg_covar) and R = reg_covar I."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    diff = X[None] - means[:, None]
    covariances = np.einsum("kn,kni,knj->kij", resp.T, diff, diff) / nk[:, None, None]
    return nk / len(X), means, covariances, reg_covar * np.eye(X.shape[1])


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
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, covariances + R


def _diagonal(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.einsum("kii->ki", covariances + R)


def _tied(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.tensordot(weights, covariances, axes=1) + R


def _outer(means):
    return means[:, :, None] * means[:, None, :]


def _no_reg_covar(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, covariances


def _reg_everywhere(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, covariances + reg_covar


def _over_all_points(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, covariances * weights[:, None, None] + R


def _around_origin(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, covariances + R + _outer(means)


exercise(
    "01.2",
    title="the M-step with full covariances and reg_covar",
    why=(
        "each component's weight N_k / N, its mean and its covariance around that new mean, "
        "weighted by the responsibilities and divided by N_k, plus reg_covar on the diagonal."
    ),
    reference=_full,
    cases=_cases,
    mistakes={
        _no_reg_covar: (
            "your covariances lack reg_covar: with one point per component they are exactly 0, "
            "singular."
        ),
        _reg_everywhere: (
            "reg_covar is added to every entry of your covariances, off the diagonal too; it "
            "belongs on the diagonal (reg_covar times the identity)."
        ),
        _over_all_points: (
            "your covariances are too small by the factor N_k / N: average over the N_k points of "
            "the component, not over all N."
        ),
        _around_origin: (
            "your covariances measure the spread around the origin, not around the component's new"
            " mean."
        ),
    },
    guarded=(_full, gmm.m_step, _SKLEARN, _GMM),
    names=("weights", "means", "covariances"),
)


def _no_reg_covar_diagonal(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.einsum("kii->ki", covariances)


def _over_all_points_diagonal(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.einsum("kii,k->ki", covariances, weights) + reg_covar


def _around_origin_diagonal(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.einsum("kii->ki", covariances + R) + means**2


exercise(
    "01.7",
    title="the M-step with diagonal covariances (one variance per feature)",
    why=(
        "each component's variances, feature by feature, around its new mean, weighted by the "
        "responsibilities, plus reg_covar."
    ),
    reference=_diagonal,
    cases=_cases,
    mistakes={
        _no_reg_covar_diagonal: (
            "your variances lack reg_covar: with one point per component they are exactly 0."
        ),
        _over_all_points_diagonal: (
            "your variances are too small by the factor N_k / N: average over the N_k points."
        ),
        _around_origin_diagonal: (
            "your variances measure the spread around the origin, not around the component's new "
            "mean."
        ),
    },
    guarded=(_diagonal, gmm.m_step, _SKLEARN, _GMM),
    names=("weights", "means", "variances"),
)


def _reg_everywhere_tied(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.tensordot(weights, covariances, axes=1) + reg_covar


def _overall_mean(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, np.cov(X.T, bias=True) + R


def _equal_weights(X, resp, reg_covar):
    weights, means, covariances, R = _moments(X, resp, reg_covar)
    return weights, means, covariances.mean(axis=0) + R


exercise(
    "01.8",
    title="the M-step with one covariance shared by all components (tied)",
    why=(
        "one covariance for all components: every point's spread around its component's new mean, "
        "weighted by the responsibilities, over all N points, plus reg_covar on the diagonal."
    ),
    reference=_tied,
    cases=_cases,
    mistakes={
        _reg_everywhere_tied: (
            "reg_covar is added to every entry of your covariance, off the diagonal too."
        ),
        _overall_mean: (
            "your covariance is the spread around the data's overall mean, not each component's."
        ),
        _equal_weights: (
            "your covariance weighs every component equally, even one with a tiny weight."
        ),
    },
    guarded=(_tied, gmm.m_step, _SKLEARN, _GMM),
    names=("weights", "means", "covariance"),
)
