"""Helpers for the notebook collection; each module is one idea and names its notebook.

data/idx (MNIST), h5 (HDF5), covariance/gmm (conditioning, EM), mlp/predictions/digitize
(the network), backprop/training (learning), check (exercises), validation (input checks),
atomic (safe writes), plotting/widgets (figures, imported from their submodules).
Submodules are imported on demand, so importing one does not pull in matplotlib or h5py.
"""

__version__ = "0.1.0"
