"""The programming exercises of notebook 04: count a network's parameters, a stable softmax."""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, exercise
from helpers.mlp import MLP, softmax

__all__: list[str] = []


def _count_parameters(layer_sizes: list[int]) -> int:
    """The weights and biases of a fully connected network with these layer sizes."""
    pairs = zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    return int(sum(n_out * n_in + n_out for n_in, n_out in pairs))


def _sizes_cases(rng: np.random.Generator) -> list[Case]:
    def sizes(n_layers: int) -> list[int]:
        return [int(s) for s in rng.integers(1, 1000, size=n_layers)]

    return [
        Case("the network of this collection, [784, 200, 100, 10]", ([784, 200, 100, 10],)),
        Case("no hidden layer (inputs straight to outputs)", (sizes(2),)),
        Case("one hidden layer", (sizes(3),)),
        Case("four hidden layers of random sizes", (sizes(6),)),
        Case("layers of one unit, [1, 1, 1]", ([1, 1, 1],)),
        Case("a wide first layer, [3, 500, 2]", ([3, 500, 2],)),
    ]


exercise(
    "04.1",
    reference=_count_parameters,
    cases=_sizes_cases,
    why="each layer has n_out x n_in weights and n_out biases, summed over the layers, "
    "for any list of sizes.",
    guarded=(_count_parameters, MLP.n_parameters.fget, MLP.initialized.__func__),
    mistakes=(
        (
            lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
            "your count is short by the number of units after the input: every unit of "
            "every layer also has a bias.",
        ),
        (
            lambda sizes: (
                sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)) + sum(sizes)
            ),
            "your count is too large by exactly the number of inputs: the input layer is "
            "the data, it has no biases (a list of k sizes has k - 1 layers).",
        ),
        (
            lambda sizes: int(np.prod(sizes)),
            "your count grows like the product of all the sizes: each layer is connected "
            "only to the layer before it, so add up the layers, one pair of neighbours "
            "at a time.",
        ),
    ),
)


def _softmax_cases(rng: np.random.Generator) -> list[Case]:
    n, k = (int(v) for v in rng.integers(2, 9, size=2))
    return [
        Case(f"{n} random rows of {k} logits", (rng.normal(0, 3, size=(n, k)),)),
        Case("one row of 10 logits", (rng.normal(0, 3, size=(1, 10)),)),
        Case(
            "large logits, as in the lesson",
            (np.array([[1000.0, 999.0, 990.0], [2.0, 1.0, 0.0]]),),
        ),
        Case(
            "a row far below the other",
            (np.array([[0.0, 1.0, 2.0], [-1000.0, -999.0, -998.0]]),),
        ),
        Case("a zero row and a tie", (np.array([[0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 1.0, 0.0]]),)),
        Case("3 rows of 2 logits (more rows than columns)", (rng.normal(0, 3, size=(3, 2)),)),
    ]


def _no_shift(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _columns(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _global_shift(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


exercise(
    "04.2",
    reference=softmax,
    cases=_softmax_cases,
    why="each row becomes probabilities that sum to 1, and shifting each row by its own "
    "largest logit keeps every exponent at most 0, so nothing overflows or underflows to "
    "0 / 0.",
    mistakes=(
        (
            _no_shift,
            "your function gives nan for large logits such as 1000: the exponentials overflow "
            "to inf and inf / inf is nan. The lesson's shift cancels out and prevents it.",
        ),
        (
            _columns,
            "your columns sum to 1, not your rows: each row holds one image's logits and "
            "must become that image's probabilities.",
        ),
        (
            _global_shift,
            "a row whose logits are all far below another row's comes out as nan (0 / 0): "
            "one shift for the whole batch makes that row's exponentials underflow to 0. "
            "Each row needs its own shift.",
        ),
    ),
)
