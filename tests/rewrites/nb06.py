"""Hand-written answers to notebook 06's programming exercises (see tests/rewrites)."""

import numpy as np

# --- 06.2: the backward pass ---------------------------------------------------------------


def backward_nielsen(weights, zs, activations, y):
    # Nielsen's network.py: negative indices from the top, the mask from Z
    n = len(y)
    delta = activations[-1] - np.eye(activations[-1].shape[1])[y]
    delta = delta / n
    nabla_w, nabla_b = [np.zeros_like(w) for w in weights], [None] * len(weights)
    nabla_w[-1] = delta.T @ activations[-2]
    nabla_b[-1] = delta.sum(0)
    for layer in range(2, len(weights) + 1):
        delta = np.dot(delta, weights[-layer + 1]) * np.where(zs[-layer] > 0, 1.0, 0.0)
        nabla_w[-layer] = np.dot(delta.T, activations[-layer - 1])
        nabla_b[-layer] = np.sum(delta, axis=0)
    return nabla_w, nabla_b


def backward_row_by_row(weights, zs, activations, y):
    # one row at a time, the mean taken at the end; outer products for the weights
    grad_w = [np.zeros_like(W) for W in weights]
    grad_b = [np.zeros(W.shape[0]) for W in weights]
    for r in range(len(y)):
        d = activations[-1][r].copy()
        d[y[r]] -= 1.0
        for i in range(len(weights) - 1, -1, -1):
            grad_w[i] += np.outer(d, activations[i][r])
            grad_b[i] += d
            if i:
                d = (weights[i].T @ d) * (activations[i][r] > 0)
    return [g / len(y) for g in grad_w], tuple(g / len(y) for g in grad_b)


def backward_with_helper_lists(weights, zs, activations, y):
    # gradients collected from the top and reversed at the end; einsum for the products
    one_hot = np.zeros_like(activations[-1])
    one_hot[np.arange(len(y)), y] = 1
    delta = (activations[-1] - one_hot) / len(y)
    ws, bs = [], []
    for W, A, Z in zip(weights[::-1], activations[-2::-1], [*zs[-2::-1], None], strict=True):
        ws.append(np.einsum("nk,nj->kj", delta, A))
        bs.append(delta.sum(axis=0))
        delta = (delta @ W) * (Z > 0) if Z is not None else None
    return ws[::-1], bs[::-1]


def backward_sum_not_mean(weights, zs, activations, y):
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    gw, gb = [], []
    for i in range(len(weights) - 1, -1, -1):
        gw.insert(0, d.T @ activations[i])
        gb.insert(0, d.sum(axis=0))
        d = (d @ weights[i]) * (activations[i] > 0)
    return gw, gb


def backward_mask_of_the_own_layer(weights, zs, activations, y):
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = d.T @ activations[i], d.sum(axis=0)
        if i > 0:
            d = (d @ weights[i]) * (zs[i] > 0)  # Z_(i+1): the layer above, not the one below
    return gw, gb


def backward_without_the_mask(weights, zs, activations, y):
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = d.T @ activations[i], d.sum(axis=0)
        d = d @ weights[i]
    return gw, gb


def backward_transposed(weights, zs, activations, y):
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = activations[i].T @ d, d.sum(axis=0)
        d = (d @ weights[i]) * (activations[i] > 0)
    return gw, gb


def backward_bias_per_row(weights, zs, activations, y):
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = d.T @ activations[i], d.copy()
        d = (d @ weights[i]) * (activations[i] > 0)
    return gw, gb


def backward_z_for_a(weights, zs, activations, y):
    inputs = [activations[0], *zs[:-1]]  # Z_(i-1) where A_(i-1) belongs
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = d.T @ inputs[i], d.sum(axis=0)
        d = (d @ weights[i]) * (inputs[i] > 0)
    return gw, gb


def backward_changing_p(weights, zs, activations, y):
    d = activations[-1]  # no copy: P itself changes
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = d.T @ activations[i], d.sum(axis=0)
        d = (d @ weights[i]) * (activations[i] > 0)
    return gw, gb


def backward_mask_at_or_above_0(weights, zs, activations, y):
    d = activations[-1].copy()
    d[np.arange(len(y)), y] -= 1
    d /= len(y)
    gw, gb = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        gw[i], gb[i] = d.T @ activations[i], d.sum(axis=0)
        if i:
            d = (d @ weights[i]) * (zs[i - 1] >= 0)
    return gw, gb


# --- 06.3: an epoch of mini-batch gradient descent -----------------------------------------


