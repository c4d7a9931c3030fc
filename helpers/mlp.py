"""A multi-layer perceptron in numpy: ReLU hidden layers, a softmax output (notebooks 04 and 05).

Layer ``i`` computes ``a_i = f(W_i @ a_{i-1} + b_i)`` for one image (a column),
``W_i`` of shape ``(size_i, size_{i-1})``; for a batch stored as rows that is
``A_i = f(A_{i-1} @ W_i.T + b_i)``, what :meth:`MLP.forward` computes in float32.
Inputs follow the pixel convention of :mod:`helpers.validation`: uint8 0-255
(divided by 255) or floats in [0, 1].

:func:`save_mlp` writes the weights to HDF5: datasets ``W1, b1, W2, ...`` (float32)
and, on the root, the attributes ``layer_sizes``, ``activations``,
``input_scaling``, ``created`` (UTC) and the caller's metadata.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from helpers.validation import as_real, check_layer_sizes, check_pixels, check_positive_int

__all__ = ["MLP", "load_mlp", "relu", "save_mlp", "softmax"]

#: What the network does to its inputs before the first layer (stored in the weight file).
INPUT_SCALING = "uint8 pixels are divided by 255 (to [0, 1]); float inputs must be in [0, 1]"
#: Attributes that :func:`save_mlp` writes itself; metadata may not use these names.
RESERVED = ("layer_sizes", "activations", "input_scaling", "created")


def relu(z: np.ndarray) -> np.ndarray:
    """The rectified linear unit ``max(z, 0)``, elementwise."""
    return np.maximum(z, 0)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, minus the maximum first: every exponent <= 0, no overflow.

    ``exp(1000)`` is inf; the subtracted ``exp(-max)`` cancels out in the ratio.
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
        ``weights[i]`` has shape ``(size_{i+1}, size_i)`` (``W @ x``); stored as float32.
    biases : sequence of 1-D arrays
        ``biases[i]`` has shape ``(size_{i+1},)``.
    metadata : dict, optional
        Free-form information (where the weights came from); kept as given.

    Attributes
    ----------
    layer_sizes : list of int
        Inputs, then each layer's size, e.g. ``[784, 200, 100, 10]``.
    activations, n_parameters
        ``["relu", ..., "softmax"]`` (one per layer); the number of weights and biases.
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
        self.weights = [as_real(w, f"W{i}").astype(np.float32) for i, w in enumerate(weights, 1)]
        self.biases = [as_real(b, f"b{i}").astype(np.float32) for i, b in enumerate(biases, 1)]
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            if W.ndim != 2:
                raise ValueError(f"W{i} must be 2-D (outputs, inputs), got shape {W.shape}")
            if b.shape != W.shape[:1]:
                raise ValueError(f"b{i} has shape {b.shape} but W{i} {W.shape} needs ({len(W)},)")
            if not (np.isfinite(W).all() and np.isfinite(b).all()):
                raise ValueError(f"W{i} or b{i} holds NaN or inf; every weight must be finite")
            if i > 1 and W.shape[1] != len(self.weights[i - 2]):
                raise ValueError(
                    f"shapes do not chain: W{i} {W.shape} expects {W.shape[1]} inputs but "
                    f"layer {i - 1} has {len(self.weights[i - 2])} outputs"
                )
        self.metadata = dict(metadata or {})

    @classmethod
    def initialized(cls, layer_sizes: Sequence[int], seed: int = 0) -> MLP:
        """A fresh network with He-normal weights and zero biases (for training)."""
        sizes = check_layer_sizes(layer_sizes)
        rng = np.random.default_rng(seed)
        weights = [
            rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        ]
        return cls(weights, [np.zeros(n) for n in sizes[1:]])

    @property
    def layer_sizes(self) -> list[int]:
        return [self.weights[0].shape[1]] + [len(w) for w in self.weights]

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
            One input (n_inputs,) or image (h, w) with h * w = n_inputs, or a batch
            (N, n_inputs) or (N, h, w); uint8 pixels 0-255 or floats in [0, 1].
        return_hidden : bool, default False
            Also return the hidden layers' ReLU activations.
        block_rows : int, optional
            None: the whole batch goes through each layer at once. The peak memory
            is then the first layer's, 4 * (n_inputs + 2 * size_1) * N bytes: the
            float32 copy of the input (none if X is already float32), the product
            X @ W1.T and its sum with b1; later layers are narrower. An int: the
            rows go through in blocks of that many, each block's probabilities
            written into the one (N, n_outputs) result, so the peak is one block's
            plus 4 * n_outputs * N bytes (notebook 05 measures both).

        Returns
        -------
        probabilities : float32 array of shape (N, n_outputs), or (n_outputs,) for one input
            Each row sums to 1.
        hidden : list of float32 arrays of shape (N, size_i) (or (size_i,))
            Only if ``return_hidden``.
        """
        rows, single = self._as_rows(X)
        if block_rows is None:
            probs, hidden = self._forward_rows(rows)
        else:
            step = check_positive_int(block_rows, "block_rows")
            probs = np.empty((len(rows), self.layer_sizes[-1]), dtype=np.float32)
            sizes = self.layer_sizes[1:-1] if return_hidden else []
            hidden = [np.empty((len(rows), n), dtype=np.float32) for n in sizes]
            for start in range(0, len(rows), step):
                block = slice(start, start + step)
                block_probs, block_hidden = self._forward_rows(rows[block])
                probs[block] = block_probs
                for i, layer in enumerate(hidden):
                    layer[block] = block_hidden[i]
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
        return softmax(a @ self.weights[-1].T + self.biases[-1], axis=1), hidden

    def _as_rows(self, X: np.ndarray) -> tuple[np.ndarray, bool]:
        """Check ``X``; return it as (N, n_inputs) rows and whether it was a single input."""
        X = check_pixels(X, name="X")
        n_in = self.layer_sizes[0]
        per_row = int(np.prod(X.shape[1:])) if X.ndim in (2, 3) else None
        if per_row == n_in:  # a batch (N, 784) or (N, 28, 28)
            rows, single = X.reshape(len(X), n_in), False
        elif X.ndim in (1, 2) and X.size == n_in:  # (784,) or one image, e.g. (28, 28)
            rows, single = X.reshape(1, n_in), True
        else:
            raise ValueError(
                f"X must have shape ({n_in},), (N, {n_in}), one image (height, width) or a "
                f"batch (N, height, width) with height * width = {n_in}; got shape {X.shape}"
            )
        if len(rows) == 0:
            raise ValueError("X is an empty batch (N = 0); give at least one input")
        return rows, single

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of each input (int64), or one int64 for one input."""
        return np.argmax(self.forward(X), axis=-1).astype(np.int64)


def save_mlp(path: str | os.PathLike[str], model: MLP, **metadata: object) -> Path:
    """Write ``model`` to an HDF5 file atomically, with :func:`helpers.h5.write_arrays`.

    Parameters
    ----------
    path : str or PathLike
        The file to write; its folder must exist. An existing file is replaced.
    model : MLP
    **metadata
        Extra attributes (str, numbers or lists of them), e.g. ``test_accuracy=0.98``.
        The names in :data:`RESERVED` are written by this function and refused.
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
    """Read a network written by :func:`save_mlp`; ``model.metadata`` holds the file's attributes.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not HDF5 (or is truncated), lacks ``layer_sizes`` or a dataset
        ``W{i}``/``b{i}``, the shapes do not chain, or its ``activations`` are not
        ReLU ... softmax; the message names the file and what is wrong.
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path}")
    if not h5py.is_hdf5(path):
        raise ValueError(f"{path.name} is not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            attrs = {k: _plain(v) for k, v in f.attrs.items()}
            sizes = attrs.get("layer_sizes")
            if not isinstance(sizes, list):
                raise ValueError(f"attribute 'layer_sizes' is missing or not a list: {sizes}")
            names = [f"{p}{i}" for i in range(1, len(sizes)) for p in "Wb"]
            missing = [name for name in names if not isinstance(f.get(name), h5py.Dataset)]
            if missing:
                raise ValueError(f"missing dataset(s) {', '.join(missing)}")
            arrays = [f[name][()] for name in names]
        model = MLP(arrays[::2], arrays[1::2], metadata=attrs)
        if model.layer_sizes != sizes:
            raise ValueError(f"layer_sizes is {sizes} but the datasets give {model.layer_sizes}")
        if attrs.get("activations", model.activations) != model.activations:
            raise ValueError(
                f"activations are {attrs['activations']}, but MLP computes "
                f"{model.activations} (ReLU on hidden layers, softmax on the output)"
            )
    except OSError as exc:
        raise ValueError(
            f"{path.name} cannot be read as HDF5 (truncated or corrupt?): {exc}"
        ) from exc
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
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
