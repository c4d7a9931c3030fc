"""One docstring style in helpers: numpydoc's, as in scikit-learn (read with ``ast``).

For every public module of ``helpers`` (no underscore in its dotted name) and every
function or class in its ``__all__`` (followed to the private module that defines it), and
the public methods and properties of those classes:

- a docstring exists, and its first line is one sentence ending with a period;
- if it takes parameters (other than self and cls), a ``Parameters`` section names each
  (a class: its ``__init__``'s, in the class docstring);
- a function that returns a value has a ``Returns`` section, a generator a ``Yields``
  section (properties are exempt: their first line says what they are).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
HELPERS = ROOT / "helpers"
FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef
SECOND_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")  # "Do this. Then that." on one line


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module_file(name: str) -> Path | None:
    """The file of a module of ours by dotted name, None if there is none."""
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _public_modules() -> dict[str, Path]:
    """Every helpers module without an underscore in its dotted name -> its file."""
    modules = {_module_name(path): path for path in HELPERS.rglob("*.py")}
    return {
        name: path for name, path in sorted(modules.items())
        if not any(part.startswith("_") for part in name.split("."))
    }


def _exported(tree: ast.Module) -> list[str]:
    """A module's ``__all__`` ([] if it has none)."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    return []


def _definition(module: str, name: str) -> ast.FunctionDef | ast.ClassDef | None:
    """Where ``name`` of ``module`` is defined, following imports between our modules.

    None if it is not a function or class of ours (a constant, or another library's).
    """
    path = _module_file(module)
    if path is None:
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, FUNCTION | ast.ClassDef) and node.name == name:
            return node
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:  # relative: from the module's package
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                package = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                origin = f"{package}.{origin}" if origin else package
            for alias in node.names:
                if (alias.asname or alias.name) == name and origin.split(".")[0] == "helpers":
                    return _definition(origin, alias.name)
    return None


def _sections(doc: str) -> dict[str, list[str]]:
    """The numpydoc sections of a cleaned docstring: title -> its lines."""
    lines = doc.splitlines()
    sections: dict[str, list[str]] = {}
    current = None
    skip = False
    for i, line in enumerate(lines):
        if skip:  # the underline of a title
            skip = False
            continue
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        title = line.strip()
        if title and underline and set(underline) == {"-"} and len(underline) == len(title):
            current = title
            sections[current] = []
            skip = True
        elif current is not None:
            sections[current].append(line)
    return sections


def _documented_parameters(doc: str) -> set[str]:
    """The names a ``Parameters`` section gives (``x1, x2 : int`` names two)."""
    names = set()
    for line in _sections(doc).get("Parameters", []):
        if line.strip() and not line[0].isspace():
            for name in line.split(" : ")[0].split(","):
                names.add(name.strip().lstrip("*"))
    return names


def _parameters(function: ast.FunctionDef) -> list[str]:
    """A function's parameter names, without self and cls."""
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return [a.arg for a in every if a is not None and a.arg not in ("self", "cls")]


def _own_nodes(function: ast.FunctionDef):
    """The nodes of a function's body, not those of functions or classes inside it."""
    todo = list(function.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, FUNCTION | ast.ClassDef | ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))


def _decorators(node: ast.FunctionDef | ast.ClassDef) -> set[str]:
    """The last part of each decorator's name: ``functools.cache`` -> ``cache``."""
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def _summary_problems(doc: str | None, where: str) -> list[str]:
    if not doc:
        return [f"{where}: no docstring"]
    lines = doc.splitlines()
    first = lines[0].strip()
    problems = []
    if not first.endswith("."):
        problems.append(f"{where}: the first line does not end with a period: {first!r}")
    if len(lines) > 1 and lines[1].strip():
        problems.append(f"{where}: the summary runs onto a second line; keep it to one line")
    if SECOND_SENTENCE.search(first):
        problems.append(f"{where}: the first line holds more than one sentence: {first!r}")
    return problems


def _parameter_problems(doc: str, parameters: list[str], where: str) -> list[str]:
    if not parameters:
        return []
    if "Parameters" not in _sections(doc):
        return [f"{where}: no Parameters section (underlined with dashes) for {parameters}"]
    missing = [p for p in parameters if p not in _documented_parameters(doc)]
    return [f"{where}: Parameters does not name {missing}"] if missing else []


def function_problems(function: ast.FunctionDef, where: str) -> list[str]:
    """What a function's or method's docstring lacks."""
    doc = ast.get_docstring(function)
    problems = _summary_problems(doc, where)
    if not doc:
        return problems
    problems += _parameter_problems(doc, _parameters(function), where)
    nodes = list(_own_nodes(function))
    if any(isinstance(node, ast.Yield | ast.YieldFrom) for node in nodes):
        if "Yields" not in _sections(doc):
            problems.append(f"{where}: a generator without a Yields section")
        return problems
    returns = [
        node for node in nodes
        if isinstance(node, ast.Return) and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ]
    properties = {"property", "cached_property"}
    if returns and not _decorators(function) & properties and "Returns" not in _sections(doc):
        problems.append(f"{where}: returns a value but has no Returns section")
    return problems


