"""deploy/course_deploy.py: the settings docs/hub.md loads with one ``configure(c, ...)``.

tests/hub/ (``pytest -m hub``) runs a real hub set up as the guide says; these quick
checks load the guide's configuration as JupyterHub loads a config file, check what
``configure`` sets, and that it refuses loudly what would make a hub fail later.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).parents[1]
GUIDE = ROOT / "docs" / "hub.md"
sys.path.insert(0, str(ROOT / "deploy"))  # the guide installs it: pip install -e deploy
import course_deploy  # noqa: E402
from course_deploy import DeployError, configure, course_folder, link  # noqa: E402

REPO = "https://github.com/example/mnist-course"


def guide_block(name: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(rf"<!-- tests/hub: {re.escape(name)} -->\n```\w+\n(.*?)```", text, re.S)
    assert found, f"docs/hub.md has no block marked {name!r}"
    return found.group(1)


@pytest.fixture
def proxy(tmp_path) -> Path:
    """An executable standing in for configurable-http-proxy (only its path is checked)."""
    path = tmp_path / "configurable-http-proxy"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def load_guide_config(block: str, folder: Path, proxy: Path) -> Config:
    """A configuration block of docs/hub.md, loaded as JupyterHub loads a config file."""
    text = guide_block(block).replace("https://github.com/OWNER/REPO", REPO)
    text = text.replace("configure(c, ", f"configure(c, proxy={str(proxy)!r}, ")
    (folder / "jupyterhub_config.py").write_text(text)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(folder)).load_config()


@pytest.fixture
def guide_config(tmp_path, proxy) -> Config:
    """docs/hub.md's trial configuration (the one tests/hub runs)."""
    return load_guide_config("trial config", tmp_path, proxy)


def test_the_guides_hub_config_refuses_servers_as_root(tmp_path, proxy):
    """Step 2's configuration: the course's settings, and no server as root."""
    c = load_guide_config("config", tmp_path, proxy)
    assert c.ConfigurableHTTPProxy.command == [str(proxy)]
    assert "--allow-root" not in c.Spawner.args.get_value([])
    assert callable(c.Spawner.pre_spawn_hook)
    assert c.Authenticator.allowed_users == {"student01", "student02"}


def test_the_guides_config_sets_the_proxy_the_students_path_and_the_start(guide_config, proxy):
    c = guide_config
    assert c.ConfigurableHTTPProxy.command == [str(proxy)]
    sh, dash_c, script, name, python, dash_c2, server = c.Spawner.cmd
    assert (sh, dash_c, name, dash_c2) == ("/bin/sh", "-c", "course-start", "-c")
    assert python == f"{sys.prefix}/bin/python3"
    assert "from jupyterhub.singleuser import main" in server
    assert f"{sys.prefix}/bin/gitpuller {REPO} main \"$HOME\"/mnist-course" in script
    assert "pip" not in script, "nothing is installed at a server's start"
    assert 'export PYTHONPATH="$HOME"/mnist-course' in script
    env = c.Spawner.environment.get_value({})
    assert env["PATH"].startswith(f"{sys.prefix}/bin:")
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    assert "--allow-root" in c.Spawner.args.get_value([])
    (culler,) = c.JupyterHub.services.get_value([])
    assert "--timeout=3600" in culler["command"]


