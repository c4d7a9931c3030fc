"""Fixtures for the browser tests: a JupyterLab server, Voila servers, pages that stay local.

The browser, its contexts and pages are pytest-playwright's (artifacts of a failed
test, a screenshot and a trace, go to ``--output``: see the root conftest.py), launched
from Debian's Chromium.

Every server runs on 127.0.0.1 with a token and a free port, on a copy of
``notebooks/`` in a temporary folder, with Jupyter's configuration, data and
runtime folders there too (so nothing of the machine's Jupyter set-up leaks in).
The browser may only talk to 127.0.0.1: every other request is aborted (or, with
``hanging_page``, left hanging, as a firewall that drops packets does). Voila
serves with the repository's "offline" template (``share/jupyter/voila/templates``),
as docs/teaching.md tells instructors to. Each fixture stops what it started and checks
that no process is left.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from processes import Server, free_port, kernel_id, start_server

REPO = Path(__file__).resolve().parents[2]
# Every expect() waits up to 30 s unless it says otherwise: Playwright's 5 s default was
# too short for a Voila listing under two xdist workers and a kernel on 2 cores.
expect.set_options(timeout=30_000)
#: Every other wait of a page (navigation, clicks, wait_for_*) unless it says otherwise:
#: a dashboard's page arrives once its kernel has run the notebook, on a loaded machine.
PAGE_TIMEOUT_MS = 60_000

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The window of every page the tests open, unless a test says otherwise.
VIEWPORT = {"width": 1280, "height": 900}
#: JupyterLab user settings: no news or update checks (they would ask the internet).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}

if importlib.util.find_spec("pytest_playwright") is None:  # gives browser, page, ...
    _REASON = "the browser tests need pytest-playwright: pip install -r requirements/lock.txt"
    if os.environ.get("CI"):
        raise ImportError(f"{_REASON} (CI is set: the browser tests must run)")
    pytest.skip(_REASON, allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's browser is Debian's headless Chromium (Playwright's is not installed)."""
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the browser tests must run)", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def blocked_requests() -> list[str]:
    """The URLs the page asked for outside 127.0.0.1 (they were aborted)."""
    return []


