"""The ratio table of benchmarks/ (the timing itself is pytest-benchmark's)."""

import pytest

from benchmarks.ratios import markdown, ratio_lines


def test_each_peer_is_divided_by_ours_within_its_group():
    lines = ratio_lines([
        ("mlp forward 10,000 digits", "blocks", 0.010, True),
        ("mlp forward 10,000 digits", "torch", 0.025, False),
        ("read_rows 1,000 of 70,000: contiguous", "read_rows", 0.004, True),
        ("read_rows 1,000 of 70,000: contiguous", "loop", 0.008, False),
        ("read_rows 1,000 of 70,000: contiguous", "h5py", 0.003, False),
    ])
    assert [(x.ours, x.peer) for x in lines] == [
        ("blocks", "torch"), ("read_rows", "loop"), ("read_rows", "h5py")
    ]
    assert [x.ratio for x in lines] == pytest.approx([2.5, 2.0, 0.75])
    assert [x.met for x in lines] == [True, True, False]  # read_rows must reach 0.95x
    table = markdown(lines)
    assert "| 2.50x | ratio >= 1 | met |" in table and "| 0.75x | ratio >= 0.95 | MISSED |" in table


def test_a_group_without_peers_is_checked_against_its_time_limit():
    lines = ratio_lines([("notebooks", "01", 4.0, True), ("notebooks", "05", 12.5, True)])
    assert [(x.target, x.met) for x in lines] == [("<= 10 s", True), ("<= 10 s", False)]
    assert "| 12.5 s | - | - | <= 10 s | MISSED |" in markdown(lines)
