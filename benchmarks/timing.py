"""Timing shared by the benchmarks: warm up, repeat, keep the median.

Every ``benchmarks/bench_*.py`` module defines ``run(repeats: int = 5) -> list[Row]``
and, when run as a script, prints its rows with :func:`print_rows`. A row
compares one measurement with a peer measured in the same run, so the ratio
means something on any machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Row:
    """One comparison: ``ratio = peer_s / ours_s`` (above 1: ours is faster)."""

    name: str
    ours_s: float | None
    peer: str
    peer_s: float | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.ours_s or not self.peer_s:
            return None
        return self.peer_s / self.ours_s

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio": self.ratio}


def median_time(fn: Callable[[], object], *, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls, after ``warmup`` calls."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:10.2f} ms"


def print_rows(rows: list[Row]) -> None:
    """Print rows as a fixed-width table."""
    print(f"{'benchmark':48} {'ours':>13} {'peer':>13} {'ratio':>7}  peer / note")
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:6.2f}x"
        ours, peer = _fmt(r.ours_s), _fmt(r.peer_s)
        print(f"{r.name:48} {ours:>13} {peer:>13} {ratio:>7}  {r.peer} {r.note}")
