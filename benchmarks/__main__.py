"""Run every benchmark and print one table: ``python -m benchmarks`` from the repository root.

Options: ``--repeats N`` (timed runs per measurement, after a warm-up; the
median is kept), ``--only NAME`` (repeatable: "mlp" runs bench_mlp.py),
``--json PATH`` (default: ``benchmarks/results/<UTC date>.json``),
``--compare OLD.json`` (adds the ratios of an earlier run, e.g. the README's:
``benchmarks/reference.json``), ``--markdown`` (the table as Markdown, for the
README) and ``--list``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import runner
from benchmarks.machine import blas_pools, describe_machine, load_average, summary

FORCED_KERNEL = (
    "note: OPENBLAS_CORETYPE is set, so OpenBLAS runs the kernel it names instead of the one\n"
    "it would pick for this CPU; numpy's matrix products may be slower than this CPU allows."
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run the benchmarks in benchmarks/ and print one table; write it as JSON.",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="timed runs per measurement, after a warm-up (default: %(default)s)",
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only modules whose name has NAME"
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="where to write the results (default: benchmarks/results/<UTC date>.json)",
    )
    parser.add_argument(
        "--compare", type=Path, metavar="OLD", help="an earlier results file to compare with"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--list", action="store_true", help="list the benchmark modules and stop")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def _relative(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; return 0, or 1 when a module failed."""
    args = parse_args(argv)
    modules = runner.discover()
    if args.list:
        print("\n".join(modules))
        return 0
    try:
        modules = runner.select(modules, args.only)
        previous = runner.load_json(args.compare) if args.compare else None
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    machine = describe_machine()
    print(f"Machine: {summary(machine)}", flush=True)
    if "OPENBLAS_CORETYPE" in machine["blas_env"]:
        print(FORCED_KERNEL, file=sys.stderr)
    results = []
    for module in modules:
        print(f"running {module} (repeats={args.repeats}) ...", file=sys.stderr, flush=True)
        result = runner.run_module(module, args.repeats)
        print(f"  done in {result.seconds:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
    machine["thread_pools_after_run"] = blas_pools()  # peers such as torch add their own
    machine["load_average_after_run"] = load_average()
    document = runner.report(results, machine, args.repeats)
    path = runner.write_json(document, args.json or runner.default_json_path(machine))
    print(runner.table(document, previous, markdown=args.markdown))
    for result in results:
        if result.error:
            print(f"\n{result.module} failed:\n{result.error}", file=sys.stderr)
    print(f"\nResults written to {_relative(path)}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
