"""The programming exercises of notebook 06: the backward pass of a whole network, an epoch of
mini-batch gradient descent, and two warm-ups (tanh's backward step, a momentum step)."""

from collections.abc import Callable

import numpy as np

from helpers import backprop, training
from helpers.exercises._framework import Case, exercise
from helpers.mlp import MLP, softmax


def _network(rng: np.random.Generator, sizes: list[int], n: int) -> tuple:
    """Random float64 ``weights, biases``, ``n`` rows of inputs and labels of every class."""
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    weights = [rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)) for n_in, n_out in pairs]
    biases = [rng.normal(0, 0.3, size=n_out) for n_out in sizes[1:]]
    return weights, biases, rng.random((n, sizes[0])), rng.integers(0, sizes[-1], size=n)


def _forward(weights: list, biases: list, X: np.ndarray) -> tuple[list, list]:
    """``zs`` (every layer before its activation) and ``activations`` ``[X, A_1, ..., P]``."""
    zs, activations = [], [X]
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        zs.append(activations[-1] @ W.T + b)
        last = i == len(weights) - 1
        activations.append(softmax(zs[-1], axis=1) if last else np.maximum(zs[-1], 0))
    return zs, activations


# --- 06.2: the backward pass -----------------------------------------------------------------


def _backward(weights, zs, activations, y):
    return backprop.backward(weights, activations, y)


def _backprop(weights, zs, activations, y, *, scale=True, mask="below", transposed=False,
              summed=True, inputs="A"):
    """The backward pass with one usual mistake switched on (the defaults: none)."""
    D = activations[-1].copy()
    D[np.arange(len(y)), y] -= 1
    D = D / len(y) if scale else D
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        below = activations[i] if inputs == "A" or i == 0 else zs[i - 1]
        grad_w[i] = below.T @ D if transposed else D.T @ below
        grad_b[i] = D.sum(axis=0) if summed else D
        if i > 0 and mask == "below":
            D = (D @ weights[i]) * (activations[i] > 0)
        elif i > 0 and mask == "above":  # the layer's own output, before going through W_i
            D = (D * (activations[i + 1] > 0)) @ weights[i]
        elif i > 0:
            D = D @ weights[i]
    return grad_w, grad_b


def _backward_cases(rng: np.random.Generator) -> dict:
    def case(sizes: list[int], n: int, dead: bool = False) -> tuple:
        weights, biases, X, y = _network(rng, sizes, n)
        if dead:  # hidden unit 0 of every layer: Z = 0 exactly (a tie), another always off
            for W, b in zip(weights[:-1], biases[:-1], strict=True):
                W[0], b[0] = 0.0, 0.0
                W[-1], b[-1] = -np.abs(W[-1]), -1.0
        zs, activations = _forward(weights, biases, X)
        return weights, zs, activations, y

    def sizes(n_layers: int) -> list[int]:  # every size differs: a transposed W is seen
        return [int(s) for s in rng.choice(np.arange(2, 12), size=n_layers + 1, replace=False)]

    three, n = sizes(3), int(rng.integers(4, 9))
    return {
        f"three layers {'-'.join(map(str, three))}, {n} rows": case(three, n),
        "two layers (one hidden), 5 rows": case(sizes(2), 5),
        "four layers, 6 rows": case(sizes(4), 6),
        "one row, three layers": case(sizes(3), 1),
        "ties: a hidden unit at Z = 0 exactly and one that is off, three layers": case(
            [6, 5, 4, 3], 7, dead=True
        ),
    }


def _call_backward(function: Callable, case: Case) -> object:
    """Run ``function``; a ValueError (shapes that do not fit) says how the shapes go."""
    try:
        return function(*case.args)
    except ValueError as error:
        if not any(word in str(error) for word in ("broadcast", "mismatch")):
            raise
        shapes = (
            "D_i has the shape of Z_i, (N, n_i); D_i @ W_i has the shape of A_(i-1), the "
            "layer below, so its ReLU mask is that layer's"
        )
        raise ValueError(f"{str(error).splitlines()[0]}; in this exercise {shapes}") from error


