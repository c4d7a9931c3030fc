"""The hub guide, docs/hub.md, says what deploy/jupyterhub_config.py does.

tests/hub/ (``pytest -m hub``) runs a real hub with that file; this quick check
keeps the guide's copy of its postStart command, limits and culling in step.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"


@pytest.fixture
def config(monkeypatch):
    """The file loaded as JupyterHub loads it, with the defaults (no COURSE_* variables)."""
    for name in ("COURSE_REPO", "COURSE_BRANCH", "COURSE_CULL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    loader = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent))
    return loader.load_config()


def _hub_section() -> str:
    return (ROOT / "docs" / "hub.md").read_text(encoding="utf-8")


def test_the_hub_guide_gives_the_post_start_command_the_hub_runs(config):
    sh, dash_c, script, *_ = config.Spawner.cmd
    assert (sh, dash_c) == ("sh", "-c")
    post_start = script.split(" || ", 1)[0]
    assert post_start.startswith("gitpuller https://github.com/OWNER/REPO main ")
    assert post_start in _hub_section(), f"docs/hub.md lacks {post_start!r}"


def test_the_hub_guide_names_the_limits_and_the_culling(config):
    section = _hub_section()
    assert f'`mem_limit = "{config.Spawner.mem_limit}"`' in section
    (culler,) = config.JupyterHub.services.get_value([])  # appended to what others define
    timeout = next(a for a in culler["command"] if a.startswith("--timeout="))
    assert timeout == "--timeout=3600" and "idle for an hour" in section
    assert "deploy/jupyterhub_config.py" in section


def test_the_hub_guide_capacity_table_has_every_notebook():
    section = _hub_section()
    for notebook in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        number = notebook.name[:2]
        assert re.search(rf"^\| {number} ", section, re.M), f"capacity table lacks {number}"
