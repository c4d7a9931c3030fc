"""Interactive widgets of the notebooks and dashboards; import each from its submodule.

- :mod:`helpers.widgets.covariance_explorer` (notebook 01),
- :mod:`helpers.widgets.digit_explorer` (notebooks 03 and 05),
- :mod:`helpers.widgets.draw_digit` (notebook 05, the drawing dashboard).

The parts they share are private: ``_figures.py`` (the pictures) and ``_parts.py``
(the picture and slider controls, the static view, the call to the model).
"""
