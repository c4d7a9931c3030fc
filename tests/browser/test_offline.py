"""A dashboard never waits on an outside host, even when a firewall leaves requests hanging.

Voila's own "lab" template loads two Font Awesome stylesheets from a CDN; a
stylesheet in the page head holds back the whole page until it arrives. The
repository's "offline" template leaves them out. With every outside request left
hanging, the dashboard must come up as it does offline, having asked no outside host.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

#: The time a dashboard gets to show its widget; with requests refused it takes a few seconds.
READY_MS = 60_000


def test_dashboard_is_ready_while_outside_requests_hang(shared_voila, hanging_page):
    server = shared_voila("dashboards/draw_digit.ipynb")
    hanging_page.goto(server.url(), wait_until="load", timeout=READY_MS)
    expect(hanging_page.locator(".draw-digit-canvas")).to_be_visible(timeout=READY_MS)
    assert hanging_page.hung == [], f"the page asked outside hosts: {hanging_page.hung}"


def test_folder_listing_is_ready_while_outside_requests_hang(shared_voila, hanging_page):
    server = shared_voila("dashboards/")
    hanging_page.goto(server.url(), wait_until="load", timeout=READY_MS)
    # the listing fills in after the page's load event: under load (two xdist workers
    # beside a kernel) that took over Playwright's 5 s default once
    listed = hanging_page.get_by_text("draw_digit.ipynb", exact=True)
    expect(listed).to_be_visible(timeout=READY_MS)
    assert hanging_page.hung == [], f"the page asked outside hosts: {hanging_page.hung}"


@pytest.mark.deploy  # Voila's own behaviour, 15 s of waiting: not on every run
def test_voila_default_template_would_hang(voila, hanging_page):
    """The trap the offline template avoids, shown with Voila's own template: this can fail."""
    server = voila("dashboards/draw_digit.ipynb", template="lab")
    with pytest.raises(PlaywrightTimeout):
        hanging_page.goto(server.url(), wait_until="load", timeout=15_000)
    assert any("cdn.jsdelivr.net" in url for url in hanging_page.hung), hanging_page.hung
