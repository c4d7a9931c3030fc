"""Fixtures for the hub tests: a real JupyterHub set up as docs/hub.md says.

Everything runs on 127.0.0.1 in temporary folders:

* the course repository, as a student sees it: the files of this working tree
  committed on ``main``, the student edition (``tools.editions``) on ``student``,
  served by ``git daemon`` as ``mnist-course.git`` (so its URL works with and without
  ``.git``; nbgitpuller clones shallow, which git's dumb HTTP refuses);
* the hub's environment, made by running the guide's install block (``<!-- tests/hub:
  install -->`` in docs/hub.md) as written, with this repository in place of
  ``/srv/course`` and a new folder in place of ``/srv/course-env``; then a network
  guard (``network_guard/``) goes into it, which refuses and records every connection
  outside 127.0.0.1 of a student's process;
* JupyterHub started as the guide says, with the guide's trial configuration (its
  block ``<!-- tests/hub: trial config -->``: the course's ``configure`` line, the
  password login, a home folder per student), to which the test adds only what
  places it on this machine: ports on 127.0.0.1, the test's password, the homes'
  folder, an admin service token for the tests and the guard's log.

The environment is made once per content of the guide's install block,
requirements/lock.txt and deploy/pyproject.toml, in ``$COURSE_CACHE_DIR`` (else
``~/.cache/course-helpers``; .ci/run makes a new one each run, so CI follows the
guide from a new environment). Without configurable-http-proxy the tests are
skipped, and fail in CI.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from hub import (  # noqa: E402
    COURSE,
    GUIDE_COURSE,
    GUIDE_ENV,
    GUIDE_HOMES,
    GUIDE_PASSWORD,
    GUIDE_REPO,
    PASSWORD,
    REPO,
    Hub,
    guide_block,
)
from processes import (  # noqa: E402
    descendants,
    free_port,
    running,
    start_server,
    stop_process_tree,
)

if importlib.util.find_spec("pytest_playwright") is None:  # the link test drives Chromium
    collect_ignore = ["test_nbgitpuller_link.py"]

GUARD = Path(__file__).resolve().parent / "network_guard"
HUB_START_TIMEOUT = 120  # seconds: a hub starts in seconds, a minute under load
INSTALL_TIMEOUT = 1500
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
#: Where the guide's environment is kept between runs (CI: a new folder each run).
ENV_CACHE = Path(os.environ.get("COURSE_CACHE_DIR") or "~/.cache/course-helpers").expanduser()


def _unavailable(reason: str) -> None:
    """Fail in CI (the hub tests must run there), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the hub tests must run)", pytrace=False)
    pytest.skip(reason)


def _clean_env() -> dict[str, str]:
    """This process's environment less the developer's Python and Jupyter settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    return env


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

    def url(self, git_suffix: bool = True) -> str:
        """The repository's address on the local git daemon, with or without ``.git``."""
        return f"git://127.0.0.1:{self.port}/{COURSE}{'.git' if git_suffix else ''}"

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
    work, remote = root / "work", root / "remote" / f"{COURSE}.git"
    tracked = _git("ls-files", "-z", cwd=REPO).split("\0")
    for name in filter(None, tracked):
        if (REPO / name).is_file():  # files deleted in the work tree are left out
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, work / name)
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "The course", cwd=work)
    # The student edition on its own branch (docs/teaching.md: student and instructor editions).
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


