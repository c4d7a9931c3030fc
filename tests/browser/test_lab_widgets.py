"""The notebooks' widgets in JupyterLab, used as a student does: run all, then the keyboard."""

from __future__ import annotations

import pytest
from browser_steps import run_notebook, shown_widget
from widget_checks import drive_covariance_explorer, drive_digit_explorer, drive_prediction

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]  # runs all cells: see browser_steps


def test_start_here_widget_answers_the_keyboard(lab, page, blocked_requests):
    notebook = run_notebook(lab, page, "00_start_here.ipynb")
    drive_digit_explorer(shown_widget(notebook.locator(".digit-explorer"), "digit explorer"))
    assert blocked_requests == [], f"JupyterLab asked outside 127.0.0.1: {blocked_requests}"


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
