"""HDF5 files with h5py (notebook 02): print, read rows in any order, write atomically."""

from helpers.h5._tree import read_rows, tree
from helpers.h5._write import write_arrays, write_digits

__all__ = ["read_rows", "tree", "write_arrays", "write_digits"]
