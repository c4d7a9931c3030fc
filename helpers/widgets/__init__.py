"""Interactive ipywidgets explorers; each lives in its own submodule."""

from helpers.widgets.covariance_explorer import covariance_explorer  # noqa: F401
