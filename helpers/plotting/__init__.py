"""Figures for the notebooks; import each from its submodule (one kind of figure each).

* :mod:`helpers.plotting.digits`: digits, grids of digits, class means (notebook 03).
* :mod:`helpers.plotting.architecture`: the diagram of an MLP (notebook 04).
* :mod:`helpers.plotting.ellipses`: covariance ellipses (notebook 01).
"""
