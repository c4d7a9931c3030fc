"""A multi-layer perceptron in numpy: ReLU hidden layers, a softmax output (notebooks 04 and 05).

Each layer ``i`` computes ``a_i = f(W_i @ a_{i-1} + b_i)`` for one image ``a_{i-1}``
(a column); ``W_i`` has shape ``(size_i, size_{i-1})``. For a batch stored as rows
the same map is ``A_i = f(A_{i-1} @ W_i.T + b_i)``, which is what :meth:`MLP.forward`
computes. Hidden layers use ReLU; the output layer uses softmax, so each output
row holds the probabilities of the classes.

Inputs follow the collection's pixel convention (:mod:`helpers.validation`):
uint8 pixels hold 0-255 and are divided by 255; floats must already be in [0, 1].
Everything is computed in float32.

The weights are stored in HDF5 by :func:`save_mlp` and read back by
:func:`load_mlp`; the layout of the file:

* datasets ``W1, b1, W2, b2, ...`` (float32), ``W{i}`` of shape
  ``(size_i, size_{i-1})`` and ``b{i}`` of shape ``(size_i,)``;
* attributes on the root: ``layer_sizes``, ``activations``, ``input_scaling``,
  ``created`` (UTC, ISO 8601) and whatever metadata the caller adds (what the
  network was trained on, its test accuracy, ...).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers.validation import check_pixels, check_positive_int

__all__ = ["MLP", "load_mlp", "relu", "save_mlp", "softmax"]

#: What the network does to its inputs before the first layer (stored in the weight file).
INPUT_SCALING = "uint8 pixels are divided by 255 (to [0, 1]); float inputs must be in [0, 1]"
#: Attributes that :func:`save_mlp` writes itself; metadata may not use these names.
RESERVED = ("layer_sizes", "activations", "input_scaling", "created")


def relu(z: np.ndarray) -> np.ndarray:
    """The rectified linear unit ``max(z, 0)``, elementwise."""
    return np.maximum(z, 0)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``.

    ``exp(z) / sum(exp(z))`` overflows for large logits (``exp(1000)`` is inf).
    Subtracting the row maximum first changes nothing mathematically (the
    factor ``exp(-max)`` cancels) but keeps every exponent <= 0, so the result
    is finite and each row sums to 1.
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class MLP:
    """A fully connected network: ReLU on hidden layers, softmax on the output.

    Parameters
    ----------
    weights : sequence of 2-D arrays
        ``weights[i]`` has shape ``(size_{i+1}, size_i)`` (the column convention
        ``W @ x``). Stored as float32.
    biases : sequence of 1-D arrays
        ``biases[i]`` has shape ``(size_{i+1},)``.
    metadata : dict, optional
        Free-form information (where the weights came from); kept as given.

    Attributes
    ----------
    layer_sizes : list of int
        Inputs, then the size of each layer, e.g. ``[784, 200, 100, 10]``.
    activations : list of str
        The nonlinearity after each layer: ``"relu"`` ..., ``"softmax"``.
    n_parameters : int
        Number of weights and biases.

    Examples
    --------
    >>> model = MLP.initialized([784, 200, 100, 10], seed=0)
    >>> model.forward(np.zeros((3, 784), np.float32)).shape
    (3, 10)
    """

    def __init__(
        self,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        metadata: dict | None = None,
    ) -> None:
        if len(weights) != len(biases) or len(weights) == 0:
            raise ValueError(
                f"need one bias per weight matrix and at least one layer, "
                f"got {len(weights)} weight matrices and {len(biases)} biases"
            )
        self.weights = [np.asarray(w, dtype=np.float32) for w in weights]
        self.biases = [np.asarray(b, dtype=np.float32) for b in biases]
        check_chain([w.shape for w in self.weights], [b.shape for b in self.biases])
        self.metadata = dict(metadata or {})

    @classmethod
    def initialized(cls, layer_sizes: Sequence[int], seed: int = 0) -> MLP:
        """A fresh network with He-normal weights and zero biases (for training and tests)."""
        if len(layer_sizes) < 2:
            raise ValueError(
                f"layer_sizes must be at least two positive integers (inputs, ..., outputs), "
                f"got {list(layer_sizes)}"
            )
        sizes = [check_positive_int(s, "each of layer_sizes") for s in layer_sizes]
        rng = np.random.default_rng(seed)
        weights = [
            rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        ]
        biases = [np.zeros(n) for n in sizes[1:]]
        return cls(weights, biases)

    @property
    def layer_sizes(self) -> list[int]:
        return [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]

    @property
    def activations(self) -> list[str]:
        return ["relu"] * (len(self.weights) - 1) + ["softmax"]

    @property
    def n_parameters(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.layer_sizes))
        return f"MLP({sizes}, {self.n_parameters:,} parameters)"

    def forward(
        self, X: np.ndarray, return_hidden: bool = False, block_rows: int | None = None
    ) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
        """Push inputs through the network.

        Parameters
        ----------
        X : array
            One input, of shape (n_inputs,) or an image (h, w) with
            h * w = n_inputs, e.g. (784,) or (28, 28); or a batch of shape
            (N, n_inputs) or (N, h, w). uint8 pixels (0-255, divided by 255)
            or floats in [0, 1].
        return_hidden : bool, default False
            Also return the hidden layers' ReLU activations.
        block_rows : int, optional
            None (the default) pushes the whole batch through each layer at
            once, so the batch's activations are all in memory together. An
            int processes the rows in blocks of that many: less memory, and
            blocks that fit the CPU cache (notebook 05 measures both).

        Returns
        -------
        probabilities : float32 array of shape (N, n_outputs), or (n_outputs,) for one input
            Each row sums to 1.
        hidden : list of float32 arrays of shape (N, size_i) (or (size_i,))
            Only if ``return_hidden``.
        """
        rows, single = self._as_rows(X)
        if len(rows) == 0:
            raise ValueError("X is an empty batch (N = 0); give at least one input")
        if block_rows is None:
            probs, hidden = self._forward_rows(rows)
        else:
            block_rows = check_positive_int(block_rows, "block_rows")
            blocks = [
                self._forward_rows(rows[start : start + block_rows])
                for start in range(0, len(rows), block_rows)
            ]
            probs = np.concatenate([p for p, _ in blocks])
            hidden = [np.concatenate(layer) for layer in zip(*[h for _, h in blocks], strict=True)]
        if single:
            probs, hidden = probs[0], [h[0] for h in hidden]
        return (probs, hidden) if return_hidden else probs

    def _forward_rows(self, X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """The forward pass of checked rows X (N, n_inputs): probabilities, hidden layers."""
        a = X / np.float32(255) if X.dtype == np.uint8 else X.astype(np.float32, copy=False)
        hidden = []
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = relu(a @ W.T + b)
            hidden.append(a)
        probs = softmax(a @ self.weights[-1].T + self.biases[-1], axis=1)
        return probs, hidden

    def _as_rows(self, X: np.ndarray) -> tuple[np.ndarray, bool]:
        """Check ``X``; return it as (N, n_inputs) rows and whether it was a single input."""
        X = check_pixels(X, name="X")
        n_in = self.layer_sizes[0]
        if X.ndim == 1 and X.shape[0] == n_in:
            return X.reshape(1, n_in), True
        if X.ndim == 2 and X.shape[1] == n_in:
            return X, False
        if X.ndim == 2 and X.size == n_in:  # one image, e.g. (28, 28)
            return X.reshape(1, n_in), True
        if X.ndim == 3 and X.shape[1] * X.shape[2] == n_in:
            return X.reshape(len(X), n_in), False
        raise ValueError(
            f"X must have shape ({n_in},), (N, {n_in}), one image (height, width) or a "
            f"batch (N, height, width) with height * width = {n_in}; got shape {X.shape}"
        )

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of each input (int64), or one int64 for one input."""
        return np.argmax(self.forward(X), axis=-1).astype(np.int64)


