"""Voila as instructors type it, with no options, is ready while every outside request hangs.

``voila notebooks/dashboards/draw_digit.ipynb`` (from the repository root and from
inside ``notebooks/dashboards``), ``voila notebooks/dashboards/`` and JupyterLab's
"Render with Voila" preview must all serve the "offline" template: installing the
course (README step 1) put it and a ``voila.json`` naming it into the environment;
nothing on the command line or in ``JUPYTER_PATH`` names it. Each runs on a copy of
``notebooks/`` in a temporary folder, with the environment's ``voila`` and
``jupyter-lab`` commands as instructors type them.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from processes import free_port, running, start_server, stop_process_tree

pytestmark = [pytest.mark.browser, pytest.mark.deploy, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parents[2]
READY_MS = 60_000


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a copy of notebooks/, as the repository root does."""
    root = tmp_path_factory.mktemp("course-copy")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=ignore)
    return root


@pytest.fixture
def serve(jupyter_env: dict[str, str], course_copy: Path) -> Iterator[Callable[..., str]]:
    """``serve(cwd, *command)``: start a Jupyter server command; the URL with its token."""
    env = {k: v for k, v in jupyter_env.items() if k != "JUPYTER_PATH"}
    started: list[subprocess.Popen] = []

    def start(cwd: Path, *command: str, path: str = "") -> str:
        port, token = free_port(), secrets.token_hex(24)
        app = "Voila" if command[0] == "voila" else "ServerApp"  # or jupyter-lab
        options = [f"--{app}.port={port}", f"--{app}.port_retries=0", f"--{app}.ip=127.0.0.1"]
        options += ["--no-browser"]
        if app == "Voila":
            options += [f"--Voila.token={token}"]
        else:
            options += [f"--IdentityProvider.token={token}", "--allow-root"]
        full = [str(Path(sys.executable).parent / command[0]), *command[1:], *options]
        log = course_copy / f"server-{port}.log"
        started.append(start_server(full, cwd=cwd, env=env, log=log, port=port))
        return f"http://127.0.0.1:{port}/{path}?token={token}"

    yield start
    left = []
    for process in started:
        left += running(stop_process_tree(process, known=[]))
    assert not left, f"processes left running: {left}"


def expect_drawing_ready(page) -> None:
    expect(page.locator(".draw-digit-canvas")).to_be_visible(timeout=READY_MS)
    assert page.hung == [], f"the page asked outside hosts: {page.hung}"


def test_voila_on_a_dashboard_from_the_repository_root(serve, course_copy, hanging_page):
    url = serve(course_copy, "voila", "notebooks/dashboards/draw_digit.ipynb")
    hanging_page.goto(url, wait_until="load", timeout=READY_MS)
    expect_drawing_ready(hanging_page)


def test_voila_on_a_dashboard_from_its_folder(serve, course_copy, hanging_page):
    url = serve(course_copy / "notebooks" / "dashboards", "voila", "draw_digit.ipynb")
    hanging_page.goto(url, wait_until="load", timeout=READY_MS)
    expect_drawing_ready(hanging_page)


def test_voila_on_the_dashboards_folder(serve, course_copy, hanging_page):
    url = serve(course_copy, "voila", "notebooks/dashboards/")
    hanging_page.goto(url, wait_until="load", timeout=READY_MS)
    expect(hanging_page.get_by_text("draw_digit.ipynb", exact=True)).to_be_visible()
    assert hanging_page.hung == [], f"the listing asked outside hosts: {hanging_page.hung}"
    # What a double click on draw_digit.ipynb opens, in a new tab.
    hanging_page.goto(url.replace("/?", "/voila/render/draw_digit.ipynb?"), timeout=READY_MS)
    expect_drawing_ready(hanging_page)


def test_jupyterlab_voila_preview(serve, course_copy, hanging_page):
    """The page JupyterLab's "Render with Voila" button shows (voila/render/PATH)."""
    path = "voila/render/notebooks/dashboards/draw_digit.ipynb"
    url = serve(course_copy, "jupyter-lab", path=path)
    hanging_page.goto(url, wait_until="load", timeout=READY_MS)
    expect_drawing_ready(hanging_page)
