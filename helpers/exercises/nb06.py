"""The programming exercises of notebook 06: tanh's backward pass and a momentum step.

"06.5" ``tanh_backward(A, upstream)``: the gradient at a tanh layer's input from
its output ``A = tanh(Z)`` and the gradient ``upstream`` arriving at ``A``, the
piece that ``backward`` in notebook 06 calls where ReLU's mask was.

"06.6" ``momentum_step(params, grads, velocities, lr, momentum)``: one step of
gradient descent with momentum, ``v <- momentum * v - lr * g`` then
``p <- p + v``, returning new lists and leaving the inputs unchanged.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, exercise

__all__: list[str] = []


def _tanh_backward(A: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """dL/dZ for ``A = tanh(Z)``: ``upstream * (1 - A**2)``, the shape of ``A``."""
    return upstream * (1 - A**2)


def _tanh_cases(rng: np.random.Generator) -> list[Case]:
    def layer(n: int, units: int, scale: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        a = np.tanh(rng.normal(0, scale, size=(n, units)))
        return a, rng.normal(0, 1, size=(n, units))

    n, units = int(rng.integers(3, 9)), int(rng.integers(2, 7))
    saturated = np.tanh(np.array([[-20.0, -3.0, 0.0, 3.0, 20.0]]))  # tanh(+-20) is +-1.0
    return [
        Case(f"a batch of {n} rows, {units} units", layer(n, units)),
        Case("one row", layer(1, int(rng.integers(2, 7)))),
        Case("one unit", layer(int(rng.integers(2, 6)), 1)),
        Case("A = 0 (Z = 0, where tanh is steepest)", (np.zeros((2, 3)), rng.normal(0, 1, (2, 3)))),
        Case("saturated units, A near -1 and +1", (saturated, rng.normal(0, 1, (1, 5)))),
        Case("an upstream gradient of 0", (layer(2, 4)[0], np.zeros((2, 4)))),
    ]


exercise(
    "06.5",
    reference=_tanh_backward,
    cases=_tanh_cases,
    why=(
        "the upstream gradient times tanh's slope 1 - A**2, read off the stored output: "
        "1 where A = 0, 0 where the unit is saturated."
    ),
    mistakes=(
        (
            lambda A, upstream: 1 - A**2,
            "your result does not change when the upstream gradient changes: it is tanh's "
            "own slope only. The chain rule multiplies it by the gradient arriving from above.",
        ),
        (
            lambda A, upstream: upstream * (1 - A),
            "your slope reaches 2 where A is near -1, yet tanh is steepest at 0 with slope 1 "
            "and flat at both ends: the slope should be the same for A and -A.",
        ),
        (
            lambda A, upstream: upstream * (1 - np.tanh(A) ** 2),
            "your slope is not 0 for saturated units (A near +1 or -1): you applied tanh to A "
            "again. A is already tanh's output, so the slope is written with A itself.",
        ),
        (
            lambda A, upstream: upstream * A * (1 - A),
            "your gradients are 0 where A = 0, where tanh is steepest: that slope, "
            "A (1 - A), is the sigmoid's, not tanh's.",
        ),
    ),
)


def _momentum_step(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    velocities: list[np.ndarray],
    lr: float,
    momentum: float,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One momentum step: ``v' = momentum * v - lr * g``, ``p' = p + v'`` (new lists)."""
    new_velocities = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    new_params = [p + v for p, v in zip(params, new_velocities, strict=True)]
    return new_params, new_velocities


def _momentum_cases(rng: np.random.Generator) -> list[Case]:
    def network(n_in: int, n_out: int) -> list[np.ndarray]:
        return [rng.normal(0, 1, (n_out, n_in)), rng.normal(0, 1, n_out)]

    def step(shapes_of: list[np.ndarray], lr: float, momentum: float, velocity: bool = True):
        grads = [rng.normal(0, 1, p.shape) for p in shapes_of]
        velocities = [
            rng.normal(0, 0.5, p.shape) if velocity else np.zeros(p.shape) for p in shapes_of
        ]
        return (shapes_of, grads, velocities, lr, momentum)

    lr, momentum = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.99))
    n_in, n_out = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    return [
        Case(
            f"a {n_in}-{n_out} layer (W and b), lr {lr:.3g}, momentum {momentum:.3g}",
            step(network(n_in, n_out), lr, momentum),
        ),
        Case(
            "two layers (four arrays), lr 0.1, momentum 0.9",
            step(network(3, 4) + network(4, 2), 0.1, 0.9),
        ),
        Case("the first step: velocities of 0", step(network(3, 2), lr, 0.9, velocity=False)),
        Case("momentum 0 (plain gradient descent)", step(network(2, 3), 0.1, 0.0)),
        Case("one parameter of shape (1,), lr 1, momentum 0.5", step([np.array([2.0])], 1.0, 0.5)),
    ]


def _uphill_velocity(params, grads, velocities, lr, momentum):
    """The velocity kept as the uphill direction and subtracted: wrong once v is not 0."""
    new_v = [momentum * v + lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p - v for p, v in zip(params, new_v, strict=True)], new_v


def _no_velocity(params, grads, velocities, lr, momentum):
    """Plain gradient descent: the old velocities are ignored."""
    new_v = [-lr * g for g in grads]
    return [p + v for p, v in zip(params, new_v, strict=True)], new_v


def _lr_twice(params, grads, velocities, lr, momentum):
    """The right velocity, then scaled by the learning rate again."""
    new_v = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + lr * v for p, v in zip(params, new_v, strict=True)], new_v


def _no_lr(params, grads, velocities, lr, momentum):
    """The gradient enters the velocity without the learning rate."""
    new_v = [momentum * v - g for v, g in zip(velocities, grads, strict=True)]
    return [p + v for p, v in zip(params, new_v, strict=True)], new_v


def _old_velocities(params, grads, velocities, lr, momentum):
    """The right parameters, but the velocities handed back unchanged."""
    steps = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + v for p, v in zip(params, steps, strict=True)], velocities


exercise(
    "06.6",
    reference=_momentum_step,
    cases=_momentum_cases,
    names=("new params", "new velocities"),
    why=(
        "each velocity keeps a fraction (momentum) of the last step and adds -lr times the "
        "gradient; each parameter moves by its new velocity."
    ),
    mistakes=(
        (
            _uphill_velocity,
            "your velocities point uphill, along the gradient (the opposite sign), so with a "
            "velocity carried over the step goes the wrong way. Here the velocity is the step "
            "itself: downhill, added to the parameter.",
        ),
        (
            _no_velocity,
            "the velocities you are given make no difference to your result: that is plain "
            "gradient descent. The new velocity keeps a fraction (momentum) of the old one.",
        ),
        (
            _lr_twice,
            "your velocities are right but your parameters move far too little: the learning "
            "rate is applied twice. It is already inside the velocity.",
        ),
        (
            _no_lr,
            "your steps do not depend on the learning rate: the gradient goes into the "
            "velocity unscaled.",
        ),
        (
            _old_velocities,
            "your parameters are right but the velocities come back unchanged: the next step "
            "needs the new velocities.",
        ),
    ),
)
