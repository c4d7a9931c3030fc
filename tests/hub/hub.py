"""A running JupyterHub as the tests see it: its REST API, students' servers and kernels.

Students' notebooks run as JupyterLab runs them: a session (and its kernel) is
created through the single-user server's REST API behind the hub's proxy, and every
code cell runs through the kernel's websocket, driven by jupyter-kernel-client's
``KernelWebSocketClient`` (jupyter_client's blocking client API). Everything is on
127.0.0.1, and every wait is bounded.
"""

from __future__ import annotations

import json
import re
import secrets
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil

REPO = Path(__file__).resolve().parents[2]
#: The course's name on the git remote, and so its folder in each student's home.
COURSE = "mnist-course"
#: Every student's password on the test hubs (the guide's trial: one shared password).
PASSWORD = secrets.token_hex(12)
#: The admins' guide that the tests follow, its example paths and its placeholders.
GUIDE = REPO / "docs" / "hub.md"
GUIDE_COURSE, GUIDE_ENV, GUIDE_HOMES = "/srv/course", "/srv/course-env", "/srv/trial-homes"
GUIDE_REPO, GUIDE_PASSWORD = "https://github.com/OWNER/REPO", "a password for the trial"


def guide_block(name: str) -> str:
    """The code block of docs/hub.md that follows ``<!-- tests/hub: NAME -->``."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(rf"<!-- tests/hub: {re.escape(name)} -->\n```\w+\n(.*?)```", text, re.S)
    assert found, f"docs/hub.md has no block marked <!-- tests/hub: {name} -->"
    return found.group(1)


class HubError(AssertionError):
    """A hub request or a student's server failed; the message ends with the hub's log."""


@dataclass
class Hub:
    """A JupyterHub on 127.0.0.1: ``port`` is its proxy, ``token`` an admin service token."""

    port: int
    token: str
    log: Path
    home: Path  #: students' homes are ``home / name``
    process: subprocess.Popen | None = None  #: the hub's process
    network_log: Path | None = None  #: where the network guard writes (tests/hub/network_guard)
    seen: dict[int, psutil.Process] = field(default_factory=dict)  #: processes it started

    def remember_processes(self) -> None:
        """Note the hub's descendants now (kernels may outlive their server at the teardown)."""
        self.seen.update({p.pid: p for p in psutil.Process(self.process.pid).children(True)})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 6000) -> str:
        """The end of the hub's log: the hub, the proxy and every single-user server write there."""
        return self.log.read_text(errors="replace")[-chars:]

    def request(self, method: str, path: str, body: object = None, timeout: float = 60) -> object:
        """``method`` on ``path`` (from the hub's root) with the token; the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                text = answer.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:1000]
            raise HubError(
                f"{method} {path}: HTTP {error.code} {detail}\n--- hub log ---\n{self.log_tail()}"
            ) from None
        return json.loads(text) if text else None

    def api(self, method: str, path: str, body: object = None) -> object:
        """The hub's own REST API (``/hub/api/...``)."""
        return self.request(method, f"hub/api/{path}", body)

    def server_api(self, user: str, method: str, path: str, body: object = None) -> object:
        """The REST API of ``user``'s single-user server (``/user/NAME/api/...``)."""
        return self.request(method, f"user/{user}/api/{path}", body)

    def create_users(self, names: list[str]) -> None:
        self.api("POST", "users", {"usernames": names})

    def start_server(self, user: str) -> None:
        """Ask the hub to start ``user``'s server (it answers before the server is ready)."""
        self.api("POST", f"users/{user}/server")

    def wait_until_ready(self, user: str, timeout: float) -> None:
        """Wait until ``user``'s server is ready; fail with the hub's log if it is not.

        As the hub's spawn page does: its progress event stream, which the hub answers
        when the server is ready or has failed (polling 20 students' servers twice a
        second would load the hub with requests a class never makes). Then the model.
        """
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(
            f"{self.url}/hub/api/users/{user}/server/progress",
            headers={"Authorization": f"token {self.token}", "Accept": "text/event-stream"},
        )
        try:
            with urllib.request.urlopen(request, timeout=min(60, timeout)) as stream:
                for raw in stream:  # one line at a time; the hub sends keepalives
                    line = raw.decode(errors="replace").strip()
                    if line.startswith("data:"):
                        event = json.loads(line.removeprefix("data:"))
                        if event.get("failed"):
                            raise HubError(
                                f"{user}'s server failed to start: {event.get('message')}\n"
                                f"{self.log_tail()}"
                            )
                        if event.get("ready"):
                            break
                    if time.monotonic() > deadline:
                        break
        except (urllib.error.HTTPError, OSError):
            pass  # no start pending (already ready, or stopped): the model says which
        while time.monotonic() < deadline:
            model = self.api("GET", f"users/{user}")
            server = model["servers"].get("")
            if server and server["ready"]:
                return
            if not server and not model.get("pending"):
                raise HubError(f"{user}'s server stopped while starting\n{self.log_tail()}")
            time.sleep(0.5)
        raise HubError(f"{user}'s server not ready after {timeout:.0f} s\n{self.log_tail()}")

    def stop_server(self, user: str, timeout: float = 60) -> None:
        """Stop ``user``'s server and wait until the hub says it has stopped."""
        self.api("DELETE", f"users/{user}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"users/{user}")
            if not model["servers"] and not model.get("pending"):
                return
            time.sleep(0.5)
        raise HubError(f"{user}'s server still running {timeout:.0f} s after its stop")

    def notebook(self, user: str, path: str) -> dict:
        """The notebook at ``path`` (from the student's home) as the server stores it."""
        model = self.server_api(user, "GET", f"contents/{quote(path)}?content=1&type=notebook")
        return model["content"]

    def kernel(self, user: str, notebook: str, timeout: float = 120) -> Kernel:
        """A new kernel for ``notebook`` (a session, as JupyterLab opens one); cwd: its folder."""
        body = {"path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
        session = self.server_api(user, "POST", "sessions", body)
        kernel = session["kernel"]["id"]
        try:  # the hub tests' extra, not a student's setup: requirements/hub-tests.txt
            from jupyter_kernel_client import KernelWebSocketClient
        except ImportError:
            raise HubError("the hub tests need their kernel client: .venv/bin/pip install "
                           "-r requirements/lock.txt -r requirements/hub-tests.txt") from None
        client = KernelWebSocketClient(
            endpoint=f"ws://127.0.0.1:{self.port}/user/{user}/api/kernels/{kernel}/channels",
            headers={"Authorization": f"token {self.token}"},
            username=user,
            timeout=timeout,
        )
        client.start_channels()
        try:  # a kernel that is still starting may miss a request: this repeats it
            client.wait_for_ready(int(timeout))
        except (RuntimeError, TimeoutError) as error:
            client.stop_channels()
            raise HubError(f"{user}'s kernel did not answer in {timeout:.0f} s: {error}") from None
        return Kernel(self, user, session["id"], client)


@dataclass
class Kernel:
    """A kernel of a student's server, and the client connected to it through the proxy."""

    hub: Hub
    user: str
    session: str
    client: Any  # jupyter_kernel_client.KernelWebSocketClient

    def execute(self, code: str, timeout: float = 300) -> list[dict]:
        """Run ``code``; the messages it caused. Raises ``HubError`` with the traceback on error."""
        messages: list[dict] = []
        try:
            self.client.execute_interactive(
                code, allow_stdin=False, timeout=timeout, output_hook=messages.append
            )
        except TimeoutError:
            raise HubError(f"{self.user}: no answer in {timeout:.0f} s to\n{code[:500]}") from None
        for message in messages:
            if message["header"]["msg_type"] == "error":
                traceback = "\n".join(message["content"]["traceback"])
                raise HubError(f"{self.user}: error in\n{code[:500]}\n{traceback[-3000:]}")
        return messages

    def stdout(self, code: str, timeout: float = 300) -> str:
        """What ``code`` printed."""
        messages = self.execute(code, timeout)
        return "".join(
            m["content"]["text"]
            for m in messages
            if m["header"]["msg_type"] == "stream" and m["content"]["name"] == "stdout"
        )

    def run_notebook(self, notebook: dict, timeout: float) -> int:
        """Run every code cell of ``notebook`` in order (all within ``timeout``); how many ran."""
        deadline = time.monotonic() + timeout
        count = 0
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            left = deadline - time.monotonic()
            if left <= 0:
                raise HubError(f"{self.user}: notebook not finished after {timeout:.0f} s")
            self.execute(source, timeout=left)
            count += 1
        return count

    def shutdown(self) -> None:
        """Close the websocket and delete the session (which stops the kernel)."""
        self.client.stop_channels()
        self.hub.server_api(self.user, "DELETE", f"sessions/{self.session}")


class MemorySampler:
    """Samples, every ``interval`` s, the resident memory of each student's processes.

    A process belongs to the student named by ``JUPYTERHUB_USER`` in its environment:
    the postStart commands, the single-user server and its kernels. ``peak[user]`` is
    the largest sum seen for that student, ``kernel_peak[user]`` the largest kernel.
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak: dict[str, int] = {}
        self.kernel_peak: dict[str, int] = {}
        self._owner: dict[int, str | None] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        totals: dict[str, int] = {}
        for process in psutil.process_iter():
            try:
                if process.pid not in self._owner:
                    self._owner[process.pid] = process.environ().get("JUPYTERHUB_USER")
                user = self._owner[process.pid]
                if user is None:
                    continue
                rss = process.memory_info().rss
                if "ipykernel_launcher" in " ".join(process.cmdline()):
                    self.kernel_peak[user] = max(self.kernel_peak.get(user, 0), rss)
            except psutil.Error:
                continue
            totals[user] = totals.get(user, 0) + rss
        for user, total in totals.items():
            self.peak[user] = max(self.peak.get(user, 0), total)


def summary(seconds: list[float]) -> str:
    """``median X s, slowest Y s`` of a list of durations."""
    if not seconds:
        return "none"
    return f"median {statistics.median(seconds):.1f} s, slowest {max(seconds):.1f} s"


def mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"
