"""The digit explorer benchmark runs and compares like with like."""

import numpy as np

from benchmarks.bench_digit_explorer import RandomMLP, run


def test_random_mlp_has_the_course_shape_and_returns_probabilities():
    probabilities, hidden = RandomMLP().forward(np.zeros((3, 28, 28), np.uint8), return_hidden=True)
    assert probabilities.shape == (3, 10) and np.allclose(probabilities.sum(axis=1), 1)
    assert [h.shape for h in hidden] == [(3, 200), (3, 100)]


def test_run_returns_one_timed_row_per_setting():
    rows = run(repeats=1)
    assert [r.name for r in rows] == [
        "digit explorer update, no model",
        "digit explorer update, 784-200-100-10 model",
    ]
    assert all(r.ours_s > 0 and r.peer_s > 0 for r in rows)
