"""Private is by module, as in scikit-learn: no module takes another's underscore names.

Read with ``ast``, not by words. A module of this project (``helpers``, ``tools``,
``tests``, ``benchmarks``, ``deploy``) or a notebook's code cell may not import an
underscore name from another of our modules (``from helpers.data import _fetch``), nor
reach one through a name it imported (``data._folder``, ``MLP._forward_rows``).
Internals shared between modules live in private modules (``helpers/h5/_tree.py``) under
plain names. A public module's face is its ``__all__``: every plain name it defines is
listed there, every listed name exists, and each is used by a notebook, a tool or another
module of the package.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

import helpers

ROOT = Path(__file__).parents[1]
OURS = ("helpers", "tools", "tests", "benchmarks", "course_deploy", "deploy", "conftest")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _ours(module: str) -> bool:
    return module.split(".")[0] in OURS


def _sources(path: Path) -> list[str]:
    """A module's source, or a notebook's code cells (magics turned into Python)."""
    if path.suffix == ".py":
        return [path.read_text(encoding="utf-8")]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    transform = TransformerManager().transform_cell
    return [transform("".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def borrowed(source: str, module: str = "__main__", is_package: bool = False) -> list[str]:
    """The underscore names ``source`` takes from another of our modules, as written."""
    found: list[str] = []
    bound: set[str] = set()  # local names that stand for our modules or their objects
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _absolute(node, module, is_package)
            if not _ours(origin) or origin == module:
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {origin} import {alias.name}")
                bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _ours(alias.name):
                    bound.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                found.append(ast.unparse(node))
    return found


def _module_name(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "deploy":
        parts = parts[1:]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _our_files() -> list[Path]:
    paths = [ROOT / "conftest.py", *(ROOT / "notebooks").rglob("*.ipynb")]
    for folder in ("helpers", "tools", "tests", "benchmarks", "deploy"):
        paths += (ROOT / folder).rglob("*.py")
    return sorted(p for p in paths if ".ipynb_checkpoints" not in p.parts and p.is_file())


def test_the_reader_sees_imports_and_attributes_not_words():
    source = (
        "from helpers.data import _fetch, load_sample\n"
        "import helpers.paths\n"
        "from helpers import mlp\n"
        "from helpers.mlp import MLP\n"
        "import numpy as np\n"
        "helpers.paths._CHECKOUT; mlp._real(1); MLP._forward_rows\n"
        "np._NoValue; self._own; _fetch_later = 1; sys._getframe()\n"
    )
    assert sorted(borrowed(source)) == [
        "MLP._forward_rows",
        "from helpers.data import _fetch",
        "helpers.paths._CHECKOUT",
        "mlp._real",
    ]


def test_a_module_may_use_its_own_underscore_names():
    source = "from . import _tree\nfrom .base import _x\n_tree.open_file\n"
    assert borrowed(source, "helpers.h5", is_package=True) == ["from helpers.h5.base import _x"]


@pytest.mark.parametrize("path", _our_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_takes_another_modules_underscore_names(path: Path):
    module, is_package = _module_name(path) if path.suffix == ".py" else ("__main__", False)
    taken = [name for source in _sources(path) for name in borrowed(source, module, is_package)]
    assert not taken, (
        f"{path.relative_to(ROOT)} takes private names of other modules: {taken}; move what "
        "modules share into a private module (_name.py) under plain names"
    )


def _modules() -> dict[str, Path]:
    """Every module of helpers -> its file."""
    found = {"helpers": Path(helpers.__file__)}
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        found[info.name] = Path(info.module_finder.find_spec(info.name, None).origin)
    return found


def _public_modules() -> dict[str, Path]:
    return {n: p for n, p in _modules().items() if not any(map(_private, n.split(".")))}


def _declared(path: Path) -> tuple[list[str] | None, set[str]]:
    """``__all__`` of a module's file (None if it has none) and the plain names it defines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported, defined = None, set()
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id == "__all__":
                exported = list(ast.literal_eval(node.value))
            elif isinstance(target, ast.Name):
                defined.add(target.id)
    return exported, {n for n in defined if not n.startswith("_")}


def test_every_plain_name_of_a_public_module_is_in_all():
    outside = [
        f"{module}.{name}"
        for module, path in _public_modules().items()
        for name in sorted(_declared(path)[1] - set(_declared(path)[0] or []) - {"__version__"})
    ]
    assert not outside, f"plain names not in __all__ (make them _private or list them): {outside}"


def test_every_name_in_all_exists():
    missing = [
        f"{module}.{name}"
        for module in _public_modules()
        for name in getattr(importlib.import_module(module), "__all__", [])
        if not hasattr(importlib.import_module(module), name)
    ]
    assert not missing, f"listed in __all__ but not defined: {missing}"


def _mentions(path: Path) -> set[str]:
    """Every identifier a file's code names (imports, attributes, variables)."""
    names: set[str] = set()
    for source in _sources(path):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[-1])
                names.add(node.name.split(".")[-1])
    return names


def test_every_name_in_all_is_used_outside_its_module():
    """By a notebook, a tool, a dashboard or another module of the package (tests don't count)."""
    users = [*(ROOT / "notebooks").rglob("*.ipynb"), *(ROOT / "tools").rglob("*.py"),
             *(ROOT / "deploy").rglob("*.py"), *_modules().values()]
    mentioned = {p: _mentions(p) for p in users if ".ipynb_checkpoints" not in p.parts}
    unused = [
        f"{module}.{name}"
        for module, path in _public_modules().items()
        for name in _declared(path)[0] or []
        if not any(name in names for p, names in mentioned.items() if p != path
                   and not (path.name == "__init__.py" and p.parent == path.parent))
    ]
    assert not unused, f"in __all__ but used by no notebook, tool or other module: {unused}"
