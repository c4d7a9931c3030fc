"""Every public name of helpers (its modules' ``__all__``) is used outside the tests.

A name counts as used when a code cell of a notebook or dashboard under
notebooks/, a module of helpers/widgets or a file of tools/ mentions it (the
module that defines it does not count). The few exceptions are listed with
the reason they stay public.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import helpers

ROOT = Path(__file__).parents[1]

#: module -> public names used only inside the package (or by nothing yet), each with why.
ALLOWED = {
    # the input checks the package's public functions call, public so each module can import them
    "helpers.validation": {"as_real", "check_pixels", "check_positive_int", "pixel_max"},
    "helpers.h5": {"read_digits"},  # the reading half of write_digits' layout
    "helpers.idx": {"read_idx"},  # how helpers.data reads the official MNIST files
    "helpers.digitize": {"mnist_digit"},  # MNIST's own preprocessing step, tested on real digits
    # the classes the widget factories return (the notebooks call the factories)
    "helpers.widgets.covariance_explorer": {"CovarianceExplorer"},
    "helpers.widgets.digit_explorer": {"DigitExplorer"},
    "helpers.widgets.draw_digit": {"DrawDigit"},
}


def _users() -> dict[str, str]:
    """Path -> code of everything that counts as a user of the package."""
    found = {}
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        found[str(path)] = "\n".join(code)
    for path in [*(ROOT / "helpers" / "widgets").glob("*.py"), *(ROOT / "tools").rglob("*.py")]:
        found[str(path)] = path.read_text(encoding="utf-8")
    return found


def _public_names() -> dict[str, list[str]]:
    found = {}
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        found[info.name] = list(getattr(module, "__all__", []))
    return found


def _used(module: str, name: str, users: dict[str, str]) -> bool:
    own = str(Path(importlib.import_module(module).__file__))
    return any(re.search(rf"\b{name}\b", code) for path, code in users.items() if path != own)


def test_every_public_name_is_used_outside_the_tests():
    users = _users()
    unused = {
        f"{module}.{name}"
        for module, names in _public_names().items()
        for name in names
        if name not in ALLOWED.get(module, set()) and not _used(module, name, users)
    }
    assert not unused, f"public but used by no notebook, widget or tool: {sorted(unused)}"


def test_the_exceptions_are_still_public_and_still_unused():
    public, users = _public_names(), _users()
    stale = {
        f"{m}.{n}"
        for m, names in ALLOWED.items()
        for n in names
        if n not in public.get(m, []) or _used(m, n, users)
    }
    assert not stale, f"listed in ALLOWED but gone or used now: {sorted(stale)}"