def _local_only(outside: list[str], hang: bool = False) -> Callable:
    """A route handler: requests to 127.0.0.1 go through; others are listed, and aborted.

    With ``hang``, they are neither answered nor refused: they hang, as behind a
    firewall that drops packets.
    """

    def handle(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            if not hang:
                route.abort()

    return handle


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's ``new_context``, its pages waiting up to :data:`PAGE_TIMEOUT_MS`."""

    def make(**options):
        context = new_context(**options)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        return context

    return make


@pytest.fixture
def context(new_context, blocked_requests: list[str]):
    """pytest-playwright's fresh context (own cookies and storage), reaching 127.0.0.1 only."""
    context = new_context(viewport=VIEWPORT)
    context.route("**/*", _local_only(blocked_requests))
    return context


@pytest.fixture
def hanging_page(new_context):
    """A page whose requests outside 127.0.0.1 never get an answer; ``.hung`` lists them."""
    context = new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.hung = []
    context.route("**/*", _local_only(page.hung, hang=True))
    return page


@pytest.fixture(scope="session")
def jupyter_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder holding a copy of notebooks/ and Jupyter's own folders."""
    home = tmp_path_factory.mktemp("jupyter")
    shutil.copytree(
        REPO / "notebooks",
        home / "notebooks",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
    )
    settings = home / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    return home


@pytest.fixture(scope="session")
def jupyter_env(jupyter_home: Path) -> dict[str, str]:
    """The servers' environment: kernels import ``helpers`` from this repository."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
    }
    for variable, folder in folders.items():
        env[variable] = str(jupyter_home / folder)
    env["JUPYTER_PATH"] = str(REPO / "share" / "jupyter")  # the "offline" Voila template
    env.pop("JUPYTER_PORT", None)
    env.pop("JUPYTER_TOKEN", None)
    return env


@pytest.fixture(scope="session")
def lab_server(jupyter_home: Path, jupyter_env: dict[str, str]) -> Iterator[Server]:
    """One JupyterLab server for the session, on the copy of notebooks/."""
    port, token = free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--allow-root",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={jupyter_home / 'notebooks'}",
    ]  # fmt: skip
    log = jupyter_home / "jupyterlab.log"
    process = start_server(command, cwd=jupyter_home, env=jupyter_env, log=log, port=port)
    server = Server(process, port, token)
    try:
        server.api("GET", "status")
        yield server
        for kernel in server.api("GET", "kernels"):
            server.api("DELETE", f"kernels/{kernel['id']}")
    finally:
        server.stop()


@pytest.fixture
def lab(browser, lab_server: Server) -> Iterator[Server]:
    """The JupyterLab server; the sessions and kernels the test starts are shut down after it.

    Fails if a kernel process is still running 15 s after the server was asked to
    shut it down (it is then killed).
    """
    sessions = {s["id"] for s in lab_server.api("GET", "sessions")}
    kernels = {k["id"] for k in lab_server.api("GET", "kernels")}
    processes = {p.pid for p in lab_server.children()}
    yield lab_server
    started = [p for p in lab_server.children() if p.pid not in processes]
    for session in lab_server.api("GET", "sessions"):
        if session["id"] not in sessions:
            lab_server.api("DELETE", f"sessions/{session['id']}")
    ids = [k["id"] for k in lab_server.api("GET", "kernels") if k["id"] not in kernels]
    lab_server.stop_kernels(ids, started)


def _start_voila(
    home: Path, env: dict[str, str], notebook: str, *options: str, template: str = "offline"
) -> Server:
    """Voila on ``notebook`` (a path in the copy of notebooks/), as instructors start it."""
    port, token = free_port(), secrets.token_hex(24)
    command = [
        sys.executable, "-m", "voila", notebook,
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        f"--template={template}",
        *options,
    ]  # fmt: skip
    log = home / f"voila-{port}.log"
    process = start_server(command, cwd=home / "notebooks", env=env, log=log, port=port)
    return Server(process, port, token)


@pytest.fixture
def voila(jupyter_home: Path, jupyter_env: dict[str, str]) -> Iterator[Callable[..., Server]]:
    """Start Voila on a notebook of the copy: ``voila("dashboards/x.ipynb", *options)``.

    The "offline" template is used unless ``template=`` names another. Every
    Voila server started is stopped after the test, with its kernels. For a
    dashboard with the default options, ``shared_voila`` saves the start.
    """
    servers: list[Server] = []

    def start(notebook: str, *options: str, template: str = "offline") -> Server:
        server = _start_voila(jupyter_home, jupyter_env, notebook, *options, template=template)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="session")
def voila_server(
    jupyter_home: Path, jupyter_env: dict[str, str]
) -> Iterator[Callable[[str], Server]]:
    """``voila_server("dashboards/x.ipynb")``: the session's Voila server on that notebook.

    Started on first use with the "offline" template and stopped at the end of the
    session: starting Voila takes seconds, and the server is not what the tests
    look at. Every page opened on it gets a new kernel that executes the notebook.
    """
    servers: dict[str, Server] = {}

    def get(notebook: str) -> Server:
        if notebook not in servers:
            servers[notebook] = _start_voila(jupyter_home, jupyter_env, notebook)
        return servers[notebook]

    try:
        yield get
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def shared_voila(voila_server: Callable[[str], Server]) -> Iterator[Callable[[str], Server]]:
    """:func:`voila_server` for one test: the kernels its pages started are shut down after it.

    They are shut down through Voila's API, as when a visitor closes the tab.
    """
    known: dict[str, set[int]] = {}

    def get(notebook: str) -> Server:
        server = voila_server(notebook)
        known.setdefault(notebook, {p.pid for p in server.children()})
        return server

    yield get
    for notebook, pids in known.items():
        server = voila_server(notebook)
        started = [p for p in server.children() if p.pid not in pids]
        server.stop_kernels([i for i in map(kernel_id, started) if i], started)


@pytest.fixture(scope="session")
def laptop_dashboard(browser, voila_server: Callable[[str], Server]) -> Iterator[Callable]:
    """``laptop_dashboard("draw_digit.ipynb")``: that dashboard open in Voila, 1280 x 720.

    Opened once per session and shared by the checks that only look at it
    (accessibility, layout on a laptop screen); they must not change it. Only
    127.0.0.1 is reachable (``page.blocked`` lists what was refused).
    """
    pages: dict[str, object] = {}

    def get(name: str):
        if name not in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            blocked: list[str] = []
            context.route("**/*", _local_only(blocked))
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            page = context.new_page()
            page.blocked = blocked
            page.goto(voila_server(f"dashboards/{name}").url(), wait_until="domcontentloaded")
            pages[name] = page
        return pages[name]

    try:
        yield get
    finally:
        for page in pages.values():
            page.context.close()
