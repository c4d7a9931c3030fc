"""Hand-written answers to notebook 03's programming exercises (see tests/rewrites)."""

import numpy as np


def mean_images_loops(images, labels):
    sums = np.zeros((10,) + images.shape[1:])
    counts = [0] * 10
    for image, label in zip(images, labels, strict=True):
        sums[label] += image
        counts[label] += 1
    for k in range(10):
        sums[k] /= counts[k] * 255.0
    return sums


def mean_images_float32(images, labels):
    scaled = images.astype(np.float32) / 255
    return np.stack([scaled[labels == k].mean(axis=0) for k in range(10)])


def centre_with_loops(image):
    h, w = image.shape
    total = row_sum = col_sum = 0.0
    for r in range(h):
        for c in range(w):
            total += float(image[r, c])
            row_sum += r * float(image[r, c])
            col_sum += c * float(image[r, c])
    down = int(np.round(h // 2 - row_sum / total))
    right = int(np.round(w // 2 - col_sum / total))
    out = np.zeros_like(image)
    for r in range(h):
        for c in range(w):
            if 0 <= r - down < h and 0 <= c - right < w:
                out[r, c] = image[r - down, c - right]
    return out


def centre_by_padding(image):
    h, w = image.shape
    rows, cols = np.indices(image.shape)
    weights = image / image.sum()
    down = round(h // 2 - (rows * weights).sum())
    right = round(w // 2 - (cols * weights).sum())
    padded = np.pad(image, ((h, h), (w, w)))
    return padded[h - down : 2 * h - down, w - right : 2 * w - right]


def mean_images_float16(images, labels):
    # half the memory of float32, but only about 3 significant digits
    scaled = images.astype(np.float16) / np.float16(255)
    return np.stack([scaled[labels == k].mean(axis=0, dtype=np.float16) for k in range(10)])


def centre_as_floats(image):
    h, w = image.shape
    rows, cols = np.indices(image.shape)
    mass = image / image.sum()
    down, right = round(h // 2 - (rows * mass).sum()), round(w // 2 - (cols * mass).sum())
    padded = np.pad(image.astype(float), ((h, h), (w, w)))  # float64, not the image's dtype
    return padded[h - down : 2 * h - down, w - right : 2 * w - right]


REWRITES = {
    "03.2": [mean_images_loops, mean_images_float32],
    "03.4": [centre_with_loops, centre_by_padding],
}
WRONG = {
    "03.2": [
        (mean_images_float16, "expected 'float32 or float64', got 'float16'"),
    ],
    "03.4": [
        (centre_as_floats, "expected 'uint8', got 'float64'"),
    ],
}
