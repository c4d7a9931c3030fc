"""Covariance ellipses: where a 2-D Gaussian puts most of its mass (notebook 01)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Ellipse

from helpers.covariance import _eigenvalues
from helpers.validation import check_number

__all__ = ["covariance_ellipse"]


def _ellipse_geometry(cov: np.ndarray, n_std: float = 2.0) -> tuple[float, float, float]:
    """Full width, height and angle (degrees) of the ``n_std`` ellipse of a 2x2 covariance."""
    eigenvalues = _eigenvalues(cov)  # refuses what is not a covariance
    if len(eigenvalues) != 2:
        raise ValueError(f"an ellipse needs a 2x2 covariance, got shape {np.shape(cov)}")
    check_number(n_std, "n_std", low=0, low_inclusive=False)
    height, width = 2 * n_std * np.sqrt(eigenvalues)  # n_std standard deviations each way
    (a, b), (_, c) = np.asarray(cov, dtype=float)
    angle = np.degrees(np.arctan2(2 * b, a - c) / 2)  # of the major axis, from the x axis
    return float(width), float(height), float(angle)


def covariance_ellipse(
    ax: Axes, cov: np.ndarray, mean=(0.0, 0.0), n_std: float = 2.0, **kwargs
) -> Ellipse:
    """Add the ``n_std`` ellipse of a 2x2 ``cov`` at ``mean`` to ``ax``; kwargs go to Ellipse."""
    width, height, angle = _ellipse_geometry(cov, n_std)
    kwargs.setdefault("fill", False)
    centre = tuple(np.asarray(mean, dtype=float))
    return ax.add_patch(Ellipse(centre, width, height, angle=angle, **kwargs))
