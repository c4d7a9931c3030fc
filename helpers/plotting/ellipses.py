"""Covariance ellipses: where a 2-D Gaussian puts most of its mass (notebook 01)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Ellipse

from helpers.validation import _check_covariance, check_number

__all__ = ["covariance_ellipse"]


def _ellipse_geometry(cov: np.ndarray, n_std: float = 2.0) -> tuple[float, float, float]:
    """Full width, height and angle (degrees) of the ``n_std`` ellipse of a 2x2 covariance.

    The axes point along the eigenvectors, ``n_std`` standard deviations each way.
    """
    cov = _check_covariance(cov)
    if cov.shape != (2, 2):
        raise ValueError(f"an ellipse needs a 2x2 covariance, got shape {cov.shape}")
    check_number(n_std, "n_std", low=0, low_inclusive=False)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    if eigenvalues[0] < -1e-12 * eigenvalues[1]:
        raise ValueError(
            f"cov has a negative eigenvalue ({eigenvalues[0]:.3g}): no Gaussian has it, so it "
            "has no ellipse"
        )
    width, height = 2 * n_std * np.sqrt(np.clip(eigenvalues[::-1], 0, None))  # clip rounding
    angle = np.degrees(np.arctan2(eigenvectors[1, 1], eigenvectors[0, 1]))  # the major axis
    return float(width), float(height), float(angle)


def covariance_ellipse(
    ax: Axes, cov: np.ndarray, mean=(0.0, 0.0), n_std: float = 2.0, **kwargs
) -> Ellipse:
    """Draw the ``n_std`` ellipse of a 2x2 covariance centred at ``mean`` on ``ax``; return it.

    ``kwargs`` go to :class:`matplotlib.patches.Ellipse`; it is not filled unless ``fill=True``.
    """
    width, height, angle = _ellipse_geometry(cov, n_std)
    kwargs.setdefault("fill", False)
    centre = tuple(np.asarray(mean, dtype=float))
    return ax.add_patch(Ellipse(centre, width, height, angle=angle, **kwargs))
