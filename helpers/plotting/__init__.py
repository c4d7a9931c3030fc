"""Figures for the notebooks; each kind of figure lives in its own submodule."""

from helpers.plotting.ellipses import covariance_ellipse, ellipse_geometry  # noqa: F401
