"""The programming exercises of notebook 06: tanh's backward pass and a momentum step."""

import numpy as np

from helpers.exercises import _exercise


def _tanh_cases(rng: np.random.Generator) -> dict:
    def layer(n: int, units: int, scale: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        return np.tanh(rng.normal(0, scale, size=(n, units))), rng.normal(0, 1, size=(n, units))

    n, units = int(rng.integers(3, 9)), int(rng.integers(2, 7))
    return {
        f"a batch of {n} rows, {units} units": layer(n, units),
        "one row": layer(1, int(rng.integers(2, 7))),
        "one unit": layer(int(rng.integers(2, 6)), 1),
        "A = 0 (Z = 0, where tanh is steepest)": (np.zeros((2, 3)), rng.normal(0, 1, (2, 3))),
        "saturated: A near -1 and +1": (np.tanh([[-20.0, -3, 0, 3, 20]]), rng.normal(0, 1, (1, 5))),
        "an upstream gradient of 0": (layer(2, 4)[0], np.zeros((2, 4))),
    }


def _step(params, grads, velocities, velocity, move) -> tuple[list, list]:
    """New parameters ``move(p, v)`` and velocities ``velocity(v, g)``, as new lists."""
    new_v = [velocity(v, g) for v, g in zip(velocities, grads, strict=True)]
    return [move(p, v) for p, v in zip(params, new_v, strict=True)], new_v


def _momentum_step(params, grads, velocities, lr, momentum):
    return _step(params, grads, velocities, lambda v, g: momentum * v - lr * g, np.add)


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


_exercise(
    "06.5",
    reference=lambda A, upstream: upstream * (1 - A**2),
    cases=_tanh_cases,
    mistakes={
        "no_upstream": lambda A, upstream: 1 - A**2,
        "one_sided": lambda A, upstream: upstream * (1 - A),
        "tanh_again": lambda A, upstream: upstream * (1 - np.tanh(A) ** 2),
        "sigmoid": lambda A, upstream: upstream * A * (1 - A),
    },
)

_exercise(
    "06.6",
    reference=_momentum_step,
    cases=_momentum_cases,
    names=("new params", "new velocities"),
    mistakes={
        "uphill": lambda P, G, V, lr, m: _step(P, G, V, lambda v, g: m * v + lr * g, np.subtract),
        "no_momentum": lambda P, G, V, lr, m: _step(P, G, V, lambda v, g: -lr * g, np.add),
        "lr_twice": lambda P, G, V, lr, m: _step(
            P, G, V, lambda v, g: m * v - lr * g, lambda p, v: p + lr * v
        ),
        "no_lr": lambda P, G, V, lr, m: _step(P, G, V, lambda v, g: m * v - g, np.add),
        "old_velocities": lambda P, G, V, lr, m: (
            _step(P, G, V, lambda v, g: m * v - lr * g, np.add)[0], V
        ),
    },
)
