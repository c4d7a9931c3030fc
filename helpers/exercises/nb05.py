"""The programming exercises of notebook 05: a forward pass in blocks, one JSON record."""

import json
import re
from collections.abc import Callable
from functools import partial

import numpy as np

from helpers.exercises import _Case, _exercise
from helpers.mlp import MLP, softmax
from helpers.predictions import make_records


def _blocks(pixels, weights, biases, block_rows, scale=255.0, stop=0, per_block=False):
    """Probabilities of uint8 ``pixels``, ``block_rows`` at a time; the options: usual mistakes."""
    blocks = []
    for start in range(0, len(pixels) - stop, block_rows):
        z = pixels[start : start + block_rows] / scale
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            z = np.maximum(z @ W.T + b, 0)
        z = z @ weights[-1].T + biases[-1]
        blocks.append(softmax(z.ravel()).reshape(z.shape) if per_block else softmax(z))
    return np.concatenate(blocks)


def _forward_blocks(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, block_rows)


def _blocks_cases(rng: np.random.Generator) -> dict:
    def case(n: int, block: int, n_hidden: int = 2) -> tuple:  # layer sizes that all differ
        sizes = [int(s) for s in rng.choice(np.arange(3, 30), size=n_hidden + 2, replace=False)]
        pairs = zip(sizes[:-1], sizes[1:], strict=True)
        weights = [rng.normal(0, 1 / np.sqrt(n_in), size=(n_out, n_in)) for n_in, n_out in pairs]
        biases = [rng.normal(0, 0.5, size=n) for n in sizes[1:]]
        return rng.integers(0, 256, size=(n, sizes[0]), dtype=np.uint8), weights, biases, block

    block = int(rng.integers(3, 8))
    n = block * int(rng.integers(2, 5)) + int(rng.integers(1, block))  # a last, shorter block
    edges = case(5, 2)
    edges[0][:2], edges[0][-1] = 0, 255
    return {
        f"{n} images in blocks of {block}": case(n, block),
        "one image, blocks of 1": case(1, 1),
        "one hidden layer, 10 images in blocks of 4": case(10, 4, n_hidden=1),
        "three hidden layers, 7 images in blocks of 1": case(7, 1, n_hidden=3),
        "blank images and one of full ink, blocks of 2": edges,
    }


def _call_blocks(function: Callable, case: _Case) -> np.ndarray:
    """Run ``function``; a ValueError (shapes that do not fit) says which shapes to use."""
    try:
        return function(*case.args)
    except ValueError as error:
        shapes = "each W has shape (outputs, inputs) and each row of a block is one image's inputs"
        raise ValueError(f"{str(error).splitlines()[0]}; in this exercise {shapes}") from error


def _json_line(record: object) -> tuple[str, object]:
    """Whether ``json.dumps`` writes ``record`` (or why not), and what JSON reads back."""
    try:
        back = json.loads(json.dumps(record, allow_nan=False))
    except (TypeError, ValueError) as error:
        found = re.search(r"type (\w+) is not", str(error))
        numpy = found and hasattr(np, found.group(1))
        return ("refuses numpy values" if numpy else f"refuses it ({type(error).__name__})"), record
    for key in ("index", "classification") if isinstance(back, dict) else ():
        if key in back and type(back[key]) is not int:
            return f"{key} is not an integer", back
    return "a valid JSON line", back


def _record_cases(rng: np.random.Generator) -> dict:
    def row(scale: float) -> np.ndarray:
        return softmax(rng.normal(0, scale, size=10)).astype(np.float32)

    certain = np.eye(10, dtype=np.float32)[rng.integers(0, 10)]
    tie = np.array([0.05, 0.3, 0.05, 0.05, 0.3, 0.05, 0.05, 0.05, 0.05, 0.05], np.float32)
    return {
        "a confident row, index 0": (row(8.0), np.int64(0)),
        "a row of 1 and nine zeros": (certain, np.int64(rng.integers(0, 70_000))),
        "two classes tie: the first one counts": (tie, np.int64(17)),
        "an unsure row": (row(0.5), np.int64(rng.integers(0, 70_000))),
    }


def _record(probabilities: np.ndarray, index: int) -> dict:
    return make_records(probabilities[None], [index])[0]


def _plain(probabilities: np.ndarray, index: int, classify: Callable = np.argmax) -> dict:
    values = [float(p) for p in probabilities]
    return {"index": int(index), "activations": values, "classification": int(classify(values))}


_exercise(
    "05.1",
    reference=_forward_blocks,
    cases=_blocks_cases,
    call=_call_blocks,
    guarded=(_forward_blocks, MLP.forward, MLP._forward_rows),
    rtol=1e-4,
    atol=1e-6,
    mistakes={
        "unscaled": partial(_blocks, scale=1.0),
        "last_block": lambda pixels, w, b, rows: _blocks(pixels, w, b, rows, stop=rows - 1),
        "per_block": partial(_blocks, per_block=True),
    },
)

_exercise(
    "05.2",
    reference=_record,
    cases=_record_cases,
    call=lambda function, case: _json_line(function(*case.args)),
    names=("JSON", "record"),
    guarded=(_record, make_records),
    mistakes={
        "numpy_values": lambda p, i: dict(index=i, activations=list(p), classification=p.argmax()),
        "argmin": partial(_plain, classify=np.argmin),
        "index_plus_1": lambda p, index: _plain(p, index + 1),
    },
)
