"""Build the course website with Jupyter Book 1: ``python -m tools.site``.

The pages are the notebooks with the outputs they store (nothing is executed),
the README, the instructor's guide and the hub guide (``docs/teaching.md``,
``docs/hub.md``), ``data/README.md``, ``docs/performance.md``, ``CONTRIBUTING.md``
and ``docs/design.md`` (:data:`GUIDES` and :data:`PAGES`): the instructor edition, or with
``--edition student`` the student edition (see ``tools.editions``). The build

1. copies them into a temporary staging folder with the repository's layout,
   so that the links between them keep working, and a file they link to that
   is not a page is copied too (it becomes a download);
2. adds to each notebook page a note with a download link and a Binder link,
   collapses the solution cells (tag ``solution``) behind a "show" button, and
   tags each cell with a widget output ``widget-output`` (the site test checks
   that such a cell shows its picture);
3. runs ``jupyter-book build`` on it and renames the HTML into place
   (``_build/site/``, entry page ``_build/site/index.html``).

The output folder is marked as this command's (:mod:`tools._output`). A later
build replaces only a folder so marked, or an empty one: ``--out`` naming
anything else (the repository, a folder of yours, a file) is refused before any
work, and nothing beside the output folder is touched.


Everything a page needs is served by the site itself: MathJax comes from the
``sphinx-mathjax-offline`` package, the theme's fonts are bundled, and
``_config.yml`` turns off analytics, Thebe, launch buttons and the widget
manager scripts that would come from a CDN.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import nbformat
import yaml

from tools._output import check_folder, replacing
from tools.editions import student_notebook
from tools.notebooks import REPO, course_notebooks, dashboards, is_solution, tags

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = REPO / "_build" / "site"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_TAG = "widget-output"
EDITIONS = ("instructor", "student")
#: The instructors' markdown pages, in the order of their part of the menu.
GUIDES = [Path("docs") / "teaching.md", Path("docs") / "hub.md"]
#: Every markdown page of the site besides the notebooks: the guides, then the "About" part.
PAGES = GUIDES + [
    Path("README.md"),
    Path("data") / "README.md",
    Path("docs") / "performance.md",
    Path("CONTRIBUTING.md"),
    Path("docs") / "design.md",
]
COMMAND = "python -m tools.site"
#: The file in the site's folder that lists Sphinx's warnings.
WARNINGS = ".course-site-warnings.txt"
#: Markdown links and images whose target is a relative path: ``[text](target)``.
#: Images from other sites (such as the README's Binder badge): the site shows their alt text.
REMOTE_IMAGE = re.compile(r"!\[([^\]]*)\]\(https?://[^)\s]+\)")
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
LOCAL_LINK = re.compile(r"(!?\[[^\]]*\]\()(?!https?:|mailto:|#)([^)\s#]+)(#[^)\s]*)?\)")

__all__ = ["SiteError", "build", "stage", "warnings_file"]


class SiteError(ValueError):
    """The output folder cannot be used (the message says why); nothing was changed."""


def binder_url(notebook: str) -> str | None:
    """The Binder link that opens ``notebook`` (a repository path) in JupyterLab.

    None while ``_config.yml`` names no GitHub repository (before publication).
    """
    config = yaml.safe_load((HERE / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"].get("url") or ""
    if not url.startswith("https://github.com/"):
        return None
    repository = url.removeprefix("https://github.com/")
    branch = config["repository"].get("branch", "main")
    return (
        f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath={quote('lab/tree/' + notebook)}"
    )


def _fix_links(text: str, page: Path, stage: Path) -> str:
    """Copy the repository files that ``text`` links to into ``stage`` (they become downloads).

    An image from another site is replaced by its alt text (the site loads
    nothing from outside). A link to a folder becomes the folder's name in code
    style (a website cannot list a folder); a link to a missing file is left
    alone, and Sphinx warns.
    """

    def fix(match: re.Match) -> str:
        opening, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        source = (REPO / page.parent / target).resolve()
        if not source.is_relative_to(REPO) or not source.exists():
            return match.group(0)
        if source.is_dir():
            label = opening[opening.index("[") + 1 : -2]
            return f"{label} (`{source.relative_to(REPO)}/`)"
        staged = stage / source.relative_to(REPO)
        if not staged.exists():
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, staged)
        return f"{opening}{target}{anchor})"

    return LOCAL_LINK.sub(fix, REMOTE_IMAGE.sub(r"\1", text))


def _note(notebook: str) -> nbformat.NotebookNode:
    """The markdown cell at the top of a notebook page: download it, run it live."""
    name = Path(notebook).name
    up = "../" * (notebook.count("/"))
    binder = binder_url(notebook)
    live = f", or [open it live on Binder]({binder}), nothing to install" if binder else ""
    return nbformat.v4.new_markdown_cell(
        ":::{admonition} Run this notebook\n"
        ":class: tip\n"
        "This page shows the outputs the notebook stores. "
        f"{{download}}`Download the notebook <./{name}>`, then run it in JupyterLab "
        f"after the [set-up]({up}README.md#quick-start) (it needs the course's `helpers` "
        f"package){live}.\n"
        ":::"
    )


def _stage_notebook(path: Path, stage: Path, student: bool = False) -> None:
    relative = path.relative_to(REPO).as_posix()
    notebook = nbformat.read(path, as_version=4)
    if student:
        notebook = student_notebook(notebook, path.name)
    for cell in notebook.cells:
        names = tags(cell)
        if cell.cell_type == "markdown":
            cell.source = _fix_links(cell.source, path.relative_to(REPO), stage)
        elif is_solution(cell):
            names.append("hide-input")
        if cell.cell_type == "code" and any(WIDGET_MIME in o.get("data", {}) for o in cell.outputs):
            names.append(WIDGET_TAG)
        if names:
            cell.metadata["tags"] = names
    notebook.cells.insert(1 if notebook.cells else 0, _note(relative))
    target = stage / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)


def _chapters(pages: list[Path]) -> list[dict]:
    return [{"file": p.with_suffix("").as_posix()} for p in pages]


def _toc(stage: Path, course: list[str], dashboards: list[str]) -> None:
    parts = [
        {"caption": "The course", "chapters": [{"file": f} for f in course]},
        {"caption": "Dashboards", "chapters": [{"file": f} for f in dashboards]},
        {"caption": "For instructors", "chapters": _chapters(GUIDES)},
        {"caption": "About", "chapters": _chapters([p for p in PAGES if p not in GUIDES])},
    ]
    toc = {"format": "jb-book", "root": "index", "parts": [p for p in parts if p["chapters"]]}
    (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def stage(folder: Path, edition: str = "instructor") -> list[Path]:
    """Fill the new folder ``folder`` with the book's sources; return the staged notebooks.

    ``edition="student"`` stages the course notebooks as ``python -m tools.editions``
    hands them out: exercise stubs, no solutions, no check outputs.
    """
    folder.mkdir(parents=True)  # FileExistsError for an existing folder: it is not emptied
    shutil.copy2(HERE / "_config.yml", folder / "_config.yml")
    shutil.copy2(HERE / "intro.md", folder / "index.md")
    for page in PAGES:
        text = (REPO / page).read_text(encoding="utf-8")
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text(_fix_links(text, page, folder), encoding="utf-8")
    course, boards = course_notebooks(), dashboards()
    for path in course + boards:
        _stage_notebook(path, folder, student=edition == "student" and path in course)
    pages = [p.relative_to(REPO).with_suffix("").as_posix() for p in course + boards]
    _toc(folder, pages[: len(course)], pages[len(course) :])
    return [folder / p.relative_to(REPO) for p in course + boards]


def warnings_file(out: Path) -> Path:
    """Where :func:`build` lists Sphinx's warnings (broken references, ...)."""
    return out / WARNINGS


