"""The class report and a student's feedback page, as a reader sees them in Chromium.

At 683 px wide (a laptop at 200%, or a projector) nothing is wider than the window,
the text keeps a margin and is at least 16 CSS px, every chart has alt text and fits,
and axe-core finds no serious or critical accessibility issue.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tools.grade import feedback_page as _feedback_page
from tools.grading.report import report_html

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

HINT = "Not yet: your counts include the pixels equal to the threshold (First difference, x)."
ROWS = [
    {"student": s, "notebook": "00_start_here", "exercise": e, "points": p, "max_points": 1,
     "feedback": f}  # fmt: skip
    for s, e, p, f in [
        ("ann", "00.3", 1, "Correct: one count per image."),
        ("bob", "00.3", 0, HINT),
        ("bob", "04.2", 0, "No answer yet"),
        ("ann", "04.2", 0, "Not yet: your function raised ValueError: bad (case 'one row')"),
        ("cid", "00.3", 0, "Not handed in: no 00_start_here.ipynb in cid/."),
        ("cid", "04.2", 0, "Not handed in: no 04_mlp_architecture.ipynb in cid/."),
    ]
]
TITLES = {"00.3": "one count per image of the pixels above the threshold",
          "04.2": "softmax of each row of a 2-D array of logits, without overflow"}  # fmt: skip
SERIOUS = ("serious", "critical")
PAGES = {
    "class report": report_html(ROWS, TITLES, source="grades.csv"),
    "feedback page": _feedback_page("bob", [r for r in ROWS if r["student"] == "bob"], [], TITLES),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_readable_at_683_px(page, name: str, tmp_path)  -> None:
    page.set_viewport_size({"width": 683, "height": 512})
    page.set_content(PAGES[name])
    sizes = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            width: window.innerWidth,
            left: Math.min(...[...document.querySelectorAll('h1, p, table')]
                               .map(e => e.getBoundingClientRect().left)),
            smallest: Math.min(...[...document.querySelectorAll('body *')]
                                   .filter(e => e.textContent.trim() && e.offsetParent)
                                   .map(e => parseFloat(getComputedStyle(e).fontSize))),
            images: [...document.images].map(i => ({
                alt: i.alt,
                right: i.getBoundingClientRect().right,
                loaded: i.complete && i.naturalWidth > 0,
            })),
        })"""
    )
    assert sizes["scroll"] <= sizes["width"], f"{name} is wider than 683 px: {sizes['scroll']}"
    assert sizes["left"] >= 8, f"{name}'s text touches the window's edge: {sizes['left']} px"
    assert sizes["smallest"] >= 16, f"{name} has text of {sizes['smallest']} px"
    for image in sizes["images"]:
        assert image["alt"] and image["loaded"] and image["right"] <= sizes["width"]
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in SERIOUS]
    assert not serious, "\n".join(serious)
    page.screenshot(path=tmp_path / f"{name.replace(' ', '-')}-683.png", full_page=True)
