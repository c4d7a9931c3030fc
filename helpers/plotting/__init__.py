"""Figures for the notebooks; each kind of figure lives in its own submodule."""

from helpers.plotting.architecture import draw_mlp  # noqa: F401
