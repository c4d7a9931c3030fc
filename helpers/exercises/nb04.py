"""The programming exercises of notebook 04: parameters with skip connections, a stable softmax."""

from functools import partial
from itertools import pairwise

import numpy as np

from helpers.exercises._framework import Case, exercise
from helpers.mlp import MLP, softmax

#: scipy's softmax (and log_softmax) already do what exercise 2 asks: ``(file, prefix)``.
_SCIPY_SOFTMAX = (("scipy/special/_logsumexp.py", "softmax"),
                  ("scipy/special/_logsumexp.py", "log_softmax"))


def _weights(sizes: list[int]) -> int:
    return sum(n_in * n_out for n_in, n_out in pairwise(sizes))


def _count_parameters(sizes: list[int]) -> int:
    return _weights(sizes) + sum(sizes[1:])


def _with_skip(sizes: list[int], first_too: bool = False, biases: bool = True) -> int:
    """Every layer after the first also receives the inputs (``first_too``: the first twice)."""
    skips = sizes[0] * sum(sizes[1 if first_too else 2 :])
    return _weights(sizes) + skips + (sum(sizes[1:]) if biases else 0)


def _count_with_skip(sizes: list[int]) -> int:
    return _with_skip(sizes)


def _sizes_cases(rng: np.random.Generator) -> dict:
    return {
        "the network of this collection, [784, 200, 100, 10]": ([784, 200, 100, 10],),
        "no hidden layer (inputs straight to outputs)": (rng.integers(1, 1000, 2).tolist(),),
        "four hidden layers of random sizes": (rng.integers(1, 1000, 6).tolist(),),
        "layers of one unit, [1, 1, 1]": ([1, 1, 1],),
        "a wide first layer, [3, 500, 2]": ([3, 500, 2],),
        "two hidden layers of random sizes": (rng.integers(1, 300, 4).tolist(),),
    }


def _softmax_cases(rng: np.random.Generator) -> dict:
    n, k = (int(v) for v in rng.integers(2, 9, size=2))
    return {
        f"{n} random rows of {k} logits": (rng.normal(0, 3, size=(n, k)),),
        "one row of 10 logits": (rng.normal(0, 3, size=(1, 10)),),
        "large logits, as in the lesson": (np.array([[1000.0, 999, 990], [2, 1, 0]]),),
        "a row far below the other": (np.array([[0.0, 1, 2], [-1000, -999, -998]]),),
        "the lesson's row [-1000, 0, 1000]": (np.array([[-1000.0, 0, 1000], [1, 2, 3]]),),
        "a zero row and a tie": (np.array([[0.0, 0, 0, 0], [5, 5, 1, 0]]),),
        "3 rows of 2 logits (more rows than columns)": (rng.normal(0, 3, size=(3, 2)),),
    }


def _exp_over_sum(z: np.ndarray, shift: np.ndarray | float, axis: int = 1) -> np.ndarray:
    e = np.exp(z - shift)
    return e / e.sum(axis=axis, keepdims=True)


def _whole_number(function, case: Case) -> dict:
    """``function``'s count, and whether it is an integer (the prose promises one)."""
    count = function(*case.args)
    whole = isinstance(count, int | np.integer) and not isinstance(count, bool)
    return {"count": count, "type": "an integer" if whole else type(count).__name__}


exercise(
    "04.1",
    reference=_count_with_skip,
    cases=_sizes_cases,
    call=_whole_number,
    guarded=(_count_with_skip, MLP.n_parameters.fget, MLP.initialized.__func__),
    mistakes={
        "no_skip": _count_parameters,
        "first_layer_too": partial(_with_skip, first_too=True),
        "no_biases": partial(_with_skip, biases=False),
    },
)

exercise(
    "04.2",
    reference=softmax,
    cases=_softmax_cases,
    guarded=(softmax, *_SCIPY_SOFTMAX),
    mistakes={
        "no_shift": lambda z: _exp_over_sum(z, 0),
        "min_shift": lambda z: _exp_over_sum(z, z.min(axis=1, keepdims=True)),
        "columns": lambda z: _exp_over_sum(z, z.max(axis=0), axis=0),
        "one_shift": lambda z: _exp_over_sum(z, z.max()),
    },
)
