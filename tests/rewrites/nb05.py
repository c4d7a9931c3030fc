"""Hand-written answers to notebook 05's programming exercises (see tests/rewrites)."""

import numpy as np


def forward_blocks_list(pixels, weights, biases, block_rows):
    out = []
    n_layers = len(weights)
    for start in range(0, pixels.shape[0], block_rows):
        a = pixels[start : start + block_rows].astype(np.float32) / 255
        for i in range(n_layers):
            z = a @ weights[i].T + biases[i]
            a = np.maximum(z, 0) if i < n_layers - 1 else z
        a = a - a.max(axis=1, keepdims=True)
        out.append(np.exp(a) / np.exp(a).sum(axis=1, keepdims=True))
    return np.vstack(out)


def forward_blocks_columns(pixels, weights, biases, block_rows):
    # the column convention inside each block: W @ X.T, one column per image
    n = len(pixels)
    result = np.zeros((n, len(biases[-1])))
    start = 0
    while start < n:
        stop = min(start + block_rows, n)
        a = (pixels[start:stop] / 255.0).T
        for W, b in zip(weights, biases, strict=True):
            z = W @ a + b[:, None]
            a = np.maximum(z, 0)
        z = z - z.max(axis=0)
        result[start:stop] = (np.exp(z) / np.exp(z).sum(axis=0)).T
        start = stop
    return result


def forward_blocks_not_transposed(pixels, weights, biases, block_rows):
    out = []
    for start in range(0, len(pixels), block_rows):
        a = pixels[start : start + block_rows] / 255
        for W, b in zip(weights, biases, strict=True):
            a = a @ W + b  # W where W.T belongs
            if W is not weights[-1]:
                a = np.maximum(a, 0)
        e = np.exp(a - a.max(axis=1, keepdims=True))
        out.append(e / e.sum(axis=1, keepdims=True))
    return np.concatenate(out)


def forward_blocks_scipy(pixels, weights, biases, block_rows):
    from scipy.special import softmax

    out = []
    for start in range(0, len(pixels), block_rows):
        a = pixels[start : start + block_rows] / 255
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            a = np.maximum(a @ W.T + b, 0)
        out.append(softmax(a @ weights[-1].T + biases[-1], axis=1))
    return np.concatenate(out)


def record_by_hand(probabilities, index):
    values = [float(v) for v in probabilities]
    best = 0
    for k in range(len(values)):
        if values[k] > values[best]:
            best = k
    return {"index": int(index), "activations": values, "classification": best}


def record_tolist(row, i):
    return {"classification": int(row.argmax()), "index": i.item(), "activations": row.tolist()}


REWRITES = {
    "05.1": [forward_blocks_list, forward_blocks_columns],
    "05.2": [record_by_hand, record_tolist],
}
WRONG = {
    "05.1": [
        (forward_blocks_not_transposed, "each W has shape (outputs, inputs)"),
        (forward_blocks_scipy, "write it yourself"),
    ],
}
