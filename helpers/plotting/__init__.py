"""Figures for the notebooks; each kind of figure lives in its own submodule."""
