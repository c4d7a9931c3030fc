"""The programming exercises of notebook 05: a forward pass in blocks, one JSON record."""

import json
import re
import tracemalloc
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from helpers.exercises._framework import Case, exercise
from helpers.mlp import MLP, softmax
from helpers.predictions import make_records

_LARGE_ROWS = 20_000  # images of the case that measures the memory a function holds

#: scipy's softmax (and log_softmax) already do what the exercises ask: ``(file, prefix)``.
_SCIPY_SOFTMAX = (("scipy/special/_logsumexp.py", "softmax"),
                  ("scipy/special/_logsumexp.py", "log_softmax"))


def _shifted_softmax(z: np.ndarray, shift: str = "max", axis: int = 1) -> np.ndarray:
    """Softmax along ``axis``, the logits shifted by their ``shift`` ("max", "min", "none")."""
    if shift == "max":
        z = z - z.max(axis=axis, keepdims=True)
    elif shift == "min":
        z = z - z.min(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _blocks(pixels, weights, biases, block_rows, scale=255.0, per_block=False, shift="max"):
    """Probabilities of uint8 ``pixels``, ``block_rows`` at a time; the options: usual mistakes."""
    blocks = []
    for start in range(0, len(pixels), block_rows):
        z = pixels[start : start + block_rows] / scale
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            z = np.maximum(z @ W.T + b, 0)
        z = z @ weights[-1].T + biases[-1]
        if per_block:  # one softmax over the whole block
            z = z.reshape(1, -1)
        blocks.append(_shifted_softmax(z, shift).reshape(-1, weights[-1].shape[0]))
    return np.concatenate(blocks)


def _forward_blocks(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, block_rows)


def _network(rng: np.random.Generator, n: int, sizes: list[int]) -> tuple:
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    weights = [rng.normal(0, 1 / np.sqrt(n_in), size=(n_out, n_in)) for n_in, n_out in pairs]
    biases = [rng.normal(0, 0.5, size=n) for n in sizes[1:]]
    return rng.integers(0, 256, size=(n, sizes[0]), dtype=np.uint8), weights, biases


def _blocks_cases(rng: np.random.Generator) -> dict:
    def case(n: int, block: int, n_hidden: int = 2) -> tuple:  # layer sizes that all differ
        sizes = [int(s) for s in rng.choice(np.arange(3, 30), size=n_hidden + 2, replace=False)]
        return (*_network(rng, n, sizes), block)

    block = int(rng.integers(3, 8))
    n = block * int(rng.integers(2, 5)) + int(rng.integers(1, block))  # a last, shorter block
    edges = case(5, 2)
    edges[0][:2], edges[0][-1] = 0, 255
    lesson_row = _network(rng, 4, [12, 7, 3])  # every image's logits: the lesson's row
    lesson_row[1][-1][...] = 0
    lesson_row[2][-1][...] = [-1000.0, 0.0, 1000.0]
    # two pixels, one hidden layer: logits [1000, 1001, 1002] for full ink, [0, 1, 2] for
    # (0, 255): rows far apart, as in the lesson
    far = np.array([[255, 255], [0, 255], [255, 255], [0, 255], [0, 0]], np.uint8)
    far_weights = [np.eye(2), np.array([[1000.0, 0], [1000, 1], [1000, 2]])]
    far_biases = [np.zeros(2), np.zeros(3)]
    large = _network(rng, _LARGE_ROWS, [784, 30, 20, 10])
    return {
        f"{n} images in blocks of {block}": case(n, block),
        "one image, blocks of 1": case(1, 1),
        "one hidden layer, 10 images in blocks of 4": case(10, 4, n_hidden=1),
        "three hidden layers, 7 images in blocks of 1": case(7, 1, n_hidden=3),
        "blank images and one of full ink, blocks of 2": edges,
        "logits [-1000, 0, 1000] (the lesson's row), blocks of 3": (*lesson_row, 3),
        "rows of logits far apart ([1000, 1001, 1002] and [0, 1, 2]), blocks of 2": (
            far, far_weights, far_biases, 2),
        f"{_LARGE_ROWS:,} images of 784 pixels in blocks of 50": (*large, 50),
    }



def _call_blocks(function: Callable, case: Case) -> dict:
    """``function``'s probabilities, and whether the memory it held at its peak stayed that of
    a few blocks (tracemalloc); a ValueError (shapes that do not fit) says which shapes to use."""
    pixels, weights, biases, block_rows = case.args
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:  # one BLAS thread: blocks of 50 rows gain nothing from more, and lose on a busy CPU
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        with threadpool_limits(limits=1, user_api="blas"):
            probabilities = function(*case.args)
        peak = tracemalloc.get_traced_memory()[1] - before
    except ValueError as error:
        shapes = "each W has shape (outputs, inputs) and each row of a block is one image's inputs"
        raise ValueError(f"{str(error).splitlines()[0]}; in this exercise {shapes}") from error
    finally:
        if started:
            tracemalloc.stop()
    # the results 8 times over as float64 (room for lists of Python floats), 16 float64
    # copies of one block's arrays and 1 MiB for Python's own: the 20,000 images of 784
    # pixels at once, even in float32, are 3 times more
    widths = sum(sum(W.shape) for W in weights)
    allowed = 8 * 8 * len(pixels) * len(biases[-1]) + 16 * 8 * block_rows * widths + 2**20
    return {"probabilities": probabilities, "memory of a few blocks at a time": peak <= allowed}


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


def _unscaled(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, block_rows, scale=1.0)


def _per_block(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, block_rows, per_block=True)


def _last_block(pixels, weights, biases, block_rows):
    full_blocks = pixels[: len(pixels) // block_rows * block_rows]
    return _blocks(full_blocks, weights, biases, block_rows)


def _no_shift(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, block_rows, shift="none")


def _min_shift(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, block_rows, shift="min")


def _one_block(pixels, weights, biases, block_rows):
    return _blocks(pixels, weights, biases, len(pixels))


exercise(
    "05.1",
    title="the network's probabilities for uint8 rows, block_rows images at a time",
    why=(
        "each block of rows goes through every layer as X W.T + b, the last block too, softmax "
        "shifts each row by its own largest logit, and the memory held is that of a block, not of "
        "all the rows."
    ),
    reference=_forward_blocks,
    cases=_blocks_cases,
    call=_call_blocks,
    guarded=(_forward_blocks, MLP.forward, softmax, *_SCIPY_SOFTMAX),
    refused=("helpers.mlp:_forward_rows",),
    rtol=1e-4,
    atol=1e-6,
    mistakes={
        _unscaled: (
            "your probabilities are almost all 0 or 1: the network expects pixels in [0, 1]."
        ),
        _last_block: (
            "your result lacks rows: the last, shorter block must go through the network too."
        ),
        _per_block: (
            "your probabilities sum to 1 over a whole block: softmax works on each row on its own."
        ),
        _no_shift: (
            "your function gives nan for large logits such as 1000 (inf / inf): subtract each "
            "row's largest logit before the exponential."
        ),
        _min_shift: (
            "your function gives nan on the lesson's row [-1000, 0, 1000]: shifting by the "
            "smallest logit leaves exp(2000), which overflows; shift by each row's largest."
        ),
        _one_block: (
            "your function holds every row at once (its memory grows with N, not with block_rows):"
            " push only block_rows images through the network at a time, from the uint8 pixels."
        ),
    },
)


def _numpy_values(probabilities, index):
    return {"index": index, "activations": list(probabilities),
            "classification": probabilities.argmax()}


def _argmin(probabilities, index):
    return _plain(probabilities, index, classify=np.argmin)


def _index_plus_1(probabilities, index):
    return _plain(probabilities, index + 1)


exercise(
    "05.2",
    title="one JSON-ready prediction record from a row of probabilities and an index",
    why=(
        "plain Python ints and floats that json.dumps writes, and the classification at the "
        "largest activation (the first one in a tie)."
    ),
    reference=_record,
    cases=_record_cases,
    call=lambda function, case: _json_line(function(*case.args)),
    names=("JSON", "record"),
    guarded=(_record, make_records),
    mistakes={
        _numpy_values: (
            "json.dumps refuses your record: use plain Python ints, floats and lists, not numpy's."
        ),
        _argmin: (
            "your classification is the class with the smallest activation, not the most probable."
        ),
        _index_plus_1: "your index is one more than the index given: write it as given.",
    },
)
