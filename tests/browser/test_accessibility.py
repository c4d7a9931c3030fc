"""Every dashboard passes axe-core's automated accessibility check (no serious or critical issue).

axe-core comes with the PyPI package axe-playwright-python, which bundles its
``axe.min.js``: the check runs offline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

DASHBOARDS = Path(__file__).resolve().parents[2] / "notebooks" / "dashboards"
#: Each dashboard and the CSS class of the widget it shows.
WIDGETS = {
    "covariance_explorer.ipynb": "covariance-explorer",
    "digit_explorer.ipynb": "digit-explorer",
    "draw_digit.ipynb": "draw-digit",
    "prediction_explorer.ipynb": "digit-explorer",
}


def test_every_dashboard_is_checked():
    assert sorted(WIDGETS) == sorted(p.name for p in DASHBOARDS.glob("*.ipynb"))


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_dashboard_has_no_serious_accessibility_violation(laptop_dashboard, name):
    page = laptop_dashboard(name)  # shared with test_projector's laptop screen
    expect(page.locator(f".{WIDGETS[name]}")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("from helpers")).to_have_count(0)  # Voila hides the code
    results = Axe().run(page).response
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']}; e.g. {v['nodes'][0]['html'][:200]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
