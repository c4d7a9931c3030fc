"""The instructors' dashboards served by Voila, driven in the browser like in a lecture."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest
from browser_steps import open_dashboard
from playwright.sync_api import expect
from widget_checks import drive_covariance_explorer, drive_digit_explorer, drive_prediction

from helpers.data import load_sample

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

DASHBOARDS = Path(__file__).resolve().parents[2] / "notebooks" / "dashboards"
#: The kernel culling docs/teaching.md recommends for live demos, with short times for the test.
#: The idle timeout must outlast the gap between the notebook's execution and the page's
#: connection to its kernel (a few seconds on a busy machine), or the kernel is culled first.
IDLE_S = 8
CULLING = [
    "--MappingKernelManager.cull_interval=1",
    f"--MappingKernelManager.cull_idle_timeout={IDLE_S}",
]


def test_digit_explorer_dashboard(shared_voila, page):
    explorer = open_dashboard(shared_voila, page, "digit_explorer.ipynb", "digit-explorer")
    drive_digit_explorer(explorer, labels=load_sample()[1])


def test_covariance_explorer_dashboard(shared_voila, page):
    explorer = open_dashboard(
        shared_voila, page, "covariance_explorer.ipynb", "covariance-explorer"
    )
    seconds = drive_covariance_explorer(explorer)
    print(f"covariance explorer, key press to new read-out: {1000 * seconds:.0f} ms")


def test_prediction_explorer_dashboard(shared_voila, page):
    explorer = open_dashboard(shared_voila, page, "prediction_explorer.ipynb", "digit-explorer")
    drive_prediction(explorer)
    drive_digit_explorer(explorer, labels=load_sample()[1])


@pytest.mark.deploy  # docs/teaching.md's Voila options for live demos; 20 s of waiting
def test_culling_stops_the_kernel_of_a_closed_dashboard(voila, page):
    server = voila("dashboards/digit_explorer.ipynb", *CULLING)
    page.goto(server.url(), wait_until="domcontentloaded")
    expect(page.locator(".digit-explorer-readout")).to_contain_text("index 0")
    kernels = server.children()
    assert len(kernels) == 1, f"expected one kernel for one page, found {kernels}"
    time.sleep(2 * IDLE_S)  # an open page keeps its kernel
    assert kernels[0].is_running(), "the kernel of an open page was culled"
    page.context.close()
    _, alive = psutil.wait_procs(kernels, timeout=3 * IDLE_S)
    assert not alive, f"the kernel of the closed page is still running {3 * IDLE_S} s later"


def test_voila_on_the_folder_lists_every_dashboard(shared_voila, page):
    server = shared_voila("dashboards/")
    page.goto(server.url(), wait_until="domcontentloaded")
    for dashboard in sorted(DASHBOARDS.glob("*.ipynb")):
        expect(page.get_by_text(dashboard.name, exact=True)).to_be_visible()
