"""Find the benchmark modules, run each, attach targets, report as a table and as JSON.

A benchmark module is ``benchmarks/bench_<name>.py`` with ``run(repeats) -> list[Row]``.
A module that raises does not stop the others: its error becomes a row of its own.
"""

from __future__ import annotations

import importlib
import json
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.timing import Row, format_met, format_ratio, format_seconds

PACKAGE_DIR = Path(__file__).parent
RESULTS_DIR = PACKAGE_DIR / "results"
JSON_VERSION = 1


@dataclass(frozen=True)
class Target:
    """A target for rows that do not carry their own.

    A row of module ``module`` gets the target when ``pattern`` (a regular
    expression, case-insensitive) is found in its name or in its peer.
    """

    module: str
    pattern: str
    min_ratio: float | None = None
    max_s: float | None = None


# The targets of the README, for rows whose module does not set them itself.
TARGETS = (
    Target("bench_mlp", r"torch", min_ratio=1.0),
    Target("bench_mlp", r"matmul|matrix.multipl|gemm|gflop", min_ratio=0.7),
    Target("bench_gmm", r"scikit|sklearn", min_ratio=1.0),
)


@dataclass
class ModuleResult:
    """What one module gave: its rows (with targets), its wall time and its error, if any."""

    module: str
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def discover(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Names of the benchmark modules in ``package_dir`` (``bench_*.py``), sorted."""
    return sorted(p.stem for p in Path(package_dir).glob("bench_*.py"))


def select(modules: list[str], only: list[str] | None) -> list[str]:
    """The modules whose name contains one of ``only`` ("mlp" picks "bench_mlp"); all if None.

    Raises
    ------
    ValueError
        If a name in ``only`` matches no module.
    """
    if not only:
        return list(modules)
    for wanted in only:
        if not any(wanted in m for m in modules):
            raise ValueError(f"no benchmark module matches {wanted!r}; there are: {modules}")
    return [m for m in modules if any(wanted in m for wanted in only)]


def apply_targets(module: str, rows: list[Row], targets: tuple[Target, ...] = TARGETS) -> None:
    """Give each row without a target of its own the first matching target of ``targets``."""
    for row in rows:
        if row.min_ratio is not None or row.max_s is not None:
            continue
        for t in targets:
            text = f"{row.name} {row.peer}"
            if t.module == module and re.search(t.pattern, text, flags=re.IGNORECASE):
                row.min_ratio, row.max_s = t.min_ratio, t.max_s
                break


def run_module(module: str, repeats: int, package: str = "benchmarks") -> ModuleResult:
    """Import ``package.module`` and call its ``run(repeats)``; an exception becomes a row.

    The error row is named ``"<module>: error"``, has no times, and its note is
    the exception's type and message (the traceback goes to ``error``).
    """
    start = time.perf_counter()
    try:
        rows = importlib.import_module(f"{package}.{module}").run(repeats=repeats)
        if not isinstance(rows, list) or not all(isinstance(r, Row) for r in rows):
            raise TypeError(f"{module}.run() must return a list of Row, got {rows!r:.200}")
    except Exception as exc:  # one failing benchmark must not stop the others
        note = f"{type(exc).__name__}: {exc}"
        row = Row(f"{module}: error", None, "-", None, note)
        return ModuleResult(module, [row], time.perf_counter() - start, traceback.format_exc())
    apply_targets(module, rows)
    return ModuleResult(module, rows, time.perf_counter() - start)


def report(results: list[ModuleResult], machine: dict, repeats: int) -> dict:
    """The JSON document of one run: its format version, the machine, the rows and the errors."""
    rows = [r.as_dict() | {"module": res.module} for res in results for r in res.rows]
    modules = [{"module": r.module, "seconds": r.seconds, "error": r.error} for r in results]
    return {
        "format": JSON_VERSION,
        "repeats": repeats,
        "machine": machine,
        "modules": modules,
        "rows": rows,
    }


def default_json_path(machine: dict, results_dir: Path = RESULTS_DIR) -> Path:
    """``results/<date>.json``, named by the run's UTC date and time (from ``machine``).

    A run in the same second as an earlier one gets ``<date>-2.json``, and so on.
    """
    stamp = re.sub(r"[^0-9T]", "", machine["date"].split("+")[0])  # 20261124T201831
    path = Path(results_dir) / f"{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"{stamp}-{n}.json")
    return path


def write_json(document: dict, path: Path) -> Path:
    """Write ``document`` to ``path`` atomically (its folder is created) and return the path."""
    from helpers.atomic import atomic_path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


def load_json(path: Path) -> dict:
    """Read a results file written by :func:`write_json`, checking that it has rows.

    Raises
    ------
    ValueError
        If the file is not a results document of a known format.
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("format") != JSON_VERSION:
        raise ValueError(f"{path} is not a benchmark results file of format {JSON_VERSION}")
    if not isinstance(document.get("rows"), list):
        raise ValueError(f"{path} has no list of rows")
    return document


def _key(row: dict) -> tuple:
    """What identifies a row across runs (a module may compare one measurement with peers)."""
    return row.get("module"), row["name"], row["peer"]


def short_name(module: str) -> str:
    """ "bench_mlp" -> "mlp": the name the table and ``--only`` use."""
    return module.removeprefix("bench_")


def table(document: dict, previous: dict | None = None, markdown: bool = False) -> str:
    """The rows of a results document as one table (plain text or Markdown).

    With ``previous`` (another results document) a column shows the ratio that
    row had then, matched by module, name and peer.
    """
    header = ["bench", "measurement", "ours (median)", "peer (median)", "ratio"]
    header += ["target", "met", "peer"]
    old = {}
    if previous is not None:
        header.insert(5, "previous ratio")
        old = {_key(r): r["ratio"] for r in previous["rows"]}
    lines = []
    for r in document["rows"]:
        cells = [short_name(r["module"]), r["name"], format_seconds(r["ours_s"])]
        cells += [format_seconds(r["peer_s"]), format_ratio(r["ratio"])]
        cells += [r["target"] or "-", format_met(r["met"])]
        cells.append(f"{r['peer']}; {r['note']}" if r["note"] else r["peer"])
        if previous is not None:
            cells.insert(5, format_ratio(old.get(_key(r))))
        lines.append(cells)
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in lines]
        return "\n".join(out)
    numeric = {2, 3, 4, 5} if previous is not None else {2, 3, 4}
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()
        for cells in [header, *lines]
    )
