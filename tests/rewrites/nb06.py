"""Hand-written answers to notebook 06's programming exercises (see tests/rewrites)."""

import numpy as np


def tanh_backward_loops(a, upstream):
    rows = []
    for a_row, g_row in zip(a, upstream, strict=True):
        rows.append([g * (1.0 - x * x) for x, g in zip(a_row, g_row, strict=True)])
    return np.array(rows)


def tanh_backward_from_cosh(a, upstream):
    with np.errstate(divide="ignore"):
        z = np.arctanh(a)  # +-inf where a is +-1: cosh is inf there, and the slope 0
    return np.multiply(upstream, 1 / np.cosh(z) ** 2)


def tanh_backward_in_place_on_a_copy(a, upstream):
    grad = np.array(upstream, dtype=float)
    grad *= (1 - a) * (1 + a)
    return grad


def tanh_forgetting_upstream(a, upstream):
    return 1.0 - np.square(a)


def tanh_slope_not_squared(a, upstream):
    return [
        [g * (1 - x) for x, g in zip(r, u, strict=True)] for r, u in zip(a, upstream, strict=True)
    ]


def tanh_of_the_output(a, upstream):
    return upstream / np.cosh(a) ** 2


def tanh_changing_upstream(a, upstream):
    upstream *= 1 - a**2
    return upstream


def momentum_step_loops(params, grads, velocities, lr, momentum):
    new_params, new_velocities = [], []
    for i in range(len(params)):
        v = momentum * velocities[i] - lr * grads[i]
        new_velocities.append(v)
        new_params.append(params[i] + v)
    return new_params, new_velocities


def momentum_step_elementwise(params, grads, velocities, lr, momentum):
    new_p, new_v = [], []
    for p, g, v in zip(params, grads, velocities, strict=True):
        flat_v = [momentum * vi - lr * gi for vi, gi in zip(v.ravel(), g.ravel(), strict=True)]
        v_new = np.array(flat_v).reshape(v.shape)
        new_v.append(v_new)
        new_p.append(p + v_new)
    return tuple(new_p), tuple(new_v)


def momentum_descending_velocity(params, grads, velocities, lr, momentum):
    # velocity taken as the uphill direction, subtracted from the parameters
    v_new = [momentum * v + lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p - v for p, v in zip(params, v_new, strict=True)], v_new


def momentum_forgetting_velocity(params, grads, velocities, lr, momentum):
    return [p - lr * g for p, g in zip(params, grads, strict=True)], [-lr * g for g in grads]


def momentum_lr_twice(params, grads, velocities, lr, momentum):
    v_new = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + lr * v for p, v in zip(params, v_new, strict=True)], v_new


def momentum_keeping_old_velocities(params, grads, velocities, lr, momentum):
    steps = [momentum * v - lr * g for v, g in zip(velocities, grads, strict=True)]
    return [p + s for p, s in zip(params, steps, strict=True)], velocities


def momentum_in_place(params, grads, velocities, lr, momentum):
    for p, g, v in zip(params, grads, velocities, strict=True):
        v *= momentum
        v -= lr * g
        p += v
    return params, velocities


REWRITES = {
    "06.5": [tanh_backward_loops, tanh_backward_from_cosh, tanh_backward_in_place_on_a_copy],
    "06.6": [momentum_step_loops, momentum_step_elementwise],
}
MISTAKES = {
    "06.5": [
        (tanh_forgetting_upstream, "does not change when the upstream gradient changes"),
        (tanh_slope_not_squared, "reaches 2 where A is near -1"),
        (tanh_of_the_output, "you applied tanh to A again"),
        (tanh_changing_upstream, "changed its input in place"),
    ],
    "06.6": [
        (momentum_descending_velocity, "velocities point uphill"),
        (momentum_forgetting_velocity, "plain gradient descent"),
        (momentum_lr_twice, "learning rate is applied twice"),
        (momentum_keeping_old_velocities, "velocities come back unchanged"),
        (momentum_in_place, "changed its input in place"),
    ],
}
