"""A multi-layer perceptron in numpy: ReLU hidden layers, a softmax output.

Each layer ``i`` computes ``a_i = f(W_i @ a_{i-1} + b_i)`` for one image ``a_{i-1}``
(a column); ``W_i`` has shape ``(size_i, size_{i-1})``. For a batch stored as rows
the same map is ``A_i = f(A_{i-1} @ W_i.T + b_i)``, which is what :meth:`MLP.forward`
computes. Hidden layers use ReLU; the output layer uses softmax, so each output
row holds the probabilities of the classes.

Inputs may be uint8 pixels (0-255, scaled to [0, 1] by dividing by 255) or
floats already in [0, 1]; both are computed in float32.

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

from helpers.atomic import atomic_path

__all__ = ["MLP", "load_mlp", "relu", "save_mlp", "softmax"]

#: Rows pushed through the network at a time by :meth:`MLP.forward`. Larger batches are
#: split so each block's activations stay in the CPU cache (measured in benchmarks/).
BLOCK_ROWS = 1024

#: What the network does to uint8 inputs before the first layer.
INPUT_SCALING = "uint8 pixels are divided by 255 (to [0, 1]); float inputs are used as given"


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


def _softmax_rows_inplace(z: np.ndarray) -> np.ndarray:
    """Softmax of each row of a 2-D float array, overwriting it (no temporaries)."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


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
        self.weights = [np.ascontiguousarray(w, dtype=np.float32) for w in weights]
        self.biases = [np.ascontiguousarray(b, dtype=np.float32) for b in biases]
        check_chain([w.shape for w in self.weights], [b.shape for b in self.biases])
        self.metadata = dict(metadata or {})
        self.refresh()

    @classmethod
    def initialized(cls, layer_sizes: Sequence[int], seed: int = 0) -> MLP:
        """A fresh network with He-normal weights and zero biases (for training)."""
        sizes = _check_sizes(layer_sizes)
        rng = np.random.default_rng(seed)
        weights = [
            rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        ]
        biases = [np.zeros(n) for n in sizes[1:]]
        return cls(weights, biases)

    def refresh(self) -> None:
        """Precompute what the forward pass reuses: transposed weights, scaled first layer.

        Call again after changing ``weights`` or ``biases`` in place.
        """
        # (in, out) C-contiguous copies: a batch is multiplied as X @ W.T.
        self._wt = [np.ascontiguousarray(w.T) for w in self.weights]
        # uint8 pixels: fold the division by 255 into the first layer's weights.
        self._wt0_uint8 = self._wt[0] / np.float32(255)

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

    def as_batch(self, X: np.ndarray) -> tuple[np.ndarray, bool]:
        """Check ``X`` and return it as an (N, n_inputs) array and whether it was one input.

        uint8 arrays are returned as uint8 (the forward pass scales them);
        floating arrays as float32.
        """
        X = np.asarray(X)
        n_in = self.layer_sizes[0]
        if X.dtype != np.uint8 and not np.issubdtype(X.dtype, np.floating):
            raise ValueError(
                f"X must hold uint8 pixels (0-255) or real floats in [0, 1], got dtype {X.dtype}"
            )
        if X.ndim == 1 and X.shape[0] == n_in:
            return X.reshape(1, n_in), True
        if X.ndim == 2 and X.shape[1] == n_in:
            return X, False
        if X.ndim == 2 and X.size == n_in:
            raise ValueError(
                f"a single {X.shape} image is ambiguous (one image or {X.shape[0]} rows?): "
                f"pass X[None] for a batch of one, or X.reshape({n_in})"
            )
        if X.ndim == 3 and X.shape[1] * X.shape[2] == n_in:
            return X.reshape(X.shape[0], n_in), False
        raise ValueError(
            f"X must have shape ({n_in},), (N, {n_in}) or (N, height, width) with "
            f"height * width = {n_in}; got shape {X.shape}"
        )

    def forward(
        self, X: np.ndarray, return_hidden: bool = False
    ) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
        """Push inputs through the network.

        Parameters
        ----------
        X : array of shape (n_inputs,), (N, n_inputs) or (N, h, w)
            uint8 pixels (divided by 255) or floats in [0, 1].
        return_hidden : bool, default False
            Also return the hidden layers' ReLU activations.

        Returns
        -------
        probabilities : float32 array of shape (N, n_outputs), or (n_outputs,) for one input
            Each row sums to 1.
        hidden : list of float32 arrays of shape (N, size_i) (or (size_i,))
            Only if ``return_hidden``.
        """
        X, single = self.as_batch(X)
        n = len(X)
        sizes = [W.shape[0] for W in self.weights]
        probs = np.empty((n, sizes[-1]), dtype=np.float32)
        hidden = [np.empty((n, size), dtype=np.float32) for size in sizes[:-1] if return_hidden]
        # Work through the rows in blocks, reusing one set of buffers: a block's
        # activations stay in the CPU cache, and no fresh memory is requested per block.
        block = max(1, min(n, BLOCK_ROWS))
        x_buf = np.empty((block, X.shape[1]), dtype=np.float32)
        bufs = [np.empty((block, size), dtype=np.float32) for size in sizes]
        for start in range(0, n, block):
            stop = min(start + block, n)
            x = x_buf[: stop - start]
            x[...] = X[start:stop]  # uint8 or float64 -> float32
            activations = self._forward_block(x, [b[: stop - start] for b in bufs], X.dtype)
            probs[start:stop] = activations[-1]
            if return_hidden:
                for full, part in zip(hidden, activations[:-1], strict=True):
                    full[start:stop] = part
        if single:
            probs, hidden = probs[0], [h[0] for h in hidden]
        return (probs, hidden) if return_hidden else probs

    def _forward_block(
        self, x: np.ndarray, out: list[np.ndarray], input_dtype: np.dtype
    ) -> list[np.ndarray]:
        """Forward float32 rows ``x`` into the buffers ``out`` (one per layer); return them."""
        first = self._wt0_uint8 if input_dtype == np.uint8 else self._wt[0]
        a = x
        for i, (W_t, b, a_out) in enumerate(zip(self._wt, self.biases, out, strict=True)):
            np.matmul(a, first if i == 0 else W_t, out=a_out)
            a_out += b
            if i < len(out) - 1:
                np.maximum(a_out, 0, out=a_out)  # ReLU in place
            a = a_out
        _softmax_rows_inplace(a)
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of each input (int64), or one int64 for one input."""
        return np.argmax(self.forward(X), axis=-1).astype(np.int64)


def _check_sizes(layer_sizes: Sequence[int]) -> list[int]:
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes) or list(layer_sizes) != sizes:
        raise ValueError(
            f"layer_sizes must be at least two positive integers (inputs, ..., outputs), "
            f"got {list(layer_sizes)}"
        )
    return sizes


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
    """Write ``model`` to an HDF5 file atomically (temporary file, then rename).

    Parameters
    ----------
    path : str or PathLike
        The file to write; its folder must exist. An existing file is replaced.
    model : MLP
    **metadata
        Extra attributes, e.g. ``trained_on="..."``, ``test_accuracy=0.98``.
        Values must be what HDF5 attributes hold: str, numbers, lists of them.

    Returns
    -------
    pathlib.Path
    """
    import h5py  # imported here: only saving and loading need it

    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    path = Path(path)
    created = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    attrs = {
        "layer_sizes": np.array(model.layer_sizes, dtype=np.int64),
        "activations": model.activations,
        "input_scaling": INPUT_SCALING,
        "created": created,
    } | {k: v for k, v in metadata.items() if v is not None}
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=True), start=1):
            f.create_dataset(f"W{i}", data=w.astype(np.float32))
            f.create_dataset(f"b{i}", data=b.astype(np.float32))
        for key, value in attrs.items():
            f.attrs[key] = value
    return path


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
        a dataset ``W{i}`` or ``b{i}``, or the shapes do not chain; the
        message names the file and what is wrong.
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
    metadata = {k: _plain(v) for k, v in f.attrs.items()}
    return MLP(weights, biases, metadata=metadata)


def _plain(value: object) -> object:
    """HDF5 attribute values as plain Python: str, int, float or lists of them."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value
