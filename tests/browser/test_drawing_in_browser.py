"""The drawing widget in a real browser: draw with the mouse, read back what the network saw."""

from __future__ import annotations

import pytest
from browser_steps import open_dashboard, run_notebook, shown_widget
from widget_checks import drive_draw_digit

from helpers.mlp import load_mlp
from helpers.paths import REFERENCE_WEIGHTS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]  # runs all cells: see browser_steps


@pytest.fixture(scope="module")
def model():
    return load_mlp(REFERENCE_WEIGHTS)


def test_draw_digit_dashboard_in_voila(shared_voila, page, model):
    widget = open_dashboard(shared_voila, page, "draw_digit.ipynb", "draw-digit")
    latencies = drive_draw_digit(widget, model)
    print(f"end of stroke to answer on screen (Voila): {latencies} ms")


def test_draw_digit_in_jupyterlab(lab, page, model):
    notebook = run_notebook(lab, page, "dashboards/draw_digit.ipynb")
    widget = shown_widget(notebook.locator(".draw-digit"), "drawing widget")
    latencies = drive_draw_digit(widget, model)
    print(f"end of stroke to answer on screen (JupyterLab): {latencies} ms")
