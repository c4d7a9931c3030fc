"""HDF5 files with h5py (notebook 02); import everything from here: ``from helpers.h5 import tree``.

:func:`tree` prints what a file holds; :func:`read_rows` reads rows in any order;
:func:`write_arrays` writes named arrays and attributes atomically;
:func:`write_digits` stores digits in the collection's layout.
"""

from helpers.h5._digits import write_digits
from helpers.h5._rows import read_rows
from helpers.h5._tree import tree
from helpers.h5._write import write_arrays

__all__ = ["read_rows", "tree", "write_arrays", "write_digits"]
