"""The notebooks' widgets in JupyterLab, used as a student does: run all, then the keyboard."""

from __future__ import annotations

import pytest
from lab_ui import open_notebook, press, run_all_cells, slider_handle
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_start_here_slider_moves_with_the_keyboard(lab, page, blocked_requests):
    open_notebook(page, lab.url("lab/tree/00_start_here.ipynb"))
    run_all_cells(page)
    slider = page.locator(".widget-slider").filter(has=page.get_by_text("Drag me", exact=True))
    handle = slider_handle(page.locator(".jp-NotebookPanel"), "Drag me")
    expect(handle).to_have_attribute("aria-valuenow", "3.0")
    press(handle, "ArrowRight", times=2)
    expect(handle).to_have_attribute("aria-valuenow", "5.0")
    expect(slider.locator(".widget-readout")).to_have_text("5")
    press(handle, "Home")
    expect(slider.locator(".widget-readout")).to_have_text("0")
    assert blocked_requests == [], f"JupyterLab asked outside 127.0.0.1: {blocked_requests}"
