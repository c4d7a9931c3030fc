"""Every public name of helpers (its modules' ``__all__``) is used by a notebook or a dashboard.

A name counts as used when a code cell of a notebook under notebooks/ mentions it.
The few exceptions are listed with the reason they stay.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import helpers

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"

#: module -> public names no notebook mentions (yet), each with why it stays public.
ALLOWED = {
    # the input checks of every public function; notebooks 03-06 show what they refuse
    "helpers.validation": {"check_images", "check_labels", "check_number", "check_pixels",
                           "check_positive_int", "pixel_max"},
    "helpers.check": {"check", "verdict"},  # every notebook's exercises (HELPERS.md), shared
    "helpers.mlp": {"MLP", "save_mlp"},  # notebook 06 builds, trains and saves a network
    "helpers.widgets.digit_explorer": {"DigitExplorer"},  # what digit_explorer returns
    "helpers.h5": {"read_digits"},  # the reading half of write_digits' layout (HELPERS.md)
    # the full data set for notebook 06 and tools/; the digits the reference network never saw
    "helpers.data": {"load_mnist", "sample_indices"},
    "helpers.atomic": {"atomic_path"},  # how helpers.h5 and helpers.predictions write files
    "helpers.idx": {"read_idx"},  # how helpers.data reads the official MNIST files
}
#: Modules leaving the package (issue 12): maintainer code and a transitional alias.
LEAVING = {"helpers.train", "helpers.digit_checks"}


def _notebook_code() -> str:
    cells = []
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells += ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    return "\n".join(cells)


def _public_names() -> dict[str, list[str]]:
    found = {}
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if info.name in LEAVING or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        found[info.name] = list(getattr(importlib.import_module(info.name), "__all__", []))
    return found


def test_every_public_name_is_used_by_a_notebook():
    code = _notebook_code()
    unused = {
        f"{module}.{name}"
        for module, names in _public_names().items()
        for name in names
        if name not in ALLOWED.get(module, set()) and not re.search(rf"\b{name}\b", code)
    }
    assert not unused, f"public but used by no notebook: {sorted(unused)}"


def test_the_exceptions_are_still_public():
    public = _public_names()
    stale = {f"{m}.{n}" for m, names in ALLOWED.items() for n in names if n not in public[m]}
    assert not stale, f"listed in ALLOWED but not public any more: {sorted(stale)}"