def test_the_start_script_puts_the_copy_on_the_path_and_runs_the_server(tmp_path, proxy):
    """The script as sh runs it: gitpuller (a stand-in here) then the server with the paths."""
    env = tmp_path / "env"
    (env / "bin").mkdir(parents=True)
    for program in ("python3", "jupyterhub-singleuser"):
        (env / "bin" / program).symlink_to(sys.executable)
    (env / "bin" / "gitpuller").write_text('#!/bin/sh\necho "pulled $1 $2 into $3"\n')
    (env / "bin" / "gitpuller").chmod(0o755)
    c = Config()
    configure(c, REPO + ".git", "student", students_env=env, proxy=proxy)
    sh, dash_c, script, name, *_server = c.Spawner.cmd
    show = [sys.executable, "-c", "import os; print(os.environ['PYTHONPATH'])"]
    home = tmp_path / "home"
    done = subprocess.run(
        [sh, dash_c, script, name, *show],
        env={"HOME": str(home), "PATH": os.environ["PATH"]},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines() == [
        f"pulled {REPO}.git student into {home}/mnist-course",
        f"{home}/mnist-course",
    ]


def test_a_url_with_or_without_git_gives_one_folder_and_the_link_opens_it():
    assert course_folder(REPO) == course_folder(REPO + ".git") == "mnist-course"
    assert course_folder("git@github.com:example/mnist-course.git") == "mnist-course"
    for repo in (REPO, REPO + ".git"):
        made = link("https://hub.example.edu/", repo, "student")
        assert made.startswith("https://hub.example.edu/hub/user-redirect/git-pull?")
        query = parse_qs(urlparse(made).query)
        assert query == {
            "repo": [repo],
            "branch": ["student"],
            "targetpath": ["mnist-course"],
            "urlpath": ["lab/tree/mnist-course/notebooks/00_start_here.ipynb"],
        }
        assert (ROOT / "notebooks" / "00_start_here.ipynb").is_file()


def test_the_guides_example_link_is_what_the_command_prints():
    command = guide_block("link").split()
    assert command[1:4] == ["-m", "course_deploy", "link"]
    printed = link(*command[4:])
    assert f"```text\n{printed}\n```" in GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"repo": "https://github.com/OWNER/REPO"}, "placeholder"),
        ({"repo": ""}, "git URL"),
        ({"repo": REPO, "branch": "--upload-pack=x"}, "branch"),
        ({"repo": REPO, "cull_timeout": 0}, "cull_timeout"),
        ({"repo": REPO, "students_env": "/nonexistent"}, "lacks python3, gitpuller"),
        ({"repo": REPO, "proxy": "/nonexistent/configurable-http-proxy"}, "proxy"),
        ({"repo": REPO, "proxy": True}, "proxy must be a path, False or None"),
    ],
)
def test_what_the_hub_lacks_stops_it_with_the_reason(kwargs, message, proxy):
    kwargs = {"proxy": proxy, **kwargs}
    with pytest.raises(DeployError, match=message):
        configure(Config(), **kwargs)


def test_without_the_proxy_it_says_to_run_npm_ci(monkeypatch, tmp_path):
    proxy = tmp_path / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    monkeypatch.setattr(course_deploy, "LOCAL_PROXY", proxy)
    (tmp_path / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(tmp_path))  # git, and no configurable-http-proxy
    with pytest.raises(DeployError, match=f"npm ci --prefix {tmp_path / 'proxy'}`"):
        configure(Config(), REPO)


def test_a_server_as_root_is_refused_before_it_starts(monkeypatch, proxy):
    """The pre-spawn hook refuses a local server as root, unless allow_root=True."""
    from jupyterhub.spawner import SimpleLocalProcessSpawner

    calls = []
    c = Config()
    c.Spawner.pre_spawn_hook = calls.append
    configure(c, REPO, proxy=proxy)
    hook = c.Spawner.pre_spawn_hook

    class User:
        name = "student01"

    spawner = SimpleLocalProcessSpawner(user=User())
    monkeypatch.setattr(course_deploy.os, "geteuid", lambda: 1000)
    hook(spawner)  # not root: starts
    monkeypatch.setattr(course_deploy.os, "geteuid", lambda: 0)
    with pytest.raises(DeployError, match="student01's server would run as root"):
        hook(spawner)
    assert calls == [spawner, spawner], "the hub's own pre_spawn_hook still runs"
    allowed = Config()
    configure(allowed, REPO, proxy=proxy, allow_root=True)
    assert "pre_spawn_hook" not in allowed.Spawner


def test_the_guide_names_the_limits_and_the_culling(guide_config):
    guide = GUIDE.read_text(encoding="utf-8")
    assert f'`mem_limit = "{guide_config.Spawner.mem_limit}"`' in guide
    assert f"`cpu_limit = {guide_config.Spawner.cpu_limit:g}`" in guide
    assert "idle for an hour" in guide and "`cull_timeout=3600`" in guide
    assert "`start_timeout`" in guide and str(guide_config.Spawner.start_timeout) in guide


def test_proxy_false_leaves_the_hubs_own_proxy_alone(monkeypatch, tmp_path):
    monkeypatch.setattr(course_deploy, "LOCAL_PROXY", tmp_path / "none")
    c = Config()
    configure(c, REPO, proxy=False)
    assert "ConfigurableHTTPProxy" not in c


def test_the_guide_gives_every_notebooks_memory():
    guide = GUIDE.read_text(encoding="utf-8")
    for notebook in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        assert f"{notebook.name}: kernel peak" in guide, f"docs/hub.md lacks {notebook.name}"
