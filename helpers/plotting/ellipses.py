"""Covariance ellipses: where a 2-D Gaussian puts most of its mass (notebook 01)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Ellipse

from helpers.covariance import eigenvalues
from helpers.validation import check_number

__all__ = ["covariance_ellipse", "ellipse_geometry"]


def ellipse_geometry(cov: np.ndarray, n_std: float = 2.0) -> tuple[float, float, float]:
    """Measure the ``n_std`` ellipse of a 2x2 covariance.

    Parameters
    ----------
    cov : array_like, shape (2, 2)
        A covariance matrix: symmetric, positive semi-definite.
    n_std : float, default=2.0
        How many standard deviations the ellipse reaches each way; more than 0.

    Returns
    -------
    width, height : float
        The full lengths of the major and the minor axis.
    angle : float
        The major axis's angle from the x axis, in degrees.

    Raises
    ------
    ValueError
        If ``cov`` is not a 2x2 covariance or ``n_std`` is not positive.
    """
    variances = eigenvalues(cov)  # refuses what is not a covariance
    if len(variances) != 2:
        raise ValueError(f"an ellipse needs a 2x2 covariance, got shape {np.shape(cov)}")
    check_number(n_std, "n_std", low=0, low_inclusive=False)
    height, width = 2 * n_std * np.sqrt(variances)  # n_std standard deviations each way
    (a, b), (_, c) = np.asarray(cov, dtype=float)
    angle = np.degrees(np.arctan2(2 * b, a - c) / 2)  # of the major axis, from the x axis
    return float(width), float(height), float(angle)


def covariance_ellipse(
    ax: Axes, cov: np.ndarray, mean=(0.0, 0.0), n_std: float = 2.0, **kwargs
) -> Ellipse:
    """Add the ``n_std`` ellipse of a 2x2 covariance to a plot.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to draw on.
    cov : array_like, shape (2, 2)
        A covariance matrix: symmetric, positive semi-definite.
    mean : (float, float), default=(0.0, 0.0)
        The ellipse's centre.
    n_std : float, default=2.0
        How many standard deviations the ellipse reaches each way; more than 0.
    **kwargs
        Passed to :class:`matplotlib.patches.Ellipse`; ``fill`` defaults to False.

    Returns
    -------
    matplotlib.patches.Ellipse
        The ellipse added to ``ax``.
    """
    width, height, angle = ellipse_geometry(cov, n_std)
    kwargs.setdefault("fill", False)
    centre = tuple(np.asarray(mean, dtype=float))
    return ax.add_patch(Ellipse(centre, width, height, angle=angle, **kwargs))
