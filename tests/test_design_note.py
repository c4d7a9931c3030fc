"""docs/design.md names only code that exists.

Every code span (text between backticks) of docs/design.md is read by the first of these
rules that fits:

1. Not code, skipped: a span that starts with a quote, holds no letter, or is a dunder
   name such as ``__code__`` (Python's own).
2. A command ``python -m MODULE ...``: MODULE, when it is ours, must be a module.
3. A path: a span without spaces that ends in a file suffix (.py, .json, .md, ...), or that
   holds "/" and starts with a top-level entry of the repository. It must exist in the
   repository (a bare file name anywhere in it); ``NN`` stands for two digits, ``*`` globs.
4. A name, a call ``NAME(...)`` or an option ``NAME=...``, where NAME may be dotted:
   - it starts with one of our modules (helpers, tools, course_deploy): it must import,
     then resolve attribute by attribute;
   - it starts with a name our code defines: every part must be a name our code defines;
   - otherwise, if dotted (``np.zeros``, ``sys.setprofile``): another library's, skipped;
   - otherwise (one word): a builtin, a keyword or an importable module (``anywidget``).
   The keywords of a call of ours (``f(x, name=...)``) must be names our code defines.
5. Anything else (formulas, shapes, command-line options, HTML) is skipped.

"Names our code defines" are read with ast from helpers/, tools/ and deploy/: functions,
classes, parameters, and every name or attribute assigned to.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import importlib.util
import keyword
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NOTE = ROOT / "docs" / "design.md"
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
#: A code span, which may go on over a line break (not over a blank line).
CODE_SPAN = re.compile(r"`((?:[^`\n]|\n(?!\n))+)`")
SUFFIXES = (".py", ".json", ".md", ".ipynb", ".toml", ".yml", ".txt", ".js", ".css", ".h5")
#: A name, dotted or not, then what follows it: "(", "=" or the end of the span.
HEAD = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\(.*\)|=(?!=).*)?", re.S)
KEYWORD = re.compile(r"(?<![\w.])([A-Za-z_]\w*)=(?!=)")
OUR_MODULES = ("helpers", "tools", "course_deploy")


@functools.cache
def defined_names() -> frozenset[str]:
    """Every name helpers/, tools/ and deploy/ define: defs, classes, parameters, targets."""
    names: set[str] = set()
    files = [*ROOT.glob("helpers/**/*.py"), *ROOT.glob("tools/**/*.py"), *ROOT.glob("deploy/*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    return frozenset(names)


@functools.cache
def _top_level() -> frozenset[str]:
    return frozenset(p.name for p in ROOT.iterdir()) - {".git", ".venv", "scratch", "_build"}


@functools.cache
def _import(module: str) -> object | None:
    """Our module ``module``, or None when there is no such module."""
    if module == "course_deploy":  # installed with the hub (pip install -e deploy), not here
        spec = importlib.util.spec_from_file_location(module, ROOT / "deploy" / "course_deploy.py")
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        return loaded
    try:
        found = importlib.util.find_spec(module)
    except ModuleNotFoundError:  # a name inside a module that is not a package
        return None
    return importlib.import_module(module) if found else None


def _resolve(dotted: str) -> str | None:
    """Why the dotted name of our code ``dotted`` does not resolve, or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        target = _import(".".join(parts[:cut]))
        if target is not None:
            break
    else:
        return f"{dotted}: no module {parts[0]}"
    for done, attribute in enumerate(parts[cut:], start=cut):
        if not hasattr(target, attribute):
            return f"{dotted}: {'.'.join(parts[:done])} has no {attribute}"
        target = getattr(target, attribute)
    return None


def _path_problem(span: str) -> str | None:
    pattern = span.rstrip("/").replace("NN", "[0-9][0-9]")
    if "/" not in pattern:
        pattern = "**/" + pattern
    if (ROOT / span).exists() or any(ROOT.glob(pattern)):
        return None
    return f"{span}: no such file in the repository"


def _is_path(span: str) -> bool:
    if " " in span or "\n" in span:
        return False
    return span.endswith(SUFFIXES) or ("/" in span and span.split("/")[0] in _top_level())


def problem(span: str) -> str | None:
    """What is wrong with the code span ``span`` by the module's rules, or None."""
    span = span.strip()
    if span[0] in "\"'" or not re.search("[A-Za-z]", span) or re.fullmatch(r"__\w+__", span):
        return None
    if command := re.match(r"python3? -m ([\w.]+)", span):
        module = command.group(1)
        if module.split(".")[0] in OUR_MODULES and _import(module) is None:
            return f"{span}: no module {module}"
        return None
    if _is_path(span):
        return _path_problem(span)
    head = HEAD.fullmatch(span)
    if head is None:
        return None
    name, rest = head.group(1), head.group(2) or ""
    first = name.split(".")[0]
    if first in OUR_MODULES:
        found = _resolve(name)
    elif first in defined_names():
        missing = [part for part in name.split(".") if part not in defined_names()]
        found = f"{name}: our code defines no {', '.join(missing)}" if missing else None
    elif "." in name:
        return None  # another library's name
    elif hasattr(builtins, name) or keyword.iskeyword(name) or _import_elsewhere(name):
        return None
    else:
        return f"{name}: neither defined in helpers/, tools/, deploy/ nor a module"
    if found is None and rest.startswith("("):
        unknown = [k for k in KEYWORD.findall(rest) if k not in defined_names()]
        found = f"{span}: our code has no parameter {', '.join(unknown)}" if unknown else None
    return found


def _import_elsewhere(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def spans(text: str) -> list[str]:
    """The code spans of markdown ``text`` outside fenced blocks."""
    return [s.replace("\n", " ") for s in CODE_SPAN.findall(FENCE.sub("", text))]


def test_every_code_name_in_the_design_note_exists():
    found = spans(NOTE.read_text(encoding="utf-8"))
    assert len(found) > 50, "the note's code spans were not found"
    problems = sorted({p for span in found if (p := problem(span))})
    assert not problems, "docs/design.md names code that does not exist:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "span",
    [
        "helpers.mlp.no_such_thing",
        "helpers.no_such_module.f",
        "helpers.mlp.MLP.no_such_method(X)",
        "helpers.mlp.MLP.forward(X, no_such_option=1)",
        "no_such_helper(X)",
        "no_such_option=True",
        "_arrays_or_raise",
        "MLP.no_such_method",
        "helpers/no_such_file.py",
        "no_such_file.js",
        "python -m tools.no_such_tool",
        "course_deploy.NO_SUCH_SETTING",
    ],
)
def test_a_made_up_name_fails(span):
    assert problem(span), f"{span} was accepted"


@pytest.mark.parametrize(
    "span",
    [
        "helpers.mlp.MLP.forward(X, return_hidden=True)",
        "block_rows=",
        "forward(digit[None])",
        "helpers/exercises/NN.json",
        "draw_digit.js",
        "python -m tools.mutation",
        "course_deploy.configure",
        "anywidget",
        "np.zeros",
        "4 * (n_inputs + 2 * size_1) * N",
        "(N, 784)",
        "__code__",
        '"scipy.special._logsumexp:softmax"',
        "--no-sandbox",
    ],
)
def test_real_names_and_what_is_not_code_pass(span):
    assert problem(span) is None
