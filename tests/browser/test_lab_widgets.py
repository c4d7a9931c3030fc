"""The notebooks' widgets in JupyterLab, used as a student does: run all, then the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_steps import open_notebook, press, run_all_cells, slider
from playwright.sync_api import Locator, expect
from widget_checks import drive_covariance_explorer, drive_digit_explorer, drive_prediction

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def run_notebook(lab, page, name: str) -> Locator:
    """Open notebook ``name`` in JupyterLab and run all its cells; return its panel.

    The workspace is reset, so only this notebook is open. Skips the test if
    the notebook does not exist (yet).
    """
    if not (NOTEBOOKS / name).is_file():
        pytest.skip(f"notebooks/{name} does not exist yet")
    notebook = open_notebook(page, lab.url(f"lab/tree/{name}", query="reset"))
    run_all_cells(page)
    return notebook


def test_start_here_slider_moves_with_the_keyboard(lab, page, blocked_requests):
    notebook = run_notebook(lab, page, "00_start_here.ipynb")
    drag_me = slider(notebook, "Drag me")
    handle = drag_me.locator(".noUi-handle")
    expect(handle).to_have_attribute("aria-valuenow", "3.0")
    press(handle, "ArrowRight", times=2)
    expect(handle).to_have_attribute("aria-valuenow", "5.0")
    expect(drag_me.locator(".widget-readout")).to_have_text("5")
    press(handle, "Home")
    expect(drag_me.locator(".widget-readout")).to_have_text("0")
    assert blocked_requests == [], f"JupyterLab asked outside 127.0.0.1: {blocked_requests}"


def test_covariance_explorer_in_notebook_01(lab, page):
    notebook = run_notebook(lab, page, "01_covariance_conditioning.ipynb")
    explorer = notebook.locator(".covariance-explorer").first
    explorer.scroll_into_view_if_needed()
    drive_covariance_explorer(explorer)


def test_digit_explorer_in_notebook_03(lab, page):
    notebook = run_notebook(lab, page, "03_mnist_digits.ipynb")
    plain = notebook.locator(".digit-explorer").filter(
        has_not=page.locator(".digit-explorer-prediction")
    )
    explorer = plain.first
    explorer.scroll_into_view_if_needed()
    drive_digit_explorer(explorer)


def test_prediction_widget_in_notebook_05(lab, page):
    notebook = run_notebook(lab, page, "05_batched_forward_pass.ipynb")
    explorer = notebook.locator(".digit-explorer").filter(
        has=page.locator(".digit-explorer-prediction")
    )
    explorer.first.scroll_into_view_if_needed()
    drive_prediction(explorer.first)
