"""Every dashboard's main output fits the first screen, on a projector and on a laptop.

A 1024 x 768 projector at 150% zoom gives the page 683 x 512 CSS pixels; a laptop
at 100%, 1280 x 720. Each element the room has to see (every one of the drawing
dashboard's ten probabilities, each explorer's picture, read-out and sliders)
must lie entirely inside the window without scrolling.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SCREENS = {
    "projector 683x512": {"viewport": {"width": 683, "height": 512}, "device_scale_factor": 1.5},
    "laptop 1280x720": {"viewport": {"width": 1280, "height": 720}},
}
LAPTOP = "laptop 1280x720"  # the page conftest's laptop_dashboard shares
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
            ".digit-explorer-prediction",
            ".digit-explorer-readout",
            "input[type=range]",
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


def _local_only(route) -> None:
    """Requests to 127.0.0.1 go through, others are aborted."""
    if urlparse(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_main_output_is_on_the_first_screen(
    shared_voila, laptop_dashboard, browser, dashboard, screen
):
    widget_class, selectors = DASHBOARDS[dashboard]
    context = None
    if screen == LAPTOP:
        page = laptop_dashboard(dashboard)  # also test_accessibility's: neither changes it
        assert page.viewport_size == SCREENS[LAPTOP]["viewport"]
    else:
        context = browser.new_context(**SCREENS[screen])
        context.route("**/*", _local_only)
        page = context.new_page()
        page.goto(shared_voila(f"dashboards/{dashboard}").url(), wait_until="domcontentloaded")
    try:
        widget = page.locator(f".{widget_class}")
        expect(widget).to_be_visible(timeout=60_000)
        if dashboard == "draw_digit.ipynb":
            expect(widget.locator(".draw-digit-class")).to_have_count(10)
        if dashboard in ANSWERS:
            expect(widget.locator(ANSWERS[dashboard][0])).to_contain_text(ANSWERS[dashboard][1])
        page.wait_for_timeout(500)  # let the layout settle (images decoded, fonts applied)
        assert page.evaluate("window.scrollY") == 0
        for selector in selectors:
            assert widget.locator(selector).count() > 0, f"no {selector} in {dashboard}"
            outside = page.evaluate(OUTSIDE, f".{widget_class} {selector}")
            size = page.viewport_size
            assert not outside, f"{dashboard}: {selector} outside the {size} window: {outside}"
    finally:
        if context is not None:
            context.close()