def _fields(cls: ast.ClassDef) -> list[str]:
    """A dataclass's fields: the parameters of the ``__init__`` it is given."""
    return [
        node.target.id for node in cls.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        and "ClassVar" not in ast.unparse(node.annotation)
    ]


def class_problems(cls: ast.ClassDef, where: str) -> list[str]:
    """What a class's docstring and its public methods' and properties' docstrings lack."""
    doc = ast.get_docstring(cls)
    problems = _summary_problems(doc, where)
    init = next((n for n in cls.body if isinstance(n, FUNCTION) and n.name == "__init__"), None)
    if doc and init is not None:
        problems += _parameter_problems(doc, _parameters(init), where)
    elif doc and "dataclass" in _decorators(cls) and _fields(cls):
        documented = _documented_parameters(doc)
        for line in _sections(doc).get("Attributes", []):  # a result's fields, as in sklearn
            if line.strip() and not line[0].isspace():
                documented.add(line.split(" : ")[0].strip())
        missing = [f for f in _fields(cls) if f not in documented]
        if missing:
            problems.append(f"{where}: Parameters or Attributes does not name {missing}")
    for node in cls.body:
        public = not node.name.startswith("_") if isinstance(node, FUNCTION) else False
        if public and not _decorators(node) & {"setter", "deleter"}:
            problems += function_problems(node, f"{where}.{node.name}")
    return problems


def module_problems(module: str) -> list[str]:
    """What the docstrings of a public module's functions and classes lack."""
    tree = ast.parse(_module_file(module).read_text(encoding="utf-8"))
    problems = []
    for name in _exported(tree):
        node = _definition(module, name)
        if isinstance(node, ast.ClassDef):
            problems += class_problems(node, f"{module}.{name}")
        elif node is not None:
            problems += function_problems(node, f"{module}.{name}")
    return problems


@pytest.mark.parametrize("module", sorted(_public_modules()))
def test_public_names_have_numpydoc_docstrings(module: str):
    problems = module_problems(module)
    assert not problems, f"{module}: {len(problems)} docstring problems:\n" + "\n".join(problems)


def test_the_public_modules_are_found_and_followed():
    modules = _public_modules()
    assert {"helpers.mlp", "helpers.h5", "helpers.validation"} <= set(modules)
    assert not any("_tree" in name or "_write" in name for name in modules)
    read_rows = _definition("helpers.h5", "read_rows")  # defined in helpers/h5/_tree.py
    assert isinstance(read_rows, ast.FunctionDef) and read_rows.name == "read_rows"
    assert isinstance(_definition("helpers.mlp", "MLP"), ast.ClassDef)


GOOD = '''
def scale(x, factor=2, *, power=1, **options):
    """Multiply by a factor.

    Short prose may follow.

    Parameters
    ----------
    x : float
        The number.
    factor, power : int
        How much.
    **options : object
        Ignored.

    Returns
    -------
    float
        The product.
    """
    def inner():
        return 3
    return x * factor


class Box:
    """A box.

    Parameters
    ----------
    size : int
        Its size.
    """

    def __init__(self, size):
        self.size = size

    @property
    def volume(self):
        """The size cubed."""
        return self.size**3

    def _hidden(self, anything):
        return anything

    def grow(self, by):
        """Grow the box.

        Parameters
        ----------
        by : int
            How much.
        """
        self.size += by


def rows(table):
    """Go through a table.

    Parameters
    ----------
    table : list
        The rows.

    Yields
    ------
    list
        One row.
    """
    yield from table
'''


def _problems_of(source: str) -> list[str]:
    problems = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            problems += class_problems(node, node.name)
        else:
            problems += function_problems(node, node.name)
    return problems


def test_a_complete_numpydoc_docstring_passes():
    assert _problems_of(GOOD) == []


@pytest.mark.parametrize(
    "old, new, problem",
    [
        ("    factor, power : int\n", "    power : int\n",
         r"scale: Parameters does not name \['factor'\]"),
        ("    **options : object\n        Ignored.\n", "", r"scale: .*\['options'\]"),
        ("    Returns\n    -------\n    float\n        The product.\n", "",
         "scale: returns a value"),
        ("Multiply by a factor.", "Multiply by a factor", "scale: .*does not end with a period"),
        ("Multiply by a factor.", "Multiply. Then add.", "scale: .*more than one sentence"),
        ("Multiply by a factor.\n\n    Short", "Multiply by\n    a factor.\n\n    Short",
         "scale: the summary runs onto a second line"),
        ("    Parameters\n    ----------\n    x :", "    Parameters\n    x :",
         r"scale: no Parameters section"),
        ("    size : int\n        Its size.\n", "    width : int\n        Its width.\n",
         r"Box: Parameters does not name \['size'\]"),
        ('"""The size cubed."""', "", "Box.volume: no docstring"),
        ("        by : int\n", "        amount : int\n",
         r"Box.grow: Parameters does not name \['by'\]"),
        ("    Yields\n    ------\n", "    Returns\n    -------\n", "rows: a generator without"),
    ],
)
def test_the_check_finds_what_is_missing(old: str, new: str, problem: str):
    assert GOOD.count(old) == 1, old
    problems = _problems_of(GOOD.replace(old, new))
    assert any(re.search(problem, p) for p in problems), problems