def _no_mean(weights, zs, activations, y):
    return _backprop(weights, zs, activations, y, scale=False)


def _mask_above(weights, zs, activations, y):
    return _backprop(weights, zs, activations, y, mask="above")


def _no_mask(weights, zs, activations, y):
    return _backprop(weights, zs, activations, y, mask="none")


def _transposed(weights, zs, activations, y):
    return _backprop(weights, zs, activations, y, transposed=True)


def _bias_rows(weights, zs, activations, y):
    return _backprop(weights, zs, activations, y, summed=False)


def _z_for_a(weights, zs, activations, y):
    return _backprop(weights, zs, activations, y, inputs="Z")


exercise(
    "06.2",
    title="the backward pass, for any number of layers",
    why=(
        "D = (P - Y) / N at the output; for each layer from the top, dW_i = D_i^T A_(i-1) and db_i"
        " = the sum of D_i's rows, then D_(i-1) = (D_i W_i) times the mask [A_(i-1) > 0]."
    ),
    points=3,  # the backward pass of a whole network: notebook 06's central algorithm
    reference=_backward,
    cases=_backward_cases,
    call=_call_backward,
    names=("grad_w", "grad_b"),
    guarded=(_backward, backprop.backward, backprop.gradients, MLP.forward),
    refused=("helpers.mlp:_forward_rows",),
    mistakes={
        _no_mean: (
            "your gradients are N times too large: the loss is a mean over the N rows, so D at the"
            " output is (P - Y) / N."
        ),
        _mask_above: (
            "the output layer's gradients are right but the lower ones are not: D_i @ W_i arrives "
            "at the layer below, A_(i-1), so the mask is [A_(i-1) > 0], applied after the product."
        ),
        _no_mask: (
            "your hidden layers' gradients are not 0 where a unit was off: going back through ReLU"
            " multiplies by its slope, [A > 0]."
        ),
        _transposed: (
            "your weight gradients are transposed: dW_i must have W_i's shape (outputs, inputs), "
            "D_i^T A_(i-1)."
        ),
        _bias_rows: (
            "your bias gradients have one row per input: db_i is the sum of D_i over the rows (the"
            " batch), one number per unit."
        ),
        _z_for_a: (
            "your weight gradients use Z where A belongs: W_i multiplies the layer below's output "
            "A_(i-1) = ReLU(Z_(i-1)), not Z_(i-1)."
        ),
    },
)


# --- 06.3: an epoch of mini-batch gradient descent -----------------------------------------


def _gradients(weights, biases, X, y):
    """The gradients the epoch is given: a forward pass, then the package's backward pass."""
    return backprop.backward(weights, _forward(weights, biases, X)[1], y)


def _epoch(weights, biases, X, y, order, batch_size, lr, gradients, *, rows=None, sign=-1,
           last=True, in_place=True):
    """An epoch with one usual mistake switched on (the defaults: none)."""
    rows = order if rows is None else rows
    stop = len(rows) if last else len(rows) - len(rows) % batch_size
    for start in range(0, stop, batch_size):
        batch = rows[start : start + batch_size]
        grad_w, grad_b = gradients(weights, biases, X[batch], y[batch])
        for param, grad in zip(weights + biases, grad_w + grad_b, strict=True):
            if in_place:
                param += sign * lr * grad


def _train_epoch(weights, biases, X, y, order, batch_size, lr, gradients):
    _epoch(weights, biases, X, y, order, batch_size, lr, gradients)


def _epoch_cases(rng: np.random.Generator) -> dict:
    def case(sizes: list[int], n: int, batch_size: int, lr: float = 0.5) -> tuple:
        weights, biases, X, y = _network(rng, sizes, n)
        order = rng.permutation(n)
        while (order == np.arange(n)).all():  # a shuffle that changes nothing shows nothing
            order = rng.permutation(n)
        return weights, biases, X, y, order, batch_size, lr, _gradients

    n, batch = int(rng.integers(9, 15)), int(rng.integers(3, 5))
    n += n % batch == 0  # a last, shorter batch
    return {
        f"{n} rows in batches of {batch} (the last one shorter), 5-4-3-3": case([5, 4, 3, 3], n,
                                                                             batch),
        "8 rows in batches of 4, 4-6-3": case([4, 6, 3], 8, 4),
        "batches of 1 row, 6 rows, 3-5-4-2": case([3, 5, 4, 2], 6, 1, lr=0.2),
        "one batch of all 5 rows (batch_size 8), 6-3-2": case([6, 3, 2], 5, 8),
    }