def check_chain(weight_shapes: Sequence[tuple], bias_shapes: Sequence[tuple]) -> None:
    """Raise ValueError unless layer i's weights and biases fit layer i-1's outputs."""
    for i, (ws, bs) in enumerate(zip(weight_shapes, bias_shapes, strict=True), start=1):
        if len(ws) != 2:
            raise ValueError(f"W{i} must be 2-D (outputs, inputs), got shape {ws}")
        if tuple(bs) != (ws[0],):
            raise ValueError(f"b{i} has shape {tuple(bs)} but W{i} {ws} needs ({ws[0]},)")
        if i > 1 and ws[1] != weight_shapes[i - 2][0]:
            raise ValueError(
                f"shapes do not chain: W{i} {ws} expects {ws[1]} inputs but layer {i - 1} "
                f"has {weight_shapes[i - 2][0]} outputs"
            )


def save_mlp(path: str | os.PathLike[str], model: MLP, **metadata: object) -> Path:
    """Write ``model`` to an HDF5 file atomically, with :func:`helpers.h5.write_arrays`.

    Parameters
    ----------
    path : str or PathLike
        The file to write; its folder must exist. An existing file is replaced.
    model : MLP
    **metadata
        Extra attributes, e.g. ``trained_on="..."``, ``test_accuracy=0.98``.
        Values must be what HDF5 attributes hold: str, numbers, lists of them.
        The names in :data:`RESERVED` are written by this function and refused.

    Returns
    -------
    pathlib.Path
    """
    from helpers.h5 import write_arrays  # imported here: only saving and loading need h5py

    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    clashes = sorted(set(metadata) & set(RESERVED))
    if clashes:
        raise ValueError(
            f"metadata may not set {', '.join(clashes)}: save_mlp writes these itself "
            f"(reserved: {', '.join(RESERVED)})"
        )
    arrays = {}
    for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=True), start=1):
        arrays[f"W{i}"], arrays[f"b{i}"] = w, b
    attrs = {
        "layer_sizes": np.array(model.layer_sizes, dtype=np.int64),
        "activations": model.activations,
        "input_scaling": INPUT_SCALING,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    } | {k: v for k, v in metadata.items() if v is not None}
    return write_arrays(path, arrays, attrs={"/": attrs})


