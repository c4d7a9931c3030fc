"""Start a server in its own process group; stop it and every process it started.

JupyterLab and Voila start each kernel in a new session (see
``jupyter_client.launcher``), so stopping the server's process group is not
enough: we remember the server's descendants while it runs and stop each of
them by PID. :class:`Server` is a running Jupyter server: its addresses, its
REST API, and shutting down its kernels.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: Seconds a server gets to listen: JupyterLab or Voila start in seconds, a minute under load.
START_TIMEOUT = 120


def start_server(
    command: list[str], *, cwd: Path, env: dict[str, str], log: Path, port: int,
    timeout: float = START_TIMEOUT,
) -> subprocess.Popen:  # fmt: skip
    """Run ``command`` in a new process group; return once it accepts connections on ``port``.

    The server's output goes to ``log``; if it exits or is not listening after
    ``timeout`` seconds, it is stopped and the end of the log is in the error.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    stop_process_tree(process, known=[])
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{command[:4]} did not start on port {port}; its log ends with:\n{tail}")


def descendants(process: subprocess.Popen) -> list[psutil.Process]:
    """The running children, grandchildren, ... of ``process`` (kernels included)."""
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def stop_processes(processes: list[psutil.Process], timeout: float = 10) -> list[psutil.Process]:
    """Terminate ``processes`` (SIGTERM, then SIGKILL after ``timeout`` s); return survivors."""
    for proc in processes:
        try:
            proc.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    return psutil.wait_procs(alive, timeout=5)[1]


def stop_process_tree(
    process: subprocess.Popen, known: list[psutil.Process], timeout: float = 15
) -> list[psutil.Process]:
    """Stop the server ``process``, its process group and every descendant.

    ``known`` are descendants seen earlier (a kernel is re-parented when the
    server exits before it). Returns every process this concerned, so the
    caller can check with :func:`running` that none is left.
    """
    everyone = {p.pid: p for p in [*known, *descendants(process)]}
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    stop_processes(list(everyone.values()), timeout)
    return list(everyone.values())


def running(processes: list[psutil.Process]) -> list[str]:
    """Those of ``processes`` that still run (zombies count as ended)."""
    alive = []
    for proc in processes:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{proc.pid} {_name(proc)}")
        except psutil.NoSuchProcess:
            pass
    return alive


def _name(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline()[:3])
    except psutil.Error:
        return "?"


#: A kernel's id, in the connection file on its command line (``kernel-<id>.json``).
_KERNEL_ID = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_id(process: psutil.Process) -> str | None:
    """The id of the kernel ``process`` runs (None if it is not a kernel or has ended)."""
    try:
        found = _KERNEL_ID.search(" ".join(process.cmdline()))
    except psutil.NoSuchProcess:
        return None
    return found.group(1) if found else None


@dataclass
class Server:
    """A running Jupyter server and the processes it started."""

    process: subprocess.Popen
    port: int
    token: str
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    def url(self, path: str = "", query: str = "") -> str:
        """The address of ``path`` on this server, with the token (and ``query``, if any)."""
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}" + (
            f"&{query}" if query else ""
        )

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API; the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def children(self) -> list[psutil.Process]:
        """The server's descendant processes now (its kernels); remembered for the teardown."""
        now = descendants(self.process)
        self.seen.update({p.pid: p for p in now})
        return now

    def stop(self) -> None:
        """Stop the server and everything it started; fail if a process is left running."""
        processes = stop_process_tree(self.process, known=[*self.seen.values(), *self.children()])
        left = running([*processes])
        assert not left, f"processes left running after stopping the server: {left}"

    def stop_kernels(self, ids: list[str], processes: list[psutil.Process]) -> None:
        """Shut the kernels ``ids`` down through the API (404, already gone, is fine).

        Fails if one of their ``processes`` still runs 15 s later (it is then killed).
        """
        for kernel in ids:
            try:
                self.api("DELETE", f"kernels/{kernel}")
            except urllib.error.HTTPError as error:
                if error.code != 404:
                    raise
        psutil.wait_procs(processes, timeout=15)
        left = running(processes)
        stop_processes(processes)
        assert not left, f"kernels still running 15 s after their shutdown (now killed): {left}"