def _call_epoch(function: Callable, case: Case) -> tuple[list, list]:
    """The weights and biases after ``function`` ran on copies of them (changed in place)."""
    weights, biases, *rest = case.args
    weights, biases = [W.copy() for W in weights], [b.copy() for b in biases]
    function(weights, biases, *rest)
    return weights, biases


def _no_order(weights, biases, X, y, order, batch_size, lr, gradients):
    rows = np.arange(len(y))
    return _epoch(weights, biases, X, y, order, batch_size, lr, gradients, rows=rows)


def _last_batch(weights, biases, X, y, order, batch_size, lr, gradients):
    return _epoch(weights, biases, X, y, order, batch_size, lr, gradients, last=False)


def _uphill(weights, biases, X, y, order, batch_size, lr, gradients):
    return _epoch(weights, biases, X, y, order, batch_size, lr, gradients, sign=1)


def _not_in_place(weights, biases, X, y, order, batch_size, lr, gradients):
    return _epoch(weights, biases, X, y, order, batch_size, lr, gradients, in_place=False)


exercise(
    "06.3",
    title="one epoch of mini-batch gradient descent, in place",
    why=(
        "the batches follow `order`, batch_size rows at a time with a shorter last batch, and "
        "after each batch every W and b moves by -lr times its gradient, in place."
    ),
    points=2,  # an epoch of mini-batch gradient descent
    reference=_train_epoch,
    cases=_epoch_cases,
    call=_call_epoch,
    names=("weights after the epoch", "biases after the epoch"),
    guarded=(_train_epoch, training.train, training.Adam.step, backprop.gradients),
    mistakes={
        _no_order: (
            "your batches take the rows in the order 0, 1, 2, ...: take them in the order `order` "
            "gives (X[order[start:stop]])."
        ),
        _last_batch: (
            "the rows of the last, shorter batch are never used: the last batch has what is left "
            "of the rows."
        ),
        _uphill: (
            "your parameters move uphill, along the gradient: the step is -lr times the gradient."
        ),
        _not_in_place: (
            "the weights and biases you are given did not change: update each array in place (W -="
            " ...): the caller keeps only those arrays."
        ),
    },
)


# --- 06.7 and 06.8: the warm-ups -----------------------------------------------------------


def _tanh_cases(rng: np.random.Generator) -> dict:
    def layer(*shape: int, scale: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        return np.tanh(rng.normal(0, scale, size=shape)), rng.normal(0, 1, size=shape)

    n, units = int(rng.integers(3, 9)), int(rng.integers(2, 7))
    return {
        f"a batch of {n} rows, {units} units": layer(n, units),
        "one row": layer(1, int(rng.integers(2, 7))),
        "one unit": layer(int(rng.integers(2, 6)), 1),
        "1-D: one layer's output for one input, shape (5,)": layer(5),
        "3-D: shape (2, 3, 4)": layer(2, 3, 4),
        "A = 0 (Z = 0, where tanh is steepest)": (np.zeros((2, 3)), rng.normal(0, 1, (2, 3))),
        "saturated: A near -1 and +1": (np.tanh([[-20.0, -3, 0, 3, 20]]), rng.normal(0, 1, (1, 5))),
        "an upstream gradient of 0": (layer(2, 4)[0], np.zeros((2, 4))),
    }


def _momentum_step(params, grads, velocities, lr, momentum):
    new_velocities = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + v for p, v in zip(params, new_velocities, strict=True)], new_velocities


