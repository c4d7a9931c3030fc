"""Interactive ipywidgets explorers; each lives in its own submodule."""
