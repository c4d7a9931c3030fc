"""Shared fixtures (a local HTTP server, the official MNIST folder) and Hypothesis settings."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# One Hypothesis profile for students, developers and CI alike (with CI set,
# Hypothesis would otherwise load its derandomized "ci" profile, so CI would
# only ever see the same examples): random examples on every run, so any
# --hypothesis-seed must pass; no deadline (timings on a busy laptop are noise,
# speed is measured in benchmarks/); no example database, so a failure is not
# replayed forever from a .hypothesis folder (reproduce it with the seed that
# Hypothesis prints: pytest --hypothesis-seed=N). HYPOTHESIS_PROFILE picks another.
#: Notebooks the tests build or read as data: not course notebooks for nbval to re-run.
collect_ignore_glob = ["data/*.ipynb"]

settings.register_profile("course", deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serve a fresh folder over HTTP on 127.0.0.1; yield (base URL, folder).

    Files written into the folder are served under the base URL; a missing file
    answers 404, which tests use as the server error.
    """
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def mnist_data_dir() -> Path:
    """The folder with the four official MNIST files; skip when it is not set."""
    folder = os.environ.get("MNIST_DATA_DIR")
    if not folder:
        pytest.skip("set MNIST_DATA_DIR to a folder with the official MNIST files")
    return Path(folder)


@pytest.fixture
def collapse_problem():
    """Notebook 01's collapse data and EM start: two round clouds and three identical
    records, with component 2 started near those records. Returns ``(X, init)``."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = np.concatenate(
        [
            rng.normal([0, 0], 1.0, size=(150, 2)),
            rng.normal([5, 3], 1.0, size=(150, 2)),
            np.repeat([[-3.0, 7.0]], 3, axis=0),  # three identical records
        ]
    )
    init = {
        "weights": np.full(3, 1 / 3),
        "means": np.array([[0.0, 0.0], [5.0, 3.0], [-2.5, 6.5]]),
        "covariances": np.stack([np.eye(2)] * 3),
    }
    return X, init
