"""Helpers for the notebook collection: data, HDF5, numerics, plotting and the MLP.

Submodules are imported on demand (``import helpers.data``) so that importing
one of them does not pull in matplotlib, h5py or scikit-learn.
"""

__version__ = "0.1.0"
