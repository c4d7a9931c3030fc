"""Helpers for the notebook collection; each module is one idea and names its notebook.

* :mod:`helpers.data` loads the MNIST digits (the sample offline, the full set
  downloaded and checked); :mod:`helpers.idx` reads the official files.
* :mod:`helpers.h5` looks inside HDF5 files, reads rows, writes atomically.
* :mod:`helpers.covariance` and :mod:`helpers.gmm` measure conditioning and fit
  Gaussian mixtures.
* :mod:`helpers.mlp` is the network; :mod:`helpers.predictions` its JSON records;
  :mod:`helpers.digitize` turns a drawing into an MNIST digit.
* :mod:`helpers.backprop` and :mod:`helpers.training` learn the weights (notebook 06).
* :mod:`helpers.check` checks the exercises of every notebook.
* :mod:`helpers.validation` holds the input checks every public function uses;
  :mod:`helpers.atomic` the temporary-file-then-rename writes.
* :mod:`helpers.plotting` and :mod:`helpers.widgets` hold figures and explorers,
  imported from their submodules (``from helpers.plotting.digits import show_digit``).

Submodules are imported on demand so that importing one of them does not pull
in matplotlib, h5py or scikit-learn.
"""

__version__ = "0.1.0"
