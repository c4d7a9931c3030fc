"""Fixtures for the hub tests: a real JupyterHub, its proxy, the course as a git remote.

Everything runs on 127.0.0.1 in temporary folders:

* the course repository, as a student sees it: the files of this working tree
  committed on ``main``, the student edition (``tools.editions``) on ``student``,
  served by ``git daemon`` (nbgitpuller clones shallow, which git's dumb HTTP refuses);
* the students' environment, as a hub image has it: the locked packages (those of
  this ``.venv``) but not the course package, with the user site enabled so the
  postStart's ``pip install --user`` works, and a network guard (``network_guard/``)
  that refuses and records every connection outside 127.0.0.1;
* JupyterHub with ``deploy/jupyterhub_config.py`` (the file instructors use) plus the
  test's own settings: configurable-http-proxy from ``deploy/proxy`` (npm), the
  dummy authenticator with a password, a home folder per student
  (``SimpleLocalProcessSpawner``), and an admin service token for the tests.

Without configurable-http-proxy the tests are skipped, and fail in CI.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from hub import COURSE, PASSWORD, REPO, Hub  # noqa: E402
from processes import (  # noqa: E402
    descendants,
    free_port,
    running,
    start_server,
    stop_process_tree,
)

if importlib.util.find_spec("playwright") is None:  # the link test drives Chromium
    collect_ignore = ["test_nbgitpuller_link.py"]

DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
GUARD = Path(__file__).resolve().parent / "network_guard"
HUB_START_TIMEOUT = 60
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def _unavailable(reason: str) -> None:
    """Fail in CI (the hub tests must run there), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the hub tests must run)", pytrace=False)
    pytest.skip(reason)


def proxy_command() -> Path | None:
    """configurable-http-proxy: ``deploy/proxy`` (``npm ci --prefix deploy/proxy``) or PATH."""
    local = REPO / "deploy" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.is_file():
        return local
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Instructor", "GIT_AUTHOR_EMAIL": "i@127.0.0.1"}
    env |= {"GIT_COMMITTER_NAME": "Instructor", "GIT_COMMITTER_EMAIL": "i@127.0.0.1"}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Course:
    """The course repository: a work tree the instructor commits in, pushed to the remote."""

    def __init__(self, work: Path, remote: Path, port: int) -> None:
        self.work, self.remote, self.port = work, remote, port

    @property
    def url(self) -> str:
        """The repository's address on the local git daemon."""
        return f"git://127.0.0.1:{self.port}/{COURSE}"

    def commit(self, branch: str, message: str, files: dict[str, str]) -> None:
        """Commit ``files`` (path: text) on ``branch`` and push it to the remote."""
        _git("switch", branch, cwd=self.work)
        for name, text in files.items():
            (self.work / name).parent.mkdir(parents=True, exist_ok=True)
            (self.work / name).write_text(text)
        _git("add", *files, cwd=self.work)
        _git("commit", "-q", "-m", message, cwd=self.work)
        _git("push", "-q", "origin", branch, cwd=self.work)


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    """The course on ``git://127.0.0.1``: ``main`` (instructor) and ``student`` (edition)."""
    root = tmp_path_factory.mktemp("course")
    work, remote = root / "work", root / "remote" / COURSE
    tracked = _git("ls-files", "-z", cwd=REPO).split("\0")
    for name in filter(None, tracked):
        if (REPO / name).is_file():  # files deleted in the work tree are left out
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, work / name)
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "The course", cwd=work)
    # The student edition on its own branch, as the README's "Student and instructor editions".
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "tools.editions", str(dist)], cwd=REPO, check=True, timeout=300
    )
    _git("switch", "-q", "-c", "student", cwd=work)
    for notebook in sorted((dist / "student").glob("*.ipynb")):
        shutil.copy2(notebook, work / "notebooks" / notebook.name)
    _git("commit", "-q", "-am", "Student edition", cwd=work)
    _git("switch", "-q", "main", cwd=work)
    _git("init", "-q", "--bare", str(remote), cwd=root)
    _git("remote", "add", "origin", str(remote), cwd=work)
    _git("push", "-q", "origin", "main", "student", cwd=work)

    port = free_port()
    command = [
        "git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
        f"--port={port}", f"--base-path={remote.parent}", str(remote.parent),
    ]  # fmt: skip
    log = root / "git-daemon.log"
    daemon = start_server(command, cwd=root, env=dict(os.environ), log=log, port=port, timeout=30)
    try:
        yield Course(work, remote, port)
    finally:
        left = running(stop_process_tree(daemon, known=[]))
        assert not left, f"git daemon processes left running: {left}"


