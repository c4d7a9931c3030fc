"""Helpers for the notebook collection; each module is one idea and names its notebook.

Submodules are imported on demand, so importing one does not pull in matplotlib or h5py.
"""

__version__ = "0.1.0"
