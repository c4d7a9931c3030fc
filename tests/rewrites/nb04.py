"""Hand-written answers to notebook 04's programming exercises (see tests/rewrites)."""

import math

import numpy as np


def skip_count_by_index(sizes):
    weights = biases = 0
    for i in range(1, len(sizes)):
        fan_in = sizes[i - 1] if i == 1 else sizes[i - 1] + sizes[0]
        weights += sizes[i] * fan_in
        biases += sizes[i]
    return weights + biases


def skip_count_numpy(layer_sizes):
    s = np.asarray(layer_sizes, dtype=np.int64)
    plain = (s[:-1] * s[1:]).sum() + s[1:].sum()
    return int(plain + s[0] * s[2:].sum())


def skip_count_plain_network(sizes):
    # the lesson's loop, copied: no skip connections
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        total += n_out * n_in + n_out
    return total


def skip_count_first_layer_twice(sizes):
    total = 0
    for i in range(1, len(sizes)):
        total += sizes[i] * (sizes[i - 1] + sizes[0]) + sizes[i]
    return total


def skip_count_weights_only(sizes):
    return sum(sizes[i] * (sizes[i - 1] + (sizes[0] if i > 1 else 0)) for i in range(1, len(sizes)))


def softmax_loops(logits):
    out = []
    for row in logits:
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        total = sum(exps)
        out.append([e / total for e in exps])
    return np.array(out)


def softmax_transposed(z):
    zt = z.T - z.T.max(axis=0)
    p = np.exp(zt) / np.exp(zt).sum(axis=0)
    return p.T


def softmax_log_sum_exp(z):
    top = np.max(z, axis=-1, keepdims=True)
    return np.exp(z - top - np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True)))


def softmax_no_shift(logits):
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def softmax_axis_0(logits):
    shifted = logits - logits.max(axis=0)
    return np.exp(shifted) / np.exp(shifted).sum(axis=0)


def softmax_min_shift(logits):
    shifted = logits - logits.min(axis=1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)


def softmax_scipy(logits):
    from scipy.special import softmax

    return softmax(logits, axis=1)


def softmax_one_shift(logits):
    e = np.exp(logits - np.max(logits))
    return e / e.sum(axis=1)[:, None]


def skip_count_as_float(sizes):
    total = 0.0  # a float, although a count is a whole number
    for i in range(1, len(sizes)):
        total += sizes[i] * (sizes[i - 1] + (sizes[0] if i > 1 else 0)) + sizes[i]
    return total


REWRITES = {
    "04.1": [skip_count_by_index, skip_count_numpy],
    "04.2": [softmax_loops, softmax_transposed, softmax_log_sum_exp],
}
MISTAKES = {
    "04.1": [
        (skip_count_as_float, "expected 'an integer', got 'float'"),
        (skip_count_plain_network, "without skip connections"),
        (skip_count_first_layer_twice, "the inputs twice"),
        (skip_count_weights_only, "also has a bias"),
    ],
    "04.2": [
        (softmax_no_shift, "nan for large logits"),
        (softmax_axis_0, "your columns sum to 1"),
        (softmax_one_shift, "Each row needs its own shift"),
        (softmax_min_shift, "the smallest logit leaves exp(2000)"),
        (softmax_scipy, "write it yourself"),
    ],
}
