"""Timing shared by the benchmarks: warm up, repeat, keep the median.

Every ``benchmarks/bench_*.py`` module defines ``run(repeats: int = 5) -> list[Row]``
and, when run as a script, prints its rows with :func:`print_rows`. A row
compares one measurement with a peer measured in the same run, so the ratio
means something on any machine. A row may also carry its target: a smallest
ratio (``min_ratio``), a largest time in seconds (``max_s``), or both.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Row:
    """One comparison: ``ratio = peer_s / ours_s`` (above 1: ours is faster).

    Parameters
    ----------
    name : str
        What was measured ("forward pass, 10,000 images, batched").
    ours_s : float or None
        Median seconds of our code; None when it could not be measured.
    peer : str
        What it is compared with ("per-image loop", "PyTorch CPU").
    peer_s : float or None
        Median seconds of the peer in the same run; None when not measured.
    note : str, default=""
        Anything a reader needs to interpret the row.
    min_ratio : float or None, default=None
        Target: the ratio must be at least this (1.0: as fast as the peer).
    max_s : float or None, default=None
        Target: ``ours_s`` must be at most this many seconds.
    """

    name: str
    ours_s: float | None
    peer: str
    peer_s: float | None
    note: str = ""
    min_ratio: float | None = None
    max_s: float | None = None

    @property
    def ratio(self) -> float | None:
        if not self.ours_s or not self.peer_s:
            return None
        return self.peer_s / self.ours_s

    @property
    def target(self) -> str:
        """The target as text ("ratio >= 1.00", "<= 60 s"), or "" when there is none."""
        parts = []
        if self.min_ratio is not None:
            parts.append(f"ratio >= {self.min_ratio:.2f}")
        if self.max_s is not None:
            parts.append(f"<= {self.max_s:g} s")
        return ", ".join(parts)

    @property
    def met(self) -> bool | None:
        """Whether every target is met; None when there is no target or no measurement."""
        if self.min_ratio is None and self.max_s is None:
            return None
        checks = []
        if self.min_ratio is not None:
            if self.ratio is None:
                return None
            checks.append(self.ratio >= self.min_ratio)
        if self.max_s is not None:
            if self.ours_s is None:
                return None
            checks.append(self.ours_s <= self.max_s)
        return all(checks)

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio": self.ratio, "target": self.target, "met": self.met}


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


def format_ratio(ratio: float | None) -> str:
    """A ratio as "-", "0.698x" or "18.54x": three decimals below 1 (0.698 never shows as 0.70)."""
    if ratio is None:
        return "-"
    return f"{ratio:.3f}x" if ratio < 1 else f"{ratio:.2f}x"


def format_seconds(seconds: float | None) -> str:
    """Seconds as a short readable time: "-", "12.34 ms" or "3.21 s"."""
    if seconds is None:
        return "-"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def format_met(met: bool | None) -> str:
    """A row's ``met`` as text: "met", "MISSED" or "-" (no target or no measurement)."""
    return {True: "met", False: "MISSED", None: "-"}[met]


def print_rows(rows: list[Row]) -> None:
    """Print rows as a fixed-width table."""
    print(
        f"{'benchmark':48} {'ours':>11} {'peer':>11} {'ratio':>8}  {'target':18} "
        f"{'met':6}  peer / note"
    )
    for r in rows:
        ratio = format_ratio(r.ratio)
        ours, peer = format_seconds(r.ours_s), format_seconds(r.peer_s)
        print(
            f"{r.name:48} {ours:>11} {peer:>11} {ratio:>8}  {r.target or '-':18} "
            f"{format_met(r.met):6}  {r.peer} {r.note}".rstrip()
        )