def _node_20() -> bool:
    """npm and Node 20 or newer are there (what ``npm ci --prefix deploy/proxy`` needs)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return False
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30)
    found = re.match(r"v(\d+)\.", version.stdout)
    return bool(found) and int(found.group(1)) >= 20


def _install_key() -> str:
    """What the environment is made from: the guide's block, the lock, deploy/'s project.

    (``course_deploy`` is installed in place: an edit of it needs no new environment.)
    """
    digest = hashlib.sha256(guide_block("install").encode())
    for path in [REPO / "requirements" / "lock.txt", REPO / "deploy" / "pyproject.toml"]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def hub_env() -> Path:
    """The environment of the guide's step 1, made by running its block as written.

    ``cd /srv/course`` is this repository, ``/srv/course-env`` a new folder. ``npm ci``
    runs when Node 20 and npm are there (else the guide's alternative: a proxy on PATH).
    """
    env = ENV_CACHE / f"hub-env-{_install_key()}"
    done = env / "made-by-docs-hub-md"
    if not done.is_file():
        shutil.rmtree(env, ignore_errors=True)
        lines = []
        for line in guide_block("install").splitlines():
            line = line.replace(GUIDE_ENV, str(env)).replace(GUIDE_COURSE, str(REPO))
            if line.startswith("npm ") and not _node_20():
                continue  # the guide's alternative: Debian's configurable-http-proxy
            lines.append(line)
        script = "set -eux\n" + "\n".join(lines) + "\n"
        log = ENV_CACHE / f"{env.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            code = subprocess.run(
                ["bash", "-c", script], env=_clean_env(), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, timeout=INSTALL_TIMEOUT,
            ).returncode  # fmt: skip
        tail = log.read_text(errors="replace")[-4000:]
        assert code == 0, f"docs/hub.md's install block failed (exit {code}):\n{tail}"
        done.write_text(script)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = env / "lib" / version / "site-packages"
    assert site.is_dir(), f"{site} missing: the guide's python3 is not Python {version}"
    shutil.copy2(GUARD / "sitecustomize.py", site / "sitecustomize.py")
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
    tmp_path_factory: pytest.TempPathFactory, course: Course, hub_env: Path
) -> Iterator[Callable[..., Hub]]:
    """``start_hub(branch="main", ...)``: a JupyterHub as docs/hub.md's trial sets it up.

    ``git_suffix``: the repository's URL ends in ``.git``; ``allow_root=False`` takes the
    guide's ``allow_root=True`` out; ``cull_timeout`` is passed to ``configure``. Every
    hub started is stopped at the end of the session with all it started (proxy,
    students' servers, kernels); the test fails if a process is left.
    """
    proxy = REPO / "deploy" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.is_file() and shutil.which("configurable-http-proxy") is None:
        _unavailable(
            "no configurable-http-proxy: `npm ci --prefix deploy/proxy` (or apt-get install"
            " node-configurable-http-proxy)"
        )
    started: list[Hub] = []

    def start(
        branch: str = "main",
        *,
        git_suffix: bool = True,
        allow_root: bool = True,
        cull_timeout: int | None = None,
    ) -> Hub:
        folder = tmp_path_factory.mktemp(f"hub-{branch}")
        port, hub_port, api_port = free_port(), free_port(), free_port()
        token = secrets.token_hex(32)
        config = folder / "jupyterhub_config.py"
        guard_log = str(folder / "network.log")
        trial = guide_block("trial config")
        for old, new in [
            (GUIDE_REPO, course.url(git_suffix)),
            ('branch="main"', f"branch={branch!r}"),
            (GUIDE_PASSWORD, PASSWORD),
            (GUIDE_HOMES, str(folder / "home")),
            (", allow_root=True)", ", allow_root=True)" if allow_root else ")"),
        ]:
            assert old in trial, f"docs/hub.md's trial config lacks {old!r}"
            trial = trial.replace(old, new)
        if cull_timeout is not None:
            trial = trial.replace("configure(c, ", f"configure(c, cull_timeout={cull_timeout}, ")
        # Only what places the trial on this machine, and the tests' own access.
        here = f"""
# tests/hub: ports on 127.0.0.1, the network guard's log, the tests' admin token.
c.JupyterHub.port = {port}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.Spawner.environment.update({{"COURSE_NETWORK_GUARD_LOG": {guard_log!r}}})
c.JupyterHub.services.append({{"name": "course-tests", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{
    "name": "course-tests",
    "scopes": ["admin:users", "admin:servers", "access:servers"],
    "services": ["course-tests"],
}})
"""
        config.write_text(trial + here)
        # The guide's step 3, from the hub's folder (its database and cookie secret).
        command = [str(hub_env / "bin" / "jupyterhub"), "-f", str(config)]
        log = folder / "jupyterhub.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=folder, env=_clean_env(), stdin=subprocess.DEVNULL, stdout=out,
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
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's browser is Debian's headless Chromium (as in tests/browser)."""
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`")
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}
