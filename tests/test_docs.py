"""The guides name only things that exist, and their commands work as typed (issue 31).

The guides are README.md, CONTRIBUTING.md and the markdown pages in docs/ but the
design notes. In them

* every ``check("NN.k", ...)`` names an exercise that ``helpers.check.verdict`` knows;
* every relative link points at a file of the repository, and its ``#anchor`` at a
  heading of that file;
* every repository path in code (``tools/grading/judge.py``, ``helpers/exercises/NN.json``
  with ``NN`` standing for a notebook's number) exists;
* every ``helpers.X`` / ``tools.X`` named in code can be imported, with the attribute named;
* every ``python -m tools.X`` (and ``python tools/X.py``) command names a tool that exists
  and only options its ``--help`` lists, also those in the comment after it; every
  ``python -m pytest`` command only pytest's options, registered markers and existing paths;
* README's two commands are those .ci/run runs;
* the shell blocks that run in seconds here run, as typed: the student edition, and
  grading a hand-in of it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
GUIDES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"] + sorted(
    p for p in (ROOT / "docs").glob("*.md") if p.name != "design.md"
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
#: A code span, which may go on over a line break (not over a blank line).
CODE_SPAN = re.compile(r"`((?:[^`\n]|\n(?!\n))+)`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CHECK = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")
#: A command that runs Python on a module or a repository script.
PYTHON = re.compile(r"(?:^|[\s/])python3? (?:-m ([\w.]+)|(tools/\w+\.py))")
#: Command options: ``--out``, ``-n`` (not the ``-e`` inside ``re-executed``).
OPTION = re.compile(r"(?<![\w./-])(--?[A-Za-z][\w-]*)")
#: Placeholders the guides use in paths: a notebook's number, a notebook's name.
PLACEHOLDERS = [(re.compile(r"NN"), "[0-9][0-9]"), (re.compile(r"(?<=/)(NAME|x)(?=\.)"), "*")]
IDS = [p.relative_to(ROOT).as_posix() for p in GUIDES]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """``text`` without its fenced blocks."""
    return FENCE.sub("", text)


def _shell_lines(text: str) -> list[str]:
    """The lines of the bash blocks, continuation lines joined."""
    lines = []
    for language, body in FENCE.findall(text):
        if language in ("bash", "sh", "shell"):
            lines += [line.strip() for line in body.replace("\\\n", " ").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _code(text: str) -> list[str]:
    """Every piece of code: the lines of the bash blocks and the code spans of the prose."""
    return _shell_lines(text) + [s.replace("\n", " ") for s in CODE_SPAN.findall(_prose(text))]


def _commands(text: str) -> list[tuple[str, str, str]]:
    """``(module or script, its arguments, the comment after it)`` of each Python command."""
    found = []
    for code in _code(text):
        for match in PYTHON.finditer(code):
            rest = code[match.end() :]
            comment = rest.split(" #", 1)[1] if " #" in rest else ""
            arguments = re.split(r"&&|\|\||;|\|| #", rest)[0]
            found.append((match.group(1) or match.group(2), arguments, comment))
    return found


def _declared(name: str) -> bool:
    """Whether ``check`` knows exercise ``name`` (it raises ValueError for one it does not)."""
    from helpers.check import verdict

    try:
        verdict(name, None)
    except ValueError:
        return False
    return True


@functools.cache
def _help(*command: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, *command, "--help"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.returncode == 0, f"{' '.join(command)} --help failed:\n{out.stderr}"
    return out.stdout


@functools.cache
def _markers() -> set[str]:
    """The markers pyproject.toml registers (pytest runs with --strict-markers or not: these)."""
    lines = tomllib.loads(_text(ROOT / "pyproject.toml"))["tool"]["pytest"]["ini_options"]
    return {line.split(":", 1)[0].strip() for line in lines["markers"]}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a name inside a module that is not a package
        return False


def _slug(heading: str) -> str:
    """The anchor GitHub (and MyST) give a heading."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6} (.+)$", _prose(_text(path)), re.M)
    return {_slug(h) for h in headings}


