"""Hand-written answers to notebook 04's programming exercises (see tests/rewrites)."""

import math

import numpy as np


def count_parameters_by_index(sizes):
    weights = biases = 0
    for i in range(1, len(sizes)):
        weights += sizes[i - 1] * sizes[i]
        biases += sizes[i]
    return weights + biases


def count_parameters_numpy(layer_sizes):
    s = np.asarray(layer_sizes, dtype=np.int64)
    return int((s[:-1] * s[1:]).sum() + s[1:].sum())


def count_weights_only(sizes):
    return sum(sizes[i] * sizes[i + 1] for i in range(len(sizes) - 1))


def count_input_biases_too(sizes):
    total = sizes[0]  # "the input layer has a bias per unit too"
    for i in range(1, len(sizes)):
        total += sizes[i - 1] * sizes[i] + sizes[i]
    return total


def count_product(sizes):
    total = 1
    for s in sizes:
        total *= s
    return total


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


def softmax_one_shift(logits):
    e = np.exp(logits - np.max(logits))
    return e / e.sum(axis=1)[:, None]


REWRITES = {
    "04.1": [count_parameters_by_index, count_parameters_numpy],
    "04.2": [softmax_loops, softmax_transposed, softmax_log_sum_exp],
}
MISTAKES = {
    "04.1": [
        (count_weights_only, "also has a bias"),
        (count_input_biases_too, "too large by exactly the number of inputs"),
        (count_product, "product of all the sizes"),
    ],
    "04.2": [
        (softmax_no_shift, "nan for large logits"),
        (softmax_axis_0, "your columns sum to 1"),
        (softmax_one_shift, "Each row needs its own shift"),
    ],
}
