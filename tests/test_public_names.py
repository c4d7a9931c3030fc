"""The public surface of helpers is what the notebooks, dashboards and tools use.

Read with ``ast``, not by words: a name counts as used when a code cell of a
notebook or dashboard, or a file of tools/, imports it from its module
(``from helpers.mlp import MLP``) or reaches it as an attribute of the module
(``helpers.training.train``, ``import helpers.mlp as m; m.MLP``). A local
variable that happens to share a name does not count. Every module's ``__all__``
lists exactly such names, and every other name a module defines starts with an
underscore (private modules, ``_tree.py``, are private as a whole).
"""

from __future__ import annotations

import ast
import json
import pkgutil
from pathlib import Path

from IPython.core.inputtransformer2 import TransformerManager

import helpers

ROOT = Path(__file__).parents[1]


def _python(path: Path) -> list[str]:
    """A tool's source, or a notebook's code cells (magics turned into Python)."""
    if path.suffix == ".py":
        return [path.read_text(encoding="utf-8")]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    transform = TransformerManager().transform_cell
    return [transform("".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def uses(source: str) -> set[tuple[str, str]]:
    """``(module, name)`` pairs that ``source`` takes from ``helpers`` modules."""
    found: set[tuple[str, str]] = set()
    aliases: dict[str, str] = {}  # local name -> helpers module it stands for
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if _is_module(submodule):
                    aliases[alias.asname or alias.name] = submodule
                else:
                    found.add((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("helpers"):
                    aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node.value)
            if dotted is None:
                continue
            head, *rest = dotted.split(".")
            if head in aliases:
                module = ".".join([aliases[head], *rest])
                if _is_module(module) and not _is_module(f"{module}.{node.attr}"):
                    found.add((module, node.attr))
    return found


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def _is_module(name: str) -> bool:
    return name in _modules() or name == "helpers"


def _modules() -> dict[str, Path]:
    """Every module of helpers (private ones too) -> its file."""
    found = {"helpers": Path(helpers.__file__)}
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        spec = info.module_finder.find_spec(info.name, None)
        found[info.name] = Path(spec.origin)
    return found


def _public_modules() -> dict[str, Path]:
    return {
        name: path
        for name, path in _modules().items()
        if not any(part.startswith("_") for part in name.split("."))
    }


def _declared(path: Path) -> tuple[list[str], set[str]]:
    """``__all__`` of a module's file, and the public names it defines (not imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported: list[str] = []
    defined: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                if target.id == "__all__":
                    exported = list(ast.literal_eval(node.value))
                else:
                    defined.add(target.id)
    return exported, {n for n in defined if not n.startswith("_")}


def _users() -> dict[Path, set[tuple[str, str]]]:
    paths = [*(ROOT / "notebooks").rglob("*.ipynb"), *(ROOT / "tools").rglob("*.py")]
    return {
        p: set().union(*(uses(s) for s in _python(p)))
        for p in sorted(paths)
        if ".ipynb_checkpoints" not in p.parts
    }


def test_the_reader_sees_imports_and_attributes_not_words():
    source = (
        "from helpers.mlp import MLP, softmax as sm\n"
        "import helpers.training\n"
        "import helpers.gmm as g\n"
        "from helpers import data\n"
        "verdict = helpers.training.train(1)\n"
        "g.fit_gmm(x); data.load_sample(); pixel_table = False\n"
    )
    assert uses(source) == {
        ("helpers.mlp", "MLP"),
        ("helpers.mlp", "softmax"),
        ("helpers.training", "train"),
        ("helpers.gmm", "fit_gmm"),
        ("helpers.data", "load_sample"),
    }


def test_every_name_in_all_is_used_by_a_notebook_dashboard_or_tool():
    used = set().union(*_users().values())
    unused = [
        f"{module}.{name}"
        for module, path in _public_modules().items()
        for name in _declared(path)[0]
        if (module, name) not in used
    ]
    assert not unused, f"in __all__ but used by no notebook, dashboard or tool: {unused}"


def test_every_public_name_is_in_all():
    outside = [
        f"{module}.{name}"
        for module, path in _public_modules().items()
        for name in sorted(_declared(path)[1] - set(_declared(path)[0]) - {"__version__"})
    ]
    assert not outside, f"public (no underscore) but not in __all__: {outside}"


def test_every_name_in_all_exists():
    import importlib

    missing = [
        f"{module}.{name}"
        for module in _public_modules()
        for name in getattr(importlib.import_module(module), "__all__", [])
        if not hasattr(importlib.import_module(module), name)
    ]
    assert not missing, f"listed in __all__ but not defined: {missing}"
