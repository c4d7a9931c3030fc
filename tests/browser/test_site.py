"""The course website (``python -m tools.site``) in headless Chromium, with no internet.

The site is built once per session (or taken from ``COURSE_SITE_DIR`` when that
names a built site) and served on 127.0.0.1. Every page is opened with every
request outside the site aborted; a page fails on any such request, any
console error or page error, any local file the site lacks (HTTP 404), math
left as raw LaTeX, or a widget cell that does not show its stored picture. The
search page must find "condition number" and "chunk".
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import nbformat
import pytest

from tools.site import WIDGET_MIME, build, warnings_file
from tools.site import binder_url as _binder_url

pytestmark = [pytest.mark.browser, pytest.mark.deploy]  # README step 2 leaves it out

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(
    (REPO / "notebooks" / "dashboards").glob("*.ipynb")
)
#: Every page of the site: the entry page, the guides, the README, data/README, the benchmarks,
#: the maintainers' notes, the design notes, each notebook.
PAGES = [
    "index.html", "docs/teaching.html", "docs/hub.html", "README.html", "data/README.html",
    "docs/performance.html", "CONTRIBUTING.html", "docs/design.html",
] + [
    p.relative_to(REPO).with_suffix(".html").as_posix() for p in NOTEBOOKS
]
#: Pages Sphinx adds on its own; they are opened too.
GENERATED = ["genindex.html", "search.html"]
#: The text a widget shows when only its repr is stored: ``IntSlider(value=3, ...)``.
WIDGET_TEXT = re.compile(r"\b[A-Z]\w*\((?:children|value|description|layout|options|index)=")

#: Text outside code that still holds LaTeX after MathJax ran (math it did not render).
VISIBLE_TEXT_JS = """() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(skip) && parent.offsetParent !== null) parts.push(node.data);
  }
  return parts.join(' ');
}"""
RAW_LATEX = re.compile(r"\$\$|\\\(|\\\[|\\begin\{|\\frac|\$[^$\s][^$\n]*\$")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: ``COURSE_SITE_DIR`` if set, else built now into a temporary folder."""
    given = os.environ.get("COURSE_SITE_DIR")
    if given:
        folder = Path(given)
        assert (folder / "index.html").is_file(), f"COURSE_SITE_DIR={given} has no index.html"
        return folder
    return build(tmp_path_factory.mktemp("site") / "site").parent


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """The site served over HTTP on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Visit:
    """A browser page on the site, and every problem it met."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"blocked request outside the site: {u}" for u in self.blocked]
            + [f"page error: {e}" for e in self.errors]
            + [f"not found on the site: {u}" for u in self.missing]
        )


@pytest.fixture
def visit(new_context, site_url: str) -> Callable[[str], Visit]:
    """``visit(path)`` opens a page of the site; only the site's own address is reachable."""
    origin = urlparse(site_url).netloc

    def open_page(path: str) -> Visit:
        context = new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        seen = Visit(page)

        def route(route) -> None:
            if urlparse(route.request.url).netloc == origin:
                route.continue_()
            else:
                seen.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and seen.errors.append(m.text))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and seen.missing.append(r.url))
        page.goto(site_url + path, wait_until="load")
        # MathJax typesets after the page loaded; wait until it has finished.
        page.evaluate(
            "async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }"
        )
        return seen

    return open_page


