"""A multi-layer perceptron in numpy: ReLU hidden layers, a softmax output (notebooks 04 and 05).

On a batch of rows, layer ``i`` computes ``A_i = f(A_{i-1} @ W_i.T + b_i)``, ``W_i`` (out, in)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers.validation import (
    as_real,
    check_layer_sizes,
    check_pixels,
    check_positive_int,
    to_unit_float,
)

__all__ = ["MLP", "load_mlp", "relu", "save_mlp", "softmax"]


def relu(z: np.ndarray) -> np.ndarray:
    """The rectified linear unit ``max(z, 0)``, elementwise."""
    return np.maximum(_real(z), 0)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``; the maximum is subtracted first, so ``exp`` cannot overflow."""
    z = _real(z)
    if z.size == 0:
        raise ValueError(f"z must hold at least one value, got shape {z.shape}")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _real(z: object) -> np.ndarray:
    """``z`` as a float array: float32 stays float32, other real numbers become float64."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else as_real(z, "z")


def _mlp_or_raise(model: object) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP (helpers.mlp.MLP), got {type(model).__name__}")
    return model


class MLP:
    """A fully connected network: ReLU hidden layers, a softmax output, float32 weights."""

    def __init__(
        self, weights: list[np.ndarray], biases: list[np.ndarray], metadata: dict | None = None
    ) -> None:
        if len(weights) != len(biases) or len(weights) == 0:
            raise ValueError(f"need a bias per weight matrix, got {len(biases)} for {len(weights)}")
        self.weights = [as_real(w, f"W{i}").astype(np.float32) for i, w in enumerate(weights, 1)]
        self.biases = [as_real(b, f"b{i}").astype(np.float32) for i, b in enumerate(biases, 1)]
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            chained = i == 1 or W.shape[1:] == self.weights[i - 2].shape[:1]
            if W.ndim != 2 or b.shape != W.shape[:1] or not chained:
                raise ValueError(f"W{i} {W.shape} and b{i} {b.shape} do not chain: expected "
                                 "(outputs, inputs) and (outputs,), inputs = previous outputs")
            if not (np.isfinite(W).all() and np.isfinite(b).all()):
                raise ValueError(f"W{i} or b{i} holds NaN or inf; every weight must be finite")
        self.metadata = dict(metadata or {})

    @classmethod
    def initialized(cls, layer_sizes: Sequence[int], seed: int = 0) -> MLP:
        """A new network with He-normal weights (std ``sqrt(2 / n_in)``) and zero biases."""
        sizes = check_layer_sizes(layer_sizes)
        rng = np.random.default_rng(seed)
        pairs = zip(sizes[:-1], sizes[1:], strict=True)
        weights = [rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)) for n_in, n_out in pairs]
        return cls(weights, [np.zeros(n) for n in sizes[1:]])

    @property
    def layer_sizes(self) -> list[int]:
        """The number of inputs, then each layer's size, e.g. ``[784, 200, 100, 10]``."""
        return [self.weights[0].shape[1]] + [len(w) for w in self.weights]

    @property
    def activations(self) -> list[str]:
        return ["relu"] * (len(self.weights) - 1) + ["softmax"]

    @property
    def n_parameters(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        return f"MLP({'-'.join(map(str, self.layer_sizes))}, {self.n_parameters:,} parameters)"

    def forward(
        self, X: np.ndarray, return_hidden: bool = False, block_rows: int | None = None
    ) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
        """Class probabilities (float32) of one input or a batch of uint8 or [0, 1] pixels;
        ``return_hidden=True`` adds the hidden activations, and ``block_rows`` rows at a time
        keep the memory to one block's (notebook 05)."""
        X = check_pixels(X, name="X")
        n_in = self.layer_sizes[0]
        single = X.ndim == 1 or (X.ndim == 2 and X.shape[1] != n_in)  # e.g. (784,), (28, 28)
        size = np.prod(X.shape if single else X.shape[1:])
        if X.ndim not in (1, 2, 3) or size != n_in or X.size == 0:
            raise ValueError(f"X must be one input ({n_in},) or (height, width), or a non-empty "
                             f"batch (N, {n_in}) or (N, height, width), height * width = {n_in}; "
                             f"got shape {X.shape}")
        rows = X.reshape(-1, n_in)
        step = len(rows) if block_rows is None else check_positive_int(block_rows, "block_rows")
        blocks = []
        for start in range(0, len(rows), step):
            probs, hidden = self._forward_rows(rows[start : start + step])
            blocks.append([probs, *hidden] if return_hidden else [probs])
        pick = 0 if single else slice(None)  # one input: only its row of each layer
        probs, *hidden = [np.concatenate(layer)[pick] for layer in zip(*blocks, strict=True)]
        return (probs, hidden) if return_hidden else probs

    def _forward_rows(self, X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Probabilities and hidden activations of checked rows of pixels (N, n_inputs)."""
        a, hidden = to_unit_float(X), []  # the input's float32 copy is freed after layer 1
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = relu(a @ W.T + b)
            hidden.append(a)
        return softmax(a @ self.weights[-1].T + self.biases[-1], axis=1), hidden


def save_mlp(path: str | os.PathLike[str], model: MLP, **metadata: object) -> Path:
    """Write ``model`` to the HDF5 file ``path`` atomically: datasets ``W1, b1, W2, ...``; the
    ``metadata`` (str, numbers or lists of them) joins the root attributes ``layer_sizes``,
    ``activations``, ``input_scaling`` and ``created``."""
    from helpers.h5 import write_arrays  # only saving and loading need h5py

    _mlp_or_raise(model)
    attrs = {
        "layer_sizes": np.array(model.layer_sizes, dtype=np.int64),
        "activations": model.activations,
        "input_scaling": "uint8 pixels are divided by 255; float inputs must be in [0, 1]",
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    if clashes := sorted(set(metadata) & set(attrs)):
        raise ValueError(f"metadata may not set {', '.join(clashes)}: save_mlp writes these")
    arrays = {f"W{i}": w for i, w in enumerate(model.weights, 1)}
    arrays |= {f"b{i}": b for i, b in enumerate(model.biases, 1)}
    attrs |= {k: v for k, v in metadata.items() if v is not None}
    return write_arrays(path, arrays, attrs={"/": attrs})


def load_mlp(path: str | os.PathLike[str]) -> MLP:
    """Read a network written by :func:`save_mlp`; its attributes become ``model.metadata``."""
    import h5py

    from helpers.h5._tree import open_file

    with open_file(path) as f:  # attributes as plain str, int, float and lists
        attrs = {k: np.asarray(v).tolist() for k, v in f.attrs.items()}
        arrays = {k: v[()] for k, v in f.items() if isinstance(v, h5py.Dataset)}
    try:
        layers = range(1, len(attrs["layer_sizes"]))
        model = MLP([arrays[f"W{i}"] for i in layers], [arrays[f"b{i}"] for i in layers], attrs)
        for key in ("layer_sizes", "activations"):
            if attrs.get(key, getattr(model, key)) != getattr(model, key):
                raise ValueError(f"{key} are {attrs[key]}, not the weights' {getattr(model, key)}")
    except (KeyError, TypeError, ValueError) as error:
        problem = f"missing {error}" if isinstance(error, KeyError) else error
        raise OSError(f"{path} is not a network's weights file: {problem}") from None
    return model