@pytest.fixture(scope="session")
def student_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python environment like a hub image's: the locked packages, not the course's.

    A virtual environment of the same interpreter whose site-packages links to this
    ``.venv``'s packages except the course (installed there in editable mode), with
    the user site enabled, Jupyter's data and configuration of ``.venv``, and the
    network guard as ``sitecustomize``.
    """
    venv = Path(sys.prefix)
    env = tmp_path_factory.mktemp("student-env") / "env"
    base = Path(sys._base_executable)  # the interpreter this venv was made from
    subprocess.run([base, "-m", "venv", "--without-pip", "--system-site-packages", env], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = env / "lib" / version / "site-packages"
    for item in (venv / "lib" / version / "site-packages").iterdir():
        if "course_helpers" not in item.name:  # the editable install of this work tree
            (site / item.name).symlink_to(item)
    shutil.copy2(GUARD / "sitecustomize.py", site / "sitecustomize.py")
    for folder in ("share", "etc"):
        (env / folder).mkdir(exist_ok=True)
        (env / folder / "jupyter").symlink_to(venv / folder / "jupyter")
    for script in ("jupyterhub-singleuser", "gitpuller", "jupyter"):
        text = (venv / "bin" / script).read_text().split("\n", 1)[1]
        (env / "bin" / script).write_text(f"#!{env / 'bin' / 'python'}\n{text}")
        (env / "bin" / script).chmod(0o755)
    return env


def _wait_for_hub(hub: Hub, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(f"{hub.url}/hub/health", timeout=5).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterHub not ready after {timeout} s; its log:\n{hub.log_tail()}")


@pytest.fixture(scope="session")
def start_hub(
    tmp_path_factory: pytest.TempPathFactory, course: Course, student_env: Path
) -> Iterator[Callable[..., Hub]]:
    """``start_hub(branch="main", cull_timeout=3600)``: a JupyterHub for the course.

    Every hub started is stopped at the end of the session with all it started
    (proxy, students' servers, kernels); the test fails if a process is left.
    """
    for package in ("jupyterhub", "nbgitpuller", "jupyterhub_idle_culler"):
        if importlib.util.find_spec(package) is None:
            _unavailable(f"{package} is not installed: pip install -r requirements/lock.txt")
    proxy = proxy_command()
    if proxy is None:
        _unavailable(
            "no configurable-http-proxy: `npm ci --prefix deploy/proxy` (or apt-get install"
            " node-configurable-http-proxy)"
        )
    started: list[Hub] = []

    def start(branch: str = "main", cull_timeout: int = 3600) -> Hub:
        folder = tmp_path_factory.mktemp(f"hub-{branch}")
        port, hub_port, api_port = free_port(), free_port(), free_port()
        token = secrets.token_hex(32)
        config = folder / "jupyterhub_test_config.py"
        homes = str(folder / "home" / "{username}")
        guard_log = str(folder / "network.log")
        config.write_text(
            textwrap.dedent(
                f"""\
                c = get_config()  # noqa
                load_subconfig({str(DEPLOY_CONFIG)!r})
                c.JupyterHub.ip = "127.0.0.1"
                c.JupyterHub.port = {port}
                c.JupyterHub.hub_ip = "127.0.0.1"
                c.JupyterHub.hub_port = {hub_port}
                c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
                c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]
                c.JupyterHub.db_url = "sqlite:///{folder / "jupyterhub.sqlite"}"
                c.JupyterHub.cookie_secret_file = {str(folder / "cookie_secret")!r}
                c.JupyterHub.authenticator_class = "dummy"
                c.DummyAuthenticator.password = {PASSWORD!r}
                c.Authenticator.allow_all = True
                c.JupyterHub.spawner_class = "simple"
                c.SimpleLocalProcessSpawner.home_dir_template = {homes!r}
                # The hub runs as root in CI: every student's server is root's too.
                c.Spawner.args.append("--allow-root")
                c.Spawner.environment.update({{"COURSE_NETWORK_GUARD_LOG": {guard_log!r}}})
                c.JupyterHub.services.append({{"name": "course-tests", "api_token": {token!r}}})
                c.JupyterHub.load_roles.append({{
                    "name": "course-tests",
                    "scopes": ["admin:users", "admin:servers", "access:servers"],
                    "services": ["course-tests"],
                }})
                """
            )
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON"))}
        env |= {
            "PATH": f"{student_env / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "COURSE_REPO": course.url,
            "COURSE_BRANCH": branch,
            "COURSE_CULL_TIMEOUT": str(cull_timeout),
        }
        env.pop("VIRTUAL_ENV", None)
        command = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
        log = folder / "jupyterhub.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        hub = Hub(port, token, log, folder / "home", process, folder / "network.log")
        started.append(hub)
        _wait_for_hub(hub, process, HUB_START_TIMEOUT)
        return hub

    yield start
    left = []
    for hub in started:
        hub.seen.update({p.pid: p for p in descendants(hub.process)})
        left += running(stop_process_tree(hub.process, known=list(hub.seen.values()), timeout=60))
    assert not left, f"processes left running after stopping the hubs: {left}"


@pytest.fixture(scope="session")
def hub(start_hub) -> Hub:
    """The course's hub on branch ``main``."""
    return start_hub()


@pytest.fixture
def students(hub: Hub) -> Iterator[Callable[[list[str]], list[str]]]:
    """``students(names)`` creates the users; their servers are stopped after the test."""
    made: list[str] = []

    def create(names: list[str]) -> list[str]:
        hub.create_users(names)
        made.extend(names)
        return names

    yield create
    hub.remember_processes()
    for name in made:
        if hub.api("GET", f"users/{name}")["servers"]:
            hub.stop_server(name)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Headless Debian Chromium (as in tests/browser)."""
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()
