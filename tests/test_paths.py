"""helpers.paths: the weights inside the package, the scratch folder, paths printed short."""

import os
from pathlib import Path

import h5py
import pytest

from helpers import paths


def test_reference_weights_ship_inside_the_package():
    assert paths.REFERENCE_WEIGHTS.is_relative_to(paths._PACKAGE_DIR)
    with h5py.File(paths.REFERENCE_WEIGHTS, "r") as f:
        assert [f[f"W{i}"].shape for i in (1, 2, 3)] == [(200, 784), (100, 200), (10, 100)]
    assert paths.shown(paths.REFERENCE_WEIGHTS) == "helpers/reference/mlp-784-200-100-10.h5"


def test_test_runs_get_their_own_scratch_folder():
    # Set by the repository's conftest.py before any test or notebook kernel starts.
    folder = Path(os.environ[paths._SCRATCH_VARIABLE])
    assert paths._scratch_root() == folder.resolve()
    assert paths._CHECKOUT is None or not folder.resolve().is_relative_to(paths._CHECKOUT)


def test_scratch_dir_honours_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(paths._SCRATCH_VARIABLE, str(tmp_path / "mine"))
    made = paths.scratch_dir("05")
    assert made == (tmp_path / "mine" / "05").resolve() and made.is_dir()
    assert paths.shown(made / "predictions.jsonl") == "scratch/05/predictions.jsonl"


def test_scratch_without_the_variable_is_in_the_checkout(monkeypatch):
    monkeypatch.delenv(paths._SCRATCH_VARIABLE)
    assert paths._CHECKOUT is not None  # the tests run from a checkout
    assert paths._scratch_root() == paths._CHECKOUT / "scratch"
    assert paths.shown(paths._CHECKOUT / "scratch" / "02_hdf5") == "scratch/02_hdf5"


def test_shown_never_prints_machine_folders(tmp_path):
    assert paths.shown(tmp_path / "elsewhere" / "file.h5") == "file.h5"


@pytest.mark.parametrize(
    ("name", "error"),
    [("../outside", ValueError), ("/tmp", ValueError), ("05/x", ValueError), ("", ValueError),
     ("..", ValueError), (5, TypeError)],
)
def test_scratch_dir_takes_one_plain_folder_name(name, error, tmp_path, monkeypatch):
    monkeypatch.setenv(paths._SCRATCH_VARIABLE, str(tmp_path / "scratch"))
    with pytest.raises(error, match="one plain folder name"):
        paths.scratch_dir(name)
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing was created