def _repository_path(candidate: str) -> bool:
    """Whether ``candidate`` (a word of code) is meant as a path inside the repository."""
    tracked = {p.name for p in ROOT.iterdir()} - {".venv", "_build", "dist", "scratch", ".git"}
    first = candidate.split("/", 1)[0]
    return "/" in candidate and first in tracked and not re.search(r"[<>{}$]", candidate)


def _exists(candidate: str) -> bool:
    if (ROOT / candidate).exists():
        return True
    pattern = candidate
    for placeholder, glob in PLACEHOLDERS:
        pattern = placeholder.sub(glob, pattern)
    return pattern != candidate and any(ROOT.glob(pattern.rstrip("/")))


def test_there_is_a_guide_for_each_reader():
    assert [p.relative_to(ROOT).as_posix() for p in GUIDES[:2]] == ["README.md", "CONTRIBUTING.md"]
    for name in ("teaching.md", "performance.md"):
        assert ROOT / "docs" / name in GUIDES, f"docs/{name} is missing"
    lines = len(_text(ROOT / "README.md").splitlines())
    assert lines <= 250, f"README.md has {lines} lines; it links to the guides for the rest"


def test_the_readme_shows_a_check_example():
    assert CHECK.findall(_text(ROOT / "README.md")), "README shows no check(...) example"


@pytest.mark.parametrize("path", GUIDES, ids=IDS)
def test_every_check_example_names_a_declared_exercise(path):
    unknown = sorted(n for n in set(CHECK.findall(_text(path))) if not _declared(n))
    assert not unknown, f"{path.name} names exercises that do not exist: {unknown}"


@pytest.mark.parametrize("path", GUIDES, ids=IDS)
def test_every_link_reaches_a_file_and_its_heading(path):
    broken = []
    for target in LINK.findall(_prose(_text(path))):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no heading with the anchor #{anchor}")
    assert not broken, f"{path.name}:\n" + "\n".join(broken)


@pytest.mark.parametrize("path", GUIDES, ids=IDS)
def test_every_repository_path_in_code_exists(path):
    words = {w.strip("\"'(),:;") for code in _code(_text(path)) for w in code.split()}
    missing = sorted(w for w in words if _repository_path(w) and not _exists(w))
    assert not missing, f"{path.name} names paths that do not exist: {missing}"


@pytest.mark.parametrize("path", GUIDES, ids=IDS)
def test_every_helpers_and_tools_name_in_code_imports(path):
    names = set()
    for code in _code(_text(path)):
        names |= set(re.findall(r"(?<![\w./-])((?:helpers|tools)(?:\.\w+)+)", code))
    problems = []
    for name in sorted(names):
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if _is_module(module):
                break
        target = importlib.import_module(module)
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                problems.append(f"{name}: {module} has no {'.'.join(parts[cut:])}")
                break
            target = getattr(target, attribute)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", GUIDES, ids=IDS)
def test_every_tool_command_uses_options_the_tool_has(path):
    problems = []
    for tool, arguments, comment in _commands(_text(path)):
        if tool.endswith(".py"):
            command: tuple[str, ...] = (str(ROOT / tool),)
        elif tool.split(".")[0] in ("tools", "helpers"):
            if not _is_module(tool):
                problems.append(f"python -m {tool}: no such module")
                continue
            command = ("-m", tool)
        else:
            continue
        usage = _help(*command)
        for option in OPTION.findall(arguments + " " + comment):
            if not re.search(rf"(?<![\w-]){re.escape(option)}\b", usage):
                problems.append(f"{tool} {arguments.strip()}: {option} is not an option of it")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", GUIDES, ids=IDS)
