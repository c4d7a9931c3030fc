"""HDF5 files with h5py: look inside, read rows in any order, write atomically (notebook 02).

Import everything from here (``from helpers.h5 import tree``); each idea lives
in its own file:

* ``_tree.py``: :func:`tree` prints the groups, datasets and attributes of a file.
* ``_rows.py``: :func:`read_rows` reads rows in any order, with repeats (h5py
  itself only accepts increasing indices without duplicates).
* ``_write.py``: :func:`write_arrays` writes named arrays and their attributes
  to a new file atomically: a failed or interrupted write leaves the old file
  untouched.
* ``_digits.py``: :func:`write_digits` and :func:`read_digits` store and load
  MNIST-style digits in the collection's standard layout (``images`` and
  ``labels``, chunks of whole images, gzip-compressed, attributes describing
  the data).
"""

from helpers.h5._digits import read_digits, write_digits
from helpers.h5._rows import read_rows
from helpers.h5._tree import tree
from helpers.h5._write import write_arrays

__all__ = ["read_digits", "read_rows", "tree", "write_arrays", "write_digits"]
