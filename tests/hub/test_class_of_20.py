"""A class at once: 20 students' servers start together, each runs notebook 05 top to bottom.

Each student is a thread that does what JupyterLab does through the hub's proxy:
wait for its server, open a session on notebook 05 (a new kernel) and send every
code cell over the kernel's websocket. All traffic is on 127.0.0.1, every wait is
bounded. The run prints the figures docs/hub.md quotes: the time to a ready server
and where it goes (from the times the server's start logs: the hub until the start
script runs, gitpuller, the single-user server until the hub finds it ready), the
kernels started again with the cause the logs give, memory; and writes them to
``class-of-N.json`` in the run's scratch folder. ``COURSE_HUB_STUDENTS`` sets the
class size (default 20).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import threading
import time
import traceback

import psutil
import pytest
from hub import COURSE, Hub, HubError, Kernel, MemorySampler, mib, summary

from helpers.paths import scratch_dir

pytestmark = [pytest.mark.hub, pytest.mark.timeout(1800)]

STUDENTS = int(os.environ.get("COURSE_HUB_STUDENTS", "20"))
NOTEBOOK = f"{COURSE}/notebooks/05_batched_forward_pass.ipynb"
READY_TIMEOUT = 600
NOTEBOOK_TIMEOUT = 900


def student(hub: Hub, user: str, start: float, results: dict) -> None:
    """One student: starts a server, then runs notebook 05 through; times since ``start``.

    The hub answers a start request after up to 10 s (``slow_spawn_timeout``), so
    each student asks from their own thread: the servers really start together.
    """
    result = results[user]
    try:
        result["asked_at"] = time.time()
        hub.start_server(user)
        hub.wait_until_ready(user, timeout=READY_TIMEOUT)
        result["ready"] = time.monotonic() - start
        result["ready_at"] = time.time()
        result["start_cpu"] = start_cpu(user)
        kernel = start_kernel(hub, user, result)
        try:
            where = kernel.stdout("import helpers; print(helpers.__file__)")
            assert where.startswith(str(hub.home / user / COURSE)), where
            notebook = hub.notebook(user, NOTEBOOK)
            result["cells"] = kernel.run_notebook(notebook, timeout=NOTEBOOK_TIMEOUT)
        finally:
            kernel.shutdown()
        result["finished"] = time.monotonic() - start
    except Exception as error:  # noqa: BLE001 (reported with the others below)
        result["error"] = f"{type(error).__name__}: {error}\n{traceback.format_exc()[-3000:]}"


def start_kernel(hub: Hub, user: str, result: dict) -> Kernel:
    """A kernel for notebook 05; a kernel that does not answer is started again, once.

    Servers on one machine choose their kernels' ports independently (jupyter_client),
    so two can choose the same: that kernel dies at its start ("Address already in
    use"). A student then restarts it; the test does the same and counts it.
    """
    try:
        return hub.kernel(user, NOTEBOOK)
    except (HubError, OSError) as error:
        result["restarts"] = [f"{type(error).__name__}: {str(error)[:300]}"]
        for session in hub.server_api(user, "GET", "sessions"):
            hub.server_api(user, "DELETE", f"sessions/{session['id']}")
        return hub.kernel(user, NOTEBOOK)


def start_cpu(user: str) -> float | None:
    """CPU seconds ``user``'s start took: the server's process, which began as the start
    script (its children's time: gitpuller and git) and became the server by ``exec``."""
    for process in psutil.process_iter():
        try:
            if process.environ().get("JUPYTERHUB_USER") != user:
                continue
            if "jupyterhub.singleuser" not in " ".join(process.cmdline()):
                continue
            times = process.cpu_times()
        except psutil.Error:
            continue
        return times.user + times.system + times.children_user + times.children_system
    return None


#: The lines a kernel's death or restart leaves in the hub's log (servers write there).
KERNEL_TROUBLE = re.compile(
    r"^.*(?:restarting kernel|Address already in use|KernelRestarter|kernel died|"
    r"Kernel .* died).*$",
    re.M | re.I,
)


def start_phases(log: str, results: dict) -> dict[str, list[float]]:
    """Each student's start in three parts, from the start script's logged times."""
    stamps = {
        (user, what): float(at)
        for user, what, at in re.findall(
            r"course-start: (\S+): gitpuller (began|ended) at ([0-9.]+)", log
        )
    }
    phases: dict[str, list[float]] = {"hub": [], "gitpuller": [], "server": []}
    for user, result in results.items():
        began, ended = stamps.get((user, "began")), stamps.get((user, "ended"))
        if began is None or ended is None or "ready_at" not in result:
            continue
        phases["hub"].append(began - result["asked_at"])
        phases["gitpuller"].append(ended - began)
        phases["server"].append(result["ready_at"] - ended)
    return phases


def test_a_class_of_20_runs_notebook_05_at_once(hub, students, capsys):
    names = students([f"student{i:02d}" for i in range(1, STUDENTS + 1)])
    results = {name: {} for name in names}
    with MemorySampler(interval=1.0) as memory:
        start = time.monotonic()
        threads = [
            threading.Thread(target=student, args=(hub, n, start, results), name=n, daemon=True)
            for n in names
        ]
        for thread in threads:
            thread.start()
        deadline = start + READY_TIMEOUT + NOTEBOOK_TIMEOUT
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))
        hub.remember_processes()
    stuck = [t.name for t in threads if t.is_alive()]
    ready = [r["ready"] for r in results.values() if "ready" in r]
    finished = [r["finished"] for r in results.values() if "finished" in r]
    failures = {name: r["error"] for name, r in results.items() if "error" in r}
    restarts = {name: r["restarts"] for name, r in results.items() if "restarts" in r}
    peaks = sorted(memory.peak.get(name, 0) for name in names)
    kernels = sorted(memory.kernel_peak.get(name, 0) for name in names)
    report = "\n".join(
        [
            f"\nA class of {STUDENTS} on one hub ({os.cpu_count()} cores), notebook 05 each:",
            f"servers started: {len(ready)} of {STUDENTS}",
            f"notebooks completed: {len(finished)} of {STUDENTS}",
            f"failures: {len(failures) + len(stuck)}",
            f"kernels started again (a failed start, as a student restarts it): {len(restarts)}",
            f"time to a ready server: {summary(ready)}",
            f"time to a finished notebook: {summary(finished)}",
            f"peak memory per student (server + kernel): smallest {mib(peaks[0])},"
            f" median {mib(peaks[len(peaks) // 2])}, largest {mib(peaks[-1])}",
            f"peak memory per student's kernel: median {mib(kernels[len(kernels) // 2])},"
            f" largest {mib(kernels[-1])}",
            "each student's peak: " + ", ".join(f"{n} {mib(memory.peak.get(n, 0))}" for n in names),
        ]
    )
    log = hub.log.read_text(errors="replace")
    phases = start_phases(log, results)
    report += "\nwhere a start goes, median (slowest): " + ", ".join(
        f"{name} {statistics.median(t):.1f} s ({max(t):.1f} s)" for name, t in phases.items() if t
    )
    report += " [hub: from the request to the start script; gitpuller: the clone;"
    report += " server: JupyterLab's start until the hub finds it ready]"
    cpu = [r["start_cpu"] for r in results.values() if r.get("start_cpu") is not None]
    if cpu:
        report += (
            f"\nCPU of a start (start script, gitpuller, server until ready): median"
            f" {statistics.median(cpu):.2f} s, largest {max(cpu):.2f} s; {STUDENTS} starts"
            f" on {os.cpu_count()} cores: {sum(cpu) / os.cpu_count():.1f} s of the cores"
        )
    if restarts:
        report += "\nkernels started again: " + "; ".join(f"{n}: {r}" for n, r in restarts.items())
    trouble = KERNEL_TROUBLE.findall(log)
    report += f"\nkernel trouble in the hub's log: {len(trouble)} lines"
    report += "".join(f"\n  {line.strip()[:300]}" for line in trouble[:10])
    with capsys.disabled():
        print(report)
    record = {
        "students": STUDENTS,
        "cores": os.cpu_count(),
        "results": results,
        "start_phases": phases,
        "kernel_trouble": trouble,
        "peak_bytes": memory.peak,
        "kernel_peak_bytes": memory.kernel_peak,
    }
    (scratch_dir("hub") / f"class-of-{STUDENTS}.json").write_text(json.dumps(record, indent=1))
    network = hub.network_log.read_text() if hub.network_log.exists() else ""
    assert not network, f"a student's process tried to leave 127.0.0.1:\n{network}"
    assert not stuck, f"students still running after the time limit: {stuck}"
    assert not failures, "\n\n".join(f"{n}: {e}" for n, e in failures.items()) + hub.log_tail()
    assert len(finished) == STUDENTS