def train_epoch_batches_by_split(weights, biases, X, y, order, batch_size, lr, gradients):
    n_batches = -(-len(order) // batch_size)
    for batch in np.array_split(order, np.arange(batch_size, len(order), batch_size)):
        grad_w, grad_b = gradients(weights, biases, X[batch], y[batch])
        for W, b, gW, gb in zip(weights, biases, grad_w, grad_b, strict=True):
            W[...] = W - lr * gW
            np.subtract(b, lr * gb, out=b)
    return n_batches


def train_epoch_with_a_while_loop(weights, biases, X, y, order, batch_size, lr, gradients):
    X_shuffled, y_shuffled = X[order], y[order]
    start = 0
    while start < len(y_shuffled):
        stop = min(start + batch_size, len(y_shuffled))
        grads = gradients(weights, biases, X_shuffled[start:stop], y_shuffled[start:stop])
        for params, deltas in zip((weights, biases), grads, strict=True):
            for k in range(len(params)):
                params[k] -= lr * deltas[k]
        start = stop


def train_epoch_in_order(weights, biases, X, y, order, batch_size, lr, gradients):
    for start in range(0, len(y), batch_size):
        grad_w, grad_b = gradients(weights, biases, X[start : start + batch_size],
                                   y[start : start + batch_size])
        for p, g in zip(weights + biases, grad_w + grad_b, strict=True):
            p -= lr * g


def train_epoch_full_batches_only(weights, biases, X, y, order, batch_size, lr, gradients):
    for k in range(len(order) // batch_size):
        batch = order[k * batch_size : (k + 1) * batch_size]
        grad_w, grad_b = gradients(weights, biases, X[batch], y[batch])
        for p, g in zip(weights + biases, grad_w + grad_b, strict=True):
            p -= lr * g


def train_epoch_uphill(weights, biases, X, y, order, batch_size, lr, gradients):
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        grad_w, grad_b = gradients(weights, biases, X[batch], y[batch])
        for p, g in zip(weights + biases, grad_w + grad_b, strict=True):
            p += lr * g


def train_epoch_new_lists(weights, biases, X, y, order, batch_size, lr, gradients):
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        grad_w, grad_b = gradients(weights, biases, X[batch], y[batch])
        weights = [W - lr * g for W, g in zip(weights, grad_w, strict=True)]
        biases = [b - lr * g for b, g in zip(biases, grad_b, strict=True)]
    return weights, biases


def train_epoch_shuffling_in_place(weights, biases, X, y, order, batch_size, lr, gradients):
    np.random.default_rng(0).shuffle(order)  # a new order for the next epoch, here
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        grad_w, grad_b = gradients(weights, biases, X[batch], y[batch])
        for p, g in zip(weights + biases, grad_w + grad_b, strict=True):
            p -= lr * g


# --- 06.7 and 06.8: the warm-ups -----------------------------------------------------------


def tanh_backward_loops(a, upstream):
    flat = [g * (1.0 - x * x) for x, g in zip(np.ravel(a), np.ravel(upstream), strict=True)]
    return np.array(flat).reshape(np.shape(a))


def tanh_backward_from_cosh(a, upstream):
    with np.errstate(divide="ignore"):
        z = np.arctanh(a)  # +-inf where a is +-1: cosh is inf there, and the slope 0
    return np.multiply(upstream, 1 / np.cosh(z) ** 2)


def tanh_backward_in_place_on_a_copy(a, upstream):
    grad = np.array(upstream, dtype=float)
    grad *= (1 - a) * (1 + a)
    return grad


def tanh_rows_and_columns(a, upstream):
    # works for a batch (N, n) only: the prose promises any shape
    return np.array([[g * (1 - x * x) for x, g in zip(r, u, strict=True)]
                     for r, u in zip(a, upstream, strict=True)])


def tanh_forgetting_upstream(a, upstream):
    return 1.0 - np.square(a)


def tanh_slope_not_squared(a, upstream):
    return np.vectorize(lambda x, g: g * (1 - x))(a, upstream)


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
    "06.2": [backward_nielsen, backward_row_by_row, backward_with_helper_lists],
    "06.3": [train_epoch_batches_by_split, train_epoch_with_a_while_loop],
    "06.7": [tanh_backward_loops, tanh_backward_from_cosh, tanh_backward_in_place_on_a_copy],
    "06.8": [momentum_step_loops, momentum_step_elementwise],
}
MISTAKES = {
    "06.2": [
        (backward_sum_not_mean, "N times too large"),
        (backward_mask_of_the_own_layer, "its ReLU mask is that layer's"),
        (backward_without_the_mask, "not 0 where a unit was off"),
        (backward_transposed, "weight gradients are transposed"),
        (backward_bias_per_row, "one row per input"),
        (backward_z_for_a, "use Z where A belongs"),
        (backward_changing_p, "changed its input in place"),
        (backward_mask_at_or_above_0, "Not yet"),
    ],
    "06.3": [
        (train_epoch_in_order, "in the order 0, 1, 2"),
        (train_epoch_full_batches_only, "last, shorter batch are never used"),
        (train_epoch_uphill, "move uphill"),
        (train_epoch_new_lists, "did not change: update each array in place"),
        (train_epoch_shuffling_in_place, "changed its input in place"),
    ],
    "06.7": [
        (tanh_forgetting_upstream, "does not change when the upstream gradient changes"),
        (tanh_slope_not_squared, "reaches 2 where A is near -1"),
        (tanh_of_the_output, "you applied tanh to A again"),
        (tanh_changing_upstream, "changed its input in place"),
        (tanh_rows_and_columns, "case '1-D: one layer's output for one input"),
    ],
    "06.8": [
        (momentum_descending_velocity, "velocities point uphill"),
        (momentum_forgetting_velocity, "plain gradient descent"),
        (momentum_lr_twice, "learning rate is applied twice"),
        (momentum_keeping_old_velocities, "velocities come back unchanged"),
        (momentum_in_place, "changed its input in place"),
    ],
}
