"""Figures for the notebooks; each kind of figure lives in its own submodule."""

from helpers.plotting.architecture import draw_mlp  # noqa: F401
from helpers.plotting.digits import class_means, digit_grid, show_class_means, show_digit  # noqa: F401
from helpers.plotting.ellipses import covariance_ellipse, ellipse_geometry  # noqa: F401