def load_mlp(path: str | os.PathLike[str]) -> MLP:
    """Read a network written by :func:`save_mlp`, checking it is complete.

    Returns
    -------
    MLP
        With ``model.metadata`` holding the file's attributes.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not HDF5 (or is truncated), lacks ``layer_sizes``, lacks
        a dataset ``W{i}`` or ``b{i}``, the shapes do not chain, or its
        ``activations`` are not ReLU ... softmax (the only network this class
        computes); the message names the file and what is wrong.
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path}")
    if not h5py.is_hdf5(path):
        raise ValueError(f"{path.name} is not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            return _read_mlp(f, path.name)
    except OSError as exc:
        raise ValueError(
            f"{path.name} cannot be read as HDF5 (truncated or corrupt?): {exc}"
        ) from exc


def _read_mlp(f, name: str) -> MLP:
    if "layer_sizes" not in f.attrs:
        raise ValueError(f"{name}: attribute 'layer_sizes' is missing")
    sizes = [int(s) for s in np.atleast_1d(f.attrs["layer_sizes"])]
    n_layers = len(sizes) - 1
    wanted = [f"{p}{i}" for i in range(1, n_layers + 1) for p in "Wb"]
    missing = [key for key in wanted if key not in f or not hasattr(f[key], "shape")]
    if missing:
        raise ValueError(f"{name}: missing dataset(s) {', '.join(missing)}")
    w_shapes = [f[f"W{i}"].shape for i in range(1, n_layers + 1)]
    b_shapes = [f[f"b{i}"].shape for i in range(1, n_layers + 1)]
    try:
        check_chain(w_shapes, b_shapes)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    found = [w_shapes[0][1]] + [s[0] for s in w_shapes]
    if found != sizes:
        raise ValueError(f"{name}: attribute layer_sizes is {sizes} but the datasets give {found}")
    weights = [f[f"W{i}"][()] for i in range(1, n_layers + 1)]
    biases = [f[f"b{i}"][()] for i in range(1, n_layers + 1)]
    model = MLP(weights, biases, metadata={k: _plain(v) for k, v in f.attrs.items()})
    stored = model.metadata.get("activations", model.activations)
    if stored != model.activations:
        raise ValueError(
            f"{name}: activations are {stored}, but MLP computes {model.activations} "
            "(ReLU on hidden layers, softmax on the output)"
        )
    return model


def _plain(value: object) -> object:
    """HDF5 attribute values as plain Python: str, int, float or lists of them."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value