def build(out: Path = DEFAULT_OUT, quiet: bool = True, edition: str = "instructor") -> Path:
    """Build the website of ``edition`` ("instructor" or "student") into ``out``; return index.html.

    ``out`` must be new, empty or an earlier output of this function (else
    :class:`SiteError`, and nothing is changed). The sources are staged and the
    site built in a temporary folder beside ``out``, which is then renamed into
    place: a failed build leaves the earlier site as it was. Sphinx's warnings
    go to :func:`warnings_file` (and, unless ``quiet``, to the terminal with the
    rest of the log).
    """
    if edition not in EDITIONS:
        raise SiteError(f"edition must be one of {', '.join(EDITIONS)}, got {edition!r}")
    out = check_folder(out, COMMAND, SiteError, f"--out {out}")
    with (
        replacing(out, COMMAND) as new,
        tempfile.TemporaryDirectory(prefix=f".{out.name}-building-", dir=out.parent) as work,
    ):
        source = Path(work) / "src"
        stage(source, edition)
        command = [
            str(Path(sys.executable).with_name("jupyter-book")), "build", str(source),
            "--path-output", work, "--builder", "html", "--keep-going",
        ]  # fmt: skip
        result = subprocess.run(command + (["--quiet"] if quiet else []), capture_output=True)
        log = ANSI_COLOUR.sub("", (result.stdout + result.stderr).decode(errors="replace"))
        if not quiet:
            print(log)
        if result.returncode != 0:
            raise RuntimeError(f"jupyter-book build failed (exit {result.returncode}):\n{log}")
        for item in (Path(work) / "_build" / "html").iterdir():
            item.rename(new / item.name)
        warnings = [line for line in log.splitlines() if "WARNING" in line]
        warnings_file(new).write_text("".join(f"{w}\n" for w in warnings), encoding="utf-8")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.site", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: _build/site/")
    parser.add_argument(
        "--edition",
        choices=EDITIONS,
        default="instructor",
        help="instructor (default): solutions one click away; student: exercise stubs only",
    )
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's full log")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        entry = build(args.out, quiet=not args.verbose, edition=args.edition)
    except (RuntimeError, SiteError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    pages = len(list(entry.parent.rglob("*.html")))
    warnings = warnings_file(args.out).read_text(encoding="utf-8").splitlines()
    print("\n".join(warnings))
    print(f"site: {entry} ({pages} HTML files, {len(warnings)} warnings, ", end="")
    print(f"{time.perf_counter() - start:.0f} s)")
    return 0
