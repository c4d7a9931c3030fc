"""How a test run is set up (the repository's conftest.py): processes, scratch folders, BLAS."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import SimpleNamespace

import numpy  # noqa: F401 (loads OpenBLAS, whose threads the test reads)
import pytest
from threadpoolctl import threadpool_info

ROOT = Path(__file__).parents[1]


def _root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_worker_has_its_own_scratch_folder_and_its_blas_threads(request) -> None:
    worker = getattr(request.config, "workerinput", None)
    if worker is None:
        pytest.skip("checks a pytest-xdist worker (README step 2 runs two)")
    folder = Path(os.environ["COURSE_SCRATCH_DIR"])
    assert folder.is_dir() and folder.name.startswith(f"{worker['workerid']}-")
    assert folder.parent.name.startswith("course-scratch-")
    threads = int(os.environ["OPENBLAS_NUM_THREADS"])  # 1 unless the run set it
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(lib["num_threads"] == threads for lib in blas), blas


@pytest.mark.parametrize(
    "args, processes",
    [
        (["benchmarks"], 0),
        (["benchmarks/bench_h5.py::test_read_rows"], 0),
        (["benchmarks", "tests/test_h5.py"], 2),
        (["tests"], 2),
        ([], 2),
    ],
)
def test_only_a_run_of_benchmarks_is_one_process(monkeypatch, args, processes) -> None:
    monkeypatch.chdir(ROOT)
    config = SimpleNamespace(rootpath=ROOT, args=args, option=SimpleNamespace(numprocesses=2))
    _root_conftest().pytest_cmdline_main(config)
    assert config.option.numprocesses == processes
