"""Figures, each kind in its submodule: digits (notebook 03), architecture (04), ellipses (01)."""
