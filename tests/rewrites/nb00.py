"""Hand-written answers to notebook 00's programming exercise (see tests/rewrites)."""

import numpy as np


def count_bright_loops(images, threshold):
    counts = []
    for image in images:
        n = 0
        for row in image:
            for pixel in row:
                if pixel > threshold:
                    n += 1
        counts.append(n)
    return counts


def count_bright_reshape(images, threshold):
    flat = images.reshape(len(images), -1)
    return np.count_nonzero(flat > threshold, axis=1)


def count_bright_as_floats(images, threshold):
    return (images > threshold).mean(axis=(1, 2)) * images[0].size  # floats, not counts


REWRITES = {"00.3": [count_bright_loops, count_bright_reshape]}
WRONG = {
    "00.3": [
        (count_bright_as_floats, "expected 'integers', got 'float64'"),
    ],
}