def _widget_cells(path: str) -> int:
    """How many code cells of the notebook behind page ``path`` have a widget output."""
    notebook = nbformat.read(REPO / Path(path).with_suffix(".ipynb"), as_version=4)
    return sum(
        any(WIDGET_MIME in output.get("data", {}) for output in cell.get("outputs", []))
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


def test_site_has_exactly_the_expected_pages(site_dir: Path) -> None:
    built = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    built = [p for p in built if not p.startswith(("_static/", "_sources/", "_downloads/"))]
    assert built == sorted(PAGES + GENERATED)


def test_every_reference_resolves(site_dir: Path) -> None:
    """A link between pages that Sphinx could not resolve is shown as plain text: fail on it."""
    log = warnings_file(site_dir)
    if not log.is_file():
        pytest.skip(f"no build log at {log} (the site was built elsewhere)")
    broken = [
        line
        for line in log.read_text(encoding="utf-8").splitlines()
        if re.search(r"xref_missing|reference target not found|unknown document", line)
    ]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("path", PAGES + GENERATED)
def test_page_is_whole_offline(path: str, visit, site_dir: Path) -> None:
    seen = visit(path)
    page = seen.page

    # Math: every formula rendered by MathJax, no LaTeX left in the visible text.
    formulas = page.locator(".math").count()
    rendered = page.locator(".math mjx-container").count()
    raw = sorted(set(RAW_LATEX.findall(page.evaluate(VISIBLE_TEXT_JS))))

    # Widgets: each cell with a widget output shows its stored picture, never the widget's text.
    cells = page.locator("div.cell.tag_widget-output")
    expected_widgets = _widget_cells(path) if path.startswith("notebooks/") else 0
    no_picture = [
        i
        for i in range(cells.count())
        if not cells.nth(i).evaluate(
            """cell => [...cell.querySelectorAll('.cell_output img')]
                 .some(img => img.complete && img.naturalWidth > 0)"""
        )
    ]
    outputs = " ".join(page.locator(".cell_output").all_inner_texts())
    widget_text = WIDGET_TEXT.findall(outputs)
    widget_views = page.locator(f'script[type="{WIDGET_MIME}"]').count()

    # Links to other files of the site lead somewhere.
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    here = urljoin(page.url, ".")
    broken = sorted(
        {
            href
            for href in hrefs
            if urlparse(href).netloc == urlparse(here).netloc
            and not (site_dir / urlparse(href).path.lstrip("/")).exists()
        }
    )

    problems = seen.problems()
    if formulas != rendered:
        problems.append(f"{formulas - rendered} of {formulas} formulas not rendered by MathJax")
    if raw:
        problems.append(f"raw LaTeX in the visible text: {raw}")
    if cells.count() != expected_widgets:
        problems.append(
            f"{cells.count()} widget cells on the page, {expected_widgets} in the notebook"
        )
    if no_picture:
        problems.append(f"widget cells without their picture (number on the page): {no_picture}")
    if widget_text or widget_views:
        problems.append(f"widget text or empty widget views: {widget_text}, {widget_views} views")
    if broken:
        problems.append(f"links to files the site does not have: {broken}")
    assert not problems, f"{path}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("notebooks/")])
def test_notebook_page_offers_download_and_live_run(path: str, visit) -> None:
    page = visit(path).page
    name = Path(path).with_suffix(".ipynb").name
    download = page.locator(f'a[href$="/{name}"][href*="_downloads/"]').first
    answer = page.request.get(download.evaluate("a => a.href"))
    assert answer.ok, f"the download link of {path} answers {answer.status}"
    assert nbformat.reads(answer.text(), as_version=4).cells, "the download is not a notebook"
    binder = page.locator('a[href^="https://mybinder.org/"]')
    if _binder_url(path) is None:  # no repository configured yet
        assert binder.count() == 0
    else:
        assert binder.count() == 1 and name in binder.get_attribute("href")
    assert page.locator('a[href$="README.html#quick-start"]').count() >= 1


@pytest.mark.parametrize(
    ("query", "page_found"),
    [("condition+number", "01_covariance_conditioning"), ("chunk", "02_hdf5_basics")],
)
def test_search_works_offline(query: str, page_found: str, visit) -> None:
    seen = visit(f"search.html?q={query}")
    results = seen.page.locator("ul.search li")
    results.first.wait_for(state="visible", timeout=30_000)
    links = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert any(page_found in link for link in links), f"{query}: {links}"
    assert not seen.problems(), seen.problems()
