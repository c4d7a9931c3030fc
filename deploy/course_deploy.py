"""The course's JupyterHub settings, loaded in one line (docs/hub.md).

In the hub's ``jupyterhub_config.py``::

    from course_deploy import configure
    configure(c, repo="https://github.com/OWNER/REPO", branch="main")

``configure`` checks what the hub needs and raises :class:`DeployError` (the hub
then does not start) when something is missing; it never skips a setting quietly.
It sets:

* the proxy: configurable-http-proxy from ``deploy/proxy`` (``npm ci --prefix
  deploy/proxy``), else the one on ``PATH``;
* the students' environment: each server runs ``gitpuller``, ``python3`` and
  ``jupyterhub-singleuser`` of one virtual environment (the hub's own by default),
  whose ``bin`` leads the students' ``PATH``;
* the start of a student's server: ``gitpuller`` clones the course into
  ``~/REPO`` (the repository's name without ``.git``) or merges new commits into it,
  then the server starts with ``PYTHONPATH`` (``helpers``), ``JUPYTER_PATH`` and
  ``JUPYTER_CONFIG_PATH`` (Voila's offline template) pointing into that copy:
  nothing is installed;
* no server as root: a start that would run a student's server as root fails at
  once with the reason (``allow_root=True`` for a trial hub whose only users you trust);
* culling (``jupyterhub-idle-culler``), memory and CPU limits, one BLAS thread.

``link(hub, repo, branch)`` (or ``python -m course_deploy link ...``) gives the
nbgitpuller link that opens the same copy. ``tests/hub/`` follows docs/hub.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pwd
import shlex
import shutil
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

__all__ = ["DeployError", "configure", "course_folder", "link"]

#: The configurable-http-proxy that ``npm ci --prefix deploy/proxy`` installs.
LOCAL_PROXY = (
    Path(__file__).resolve().parent / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
)
#: The programs a student's server runs, from the students' environment.
STUDENT_PROGRAMS = ("python3", "gitpuller", "jupyterhub-singleuser")
#: The notebook the link opens, from the course folder.
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
#: Server extensions a student's server does not load (docs/hub.md, start-up): the
#: language-server bridge looks for language servers, none of which is installed, and
#: only lengthens each start.
SKIPPED_EXTENSIONS = ("jupyter_lsp",)
#: The single-user server, as ``jupyterhub-singleuser`` starts it, without the IRI
#: format check that jsonschema loads when ``rfc3987_syntax`` is installed (jupyter-events
#: asks for it): its import builds three Earley parsers, 2 s of CPU, more than half of
#: the server's imports (docs/hub.md, start-up). The server checks no IRIs; kernels are
#: other processes and keep it.
SERVER = (
    "import sys; sys.modules['rfc3987_syntax'] = None; "
    "from jupyterhub.singleuser import main; sys.exit(main())"
)


class DeployError(RuntimeError):
    """A setting the hub needs is missing or wrong; the message says how to fix it."""


def course_folder(repo: str) -> str:
    """The folder in each student's home: the repository's name without ``.git``.

    >>> course_folder("https://github.com/OWNER/REPO.git")
    'REPO'
    """
    if not isinstance(repo, str) or not repo.strip():
        raise DeployError(f"repo must be the course's git URL, got {repo!r}")
    path = urlparse(repo).path if "://" in repo else repo.rsplit(":", 1)[-1]
    name = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    if not name or name in (".", ".."):
        raise DeployError(f"repo {repo!r} names no repository (expected .../NAME or .../NAME.git)")
    return name


def link(hub: str, repo: str, branch: str = "main") -> str:
    """The nbgitpuller link that clones or updates ``~/REPO`` and opens notebook 00.

    ``targetpath`` names the same folder as the server's start does, so a ``repo``
    ending in ``.git`` still gives one copy.
    """
    folder = course_folder(repo)
    query = urlencode(
        {
            "repo": repo,
            "branch": branch,
            "targetpath": folder,
            "urlpath": f"lab/tree/{folder}/{FIRST_NOTEBOOK}",
        },
        quote_via=quote,
        safe="",
    )
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def _students_env(students_env: str | os.PathLike | None) -> Path:
    env = Path(sys.prefix if students_env is None else students_env).absolute()
    missing = [p for p in STUDENT_PROGRAMS if not os.access(env / "bin" / p, os.X_OK)]
    if missing:
        raise DeployError(
            f"the students' environment {env} lacks {', '.join(missing)} in {env / 'bin'}:"
            f" install the course's packages into it ({env / 'bin' / 'pip'} install -r"
            " requirements/lock.txt), or pass students_env= the environment that has them"
        )
    return env


def _proxy(proxy: str | os.PathLike | None) -> str:
    if proxy is not None and not isinstance(proxy, (str, os.PathLike)):
        raise DeployError(f"proxy must be a path, False or None, got {proxy!r}")
    if proxy is not None:
        found = shutil.which(str(proxy))
        if found is None:
            raise DeployError(f"proxy {str(proxy)!r} is not an executable file")
        return found
    if os.access(LOCAL_PROXY, os.X_OK):
        return str(LOCAL_PROXY)
    found = shutil.which("configurable-http-proxy")
    if found is None:
        raise DeployError(
            f"configurable-http-proxy is not installed: run `npm ci --prefix"
            f" {LOCAL_PROXY.parents[2]}` (Node 20 or newer), or pass proxy= its path"
        )
    return found


def _post_start(repo: str, branch: str, env: Path, folder: str) -> str:
    """The shell script that starts a student's server (``"$@"``: the server's command)."""
    course = f'"$HOME"/{shlex.quote(folder)}'
    gitpuller = shlex.quote(str(env / "bin" / "gitpuller"))
    # The times (seconds since 1970) tell where a start goes (docs/hub.md, start-up).
    stamp = 'echo "course-start: $JUPYTERHUB_USER: gitpuller {} at $(date +%s.%N)" >&2\n'
    return (
        stamp.format("began")
        + f"{gitpuller} {shlex.quote(repo)} {shlex.quote(branch)} {course}"
        ' || echo "course: gitpuller failed (exit $?), the server starts with the copy'
        ' the student has" >&2\n'
        + stamp.format("ended")
        # Kernels talk to their server over Unix sockets in the student's own runtime
        # folder: with TCP, servers on one machine pick their kernels' ports apart, and
        # when a class starts at once two can pick the same one ("Address already in use").
        + 'runtime="$HOME/.local/share/jupyter/runtime" && mkdir -p -m 700 "$runtime"\n'
        + 'set -- "$@" --KernelManager.transport=ipc "--KernelManager.ip=$runtime/kernel"\n'
        + f'export PYTHONPATH={course}"${{PYTHONPATH:+:$PYTHONPATH}}"\n'
        f'export JUPYTER_PATH={course}/share/jupyter"${{JUPYTER_PATH:+:$JUPYTER_PATH}}"\n'
        f"export JUPYTER_CONFIG_PATH={course}/etc/jupyter"
        '"${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"\n'
        'exec "$@"'
    )


def _server_uid(spawner) -> int | None:
    """The user id a local spawner runs ``spawner``'s server as (None: not known here)."""
    from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

    if isinstance(spawner, SimpleLocalProcessSpawner):
        return os.geteuid()
    if isinstance(spawner, LocalProcessSpawner):
        try:
            return pwd.getpwnam(spawner.user.name).pw_uid
        except KeyError:
            return None  # the spawner itself says that the user does not exist
    return None


