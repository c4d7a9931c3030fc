"""Transitional: the digit checks now live in :mod:`helpers.validation`.

Kept only until ``helpers/widgets/digit_explorer.py`` imports ``check_images``,
``check_labels`` and ``pixel_max`` from :mod:`helpers.validation`; then this file goes.
"""

from __future__ import annotations

import numpy as np

from helpers.validation import check_images as as_digit_images
from helpers.validation import check_labels, pixel_max

__all__: list[str] = []  # nothing new should import from here
_USED_BY_THE_WIDGETS = (as_digit_images, pixel_max)


def as_digit_labels(labels: np.ndarray, n: int) -> np.ndarray:
    """:func:`helpers.validation.check_labels` for ``n`` labels."""
    return check_labels(labels, n)
