"""The programming exercises of notebook 04: count a network's parameters, a stable softmax."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from helpers.exercises import _exercise
from helpers.mlp import MLP, softmax

__all__: list[str] = []


def _count_parameters(layer_sizes: list[int]) -> int:
    """The weights and biases of a fully connected network with these layer sizes."""
    return sum(n_out * (n_in + 1) for n_in, n_out in pairwise(layer_sizes))


def _sizes_cases(rng: np.random.Generator) -> dict:
    def sizes(n_layers: int) -> list[int]:
        return [int(s) for s in rng.integers(1, 1000, size=n_layers)]

    return {
        "the network of this collection, [784, 200, 100, 10]": ([784, 200, 100, 10],),
        "no hidden layer (inputs straight to outputs)": (sizes(2),),
        "one hidden layer": (sizes(3),),
        "four hidden layers of random sizes": (sizes(6),),
        "layers of one unit, [1, 1, 1]": ([1, 1, 1],),
        "a wide first layer, [3, 500, 2]": ([3, 500, 2],),
    }


def _weights(sizes: list[int]) -> int:
    return sum(a * b for a, b in pairwise(sizes))


_exercise(
    "04.1",
    reference=_count_parameters,
    cases=_sizes_cases,
    why="each layer has n_out x n_in weights and n_out biases, summed over the layers, "
    "for any list of sizes.",
    guarded=(_count_parameters, MLP.n_parameters.fget, MLP.initialized.__func__),
    mistakes=[
        _weights,
        "your count is short: every unit after the input also has a bias.",
        lambda sizes: _weights(sizes) + sum(sizes),
        "your count is too large by exactly the number of inputs: the input layer has no biases.",
        lambda sizes: int(np.prod(sizes)),
        "your count grows like the product of all the sizes: add up the layers one by one.",
    ],
)


def _softmax_cases(rng: np.random.Generator) -> dict:
    n, k = (int(v) for v in rng.integers(2, 9, size=2))
    return {
        f"{n} random rows of {k} logits": (rng.normal(0, 3, size=(n, k)),),
        "one row of 10 logits": (rng.normal(0, 3, size=(1, 10)),),
        "large logits, as in the lesson": (np.array([[1000.0, 999, 990], [2, 1, 0]]),),
        "a row far below the other": (np.array([[0.0, 1, 2], [-1000, -999, -998]]),),
        "a zero row and a tie": (np.array([[0.0, 0, 0, 0], [5, 5, 1, 0]]),),
        "3 rows of 2 logits (more rows than columns)": (rng.normal(0, 3, size=(3, 2)),),
    }


def _exp_over_sum(z: np.ndarray, shift: np.ndarray | float, axis: int = 1) -> np.ndarray:
    """The usual mistakes: exponentials shifted by ``shift``, normalised along ``axis``."""
    e = np.exp(z - shift)
    return e / e.sum(axis=axis, keepdims=True)


_exercise(
    "04.2",
    reference=softmax,
    cases=_softmax_cases,
    why="each row becomes probabilities that sum to 1, and shifting each row by its own "
    "largest logit keeps every exponent at most 0, so nothing overflows or underflows to "
    "0 / 0.",
    mistakes=[
        lambda z: _exp_over_sum(z, 0),
        "your function gives nan for large logits such as 1000 (inf / inf): shift the logits.",
        lambda z: _exp_over_sum(z, z.max(axis=0), axis=0),
        "your columns sum to 1, not your rows: each row holds one image's logits.",
        lambda z: _exp_over_sum(z, z.max()),
        "a row far below another comes out as nan (0 / 0). Each row needs its own shift.",
    ],
)
