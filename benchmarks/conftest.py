"""Shared data for the benchmarks, the machine in the header, and the ratio table at the end.

Run all of them with ``python -m pytest benchmarks/ --benchmark-only`` (see
docs/performance.md). pytest-benchmark times each function (warm-up, calibrated rounds,
median) and stores the machine with ``--benchmark-json``/``--benchmark-autosave``;
this file adds what it lacks: the peer/ours ratio of each group and its target.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from benchmarks.ratios import markdown, ratio_lines

N_DIGITS = 10_000


def pytest_report_header(config):
    from threadpoolctl import threadpool_info

    blas = [f"{p['internal_api']} {p['version']} ({p.get('architecture')}, "
            f"{p['num_threads']} threads)" for p in threadpool_info() if p["user_api"] == "blas"]
    lines = [f"BLAS: {', '.join(blas) or 'none found'}; load average {os.getloadavg()[0]:.1f}"]
    if os.environ.get("OPENBLAS_CORETYPE"):
        lines.append(
            f"WARNING: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} pins OpenBLAS to an "
            "older kernel (slower numpy, not PyTorch): run with env -u OPENBLAS_CORETYPE"
        )
    return lines


def pytest_terminal_summary(terminalreporter, config):
    session = getattr(config, "_benchmarksession", None)
    done = [b for b in getattr(session, "benchmarks", []) if b]
    if not done:
        return
    results = [
        (b.group or "", b.name, b.stats.median, bool(b.extra_info.get("ours"))) for b in done
    ]
    terminalreporter.write_sep("-", "ratio = peer median / ours median (above 1: ours is faster)")
    terminalreporter.write_line(markdown(ratio_lines(results)))
    rates = [(b.name, b.extra_info["flop"] / b.stats.median / 1e9) for b in done
             if b.extra_info.get("flop")]
    if rates:
        terminalreporter.write_sep("-", "GFLOP/s of the matrix products (2 flop per multiply-add)")
        for name, rate in rates:
            terminalreporter.write_line(f"{name}: {rate:.1f} GFLOP/s")


@pytest.fixture(scope="session")
def digits() -> tuple[np.ndarray, str]:
    """10,000 uint8 digits: the official test set with MNIST_DATA_DIR, else the sample twice."""
    if os.environ.get("MNIST_DATA_DIR"):
        from helpers.data import load_mnist

        return load_mnist("test", progress=False)[0][:N_DIGITS], "official test set"
    from helpers.data import load_sample

    images = load_sample()[0]
    return np.concatenate([images, images])[:N_DIGITS], "sample x2 (no MNIST_DATA_DIR)"


@pytest.fixture(scope="session")
def reference_model():
    from helpers.mlp import load_mlp
    from helpers.paths import REFERENCE_WEIGHTS

    return load_mlp(REFERENCE_WEIGHTS)
