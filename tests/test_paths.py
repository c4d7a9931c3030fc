"""helpers.paths: the weights inside the package, the scratch folder, paths printed short."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

import helpers
from helpers import paths

ROOT = Path(__file__).parents[1]


def test_reference_weights_ship_inside_the_package():
    assert paths.REFERENCE_WEIGHTS.is_relative_to(Path(helpers.__file__).resolve().parent)
    with h5py.File(paths.REFERENCE_WEIGHTS, "r") as f:
        assert [f[f"W{i}"].shape for i in (1, 2, 3)] == [(200, 784), (100, 200), (10, 100)]
    assert paths.shown(paths.REFERENCE_WEIGHTS) == "helpers/reference/mlp-784-200-100-10.h5"


def test_test_runs_get_their_own_scratch_folder():
    # Set by the repository's conftest.py before any test or notebook kernel starts.
    folder = Path(os.environ["COURSE_SCRATCH_DIR"]).resolve()
    assert paths.scratch_dir() == folder
    assert not folder.is_relative_to(ROOT)


def test_scratch_dir_honours_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SCRATCH_DIR", str(tmp_path / "mine"))
    made = paths.scratch_dir("05")
    assert made == (tmp_path / "mine" / "05").resolve() and made.is_dir()
    assert paths.shown(made / "predictions.jsonl") == "scratch/05/predictions.jsonl"


@pytest.mark.parametrize("checkout", [True, False], ids=["checkout", "no checkout"])
def test_scratch_without_the_variable(checkout, tmp_path):
    """In a checkout (pyproject.toml beside the package) scratch/ is at its top, whatever
    the working folder; without one, it is in the working folder."""
    top = tmp_path / "repository"
    (top / "helpers").mkdir(parents=True)
    for name in ("__init__.py", "paths.py"):
        shutil.copy(ROOT / "helpers" / name, top / "helpers" / name)
    if checkout:
        (top / "pyproject.toml").write_text("", encoding="utf-8")
    working = tmp_path / "working"
    working.mkdir()
    code = (
        "from helpers.paths import scratch_dir, shown\n"
        "made = scratch_dir('02_hdf5')\n"
        "print(made, shown(made / 'x.h5'), sep='\\n')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "COURSE_SCRATCH_DIR"}
    env["PYTHONPATH"] = str(top)
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=working, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    made, short = run.stdout.splitlines()
    expected = (top if checkout else working) / "scratch" / "02_hdf5"
    assert Path(made) == expected.resolve() and expected.is_dir()
    assert short == "scratch/02_hdf5/x.h5"
    assert sorted(p.name for p in tmp_path.rglob("scratch")) == ["scratch"]  # nowhere else


def test_shown_never_prints_machine_folders(tmp_path):
    assert paths.shown(tmp_path / "elsewhere" / "file.h5") == "file.h5"


@pytest.mark.parametrize(
    ("name", "error"),
    [("../outside", ValueError), ("/tmp", ValueError), ("05/x", ValueError), ("", ValueError),
     ("..", ValueError), (5, TypeError)],
)
def test_scratch_dir_takes_one_plain_folder_name(name, error, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SCRATCH_DIR", str(tmp_path / "scratch"))
    with pytest.raises(error, match="one plain folder name"):
        paths.scratch_dir(name)
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing was created
