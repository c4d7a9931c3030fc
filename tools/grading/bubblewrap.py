"""The sandbox every process that runs student code runs in (docs/teaching.md: what is safe).

Both grading routes build their commands here: :mod:`tools.grading.judge` (the
process that calls a student's function) and
:mod:`tools.grading.nbgrader_plugins` (nbgrader autograde's kernel).
:meth:`Jail.wrap` turns a command into one that runs inside `bubblewrap
<https://github.com/containers/bubblewrap>`_ (``bwrap``):

* **network:** none (``--unshare-net``, and every other namespace unshared);
* **files:** the system's programs and libraries, Python, the environment and
  the course's ``helpers/`` and ``data/`` read-only, nothing else of the host
  (no home, no other hand-in, no output folder, no ``nbgrader_config.py``);
  ``/tmp`` is the working folder, a private tmpfs of ``Limits.folder_size``
  bytes that vanishes with the sandbox;
* **processes:** its own PID namespace (the grader is invisible to it and
  cannot be signalled), ``--die-with-parent``, ``--new-session``; when its
  first process ends, or the grader kills it, every process in it ends;
* **limits:** a cgroup (v2, or v1 ``memory`` and ``pids``) made below the
  grader's own one caps the memory and the number of processes of the whole
  process tree, when the grader may make one (as root, or with a delegated
  cgroup); always, ``prlimit`` caps each process's address space, CPU time,
  and the size of any file it writes. Without a cgroup (:attr:`Jail.tree_limited`
  is False) memory is limited per process only, which the graders say in
  their summary.

:func:`unavailable` says why bubblewrap cannot be used here, or None.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FIX", "Jail", "Limits", "SandboxUnavailable", "clean_environment", "clean_stale",
    "unavailable",
]  # fmt: skip

REPO = Path(__file__).resolve().parents[2]
FIX = (
    "install bubblewrap (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf "
    "install bubblewrap) or grade inside a container; --no-sandbox grades without it "
    "(student code then runs as you)"
)
CGROUP_ROOT = Path("/sys/fs/cgroup")
PREFIX = "grade-sandbox-"  # cgroups this module makes: grade-sandbox-<owner pid>-<n>
SYSTEM = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
ETC = [
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
    "/etc/fonts", "/etc/localtime", "/etc/mime.types",
]  # fmt: skip


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot run here (the message names the fix)."""


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use."""

    memory: int = 2 * 2**30  #: bytes, for the whole process tree (and each process)
    processes: int = 64  #: processes and threads of the tree (cgroup pids)
    cpu_seconds: int = 600  #: CPU time of each process
    file_size: int = 64 * 2**20  #: the largest file a process may write
    folder_size: int = 256 * 2**20  #: the writable working folder /tmp (tmpfs)


@functools.cache
def unavailable() -> str | None:
    """Why bubblewrap cannot sandbox here (one line naming the fix), or None when it can."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return f"bubblewrap (bwrap) is not installed: {FIX}"
    trial = [bwrap, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
    trial += ["--cap-drop", "ALL", "--die-with-parent", "--new-session", *_system_binds()]
    trial += ["--proc", "/proc", "--dev", "/dev", "--size", "1000000", "--tmpfs", "/tmp"]
    trial += ["--remount-ro", "/", "--chdir", "/tmp", "--clearenv", "--", "/bin/true"]
    try:
        run = subprocess.run(trial, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap does not run here ({error}): {FIX}"
    if run.returncode != 0:
        why = (run.stderr.strip().splitlines() or [f"exit code {run.returncode}"])[-1]
        return f"bubblewrap does not work here ({why}; user namespaces disabled?): {FIX}"
    return None


def _system_binds() -> list[str]:
    args = []
    for path in SYSTEM + ETC:
        if os.path.lexists(path):
            args += ["--ro-bind-try", path, path]
    return args


def _read_only() -> list[Path]:
    """Python, the environment and the course (helpers, data): what the sandbox reads."""
    paths = [Path(sys.base_prefix), Path(sys.base_exec_prefix), Path(sys.prefix)]
    paths += [Path(sys.executable).resolve().parent, REPO / "helpers", REPO / "data"]
    paths.append(REPO / "tools" / "grading" / "sandbox.py")
    if os.environ.get("MNIST_DATA_DIR"):
        paths.append(Path(os.environ["MNIST_DATA_DIR"]))
    return [p for p in dict.fromkeys(paths) if p.exists()]


def own_cgroups() -> dict[str, Path]:
    """The grader's own cgroup folder per controller ("unified" for cgroup v2)."""
    found = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        number, controllers, path = line.split(":", 2)
        if number == "0" and (CGROUP_ROOT / "cgroup.controllers").exists():
            found["unified"] = CGROUP_ROOT / path.lstrip("/")
        for name in controllers.split(","):
            if name in ("memory", "pids") and (CGROUP_ROOT / name).is_dir():
                found[name] = CGROUP_ROOT / name / path.lstrip("/")
    return found


def _kill_cgroup(folder: Path) -> None:
    """SIGKILL every process in ``folder`` (bounded wait), then remove it."""
    for _ in range(100):
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            break
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
    for _ in range(50):
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def clean_stale() -> int:
    """Remove the cgroups (and end their processes) of graders that were killed; how many."""
    from tools._output import alive

    removed = 0
    for folder in set(own_cgroups().values()):
        try:
            children = list(folder.glob(PREFIX + "*"))
        except OSError:
            continue
        for child in children:
            try:
                owner = int(child.name[len(PREFIX) :].split("-")[0])
            except ValueError:
                continue
            if owner != os.getpid() and not alive(owner):
                _kill_cgroup(child)
                removed += 1
    return removed


_made = 0


class Jail:
    """One sandbox: its cgroup (when the grader may make one) and :meth:`wrap` for its command.

    Use as a context manager, or call :meth:`close`: it ends every process
    left in the cgroup and removes it.
    """

    def __init__(
        self,
        limits: Limits = Limits(),
        *,
        shared: tuple[Path, ...] = (),
        copy_in: Path | None = None,
        cwd: str = "/tmp",
        env: dict[str, str] | None = None,
    ) -> None:
        """``shared``: folders bound read-write (a kernel's socket folder); ``copy_in``: a
        folder whose files are copied into the working folder ``cwd`` (a tmpfs) first."""
        global _made
        problem = unavailable()
        if problem:
            raise SandboxUnavailable(problem)
        self.limits, self.shared, self.copy_in, self.cwd = limits, shared, copy_in, cwd
        self.env = env or {}
        self.cgroups: list[Path] = []
        _made += 1
        name = f"{PREFIX}{os.getpid()}-{_made}"
        own = own_cgroups()
        try:
            if "unified" in own and "memory" not in own:
                folder = own["unified"] / name
                folder.mkdir()
                self.cgroups.append(folder)
                (folder / "memory.max").write_text(str(limits.memory))
                (folder / "pids.max").write_text(str(limits.processes))
                if (folder / "memory.swap.max").exists():
                    (folder / "memory.swap.max").write_text("0")
            elif "memory" in own and "pids" in own:
                for controller, file, value in (
                    ("memory", "memory.limit_in_bytes", limits.memory),
                    ("pids", "pids.max", limits.processes),
                ):
                    folder = own[controller] / name
                    folder.mkdir()
                    self.cgroups.append(folder)
                    (folder / file).write_text(str(value))
        except OSError:  # no permission, or no such controller here: per-process limits only
            self.close()
        self.tree_limited = bool(self.cgroups)

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` as a command that runs in this sandbox (run it with a clean environment)."""
        limits = self.limits
        bwrap = shutil.which("bwrap")
        inner = ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
        inner += ["--cap-drop", "ALL", "--die-with-parent", "--new-session"]
        # The tmpfs folders first: a course or environment under /tmp (a CI clone, a
        # throw-away venv) is bound read-only on top of them, not hidden by them.
        inner += ["--size", str(limits.folder_size), "--tmpfs", "/tmp"]
        inner += _system_binds()
        inner += ["--proc", "/proc", "--dev", "/dev"]
        inner += ["--size", str(limits.folder_size), "--tmpfs", "/dev/shm"]
        if self.cwd != "/tmp":
            inner += ["--size", str(limits.folder_size), "--tmpfs", self.cwd]
        for path in _read_only():
            inner += ["--ro-bind", str(path), str(path)]
        for path in self.shared:
            inner += ["--bind", str(path), str(path)]
        if self.copy_in is not None:
            inner += ["--ro-bind", str(self.copy_in), "/run/handed-in"]
        inner += ["--remount-ro", "/", "--chdir", self.cwd, "--clearenv"]
        env = {
            "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": "/tmp",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            **{k: v for k, v in os.environ.items() if k == "MNIST_DATA_DIR"},
            **self.env,
        }
        for key, value in env.items():
            inner += ["--setenv", key, value]
        if self.copy_in is not None:  # the hand-in's folder, copied into the tmpfs
            argv = ["/bin/sh", "-c", 'cp -R /run/handed-in/. . 2>/dev/null; exec "$@"', "sh", *argv]
        limited = [
            "prlimit",
            f"--as={limits.memory}",
            f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.file_size}",
            "--core=0",
            "--",
        ]
        command = [*limited, bwrap, *inner, "--", *argv]
        if not self.cgroups:
            return command
        # join the cgroups first (as the grader's user), then become the sandbox
        join = 'for g in "$@"; do [ "$g" = -- ] && break; echo $$ >"$g/cgroup.procs" || exit 125; '
        join += 'shift; done; shift; exec "$@"'
        folders = [str(folder) for folder in self.cgroups]
        return ["/bin/sh", "-c", join, "sh", *folders, "--", *command]

    def close(self) -> None:
        """End every process still in the sandbox's cgroups and remove them."""
        for folder in self.cgroups:
            _kill_cgroup(folder)
        self.cgroups = []

    def __enter__(self) -> Jail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def clean_environment() -> dict[str, str]:
    """The environment the wrapper command starts with (none of the instructor's variables)."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