def _momentum_cases(rng: np.random.Generator) -> dict:
    def layer(n_in: int, n_out: int) -> list[np.ndarray]:
        return [rng.normal(0, 1, (n_out, n_in)), rng.normal(0, 1, n_out)]

    def step(params: list[np.ndarray], lr: float, momentum: float, velocity: float = 0.5):
        grads = [rng.normal(0, 1, p.shape) for p in params]
        return params, grads, [rng.normal(0, velocity, p.shape) for p in params], lr, momentum

    lr, momentum = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.99))
    n_in, n_out = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    first = f"a {n_in}-{n_out} layer (W and b), lr {lr:.3g}, momentum {momentum:.3g}"
    return {
        first: step(layer(n_in, n_out), lr, momentum),
        "two layers (four arrays), lr 0.1, momentum 0.9": step(layer(3, 4) + layer(4, 2), 0.1, 0.9),
        "the first step: velocities of 0": step(layer(3, 2), lr, 0.9, velocity=0.0),
        "momentum 0 (plain gradient descent)": step(layer(2, 3), 0.1, 0.0),
        "one parameter of shape (1,), lr 1, momentum 0.5": step([np.array([2.0])], 1.0, 0.5),
    }


def _no_upstream(A, upstream):
    return 1 - A**2


def _one_sided(A, upstream):
    return upstream * (1 - A)


def _tanh_again(A, upstream):
    return upstream * (1 - np.tanh(A) ** 2)


def _sigmoid(A, upstream):
    return upstream * A * (1 - A)


exercise(
    "06.7",
    title="the backward step of tanh, from its output A and the upstream gradient",
    why=(
        "the upstream gradient times tanh's slope 1 - A**2, read off the stored output: 1 where A "
        "= 0, 0 where the unit is saturated."
    ),
    reference=lambda A, upstream: upstream * (1 - A**2),
    cases=_tanh_cases,
    mistakes={
        _no_upstream: (
            "your result does not change when the upstream gradient changes: multiply by it."
        ),
        _one_sided: (
            "your slope reaches 2 where A is near -1: tanh's slope is the same for A and -A."
        ),
        _tanh_again: (
            "your slope is not 0 for saturated units: you applied tanh to A again (A = tanh(Z))."
        ),
        _sigmoid: (
            "your gradients are 0 where A = 0: A (1 - A) is the sigmoid's slope, not tanh's."
        ),
    },
)


def _uphill_velocities(params, grads, velocities, lr, momentum):
    new_velocities = [momentum * v + lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p - v for p, v in zip(params, new_velocities, strict=True)], new_velocities


def _no_momentum(params, grads, velocities, lr, momentum):
    new_velocities = [-lr * g for g in grads]
    return [p + v for p, v in zip(params, new_velocities, strict=True)], new_velocities


def _lr_twice(params, grads, velocities, lr, momentum):
    new_velocities = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + lr * v for p, v in zip(params, new_velocities, strict=True)], new_velocities


def _no_lr(params, grads, velocities, lr, momentum):
    new_velocities = [momentum * v - g for v, g in zip(velocities, grads, strict=True)]
    return [p + v for p, v in zip(params, new_velocities, strict=True)], new_velocities


def _old_velocities(params, grads, velocities, lr, momentum):
    steps = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + s for p, s in zip(params, steps, strict=True)], velocities


exercise(
    "06.8",
    title="one step of gradient descent with momentum",
    why=(
        "each velocity keeps a fraction (momentum) of the last step and adds -lr times the "
        "gradient; each parameter moves by its new velocity."
    ),
    reference=_momentum_step,
    cases=_momentum_cases,
    names=("new params", "new velocities"),
    mistakes={
        _uphill_velocities: (
            "your velocities point uphill, along the gradient: the step goes downhill, -lr * g."
        ),
        _no_momentum: (
            "the velocities you are given make no difference: that is plain gradient descent."
        ),
        _lr_twice: "your parameters move far too little: the learning rate is applied twice.",
        _no_lr: (
            "your steps do not depend on the learning rate: scale the gradient in the velocity."
        ),
        _old_velocities: (
            "your parameters are right but the velocities come back unchanged: return the new "
            "ones."
        ),
    },
)
