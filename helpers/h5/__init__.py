"""HDF5 files with h5py (notebook 02): :func:`tree` prints a file, :func:`read_rows` reads
rows in any order, :func:`write_arrays` and :func:`write_digits` write atomically."""

from helpers.h5._tree import read_rows, tree
from helpers.h5._write import write_arrays, write_digits

__all__ = ["read_rows", "tree", "write_arrays", "write_digits"]
