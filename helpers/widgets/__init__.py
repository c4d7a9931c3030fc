"""Interactive ipywidgets explorers; each lives in its own submodule."""

from helpers.widgets.covariance_explorer import covariance_explorer  # noqa: F401
from helpers.widgets.digit_explorer import DigitExplorer, digit_explorer  # noqa: F401
