"""The notebooks' widgets in JupyterLab, used as a student does: run all, then the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_steps import open_notebook, run_all_cells
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


def test_start_here_widget_answers_the_keyboard(lab, page, blocked_requests):
    notebook = run_notebook(lab, page, "00_start_here.ipynb")
    drive_digit_explorer(shown_widget(notebook.locator(".digit-explorer"), "digit explorer"))
    assert blocked_requests == [], f"JupyterLab asked outside 127.0.0.1: {blocked_requests}"


def shown_widget(widget: Locator, what: str) -> Locator:
    """Scroll to the first ``widget`` and return it; fail clearly if the notebook has none."""
    widget = widget.first
    expect(widget, f"the notebook shows no {what} after running all cells").to_have_count(1)
    widget.scroll_into_view_if_needed()
    return widget


def test_covariance_explorer_in_notebook_01(lab, page):
    notebook = run_notebook(lab, page, "01_covariance_conditioning.ipynb")
    explorer = shown_widget(notebook.locator(".covariance-explorer"), "covariance explorer")
    drive_covariance_explorer(explorer)


def test_digit_explorer_in_notebook_03(lab, page):
    notebook = run_notebook(lab, page, "03_mnist_digits.ipynb")
    prediction = page.locator(".digit-explorer-prediction")
    explorers = notebook.locator(".digit-explorer").filter(has_not=prediction)
    drive_digit_explorer(shown_widget(explorers, "digit explorer"))


def test_prediction_widget_in_notebook_05(lab, page):
    notebook = run_notebook(lab, page, "05_batched_forward_pass.ipynb")
    prediction = page.locator(".digit-explorer-prediction")
    explorers = notebook.locator(".digit-explorer").filter(has=prediction)
    drive_prediction(shown_widget(explorers, "digit explorer with a model's prediction"))
