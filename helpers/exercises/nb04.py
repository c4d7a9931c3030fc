"""The programming exercises of notebook 04: parameters with skip connections, a stable softmax."""

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


def _first_layer_too(sizes):
    return _with_skip(sizes, first_too=True)


def _no_biases(sizes):
    return _with_skip(sizes, biases=False)


exercise(
    "04.1",
    title="weights plus biases when every layer after the first also receives the inputs",
    why=(
        "each unit has one weight per value it receives and one bias; every layer after the first "
        "receives the previous layer's outputs and the network's inputs, the first layer the "
        "inputs once."
    ),
    reference=_count_with_skip,
    cases=_sizes_cases,
    call=_whole_number,
    guarded=(_count_with_skip, MLP.n_parameters.fget, MLP.initialized.__func__),
    mistakes={
        _count_parameters: (
            "your count is that of the network without skip connections: every layer after the "
            "first also receives the network's inputs, one more weight per unit and input."
        ),
        _first_layer_too: (
            "your count gives the first layer the inputs twice; it receives them once, as in the "
            "plain network."
        ),
        _no_biases: "your count is short: every unit after the input also has a bias.",
    },
)


def _no_shift(z):
    return _exp_over_sum(z, 0)


def _min_shift(z):
    return _exp_over_sum(z, z.min(axis=1, keepdims=True))


def _columns(z):
    return _exp_over_sum(z, z.max(axis=0), axis=0)


def _one_shift(z):
    return _exp_over_sum(z, z.max())


exercise(
    "04.2",
    title="softmax of each row of a 2-D array of logits, without overflow",
    why=(
        "each row becomes probabilities that sum to 1, and shifting each row by its own largest "
        "logit keeps every exponent at most 0, so nothing overflows or underflows to 0 / 0."
    ),
    reference=softmax,
    cases=_softmax_cases,
    guarded=(softmax, *_SCIPY_SOFTMAX),
    mistakes={
        _no_shift: (
            "your function gives nan for large logits such as 1000 (inf / inf): shift the logits."
        ),
        _min_shift: (
            "your function gives nan on the lesson's row [-1000, 0, 1000]: shifting by the "
            "smallest logit leaves exp(2000), which overflows; shift each row by its largest "
            "logit."
        ),
        _columns: "your columns sum to 1, not your rows: each row holds one image's logits.",
        _one_shift: (
            "a row far below another comes out as nan (0 / 0). Each row needs its own shift."
        ),
    },
)
