"""Interactive widgets of the notebooks and dashboards; import each from its submodule.

- :mod:`helpers.widgets.covariance_explorer` (notebook 01),
- :mod:`helpers.widgets.digit_explorer` (notebooks 03 and 05),
- :mod:`helpers.widgets.draw_digit` (notebook 05, the drawing dashboard),

and the parts they share: :mod:`helpers.widgets.base` (pictures, static view, model),
:mod:`helpers.widgets.controls` (picture and slider) and :mod:`helpers.widgets.digit_figures`.
"""
