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


REWRITES = {
    "06.2": [backward_nielsen, backward_row_by_row, backward_with_helper_lists],
    "06.3": [train_epoch_batches_by_split, train_epoch_with_a_while_loop],
    "06.7": [tanh_backward_loops, tanh_backward_from_cosh, tanh_backward_in_place_on_a_copy],
    "06.8": [momentum_step_loops, momentum_step_elementwise],
}
WRONG = {
    "06.2": [
        (backward_mask_of_the_own_layer, "its ReLU mask is that layer's"),
        (backward_mask_at_or_above_0, "Not yet"),
    ],
    "06.7": [
        (tanh_rows_and_columns, "case '1-D: one layer's output for one input"),
    ],
}
