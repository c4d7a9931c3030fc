"""A multi-layer perceptron in numpy: ReLU hidden layers, a softmax output (notebooks 04 and 05).

On a batch of rows, layer ``i`` computes ``A_i = f(A_{i-1} @ W_i.T + b_i)``, ``W_i`` (out, in).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers.validation import (
    as_real,
    check_layer_sizes,
    check_mlp,
    check_pixels,
    check_positive_int,
    to_unit_float,
)

__all__ = ["MLP", "load_mlp", "relu", "save_mlp", "softmax"]


def relu(z: np.ndarray) -> np.ndarray:
    """Apply the rectified linear unit ``max(z, 0)`` elementwise.

    Parameters
    ----------
    z : array_like of real numbers
        Any shape.

    Returns
    -------
    numpy.ndarray
        ``max(z, 0)``, of the shape of ``z``; float32 stays float32.
    """
    return np.maximum(_real(z), 0)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Turn scores into probabilities along one axis.

    The maximum is subtracted first, so ``exp`` cannot overflow.

    Parameters
    ----------
    z : array_like of real numbers
        The scores (logits), at least one value.
    axis : int, default=-1
        The axis along which the probabilities sum to 1.

    Returns
    -------
    numpy.ndarray
        ``exp(z) / sum(exp(z))`` along ``axis``, of the shape of ``z``.
    """
    z = _real(z)
    if z.size == 0:
        raise ValueError(f"z must hold at least one value, got shape {z.shape}")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _real(z: object) -> np.ndarray:
    """Return ``z`` as a float array: float32 stays float32, other real numbers become float64."""
    z = np.asarray(z)
    if z.dtype.kind == "f":
        return z
    return as_real(z, "z")


