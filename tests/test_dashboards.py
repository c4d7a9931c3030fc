"""The Voila dashboards in notebooks/dashboards/ are notebooks the README lists.

tests/test_notebook_hygiene.py checks that they are clean, fresh runs.
"""

import json
from pathlib import Path

import pytest

from tools.notebooks import dashboards

ROOT = Path(__file__).parents[1]
DASHBOARDS = dashboards()


def test_there_are_dashboards():
    assert DASHBOARDS, "no dashboards in notebooks/dashboards/"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_has_a_title_and_is_in_the_readme(path):
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# ")
    link = f"(notebooks/dashboards/{path.name})"
    assert link in (ROOT / "README.md").read_text(encoding="utf-8"), f"README lacks {link}"


def test_the_instructors_guide_culls_the_kernels_of_closed_dashboards():
    guide = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    # tests/browser/test_voila_dashboards.py checks these options in a browser.
    for option in [
        "--MappingKernelManager.cull_interval=",
        "--MappingKernelManager.cull_idle_timeout=",
    ]:
        assert option in guide, f"docs/teaching.md's Voila command lacks {option}"


def test_the_dashboards_describe_the_colours_they_draw():
    """Every picture draws digits in gray_r (0 = white paper): no text may say black is 0."""
    for path in DASHBOARDS:
        text = path.read_text(encoding="utf-8").lower()
        assert "black is 0" not in text and "0 is black" not in text, path.name
