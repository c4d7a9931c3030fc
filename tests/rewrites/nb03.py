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


def mean_images_uint8_total(images, labels):
    means = []
    for k in range(10):
        total = np.zeros(images.shape[1:], dtype=np.uint8)
        for image in images[labels == k]:
            total += image
        means.append(total / np.sum(labels == k) / 255)
    return np.array(means)


def mean_images_unscaled(images, labels):
    return np.array([images[labels == k].mean(axis=0) for k in range(10)])


def mean_images_one_number(images, labels):
    out = np.zeros((10,) + images.shape[1:])
    for k in range(10):
        out[k] = images[labels == k].mean() / 255
    return out


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


def centre_x_y_swapped(image):
    h, w = image.shape
    x, y = np.indices(image.shape)  # x is the row here, not the column
    cx = (x * image).sum() / image.sum()
    cy = (y * image).sum() / image.sum()
    dx, dy = round(w // 2 - cx), round(h // 2 - cy)
    padded = np.pad(image, ((h, h), (w, w)))
    return padded[h - dy : 2 * h - dy, w - dx : 2 * w - dx]


def centre_with_roll(image):
    rows, cols = np.indices(image.shape)
    down = round(image.shape[0] // 2 - (rows * image).sum() / image.sum())
    right = round(image.shape[1] // 2 - (cols * image).sum() / image.sum())
    return np.roll(np.roll(image, down, axis=0), right, axis=1)


def centre_away(image):
    h, w = image.shape
    rows, cols = np.indices(image.shape)
    down = round((rows * image).sum() / image.sum() - h // 2)
    right = round((cols * image).sum() / image.sum() - w // 2)
    padded = np.pad(image, ((h, h), (w, w)))
    return padded[h - down : 2 * h - down, w - right : 2 * w - right]


def centre_row_products_in_bytes(image):
    h, w = image.shape
    total = image.sum()
    row_sum = sum((image[r] * r).sum() for r in range(h))  # uint8 * small int stays uint8
    col_sum = sum((image[:, c] * c).sum() for c in range(w))
    down, right = round(h // 2 - row_sum / total), round(w // 2 - col_sum / total)
    padded = np.pad(image, ((h, h), (w, w)))
    return padded[h - down : 2 * h - down, w - right : 2 * w - right]


def mean_images_float16(images, labels):
    # half the memory of float32, but only about 3 significant digits
    scaled = images.astype(np.float16) / np.float16(255)
    return np.stack([scaled[labels == k].mean(axis=0, dtype=np.float16) for k in range(10)])


def centre_of_lit_pixels(image):
    # the plain mean position of the lit pixels, every pixel counted alike
    h, w = image.shape
    rows, cols = np.nonzero(image)
    down, right = round(h // 2 - rows.mean()), round(w // 2 - cols.mean())
    padded = np.pad(image, ((h, h), (w, w)))
    return padded[h - down : 2 * h - down, w - right : 2 * w - right]


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
MISTAKES = {
    "03.2": [
        (mean_images_uint8_total, "wrapped around past 255"),
        (mean_images_unscaled, "0-255 scale"),
        (mean_images_one_number, "averaged over the pixels too"),
        (mean_images_float16, "expected 'float32 or float64', got 'float16'"),
    ],
    "03.4": [
        (centre_x_y_swapped, "rows and columns are swapped"),
        (centre_with_roll, "comes back in on the opposite side"),
        (centre_away, "moves the wrong way"),
        (centre_row_products_in_bytes, "wrapped around past 255"),
        (centre_of_lit_pixels, "plain mean position of the lit pixels"),
        (centre_as_floats, "expected 'uint8', got 'float64'"),
    ],
}