class MLP:
    """A fully connected network: ReLU hidden layers, a softmax output, float32 weights.

    Parameters
    ----------
    weights : list of array_like
        ``W_1, W_2, ...``, each of shape (outputs, inputs); each layer's inputs are the
        previous layer's outputs. They are copied as float32.
    biases : list of array_like
        ``b_1, b_2, ...``, one per weight matrix, each of shape (outputs,).
    metadata : dict, optional
        Where the weights come from (see :func:`save_mlp`), kept as ``model.metadata``.
    """

    def __init__(
        self, weights: list[np.ndarray], biases: list[np.ndarray], metadata: dict | None = None
    ) -> None:
        if len(weights) == 0 or len(weights) != len(biases):
            raise ValueError(f"need a bias per weight matrix, got {len(biases)} for {len(weights)}")
        self.weights = []
        self.biases = []
        for i, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
            W = as_real(W, f"W{i}").astype(np.float32)  # a copy: the caller's arrays stay theirs
            b = as_real(b, f"b{i}").astype(np.float32)
            chained = i == 1 or W.shape[1:] == self.weights[-1].shape[:1]
            if W.ndim != 2 or b.shape != W.shape[:1] or not chained:
                raise ValueError(f"W{i} {W.shape} and b{i} {b.shape} do not chain: expected "
                                 "(outputs, inputs) and (outputs,), inputs = previous outputs")
            if not (np.isfinite(W).all() and np.isfinite(b).all()):
                raise ValueError(f"W{i} or b{i} holds NaN or inf; every weight must be finite")
            self.weights.append(W)
            self.biases.append(b)
        self.metadata = dict(metadata or {})

    @classmethod
    def initialized(cls, layer_sizes: Sequence[int], seed: int = 0) -> MLP:
        """Make a new network with He-normal weights and zero biases.

        Each weight is drawn from a normal distribution of std ``sqrt(2 / n_in)``.

        Parameters
        ----------
        layer_sizes : sequence of int
            The number of inputs, then each layer's size, e.g. ``[784, 200, 100, 10]``.
        seed : int, default=0
            The seed of the random weights.

        Returns
        -------
        MLP
            The new network.
        """
        sizes = check_layer_sizes(layer_sizes)
        rng = np.random.default_rng(seed)
        weights = []
        biases = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            weights.append(rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)))
            biases.append(np.zeros(n_out))
        return cls(weights, biases)

    @property
    def layer_sizes(self) -> list[int]:
        """The number of inputs, then each layer's size, e.g. ``[784, 200, 100, 10]``."""
        return [self.weights[0].shape[1]] + [len(W) for W in self.weights]

    @property
    def activations(self) -> list[str]:
        """Each layer's activation: ``"relu"`` for the hidden layers, then ``"softmax"``."""
        return ["relu"] * (len(self.weights) - 1) + ["softmax"]

    @property
    def n_parameters(self) -> int:
        """The number of weights and biases together."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        return f"MLP({'-'.join(map(str, self.layer_sizes))}, {self.n_parameters:,} parameters)"

    def forward(
        self, X: np.ndarray, return_hidden: bool = False, block_rows: int | None = None
    ) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
        """Compute the class probabilities of a batch of images.

        One image is a batch of one: ``model.forward(image[None])[0]``.

        Parameters
        ----------
        X : array_like of shape (N, n_inputs) or (N, height, width)
            N >= 1 images, uint8 pixels (0-255) or floats in [0, 1].
        return_hidden : bool, default=False
            Also return the hidden layers' activations.
        block_rows : int, optional
            Send the rows through this many at a time, so that the memory is one block's
            (notebook 05). By default the whole batch goes through at once.

        Returns
        -------
        probs : numpy.ndarray of shape (N, n_outputs)
            The probabilities (float32); each row sums to 1.
        hidden : list of numpy.ndarray
            Only with ``return_hidden=True``: each hidden layer's activations (N, size).

        Notes
        -----
        Without ``block_rows`` the peak memory is the first layer's, ``4 * (n_inputs + 2 *
        size_1) * N`` bytes: the float32 copy of ``X`` (none if ``X`` is float32), the
        product ``X @ W1.T`` and its sum with ``b1``. With ``block_rows`` it is one block's,
        plus the (N, n_outputs) result.
        """
        X = check_pixels(X, name="X")
        n_inputs = self.layer_sizes[0]
        per_image = int(np.prod(X.shape[1:]))  # 784 for (N, 784) and for (N, 28, 28)
        if X.ndim not in (2, 3) or len(X) == 0 or per_image != n_inputs:
            hint = "; one image is X[None], a batch of one" if X.size == n_inputs else ""
            raise ValueError(f"X must be a non-empty batch (N, {n_inputs}) or (N, height, width) "
                             f"with height * width = {n_inputs}; got shape {X.shape}{hint}")
        rows = X.reshape(len(X), n_inputs)
        if block_rows is None:
            probs, hidden = self._forward_rows(rows)
        else:
            block_rows = check_positive_int(block_rows, "block_rows")
            probs, hidden = self._forward_blocks(rows, block_rows, return_hidden)
        if return_hidden:
            return probs, hidden
        return probs

    def _forward_blocks(
        self, rows: np.ndarray, block_rows: int, return_hidden: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Run checked rows through ``block_rows`` at a time, into one result."""
        n = len(rows)
        probs = np.empty((n, self.layer_sizes[-1]), dtype=np.float32)
        hidden = []
        if return_hidden:
            hidden = [np.empty((n, size), dtype=np.float32) for size in self.layer_sizes[1:-1]]
        for start in range(0, n, block_rows):
            stop = start + block_rows
            block_probs, block_hidden = self._forward_rows(rows[start:stop])
            probs[start:stop] = block_probs
            if return_hidden:
                for layer, block_layer in zip(hidden, block_hidden, strict=True):
                    layer[start:stop] = block_layer
        return probs, hidden

    def _forward_rows(self, X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Return the probabilities and hidden activations of checked rows (N, n_inputs)."""
        a = to_unit_float(X)  # float32 in [0, 1]; this copy is freed after the first layer
        hidden = []
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = relu(a @ W.T + b)
            hidden.append(a)
        logits = a @ self.weights[-1].T + self.biases[-1]
        return softmax(logits, axis=1), hidden


def save_mlp(path: str | os.PathLike[str], model: MLP, **metadata: object) -> Path:
    """Write a network to an HDF5 file, atomically.

    The datasets are ``W1, b1, W2, ...``. The root attributes are ``layer_sizes``,
    ``activations``, ``input_scaling``, ``created`` and the ``metadata``.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    model : MLP
        The network.
    **metadata : str, number, or list of them
        More root attributes, e.g. ``test_accuracy=0.98``; None values are left out.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from helpers.h5 import write_arrays  # only saving and loading need h5py

    check_mlp(model)
    attrs = {
        "layer_sizes": np.array(model.layer_sizes, dtype=np.int64),
        "activations": model.activations,
        "input_scaling": "uint8 pixels are divided by 255; float inputs must be in [0, 1]",
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    clashes = sorted(set(metadata) & set(attrs))
    if clashes:
        raise ValueError(f"metadata may not set {', '.join(clashes)}: save_mlp writes these")
    for key, value in metadata.items():
        if value is not None:
            attrs[key] = value
    arrays = {f"W{i}": W for i, W in enumerate(model.weights, start=1)}
    arrays |= {f"b{i}": b for i, b in enumerate(model.biases, start=1)}
    return write_arrays(path, arrays, attrs={"/": attrs})


def load_mlp(path: str | os.PathLike[str]) -> MLP:
    """Read a network written by :func:`save_mlp`.

    Parameters
    ----------
    path : str or path-like
        The HDF5 file.

    Returns
    -------
    MLP
        The network; the file's attributes become ``model.metadata``.
    """
    import h5py

    from helpers.h5._tree import open_file

    with open_file(path) as f:  # attributes as plain str, int, float and lists
        attrs = {key: np.asarray(value).tolist() for key, value in f.attrs.items()}
        arrays = {key: item[()] for key, item in f.items() if isinstance(item, h5py.Dataset)}
    try:
        layers = range(1, len(attrs["layer_sizes"]))
        weights = [arrays[f"W{i}"] for i in layers]
        biases = [arrays[f"b{i}"] for i in layers]
        model = MLP(weights, biases, attrs)
        for key in ("layer_sizes", "activations"):
            stored = attrs.get(key, getattr(model, key))
            if stored != getattr(model, key):
                raise ValueError(f"{key} are {stored}, not the weights' {getattr(model, key)}")
    except KeyError as error:
        raise OSError(f"{path} is not a network's weights file: missing {error}") from None
    except (TypeError, ValueError) as error:
        raise OSError(f"{path} is not a network's weights file: {error}") from None
    return model
