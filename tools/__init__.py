"""Maintainers' scripts (not part of the ``helpers`` package the notebooks import)."""
