"""JupyterHub settings for a class taking this course (README: Teaching with a JupyterHub).

The settings that matter for the course, and nothing about logins or where the
hub runs (keep your hub's own authenticator, spawner and address):

* the course's *postStart*: when a student's server starts, ``gitpuller`` clones
  the course into their home (or brings in new commits, keeping their edits) and
  ``pip install --user`` makes the notebooks import ``helpers`` from that copy;
* culling: a server idle for an hour is stopped (``jupyterhub-idle-culler``);
* a memory limit and one core per student, from the measurements in the README.

Set the course with environment variables of the hub process (defaults in
brackets): ``COURSE_REPO`` the repository's git URL [the README's placeholder],
``COURSE_BRANCH`` [main; ``student`` for the student edition],
``COURSE_CULL_TIMEOUT`` seconds idle before a server is stopped [3600].

Use it with a plain JupyterHub (``jupyterhub -f deploy/jupyterhub_config.py``, or
``load_subconfig("deploy/jupyterhub_config.py")`` in your own config file) or copy it
into ``/opt/tljh/config/jupyterhub_config.d/`` of The Littlest JupyterHub. Zero to
JupyterHub is configured in Helm values instead: the README lists the equivalents.
``tests/hub/`` runs a real hub with this file.
"""

import os
import shlex
import sys
from urllib.parse import urlparse

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

COURSE_REPO = os.environ.get("COURSE_REPO", "https://github.com/OWNER/REPO")
COURSE_BRANCH = os.environ.get("COURSE_BRANCH", "main")
#: The folder in each student's home: the repository's name, as nbgitpuller's link names it.
COURSE_FOLDER = os.path.basename(urlparse(COURSE_REPO).path.rstrip("/")).removesuffix(".git")
CULL_TIMEOUT = int(os.environ.get("COURSE_CULL_TIMEOUT", "3600"))

#: The postStart command (the README gives Zero to JupyterHub the same one). It runs
#: in the student's environment, which has the locked packages but not this course's.
#: pip contacts nothing: setuptools comes from the image (--no-build-isolation), no
#: index is read (--no-index) and pip does not ask PyPI for its own newer version.
_REPO, _BRANCH = shlex.quote(COURSE_REPO), shlex.quote(COURSE_BRANCH)
POST_START = (
    f'gitpuller {_REPO} {_BRANCH} "$HOME/{COURSE_FOLDER}" && python3 -m pip install --user'
    " --no-deps --no-build-isolation --no-index --disable-pip-version-check --quiet"
    f' -e "$HOME/{COURSE_FOLDER}"'
)

# The local spawners (and TLJH's systemd spawner) have no postStart hook: run it before
# the single-user server. If it fails (the git host is down), the server starts anyway
# with the copy the student has, and the reason is in the server's log.
c.Spawner.cmd = [
    "sh",
    "-c",
    f'{POST_START} || echo "course postStart failed (exit $?), see above" >&2; exec "$@"',
    "course-post-start",
    "jupyterhub-singleuser",
]
c.Spawner.default_url = "/lab"
# 20 servers starting at once on 2 cores took up to a minute each (README): wait longer
# than JupyterHub's defaults (60 s to start, 30 s to answer) before calling it failed.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 180

# Memory and CPU per student (README: capacity). Enforced by KubeSpawner (Zero to
# JupyterHub), SystemdSpawner (The Littlest JupyterHub) and DockerSpawner; the local
# process spawners only pass them on as MEM_LIMIT and CPU_LIMIT, limiting nothing.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0
# One BLAS thread per kernel: with many students on a few cores, more threads only
# queue for the same cores. The notebooks print the same with 1 and 2 threads (CI).
c.Spawner.environment.update(
    {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
)

# Stop servers idle for CULL_TIMEOUT seconds; the student's files stay in their home.
# (Added to the services and roles other config files define, not replacing them.)
c.JupyterHub.services.append(
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_TIMEOUT}",
            f"--cull-every={max(1, min(300, CULL_TIMEOUT // 3))}",
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
