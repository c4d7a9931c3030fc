"""A non-editable install (`pip install .`, as on a shared JupyterHub) runs notebook 05.

The package is built from a copy of the sources and installed with pip into a
temporary folder; notebook 05 then runs in a fresh kernel whose `helpers` comes
from that folder, in a working directory outside the repository. It must find
the reference weights (package data) and write its files into `./scratch` of the
working directory, never into the installed package.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.deploy  # README step 2 leaves it out: a JupyterHub admin's route

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_batched_forward_pass.ipynb"

# Run by a separate Python whose helpers is the installed one; the repository is
# appended to its path for tools.notebooks only (the kernel does not get it).
RUN = """
import sys
from pathlib import Path
import nbformat

sys.path.append(sys.argv[2])
from tools.notebooks import execute

nb = nbformat.read(sys.argv[1], as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import helpers; print(helpers.__file__)"))
execute(nb, Path.cwd(), timeout=300)
print(nb.cells[-1].outputs[0]["text"].strip())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package built from a copy of the sources and installed into a folder."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"  # a copy: building in the checkout would leave build/ there
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    # The package, its build backend and its data files (Voila's offline template).
    for folder in ("helpers", "build_backend", "share", "etc"):
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    target = tmp / "site-packages"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    out = subprocess.run(
        [*pip, "--target", str(target), str(source)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return target


def _env(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_SCRATCH_DIR"}
    env["PYTHONPATH"] = str(site)  # ahead of the checkout's editable install
    return env


def test_installed_package_has_the_weights_and_no_checkout(installed, tmp_path):
    code = (
        "from helpers import paths as p; "
        "print(p.__file__, p.REFERENCE_WEIGHTS.is_file(), p.scratch_dir())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(installed),
    )
    assert out.returncode == 0, out.stderr
    where, found, scratch = out.stdout.split()
    assert Path(where).is_relative_to(installed) and found == "True"
    assert Path(scratch) == (tmp_path / "scratch").resolve()  # not a checkout: the working folder


def test_notebook_05_runs_against_the_installed_package(installed, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(NOTEBOOK), str(ROOT)],
        capture_output=True,
        text=True,
        cwd=work,
        env=_env(installed),
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]  # nbclient raises on a cell error
    kernel_helpers = Path(out.stdout.strip().splitlines()[-1])
    assert kernel_helpers.is_relative_to(installed), kernel_helpers
    assert (work / "scratch" / "05" / "predictions.jsonl").is_file()
    assert not list(installed.rglob("scratch")), "the installed package got a scratch folder"
