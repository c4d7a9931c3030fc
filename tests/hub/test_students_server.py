"""A student's server on the course's hub: its start clones the course and puts it on the path.

Also: every notebook runs there without reaching outside 127.0.0.1 (with each
kernel's peak memory, the figures of docs/hub.md's capacity), and the culler
stops a server left idle.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hub import COURSE, REPO, Hub, HubError, MemorySampler, mib

pytestmark = [pytest.mark.hub, pytest.mark.timeout(900)]

NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("0*.ipynb"))


def course_clone(hub: Hub, user: str) -> Path:
    return hub.home / user / COURSE


def test_server_start_clones_the_course_and_imports_helpers_from_it(hub, students):
    (user,) = students(["ada"])
    hub.start_server(user)
    hub.wait_until_ready(user, timeout=300)
    clone = course_clone(hub, user)
    assert (clone / "notebooks" / "00_start_here.ipynb").is_file(), hub.log_tail()
    assert (clone / ".git" / "shallow").is_file(), "nbgitpuller's clone should be shallow"
    kernel = hub.kernel(user, f"{COURSE}/notebooks/00_start_here.ipynb")
    try:
        where = kernel.stdout("import helpers, os; print(helpers.__file__); print(os.getcwd())")
        transport = kernel.stdout(
            "from ipykernel.kernelapp import IPKernelApp\n"
            "print(IPKernelApp.instance().transport, IPKernelApp.instance().ip)"
        )
    finally:
        kernel.shutdown()
    # Unix sockets in the student's runtime folder: no TCP port two servers could both pick.
    runtime = hub.home / user / ".local" / "share" / "jupyter" / "runtime"
    assert transport.split() == ["ipc", str(runtime / "kernel")], transport
    module, cwd = where.split()
    assert Path(module) == clone / "helpers" / "__init__.py"
    assert Path(cwd) == clone / "notebooks"
    assert not hub.network_log.exists(), hub.network_log.read_text()
    assert not (hub.home / user / ".local" / "lib").exists(), "nothing installed for the student"
    assert not (hub.home / user / f"{COURSE}.git").exists(), "one copy of the course"


@pytest.mark.skipif(os.geteuid() != 0, reason="a hub's servers run as root only when it does")
def test_a_server_as_root_fails_at_once_with_the_reason(start_hub):
    """Without the trial's allow_root=True, a hub run as root refuses to start a server."""
    hub = start_hub(allow_root=False)
    hub.create_users(["root-trial"])
    with pytest.raises(HubError) as error:
        hub.start_server("root-trial")  # the hub answers within its 10 s slow_spawn_timeout
        hub.wait_until_ready("root-trial", timeout=60)
    assert "would run as root" in str(error.value), str(error.value)[-3000:]
    assert "allow_root=True" in str(error.value)


def test_network_guard_refuses_and_records_an_outside_connection(hub, students):
    """The guard the other tests rely on works: a connection outside 127.0.0.1 is refused."""
    (user,) = students(["grace"])
    hub.start_server(user)
    hub.wait_until_ready(user, timeout=300)
    kernel = hub.kernel(user, f"{COURSE}/notebooks/00_start_here.ipynb")
    code = (  # 192.0.2.1: TEST-NET-1, never routed; example.org: a name lookup
        "import socket, urllib.request\n"
        "try:\n"
        "    socket.socket().connect(('192.0.2.1', 80))\n"
        "except OSError as error:\n"
        "    print(error)\n"
        "try:\n"
        "    urllib.request.urlopen('http://example.org/', timeout=1)\n"
        "except OSError as error:\n"
        "    print(error)\n"
    )
    try:
        printed = kernel.stdout(code)
    finally:
        kernel.shutdown()
    assert printed.count("network guard") == 2, printed
    log = hub.network_log.read_text()
    assert "socket.connect '192.0.2.1'" in log, log
    assert "socket.getaddrinfo 'example.org'" in log, log
    hub.network_log.unlink()


def test_every_notebook_runs_in_a_students_server_without_leaving_127_0_0_1(hub, students, capsys):
    (user,) = students(["alan"])
    hub.start_server(user)
    hub.wait_until_ready(user, timeout=300)
    peaks, totals, seconds = {}, {}, {}
    for name in NOTEBOOKS:
        path = f"{COURSE}/notebooks/{name}"
        notebook = hub.notebook(user, path)
        with MemorySampler(interval=0.25) as sampler:
            start = time.monotonic()
            kernel = hub.kernel(user, path)
            try:
                cells = kernel.run_notebook(notebook, timeout=300)
            finally:
                hub.remember_processes()
                kernel.shutdown()
            seconds[name] = time.monotonic() - start
        assert cells > 0
        peaks[name] = sampler.kernel_peak[user]
        totals[name] = sampler.peak[user]
    network = hub.network_log.read_text() if hub.network_log.exists() else ""
    assert not network, f"a student's process tried to leave 127.0.0.1:\n{network}"
    lines = [
        f"{n}: kernel peak {mib(peaks[n])}, with the server {mib(totals[n])}, {seconds[n]:.1f} s"
        for n in NOTEBOOKS
    ]
    with capsys.disabled():
        print("\nOne student, each notebook in a fresh kernel:\n" + "\n".join(lines))
    record = {
        n: {"kernel_peak_bytes": peaks[n], "peak_bytes": totals[n], "seconds": seconds[n]}
        for n in NOTEBOOKS
    }
    (hub.home.parent / "notebook-memory.json").write_text(json.dumps(record, indent=1))


def test_idle_server_is_culled(start_hub):
    hub = start_hub(branch="main", cull_timeout=15)
    hub.create_users(["idle"])
    hub.start_server("idle")
    hub.wait_until_ready("idle", timeout=300)
    deadline = time.monotonic() + 120
    while hub.api("GET", "users/idle")["servers"] and time.monotonic() < deadline:
        time.sleep(2)
    assert not hub.api("GET", "users/idle")["servers"], (
        f"an idle server still runs 120 s after its start (cull timeout 15 s)\n{hub.log_tail()}"
    )
