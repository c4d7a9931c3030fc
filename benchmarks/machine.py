"""Describe the machine a benchmark ran on: cores, CPU, BLAS, versions, date.

Ratios measured on one machine mean little without it: the same code is
limited by the number of cores, by the BLAS library numpy calls (and the
kernel it picked for this CPU), and by the versions of the peers.
"""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib import metadata

# Environment variables that change which BLAS kernel runs or how many threads it uses.
BLAS_ENV_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)
# Peers and tools whose versions change the numbers; looked up without importing them.
PACKAGES = ("numpy", "torch", "scikit-learn", "h5py", "nbclient", "ipykernel")
# What threadpoolctl reports about each loaded thread pool (its file path is left out).
POOL_KEYS = ("user_api", "internal_api", "version", "num_threads", "architecture")


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), or what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def usable_cores() -> int:
    """Cores this process may run on (its affinity), which can be fewer than the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> float | None:
    """The 1-minute load average (runnable processes), None where the OS has none.

    Above the number of cores, other programs compete with the benchmark and
    its timings are noisy.
    """
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution, None when it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def blas_pools() -> list[dict]:
    """numpy's BLAS and OpenMP thread pools as threadpoolctl sees them once numpy is loaded."""
    import numpy  # noqa: F401  (loads the BLAS library threadpoolctl then finds)
    from threadpoolctl import threadpool_info

    return [{key: pool.get(key) for key in POOL_KEYS} for pool in threadpool_info()]


def numpy_blas_build() -> str:
    """The BLAS numpy was built against, e.g. "scipy-openblas 0.3.31"."""
    import numpy

    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except (KeyError, TypeError):
        return "unknown"
    return f"{blas.get('name', 'unknown')} {blas.get('version', '')}".strip()


def describe_machine() -> dict:
    """Everything needed to read a benchmark table from another machine.

    Returns
    -------
    dict
        ``date`` (UTC, ISO 8601), ``cpu_model``, ``logical_cores`` (os.cpu_count),
        ``usable_cores``, ``load_average`` (1 minute, at the start), ``platform``,
        ``python``, ``packages`` (versions, None when absent), ``numpy_blas``
        (build), ``blas_pools`` (threadpoolctl, at run time) and ``blas_env``
        (the BLAS environment variables that are set).
    """
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "load_average": load_average(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": package_versions(),
        "numpy_blas": numpy_blas_build(),
        "blas_pools": blas_pools(),
        "blas_env": {k: os.environ[k] for k in BLAS_ENV_VARS if k in os.environ},
    }


def summary(machine: dict) -> str:
    """One line for a report: "2 cores, AMD EPYC, OpenBLAS 0.3.31 (Haswell, 2 threads), ..."."""
    pools = [
        f"{p['internal_api']} {p['version']} ({p['architecture']}, {p['num_threads']} threads)"
        for p in machine["blas_pools"]
        if p.get("user_api") == "blas"
    ]
    env = ", ".join(f"{k}={v}" for k, v in machine["blas_env"].items())
    versions = ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v)
    parts = [
        f"{machine['usable_cores']} of {machine['logical_cores']} cores",
        f"load average {machine.get('load_average')}",
        machine["cpu_model"],
        "BLAS: " + ("; ".join(pools) or machine["numpy_blas"]),
    ]
    if env:
        parts.append(env)
    parts += [f"Python {machine['python']}", versions, machine["date"]]
    return ", ".join(parts)