def test_every_pytest_command_uses_options_markers_and_paths_that_exist(path):
    problems = []
    usage = _help("-m", "pytest")
    for tool, arguments, _ in _commands(_text(path)):
        if tool != "pytest":
            continue
        words = shlex.split(arguments)
        for before, word in zip([""] + words, words, strict=False):
            if word.startswith("-"):
                option = word.split("=", 1)[0]
                if not re.search(rf"(?<![\w-]){re.escape(option)}\b", usage):
                    problems.append(f"pytest {arguments.strip()}: no option {option}")
            elif before == "-m":
                unknown = set(re.findall(r"\w+", word)) - {"and", "or", "not"} - _markers()
                problems += [f"pytest -m {word}: no marker {m}" for m in sorted(unknown)]
            elif before not in ("-n", "-k", "-p", "--hypothesis-seed") and not _exists(word):
                problems.append(f"pytest {arguments.strip()}: no such path {word}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_readme_commands_are_those_ci_runs():
    """README's step 1 (but opening JupyterLab) and step 2 are .ci/run's, with its $VENV."""
    readme = _shell_lines(_text(ROOT / "README.md"))
    setup = next(line for line in readme if line.startswith("python3 -m venv .venv"))
    test = next(line for line in readme if "-m pytest" in line)
    ci = _text(ROOT / ".ci" / "run").replace('"$VENV/bin/', ".venv/bin/")
    ci = ci.replace('"$VENV"', ".venv")
    ci_lines = {re.sub(r" --quiet\b|\"", "", line).strip() for line in ci.splitlines()}
    parts = [p.strip() for p in setup.split("&&")]
    assert parts[-1].startswith(".venv/bin/jupyter lab "), parts
    for part in parts[:-1]:
        assert part in ci_lines, f".ci/run does not run README's step 1 part {part!r}"
    assert test == ".venv/bin/python -m pytest"
    assert any(line.startswith(test + " $@") for line in ci_lines), "CI's run_pytest differs"


def _run_as_typed(line: str, cwd: Path, **replace: str) -> subprocess.CompletedProcess:
    """Run the guide's ``.venv/bin/python ...`` line in ``cwd``, placeholders replaced."""
    command = line.split(" #", 1)[0]
    words = [replace.get(w, w) for w in shlex.split(command)]
    assert words[0] == ".venv/bin/python", line
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, *words[1:]]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)


def test_the_student_edition_and_the_grading_commands_run_as_typed(tmp_path):
    """The guide's editions command writes what its comment names; its grading command
    grades a hand-in of that edition into the CSV file and the feedback page it describes."""
    guide = _text(ROOT / "docs" / "teaching.md")
    shell = _shell_lines(guide)
    editions = [x for x in shell if "-m tools.editions" in x]
    grade = [x for x in shell if "-m tools.grade " in x]
    assert editions and grade, "docs/teaching.md lacks the editions or the grading command"
    out = _run_as_typed(editions[0], tmp_path)
    assert out.returncode == 0, out.stderr
    named = re.findall(r"[\w/]+\.ipynb", editions[0].split(" #", 1)[1])
    assert named, editions[0]
    for name in named:
        assert (tmp_path / name).is_file(), f"{editions[0]}: {name} was not written"
    written = sorted(p.name for p in (tmp_path / Path(named[0]).parent).glob("*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "notebooks").glob("0*.ipynb"))

    hand_in = tmp_path / "hand-ins" / "alice" / Path(named[0]).name
    hand_in.parent.mkdir(parents=True)
    hand_in.write_bytes((tmp_path / named[0]).read_bytes())
    out = _run_as_typed(grade[0], tmp_path, SUBMISSIONS=str(tmp_path / "hand-ins"))
    assert out.returncode == 0, out.stderr
    (header,) = [s for s in CODE_SPAN.findall(guide) if s.startswith("student,notebook,")]
    rows = (tmp_path / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == header and len(rows) > 1
    assert all(row.startswith("alice,") and "No answer yet" in row for row in rows[1:]), rows
    assert (tmp_path / "feedback" / "alice.html").is_file()


def test_the_website_has_every_guide_and_the_instructors_part(tmp_path):
    """``python -m tools.site`` stages each guide as a page; the instructor's guide comes first."""
    import yaml

    from tools.site import stage

    stage(tmp_path / "src")
    toc = yaml.safe_load(_text(tmp_path / "src" / "_toc.yml"))
    parts = {p["caption"]: [c["file"] for c in p["chapters"]] for p in toc["parts"]}
    assert parts["For instructors"][0] == "docs/teaching", parts
    pages = [page for chapters in parts.values() for page in chapters]
    for guide in GUIDES:
        page = guide.relative_to(ROOT).with_suffix("").as_posix()
        assert page in pages, f"the website lacks {page}"
        assert (tmp_path / "src" / guide.relative_to(ROOT)).is_file()
