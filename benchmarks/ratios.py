"""Ratios of peers to ours within each benchmark group, and the targets they must meet.

Every benchmark sets ``benchmark.group`` and, for our own code,
``benchmark.extra_info["ours"] = True``; the others in the group are its peers.
``ratio = peer median / ours median``: above 1, ours is faster.
"""

from __future__ import annotations

from dataclasses import dataclass

#: group -> the smallest ratio every peer of that group must leave us (checked in the summary).
MIN_RATIO = {
    "mlp forward 10,000 digits": 1.0,
    "fit_gmm 50 EM iterations": 1.0,
    # the widgets: a slider step or a stroke answered well within the 100 ms a hand notices
    "covariance explorer slider step": 5.0,
    "draw digit, answer to a stroke": 5.0,
}
MIN_RATIO_H5 = 0.95  # read_rows against every simple strategy, on every layout
#: group -> the most seconds any benchmark of it may take.
MAX_SECONDS = {
    "notebooks": 10.0,
    # benchmarks/bench_grade.py: under 1 s per student
    "grade 30 students, one notebook, 2 jobs": 30.0,
}


@dataclass
class Line:
    group: str
    ours: str
    peer: str
    ours_s: float
    peer_s: float | None
    target: str = "-"
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return None if self.peer_s is None else self.peer_s / self.ours_s


def _min_ratio(group: str) -> float | None:
    return MIN_RATIO_H5 if group.startswith("read_rows") else MIN_RATIO.get(group)


def ratio_lines(results: list[tuple[str, str, float, bool]]) -> list[Line]:
    """One line per (ours, peer) pair of each group; a group without peers lists ours alone.

    ``results`` holds ``(group, name, median seconds, is ours)`` for every benchmark.
    """
    lines = []
    for group in dict.fromkeys(r[0] for r in results):
        members = [r for r in results if r[0] == group]
        ours = [r for r in members if r[3]]
        peers = [r for r in members if not r[3]]
        for _, name, seconds, _ in ours:
            limit = MAX_SECONDS.get(group)
            if not peers:
                met = None if limit is None else seconds <= limit
                target = "-" if limit is None else f"<= {limit:g} s"
                lines.append(Line(group, name, "-", seconds, None, target, met))
            for _, peer, peer_s, _ in peers:
                line = Line(group, name, peer, seconds, peer_s)
                minimum = _min_ratio(group)
                if minimum is not None:
                    line.target, line.met = f"ratio >= {minimum:g}", line.ratio >= minimum
                lines.append(line)
    return lines


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.3g} s" if seconds >= 1 else f"{seconds * 1e3:.3g} ms"


def markdown(lines: list[Line]) -> str:
    """The lines as docs/performance.md's table."""
    rows = [
        "| group | ours | peer | ours (median) | peer (median) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for x in lines:
        ratio = "-" if x.ratio is None else f"{x.ratio:.2f}x"
        met = {None: "-", True: "met", False: "MISSED"}[x.met]
        rows.append(
            f"| {x.group} | {x.ours} | {x.peer} | {_time(x.ours_s)} | {_time(x.peer_s)} "
            f"| {ratio} | {x.target} | {met} |"
        )
    return "\n".join(rows)
