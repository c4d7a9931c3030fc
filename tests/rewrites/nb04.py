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


def softmax_scipy(logits):
    from scipy.special import softmax

    return softmax(logits, axis=1)


def skip_count_as_float(sizes):
    total = 0.0  # a float, although a count is a whole number
    for i in range(1, len(sizes)):
        total += sizes[i] * (sizes[i - 1] + (sizes[0] if i > 1 else 0)) + sizes[i]
    return total


REWRITES = {
    "04.1": [skip_count_by_index, skip_count_numpy],
    "04.2": [softmax_loops, softmax_transposed, softmax_log_sum_exp],
}
WRONG = {
    "04.1": [
        (skip_count_as_float, "expected 'an integer', got 'float'"),
    ],
    "04.2": [
        (softmax_scipy, "write it yourself"),
    ],
}
