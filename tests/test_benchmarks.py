"""The benchmark runner: discovery, targets, error rows, JSON, table; no real benchmark runs."""

from __future__ import annotations

import importlib
import json
import textwrap
from pathlib import Path

import pytest

from benchmarks import __main__ as cli
from benchmarks import bench_import, bench_notebooks, runner
from benchmarks.machine import describe_machine, summary
from benchmarks.timing import Row, format_seconds, median_time

# --- Row ------------------------------------------------------------------------------


def test_row_keeps_its_positional_constructor_and_ratio_is_peer_over_ours():
    row = Row("forward", 0.5, "loop", 2.0, "10,000 images")
    assert (row.name, row.ours_s, row.peer, row.peer_s, row.note) == (
        "forward",
        0.5,
        "loop",
        2.0,
        "10,000 images",
    )
    assert row.ratio == pytest.approx(4.0)
    assert Row("slower", 2.0, "peer", 0.5).ratio == pytest.approx(0.25)


@pytest.mark.parametrize("ours, peer", [(None, 1.0), (1.0, None), (0.0, 1.0), (None, None)])
def test_ratio_is_none_without_both_measurements(ours, peer):
    assert Row("x", ours, "peer", peer).ratio is None


@pytest.mark.parametrize(
    "row, met",
    [
        (Row("x", 1.0, "p", 1.0), None),  # no target
        (Row("x", 1.0, "p", 1.0, min_ratio=1.0), True),  # exactly as fast
        (Row("x", 1.0, "p", 0.69, min_ratio=0.7), False),
        (Row("x", 0.4, "p", None, max_s=0.5), True),  # a time limit needs no peer
        (Row("x", 0.6, "p", 1.0, max_s=0.5), False),
        (Row("x", 0.4, "p", 0.2, min_ratio=1.0, max_s=0.5), False),  # both must hold
        (Row("x", None, "p", 1.0, min_ratio=1.0), None),  # not measured: unknown
        (Row("x", None, "p", None, max_s=60), None),
    ],
)
def test_met_checks_every_target(row, met):
    assert row.met is met


def test_target_text_and_as_dict():
    row = Row("x", 2.0, "p", 1.0, min_ratio=0.7, max_s=60)
    assert row.target == "ratio >= 0.70, <= 60 s"
    d = row.as_dict()
    assert d["ratio"] == pytest.approx(0.5)
    assert d["met"] is False and d["target"] == row.target and d["peer"] == "p"
    assert Row("x", 1.0, "p", 1.0).target == ""


def test_format_seconds():
    assert format_seconds(None) == "-"
    assert format_seconds(0.01234) == "12.34 ms"
    assert format_seconds(3.214) == "3.21 s"


def test_median_time_calls_warmup_then_repeats_and_rejects_zero_repeats():
    calls = []
    assert median_time(lambda: calls.append(1), repeats=3, warmup=2) >= 0
    assert len(calls) == 5
    with pytest.raises(ValueError, match="at least 1"):
        median_time(lambda: None, repeats=0)


# --- discovery and selection ------------------------------------------------------------


def test_discover_finds_only_bench_modules_sorted(tmp_path):
    for name in ["bench_b.py", "bench_a.py", "timing.py", "__init__.py", "bench_c.txt"]:
        (tmp_path / name).write_text("")
    assert runner.discover(tmp_path) == ["bench_a", "bench_b"]


def test_discover_finds_this_repositorys_benchmarks():
    found = runner.discover()
    assert {"bench_import", "bench_notebooks"} <= set(found)
    assert all(callable(importlib.import_module(f"benchmarks.{m}").run) for m in found)


def test_select_by_part_of_the_name():
    modules = ["bench_gmm", "bench_import", "bench_mlp"]
    assert runner.select(modules, None) == modules
    assert runner.select(modules, ["mlp"]) == ["bench_mlp"]
    assert runner.select(modules, ["gmm", "bench_mlp"]) == ["bench_gmm", "bench_mlp"]
    with pytest.raises(ValueError, match="'h6'.*bench_gmm"):
        runner.select(modules, ["h6"])


# --- targets ------------------------------------------------------------------------------


