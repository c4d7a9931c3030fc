"""The programming exercises of notebook 05: a forward pass in blocks, one JSON record."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.exercises import Case, exercise
from helpers.mlp import MLP
from helpers.predictions import make_records

__all__: list[str] = []


def _probabilities(rows: np.ndarray, weights: list, biases: list) -> np.ndarray:
    """Softmax outputs of float rows (N, n_inputs): ReLU layers, then softmax."""
    a = rows
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        a = np.maximum(a @ W.T + b, 0)
    z = a @ weights[-1].T + biases[-1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _forward_blocks(pixels: np.ndarray, weights: list, biases: list, block_rows: int) -> np.ndarray:
    """Probabilities (N, n_outputs) of uint8 pixels (N, n_inputs), ``block_rows`` at a time."""
    probs = np.empty((len(pixels), len(biases[-1])))
    for start in range(0, len(pixels), block_rows):
        block = pixels[start : start + block_rows] / 255.0
        probs[start : start + block_rows] = _probabilities(block, weights, biases)
    return probs


def _network(rng: np.random.Generator, n_hidden: int = 2) -> tuple[list, list]:
    """Random weights (n_out, n_in) and biases of a network whose sizes all differ."""
    sizes = [int(s) for s in rng.choice(np.arange(3, 30), size=n_hidden + 2, replace=False)]
    weights = [
        rng.normal(0, 1 / np.sqrt(n_in), size=(n_out, n_in))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    return weights, [rng.normal(0, 0.5, size=n) for n in sizes[1:]]


def _blocks_cases(rng: np.random.Generator) -> list[Case]:
    def pixels(n: int, weights: list) -> np.ndarray:
        return rng.integers(0, 256, size=(n, weights[0].shape[1]), dtype=np.uint8)

    cases = []
    w, b = _network(rng)
    block = int(rng.integers(3, 8))
    n = block * int(rng.integers(2, 5)) + int(rng.integers(1, block))  # a last, shorter block
    cases.append(Case(f"{n} images in blocks of {block}", (pixels(n, w), w, b, block)))
    w, b = _network(rng)
    cases.append(Case("one image, blocks of 1", (pixels(1, w), w, b, 1)))
    w, b = _network(rng)
    cases.append(Case("12 images in one block of 12", (pixels(12, w), w, b, 12)))
    w, b = _network(rng, n_hidden=1)
    cases.append(Case("one hidden layer, 10 images in blocks of 4", (pixels(10, w), w, b, 4)))
    w, b = _network(rng, n_hidden=3)
    cases.append(Case("three hidden layers, 7 images in blocks of 1", (pixels(7, w), w, b, 1)))
    w, b = _network(rng)
    edges = np.vstack([np.zeros((2, w[0].shape[1]), np.uint8), pixels(3, w)])
    edges[-1] = 255
    cases.append(Case("blank images and one of full ink, blocks of 2", (edges, w, b, 2)))
    return cases


def _call_blocks(function: Callable, case: Case) -> Any:
    """Run ``function``; a matrix product of shapes that do not fit says which shapes to use."""
    try:
        return function(*case.args, **case.kwargs)
    except ValueError as error:
        text = str(error).splitlines()[0] if str(error) else ""
        if "matmul" in text or "not aligned" in text:
            raise ValueError(
                f"{text}; in this exercise each W has shape (outputs, inputs) and each row "
                "of a block is one image's inputs"
            ) from error
        raise


def _unscaled(pixels, weights, biases, block_rows):
    return _probabilities(pixels.astype(np.float64), weights, biases)


def _drop_last_block(pixels, weights, biases, block_rows):
    starts = range(0, len(pixels) - block_rows + 1, block_rows)
    blocks = [pixels[s : s + block_rows] / 255.0 for s in starts]
    return np.concatenate([_probabilities(block, weights, biases) for block in blocks])


def _one_softmax_per_block(pixels, weights, biases, block_rows):
    probs = []
    for start in range(0, len(pixels), block_rows):
        a = pixels[start : start + block_rows] / 255.0
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            a = np.maximum(a @ W.T + b, 0)
        z = a @ weights[-1].T + biases[-1]
        e = np.exp(z - z.max())
        probs.append(e / e.sum())
    return np.concatenate(probs)


exercise(
    "05.1",
    reference=_forward_blocks,
    cases=_blocks_cases,
    call=_call_blocks,
    why="each block of rows goes through every layer as X W.T + b, the last block too, and "
    "the blocks together give the same probabilities as one whole batch.",
    guarded=(_forward_blocks, MLP.forward, MLP._forward_rows),
    rtol=1e-4,
    atol=1e-6,
    mistakes=(
        (
            _unscaled,
            "your probabilities are far too sure of themselves (almost all 0 or 1): the "
            "network expects pixels in [0, 1], and these are bytes from 0 to 255.",
        ),
        (
            _drop_last_block,
            "your result has fewer rows than there are images when N is not a multiple of "
            "block_rows: the last, shorter block must go through the network too.",
        ),
        (
            _one_softmax_per_block,
            "your probabilities sum to 1 over a whole block, not image by image: softmax "
            "works on each row (each image's logits) on its own.",
        ),
    ),
)


def _record(probabilities: np.ndarray, index: int) -> dict:
    """The prediction record of one row of 10 probabilities, as plain Python values."""
    return {
        "index": int(index),
        "activations": [float(p) for p in probabilities],
        "classification": int(np.argmax(probabilities)),
    }


def _json_line(record: object) -> tuple[str, object]:
    """What ``json.dumps`` makes of ``record`` ("a valid JSON line" or why not), and the
    record as JSON reads it back (the record itself when it cannot be written)."""
    try:
        back = json.loads(json.dumps(record, allow_nan=False))
    except (TypeError, ValueError) as error:
        found = re.search(r"type (\w+) is not", str(error))
        if found and hasattr(np, found.group(1)):
            return "refuses numpy values", record
        return f"refuses it ({type(error).__name__})", record
    if isinstance(back, dict):
        for key in ("index", "classification"):
            if key in back and type(back[key]) is not int:
                return f"{key} is not an integer", back
    return "a valid JSON line", back


def _record_cases(rng: np.random.Generator) -> list[Case]:
    def row(scale: float) -> np.ndarray:
        z = rng.normal(0, scale, size=10)
        e = np.exp(z - z.max())
        return (e / e.sum()).astype(np.float32)

    certain = np.zeros(10, np.float32)
    certain[int(rng.integers(0, 10))] = 1.0
    tie = np.array([0.05, 0.3, 0.05, 0.05, 0.3, 0.05, 0.05, 0.05, 0.05, 0.05], np.float32)
    return [
        Case("a random row", (row(3.0), np.int64(rng.integers(10, 5000)))),
        Case("a confident row, index 0", (row(8.0), np.int64(0))),
        Case("a row of 1 and nine zeros", (certain, np.int64(rng.integers(0, 70_000)))),
        Case("two classes tie: the first one counts", (tie, np.int64(17))),
        Case("an unsure row", (row(0.5), np.int64(rng.integers(0, 70_000)))),
    ]


exercise(
    "05.2",
    reference=_record,
    cases=_record_cases,
    call=lambda function, case: _json_line(function(*case.args, **case.kwargs)),
    names=("JSON", "record"),
    why="plain Python ints and floats that json.dumps writes, and the classification at "
    "the largest activation (the first one in a tie).",
    guarded=(_record, make_records),
    mistakes=(
        (
            lambda probabilities, index: {
                "index": index,
                "activations": list(probabilities),
                "classification": probabilities.argmax(),
            },
            "json.dumps refuses your record: numpy's numbers (float32, int64) and arrays "
            "are not JSON; every value must be a plain Python int or float, or a list of "
            "floats.",
        ),
        (
            lambda probabilities, index: {
                "index": int(index),
                "activations": [float(p) for p in probabilities],
                "classification": int(np.argmin(probabilities)),
            },
            "your classification is the class with the smallest activation; it must be the "
            "most probable class.",
        ),
        (
            lambda probabilities, index: {
                "index": int(index) + 1,
                "activations": [float(p) for p in probabilities],
                "classification": int(np.argmax(probabilities)),
            },
            "your index is one more than the index given: it is the digit's position in "
            "its data set, counted from 0 as numpy counts, and is written as given.",
        ),
    ),
)
