"""Every dashboard is readable from the back row and its main output fits the first screen.

A 1024 x 768 projector at 150% zoom gives the page 683 x 512 CSS pixels; a laptop
at 100%, 1280 x 720. Each element the room has to see (every one of the drawing
dashboard's ten probabilities, each explorer's pictures, read-outs and sliders)
must lie entirely inside the window without scrolling, and nothing in it may be
clipped. At 683 x 512 every piece of text on the page (read-outs, labels, slider
labels, the notes) is at least 16 CSS px, and so is the text inside each picture
as displayed: its size in the PNG (``data-text-px``, set by the Picture widget)
times the displayed width over the natural width. A screenshot of each dashboard
on either screen goes to ``<pytest's base temporary folder>/projector/``: look at them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from widget_checks import SEVEN, draw

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PROJECTOR, LAPTOP = "projector 683x512", "laptop 1280x720"  # conftest's laptop_dashboard
SCREENS = {
    PROJECTOR: {"viewport": {"width": 683, "height": 512}, "device_scale_factor": 1.5},
    LAPTOP: {"viewport": {"width": 1280, "height": 720}},
}
#: The smallest text a room can read on a projector, in CSS px.
SMALLEST_TEXT_PX = 16
#: dashboard: (the widget's CSS class, the selectors of what must be on the first screen)
DASHBOARDS = {
    "draw_digit.ipynb": (
        "draw-digit",
        [
            ".draw-digit-canvas",
            ".draw-digit-clear",
            ".draw-digit-pixels",
            ".draw-digit-prediction",
            ".draw-digit-class",  # each of the ten probabilities
        ],
    ),
    "prediction_explorer.ipynb": (
        "digit-explorer",
        [
            ".digit-explorer-image",
            ".digit-explorer-probabilities",
            ".digit-explorer-hidden",
            ".digit-explorer-prediction",
            ".digit-explorer-readout",
            "input[type=range]",
            "select",
        ],
    ),
    "digit_explorer.ipynb": (
        "digit-explorer",
        [".digit-explorer-image", ".digit-explorer-readout", "input[type=range]", "select"],
    ),
    "covariance_explorer.ipynb": (
        "covariance-explorer",
        [".covariance-explorer-image", ".covariance-explorer-readout", "input[type=range]"],
    ),
}
#: dashboard: (selector, the text it must show once the dashboard has computed its answer)
ANSWERS = {
    "draw_digit.ipynb": (".draw-digit-prediction", "Prediction"),
    "prediction_explorer.ipynb": (".digit-explorer-prediction", "predicted"),
}
#: Given a selector: the boxes of its elements that are not entirely in the window.
OUTSIDE = """selector => [...document.querySelectorAll(selector)].map(el => {
    const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, right: r.right, bottom: r.bottom, text: el.innerText || el.title || ''};
}).filter(r => r.x < 0 || r.y < 0 || r.right > innerWidth || r.bottom > innerHeight)"""
#: Given the smallest size: each piece of text shown on the page in a smaller font.
SMALL_TEXT = """smallest => {
    const small = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, text = node.textContent.trim();
        const style = node.parentElement && getComputedStyle(node.parentElement);
        if (!text || !style || style.visibility !== 'visible') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const shown = [...range.getClientRects()].some(r => r.width > 0 && r.height > 0);
        const px = parseFloat(style.fontSize);
        if (shown && px < smallest) small.push(`${px} px: ${text.slice(0, 60)}`);
    }
    return small;
}"""
#: Given the widget: each picture's smallest text as displayed, in CSS px (null: not declared).
PICTURE_TEXT = """widget => [...widget.querySelectorAll('img')].map(img => ({
    picture: img.closest('[class*=explorer-]')?.className || img.alt,
    px: img.dataset.textPx === undefined ? null
        : Number(img.dataset.textPx) * img.getBoundingClientRect().width / img.naturalWidth,
}))"""
#: Given the widget: its elements whose content is clipped (larger than their box, not shown).
CLIPPED = """widget => [widget, ...widget.querySelectorAll('*')].filter(el => {
    const style = getComputedStyle(el);
    const hides = v => v !== 'visible';
    return (hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
}).map(el => `${el.tagName}.${el.className}: ${el.scrollWidth}x${el.scrollHeight} in `
             + `${el.clientWidth}x${el.clientHeight}`)"""


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the screenshots, ``<pytest's base temporary folder>/projector``."""
    folder = tmp_path_factory.getbasetemp() / "projector"
    folder.mkdir(exist_ok=True)
    return folder


def _local_only(route) -> None:
    """Requests to 127.0.0.1 go through, others are aborted."""
    if urlparse(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def _open(new_context, shared_voila, dashboard: str, screen: str):
    """A new page showing ``dashboard`` on ``screen`` (only 127.0.0.1 answers)."""
    context = new_context(**SCREENS[screen])
    context.route("**/*", _local_only)
    page = context.new_page()
    page.goto(shared_voila(f"dashboards/{dashboard}").url(), wait_until="domcontentloaded")
    return page


def _wait_until_shown(page, dashboard: str):
    """The dashboard's widget once it shows its answer and its layout has settled."""
    widget = page.locator(f".{DASHBOARDS[dashboard][0]}")
    expect(widget).to_be_visible(timeout=60_000)
    if dashboard == "draw_digit.ipynb":
        expect(widget.locator(".draw-digit-class")).to_have_count(10)
    if dashboard in ANSWERS:
        expect(widget.locator(ANSWERS[dashboard][0])).to_contain_text(ANSWERS[dashboard][1])
    page.wait_for_function(
        "w => [...w.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)",
        arg=widget.element_handle(),
        timeout=60_000,
    )
    page.evaluate("() => document.fonts.ready.then(() => null)")  # the layout's final fonts
    return widget


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_main_output_is_on_the_first_screen(
    shared_voila, laptop_dashboard, new_context, screenshots, dashboard, screen
):
    widget_class, selectors = DASHBOARDS[dashboard]
    if screen == LAPTOP:
        page = laptop_dashboard(dashboard)  # also test_accessibility's: neither changes it
        assert page.viewport_size == SCREENS[LAPTOP]["viewport"]
    else:
        page = _open(new_context, shared_voila, dashboard, screen)
    widget = _wait_until_shown(page, dashboard)
    size = page.viewport_size
    name = f"{Path(dashboard).stem}-{size['width']}x{size['height']}.png"
    page.screenshot(path=screenshots / name)
    assert page.evaluate("window.scrollY") == 0
    for selector in selectors:
        assert widget.locator(selector).count() > 0, f"no {selector} in {dashboard}"
        outside = page.evaluate(OUTSIDE, f".{widget_class} {selector}")
        assert not outside, f"{dashboard}: {selector} outside the {size} window: {outside}"
    clipped = widget.evaluate(CLIPPED)
    assert not clipped, f"{dashboard} at {size}: clipped content: {clipped}"


@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_every_text_is_large_enough_on_the_projector(shared_voila, new_context, dashboard):
    page = _open(new_context, shared_voila, dashboard, PROJECTOR)
    widget = _wait_until_shown(page, dashboard)
    small = page.evaluate(SMALL_TEXT, SMALLEST_TEXT_PX)
    assert not small, f"{dashboard}: text under {SMALLEST_TEXT_PX} CSS px: {small}"
    pictures = widget.evaluate(PICTURE_TEXT)
    undeclared = [p["picture"] for p in pictures if p["px"] is None]
    assert not undeclared, f"{dashboard}: pictures without data-text-px: {undeclared}"
    small = [p for p in pictures if p["px"] < SMALLEST_TEXT_PX - 0.05]
    assert not small, f"{dashboard}: pictures whose text shows under 16 CSS px: {small}"


def test_drawing_pad_uses_the_width_of_a_laptop(laptop_dashboard):
    page = laptop_dashboard("draw_digit.ipynb")  # shared: only looked at
    widget = _wait_until_shown(page, "draw_digit.ipynb")
    boxes = widget.evaluate(
        """w => {
            const box = el => el.getBoundingClientRect();
            const columns = [...w.children].map(box);
            return {widget: box(w), pad: box(w.querySelector('.draw-digit-canvas')),
                    left: Math.min(...columns.map(c => c.left)),
                    right: Math.max(...columns.map(c => c.right))};
        }"""
    )
    used = (boxes["right"] - boxes["left"]) / boxes["widget"]["width"]
    assert used >= 0.8, f"the drawing dashboard's columns use {used:.0%} of its width: {boxes}"
    assert boxes["pad"]["width"] >= 0.35 * 1280, f"the pad is only {boxes['pad']['width']} px wide"


def test_clear_shows_no_timing(shared_voila, new_context):
    page = _open(new_context, shared_voila, "draw_digit.ipynb", LAPTOP)
    widget = _wait_until_shown(page, "draw_digit.ipynb")
    timing = widget.locator(".draw-digit-latency")
    draw(widget, SEVEN)
    expect(timing).to_contain_text("ms after the stroke")  # a stroke is timed
    widget.locator(".draw-digit-clear").click()
    expect(widget.locator(".draw-digit-prediction")).to_have_text("Draw a digit")
    expect(widget.locator(".draw-digit-value").first).to_have_text("0: –")
    page.wait_for_timeout(500)  # any late message would have arrived
    expect(timing).to_have_text("")
    assert widget.get_attribute("data-latency-ms") is None