def test_apply_targets_matches_module_and_text_and_keeps_own_targets():
    targets = (
        runner.Target("bench_mlp", "torch", min_ratio=1.0),
        runner.Target("bench_mlp", "matmul", min_ratio=0.7),
    )
    rows = [
        Row("forward", 1.0, "PyTorch CPU", 1.0),
        Row("forward GFLOP/s", 1.0, "float32 matmul", 1.0),
        Row("forward", 1.0, "per-image loop", 1.0),
        Row("forward", 1.0, "torch", 1.0, max_s=3.0),
    ]
    runner.apply_targets("bench_mlp", rows, targets)
    assert [(r.min_ratio, r.max_s) for r in rows] == [
        (1.0, None),
        (0.7, None),
        (None, None),
        (None, 3.0),
    ]
    other = [Row("forward", 1.0, "PyTorch CPU", 1.0)]
    runner.apply_targets("bench_gmm", other, targets)
    assert other[0].min_ratio is None


# --- running modules ------------------------------------------------------------------------


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A package ``fakebench`` with a good, a failing and a badly returning benchmark."""
    pkg = tmp_path / "fakebench"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "bench_good.py").write_text(
        textwrap.dedent(
            """
            from benchmarks.timing import Row
            def run(repeats=5):
                return [Row("thing", 1.0, "PyTorch CPU", 2.0, f"repeats={repeats}")]
            """
        )
    )
    (pkg / "bench_raises.py").write_text("def run(repeats=5):\n    raise OSError('no disk')\n")
    (pkg / "bench_returns_text.py").write_text("def run(repeats=5):\n    return 'fast'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return pkg


def test_run_module_returns_rows_with_targets(fake_package):
    result = runner.run_module("bench_good", 3, package="fakebench")
    assert result.error is None and result.seconds >= 0
    assert [r.note for r in result.rows] == ["repeats=3"]
    # TARGETS only apply to the module they name: bench_good gets none.
    assert result.rows[0].met is None


@pytest.mark.parametrize(
    "module, message",
    [("bench_raises", "OSError: no disk"), ("bench_returns_text", "TypeError: bench_returns")],
)
def test_a_failing_module_becomes_an_error_row(fake_package, module, message):
    result = runner.run_module(module, 1, package="fakebench")
    assert [r.name for r in result.rows] == [f"{module}: error"]
    assert result.rows[0].note.startswith(message)
    assert result.rows[0].ours_s is None and result.rows[0].met is None
    assert "Traceback" in result.error


# --- JSON -----------------------------------------------------------------------------------


def _document():
    results = [
        runner.ModuleResult("bench_a", [Row("a", 1.0, "p", 3.0, min_ratio=1.0)], 0.1),
        runner.ModuleResult(
            "bench_b", [Row("bench_b: error", None, "-", None, "ValueError: x")], 0.2, "Tb"
        ),
    ]
    machine = {"date": "2026-11-24T20:18:31+00:00", "logical_cores": 2}
    return runner.report(results, machine, repeats=4)


def test_report_has_machine_rows_and_errors():
    doc = _document()
    assert doc["format"] == runner.JSON_VERSION and doc["repeats"] == 4
    assert doc["machine"]["logical_cores"] == 2
    assert [(r["module"], r["name"], r["ratio"], r["met"]) for r in doc["rows"]] == [
        ("bench_a", "a", 3.0, True),
        ("bench_b", "bench_b: error", None, None),
    ]
    assert [m["error"] for m in doc["modules"]] == [None, "Tb"]


def test_json_round_trip_and_default_path(tmp_path):
    doc = _document()
    path = runner.default_json_path(doc["machine"], tmp_path / "results")
    assert path == tmp_path / "results" / "20261124T201831.json"
    assert runner.write_json(doc, path) == path
    assert json.loads(path.read_text()) == doc
    assert runner.load_json(path) == doc
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    second = runner.default_json_path(doc["machine"], tmp_path / "results")
    assert second.name == "20261124T201831-2.json"  # a run in the same second keeps the first


@pytest.mark.parametrize("content", ['{"format": 99, "rows": []}', '{"format": 1}', "[]"])
def test_load_json_rejects_other_files(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="x.json"):
        runner.load_json(path)


# --- table ----------------------------------------------------------------------------------


def test_table_plain_and_markdown():
    doc = _document()
    plain = runner.table(doc).splitlines()
    assert plain[0].split()[:2] == ["bench", "measurement"]
    assert "3.00x" in plain[1] and "met" in plain[1] and "ratio >= 1.00" in plain[1]
    assert "ValueError: x" in plain[2]
    md = runner.table(doc, markdown=True).splitlines()
    assert md[1].count("---") == md[0].count("|") - 1
    assert md[2].startswith("| a | a | 1.00 s | 3.00 s | 3.00x |")


def test_table_shows_a_previous_run_matched_by_module_name_and_peer():
    doc, previous = _document(), _document()
    twin = dict(doc["rows"][0], peer="another peer", ratio=0.5)
    doc["rows"].insert(1, twin)
    previous["rows"][0]["ratio"] = 1.5
    doc["rows"][0]["met"] = False
    lines = runner.table(doc, previous).splitlines()
    assert "previous ratio" in lines[0]
    assert "1.50x" in lines[1] and "MISSED" in lines[1]
    assert "1.50x" not in lines[2]  # same module and name, other peer: no earlier ratio


# --- machine ----------------------------------------------------------------------------------


def test_describe_machine_names_cores_cpu_blas_and_versions():
    m = describe_machine()
    assert m["logical_cores"] >= 1 and 1 <= m["usable_cores"] <= m["logical_cores"]
    assert m["cpu_model"] and m["python"].count(".") == 2
    assert m["packages"]["numpy"] and "torch" in m["packages"]
    assert any(p["user_api"] == "blas" for p in m["blas_pools"])
    assert all("filepath" not in p for p in m["blas_pools"])  # no machine paths
    assert f"{m['usable_cores']} of {m['logical_cores']} cores" in summary(m)
    assert m["load_average"] is None or m["load_average"] >= 0
    json.dumps(m)  # serialisable as it is


# --- the command ---------------------------------------------------------------------------


def test_main_runs_selected_modules_writes_json_and_reports_failure(tmp_path, monkeypatch, capsys):
    def fake_run_module(module, repeats):
        if module == "bench_bad":
            return runner.ModuleResult(
                module, [Row(f"{module}: error", None, "-", None, "boom")], 0.0, "Tb"
            )
        return runner.ModuleResult(module, [Row("r", 1.0, "p", 2.0)], 0.0)

    monkeypatch.setattr(runner, "discover", lambda: ["bench_bad", "bench_good", "bench_skip"])
    monkeypatch.setattr(runner, "run_module", fake_run_module)
    out = tmp_path / "run.json"
    code = cli.main(["--only", "bad", "--only", "good", "--repeats", "2", "--json", str(out)])
    assert code == 1  # a module failed
    doc = runner.load_json(out)
    assert [r["module"] for r in doc["rows"]] == ["bench_bad", "bench_good"]
    assert doc["repeats"] == 2 and "thread_pools_after_run" in doc["machine"]
    assert "load_average_after_run" in doc["machine"]
    printed = capsys.readouterr()
    assert "boom" in printed.out and "2.00x" in printed.out and "Tb" in printed.err


def test_main_rejects_unknown_names_and_bad_repeats(capsys):
    assert cli.main(["--only", "no-such-benchmark"]) == 2
    assert "no-such-benchmark" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--repeats", "0"])


def test_main_lists_modules(capsys):
    assert cli.main(["--list"]) == 0
    assert "bench_notebooks" in capsys.readouterr().out.split()


# --- the two benchmarks of this issue, without timing them -----------------------------------


def test_bench_import_reports_a_failing_child():
    with pytest.raises(RuntimeError, match="no_such_module"):
        bench_import._python("import no_such_module")
    assert float(bench_import._python(bench_import.TIMED_IMPORT.format(module="json"))) >= 0


def test_bench_notebooks_needs_notebooks(tmp_path):
    with pytest.raises(FileNotFoundError, match="no notebooks"):
        bench_notebooks.run(1, notebook_dir=Path(tmp_path))


def test_bench_notebooks_collects_subfolders_but_not_hidden_ones(tmp_path):
    for name in ["b.ipynb", "a.ipynb", "sub/c.ipynb", ".ipynb_checkpoints/a-checkpoint.ipynb"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "notes.md").write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in bench_notebooks.notebooks(tmp_path)]
    assert found == ["a.ipynb", "b.ipynb", "sub/c.ipynb"]


def test_committed_reference_run_is_readable_and_names_current_modules():
    """benchmarks/reference.json is the run behind the README table (for --compare)."""
    reference = runner.load_json(runner.PACKAGE_DIR / "reference.json")
    assert {r["module"] for r in reference["rows"]} <= set(runner.discover())
    assert reference["machine"]["logical_cores"] >= 1 and reference["machine"]["blas_pools"]


def test_ratio_format_never_rounds_a_miss_up_to_the_target():
    from benchmarks.timing import format_ratio

    assert format_ratio(0.6979) == "0.698x"
    assert format_ratio(18.544) == "18.54x"
    assert format_ratio(None) == "-"