def _refuse_root(previous):
    def hook(spawner) -> None:
        if previous is not None:
            previous(spawner)
        if _server_uid(spawner) == 0:
            raise DeployError(
                f"{spawner.user.name}'s server would run as root, which the course refuses"
                " (students' code must not run as root): run each student as their own"
                " user (LocalProcessSpawner with system users, SystemdSpawner, a container),"
                " or, on a trial hub whose only users you trust,"
                " configure(c, ..., allow_root=True)"
            )

    return hook


def configure(
    c,
    repo: str,
    branch: str = "main",
    *,
    students_env: str | os.PathLike | None = None,
    proxy: str | os.PathLike | None | bool = None,
    cull_timeout: int = 3600,
    allow_root: bool = False,
) -> None:
    """Set the course's hub settings on ``c``, the config of ``jupyterhub_config.py``.

    Parameters
    ----------
    c : traitlets.config.Config
        The ``c`` of ``jupyterhub_config.py``.
    repo : str
        The course's git URL, with or without ``.git``.
    branch : str, default="main"
        The branch students get (``student`` for the student edition).
    students_env : path, default=None
        The virtual environment students' servers run in; None: the hub's own.
    proxy : path or False, default=None
        configurable-http-proxy; None: ``deploy/proxy``'s, else the one on PATH;
        False: leave the proxy alone (a hub whose proxy is another, such as TLJH's).
    cull_timeout : int, default=3600
        Seconds idle before a server is stopped (the student's files stay).
    allow_root : bool, default=False
        Let a student's server run as root (a trial hub only).

    Raises
    ------
    DeployError
        When something the hub needs is missing: the message says what to do.
    """
    if "OWNER/REPO" in str(repo):
        raise DeployError(f"repo {repo!r} is the guide's placeholder: put your repository's URL")
    folder = course_folder(repo)
    if not isinstance(branch, str) or not branch or branch.startswith("-"):
        raise DeployError(f"branch must be a branch name such as 'main', got {branch!r}")
    if isinstance(cull_timeout, bool) or not isinstance(cull_timeout, int) or cull_timeout < 1:
        raise DeployError(f"cull_timeout must be whole seconds >= 1, got {cull_timeout!r}")
    env = _students_env(students_env)
    if shutil.which("git") is None:
        raise DeployError("git is not installed: gitpuller needs it (apt-get install git)")
    if importlib.util.find_spec("jupyterhub_idle_culler") is None:
        raise DeployError(
            f"jupyterhub-idle-culler is not installed in the hub's environment ({sys.prefix}):"
            " pip install -r requirements/lock.txt"
        )

    if proxy is not False:  # False: the hub's proxy is another (The Littlest JupyterHub)
        c.ConfigurableHTTPProxy.command = [_proxy(proxy)]
    c.Spawner.cmd = [
        "/bin/sh",
        "-c",
        _post_start(repo, branch, env, folder),
        "course-start",
        str(env / "bin" / "python3"),
        "-c",
        SERVER,
    ]
    c.Spawner.args.extend(
        f"--ServerApp.jpserver_extensions={name}=False" for name in SKIPPED_EXTENSIONS
    )
    if allow_root:
        c.Spawner.args.append("--allow-root")
    else:  # a server as root fails at its start with the reason, not after http_timeout
        previous = c.Spawner.pre_spawn_hook if "pre_spawn_hook" in c.Spawner else None
        c.Spawner.pre_spawn_hook = _refuse_root(previous)
    c.Spawner.default_url = "/lab"
    # A whole class starting at once on a small server queues for its cores (docs/hub.md):
    # wait longer than JupyterHub's defaults (60 s to start, 30 s to answer).
    c.Spawner.start_timeout = 300
    c.Spawner.http_timeout = 180
    # Memory and CPU per student (docs/hub.md). Enforced by KubeSpawner, SystemdSpawner and
    # DockerSpawner; the local process spawners only pass them on as MEM_LIMIT, CPU_LIMIT.
    c.Spawner.mem_limit = "1G"
    c.Spawner.cpu_limit = 1.0
    system_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    c.Spawner.environment.update(
        {
            "PATH": f"{env / 'bin'}:{system_path}",
            # One BLAS thread per kernel: with many students on a few cores, more threads
            # only queue for the same cores. The notebooks print the same with 1 and 2.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
    )
    # Stop servers idle for cull_timeout seconds (added to the services others define).
    c.JupyterHub.services.append(
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={cull_timeout}",
                f"--cull-every={max(1, min(300, cull_timeout // 3))}",
            ],
        }
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m course_deploy link HUB REPO [BRANCH]``: print the students' link."""
    parser = argparse.ArgumentParser(prog="python -m course_deploy", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("link", help="print the nbgitpuller link for students")
    made.add_argument("hub", help="the hub's address, e.g. https://hub.example.edu")
    made.add_argument("repo", help="the course's git URL (as in configure)")
    made.add_argument("branch", nargs="?", default="main", help="the branch [main]")
    args = parser.parse_args(argv)
    try:
        print(link(args.hub, args.repo, args.branch))
    except DeployError as error:
        parser.error(str(error))


if __name__ == "__main__":
    main()
