"""The programming exercises of notebook 01: M-steps with a diagonal and with a tied covariance.

Notebook 01 writes the full-covariance M-step in its cells (section 6); the
student writes the two variants scikit-learn calls ``covariance_type="diag"``
and ``"tied"``, each with ``reg_covar`` where it belongs. The references are
written out here (``helpers.gmm`` fits full covariances only); the package's
full M-step and scikit-learn's own estimators are guarded too, so that a
function which only calls one of them is told to write it itself.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers import gmm
from helpers.exercises import Case, exercise

__all__: list[str] = []


def _m_step_diagonal(X: np.ndarray, resp: np.ndarray, reg_covar: float) -> tuple:
    """Weights (K,), means (K, d) and per-feature variances (K, d) plus ``reg_covar``."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    variances = np.empty_like(means)
    for k in range(len(nk)):
        variances[k] = resp[:, k] @ (X - means[k]) ** 2 / nk[k] + reg_covar
    return nk / len(X), means, variances


def _m_step_tied(X: np.ndarray, resp: np.ndarray, reg_covar: float) -> tuple:
    """Weights (K,), means (K, d) and one covariance (d, d) shared by all components."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    covariance = np.zeros((X.shape[1], X.shape[1]))
    for k in range(len(nk)):
        diff = X - means[k]
        covariance += (resp[:, k] * diff.T) @ diff
    return nk / len(X), means, covariance / len(X) + reg_covar * np.eye(X.shape[1])


def _sklearn_estimators() -> tuple[Callable, ...]:
    """scikit-learn's own M-step functions, when this version has them."""
    try:
        from sklearn.mixture import _gaussian_mixture as sk
    except ImportError:  # pragma: no cover - scikit-learn is in the lock file
        return ()
    names = (
        "_estimate_gaussian_parameters",
        "_estimate_gaussian_covariances_diag",
        "_estimate_gaussian_covariances_tied",
    )
    return tuple(getattr(sk, n) for n in names if hasattr(sk, n))


def _cases(rng: np.random.Generator) -> list[Case]:
    def data(n: int, d: int) -> np.ndarray:  # features with their own offsets and scales
        return rng.normal(rng.uniform(-5, 5, d), rng.uniform(0.5, 3, d), size=(n, d))

    def soft(n: int, k: int) -> np.ndarray:  # responsibilities: rows of k that sum to 1
        return rng.dirichlet(np.full(k, 0.7), size=n)

    def reg() -> float:
        return float(10 ** rng.uniform(-3, -1))

    n, d, k = int(rng.integers(20, 60)), int(rng.integers(2, 6)), int(rng.integers(2, 5))
    hard = np.eye(3)[rng.permutation(np.arange(24) % 3)]  # 8 points for each component
    tiny = soft(30, 3)
    tiny[:, 2] *= 1e-6  # the last component holds almost nothing
    tiny /= tiny.sum(axis=1, keepdims=True)
    constant = data(25, 3)
    constant[:, 1] = 4.0
    duplicated = data(25, 3)
    duplicated[:, 2] = duplicated[:, 0]
    return [
        Case(f"{n} points, {d} features, {k} components", (data(n, d), soft(n, k), reg())),
        Case("hard assignments (responsibilities 0 or 1)", (data(24, 4), hard, reg())),
        Case("one point per component", (data(3, 2), np.eye(3), 0.01)),
        Case("a component with a tiny weight", (data(30, 2), tiny, reg())),
        Case("one feature", (data(15, 1), soft(15, 2), reg())),
        Case(
            "a constant feature and a duplicated one",
            (np.hstack([constant, duplicated]), soft(25, 2), reg()),
        ),
        Case("reg_covar 0", (data(40, 3), soft(40, 3), 0.0)),
    ]


def _variances(
    X: np.ndarray,
    resp: np.ndarray,
    reg_covar: float,
    divide_by_n: bool = False,
    centre: bool = True,
    add_reg: bool = True,
) -> tuple:
    """The diagonal M-step, or a usual mistake: over N, around the origin, no reg_covar."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    spread = [(X - means[k]) if centre else X for k in range(len(nk))]
    variances = np.stack(
        [resp[:, k] @ spread[k] ** 2 / (len(X) if divide_by_n else nk[k]) for k in range(len(nk))]
    )
    return nk / len(X), means, variances + (reg_covar if add_reg else 0.0)


exercise(
    "01.5",
    reference=_m_step_diagonal,
    cases=_cases,
    why="each component's variances, feature by feature, around its new mean, weighted by "
    "the responsibilities, plus reg_covar.",
    mistakes=(
        (
            lambda X, resp, reg_covar: _variances(X, resp, reg_covar, add_reg=False),
            "your variances lack reg_covar: with one point per component they are exactly 0, "
            "the singular covariance reg_covar is there to prevent.",
        ),
        (
            lambda X, resp, reg_covar: _variances(X, resp, reg_covar, divide_by_n=True),
            "your variances are too small by the factor N_k / N (the component's share of the "
            "points): a component's spread is an average over the points it holds, N_k of them.",
        ),
        (
            lambda X, resp, reg_covar: _variances(X, resp, reg_covar, centre=False),
            "your variances grow with the distance of the component's mean from 0: they measure "
            "the spread around the origin, not around the component's new mean.",
        ),
    ),
    guarded=(_m_step_diagonal, gmm.m_step, *_sklearn_estimators()),
    names=("weights", "means", "variances"),
)


def _tied(
    X: np.ndarray,
    resp: np.ndarray,
    reg_covar: float,
    around: str = "component",
    weigh: str = "points",
    reg_on: str = "diagonal",
) -> tuple:
    """The tied M-step, or one of its usual mistakes (the reference itself is guarded)."""
    n, d = X.shape
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    if around == "data":
        diff = X - X.mean(axis=0)
        covariance = diff.T @ diff / n
    else:
        per_component = np.stack(
            [(resp[:, k] * (X - means[k]).T) @ (X - means[k]) / nk[k] for k in range(len(nk))]
        )
        share = nk / n if weigh == "points" else np.full(len(nk), 1 / len(nk))
        covariance = np.tensordot(share, per_component, axes=1)
    added = reg_covar * (np.eye(d) if reg_on == "diagonal" else np.ones((d, d)))
    return nk / n, means, covariance + added


exercise(
    "01.6",
    reference=_m_step_tied,
    cases=_cases,
    why="one covariance for all components: every point's spread around its component's new "
    "mean, weighted by the responsibilities, over all N points, plus reg_covar on the diagonal.",
    mistakes=(
        (
            lambda X, resp, reg_covar: _tied(X, resp, reg_covar, reg_on="every entry"),
            "reg_covar is added to every entry of your covariance, off the diagonal too: that "
            "changes the covariances between features, and a duplicated feature stays singular.",
        ),
        (
            lambda X, resp, reg_covar: _tied(X, resp, reg_covar, around="data"),
            "your covariance is the spread of all the points around the data's overall mean: it "
            "also counts how far apart the component means are.",
        ),
        (
            lambda X, resp, reg_covar: _tied(X, resp, reg_covar, weigh="equally"),
            "your covariance weighs every component equally: a component with a tiny weight "
            "counts as much as one that holds most of the points.",
        ),
    ),
    guarded=(_m_step_tied, gmm.m_step, *_sklearn_estimators()),
    names=("weights", "means", "covariance"),
)
