"""The programming exercises of notebook 03: the mean image of each class, centring by mass.

* "03.2", ``mean_images(images, labels)``: the mean of each class 0-9, scaled to
  [0, 1]; on images of any size (the package's :func:`class_means` takes 28 x 28
  only and gives 0-255, so the reference is a thin private one and both are guarded);
* "03.4", ``centre_by_mass(image)``: move an image by whole pixels so that its
  centre of mass lands nearest the centre pixel, as MNIST did
  (:mod:`helpers.digitize` does it for the drawing pad).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, exercise
from helpers.plotting.digits import class_means

__all__: list[str] = []


# 03.2: the mean image of each class.


def _mean_images(images, labels):
    """The mean image of each class 0-9 as floats in [0, 1]: shape (10, height, width)."""
    sums = np.zeros((10, *images.shape[1:]))
    np.add.at(sums, labels, images)
    return sums / np.bincount(labels, minlength=10)[:, None, None] / 255


def _mean_cases(rng: np.random.Generator) -> list[Case]:
    def sample(n: int, h: int = 28, w: int = 28) -> tuple[np.ndarray, np.ndarray]:
        images = rng.integers(0, 256, size=(n, h, w), dtype=np.uint8)
        images[rng.random(images.shape) < 0.6] = 0  # mostly background, like digits
        labels = rng.permutation(np.concatenate([np.arange(10), rng.integers(0, 10, n - 10)]))
        return images, labels

    crowded = np.concatenate([np.arange(10), np.full(30, 3)])  # 31 images of class 3
    return [
        Case("60 images of 28 x 28, every class", sample(60)),
        Case("one image per class", sample(10)),
        Case("25 images of 5 x 7 pixels", sample(25, 5, 7)),
        Case(
            "full ink (255) everywhere, 31 images of class 3",
            (np.full((40, 4, 4), 255, np.uint8), rng.permutation(crowded)),
        ),
        Case("labels in sorted order", (sample(30)[0], np.sort(sample(30)[1]))),
    ]


def _unscaled(images, labels):
    return np.stack([images[labels == k].mean(axis=0) for k in range(10)])


def _uint8_sums(images, labels):
    sums = [images[labels == k].sum(axis=0, dtype=np.uint8) for k in range(10)]
    return np.stack([s / np.count_nonzero(labels == k) / 255 for k, s in enumerate(sums)])


def _one_value_per_class(images, labels):
    means = np.stack([np.full(images.shape[1:], images[labels == k].mean()) for k in range(10)])
    return means / 255


def _divided_by_all(images, labels):
    return np.stack([images[labels == k].sum(axis=0) / len(images) / 255 for k in range(10)])


exercise(
    "03.2",
    reference=_mean_images,
    cases=_mean_cases,
    guarded=(_mean_images, class_means),
    rtol=1e-5,
    why="each class's pixels summed without wrapping around, divided by that class's count "
    "and by 255.",
    mistakes=(
        (
            _unscaled,
            "your means are on the 0-255 scale of the bytes; the exercise asks for floats in "
            "[0, 1].",
        ),
        (
            _uint8_sums,
            "some of your means are far too small where many images have ink: adding uint8 "
            "pixels wrapped around past 255, as in the notebook's ink + 100.",
        ),
        (
            _one_value_per_class,
            "every pixel of a class's mean image has the same value: you averaged over the "
            "pixels too, not only over the images of the class.",
        ),
        (
            _divided_by_all,
            "your means are too small, by a different factor in each class: each class's sum "
            "should be divided by the number of images of that class.",
        ),
    ),
)


# 03.4: centring by centre of mass.


def _offsets(image: np.ndarray) -> tuple[float, float]:
    """How far the centre of mass is from the centre pixel: (rows down, columns right)."""
    weights = image.astype(float)
    h, w = weights.shape
    row = weights.sum(axis=1) @ np.arange(h) / weights.sum()
    col = weights.sum(axis=0) @ np.arange(w) / weights.sum()
    return h // 2 - row, w // 2 - col


def _centre_by_mass(image):
    """Move ``image`` by whole pixels so that its centre of mass is nearest (H // 2, W // 2)."""
    h, w = image.shape
    down, right = (round(x) for x in _offsets(image))
    moved = np.zeros_like(image)
    moved[max(down, 0) : h + min(down, 0), max(right, 0) : w + min(right, 0)] = image[
        max(-down, 0) : h - max(down, 0), max(-right, 0) : w - max(right, 0)
    ]
    return moved


def _clear_of_halves(image: np.ndarray) -> bool:
    """No offset within 0.05 of a half pixel, where rounding conventions disagree."""
    return all(abs(x - np.floor(x) - 0.5) > 0.05 for x in _offsets(image))


def _centre_cases(rng: np.random.Generator) -> list[Case]:
    def blob(h: int, w: int) -> np.ndarray:
        for _ in range(100):  # bounded: about one draw in five is near a half pixel
            image = np.zeros((h, w), np.uint8)
            top, left = rng.integers(0, h // 2), rng.integers(0, w // 2)
            size = rng.integers(2, h // 2), rng.integers(2, w // 2)
            patch = rng.integers(1, 256, size=size, dtype=np.uint8)
            patch[rng.random(size) < 0.3] = 0
            patch[0, 0] = 255
            image[top : top + size[0], left : left + size[1]] = patch
            if _clear_of_halves(image):
                return image
        raise RuntimeError("no blob clear of half pixels in 100 draws")

    dot = np.zeros((28, 28), np.uint8)
    dot[3, 20] = 200
    plus = np.zeros((28, 28), np.uint8)
    plus[14, 11:18] = plus[11:18, 14] = 255
    edge = np.zeros((28, 28), np.uint8)
    edge[2:8, 1:9] = 255  # a bright block up and to the left ...
    edge[27, 27] = 40  # ... and faint ink in the far corner, which the move pushes out
    return [
        Case("a random blob, 28 x 28", (blob(28, 28),)),
        Case("one lit pixel at row 3, column 20", (dot,)),
        Case("already centred (a plus sign around (14, 14))", (plus,)),
        Case("an image of 9 x 12 pixels", (blob(9, 12),)),
        Case("ink in the far corner that the move pushes out", (edge,)),
        Case("another random blob, 28 x 28", (blob(28, 28),)),
    ]


def _rows_and_columns_swapped(image):
    h, w = image.shape
    down, right = _offsets(image)
    row, col = h // 2 - down, w // 2 - right  # the centre of mass, then used the wrong way
    return _moved(image, round(h // 2 - col), round(w // 2 - row))


def _moved_away(image):
    down, right = (round(x) for x in _offsets(image))
    return _moved(image, -down, -right)


def _wraps_around(image):
    down, right = (round(x) for x in _offsets(image))
    return np.roll(image, (down, right), axis=(0, 1))


def _uint8_products(image):
    h, w = image.shape
    total = image.sum()
    row = (image * np.arange(h, dtype=np.uint8)[:, None]).sum() / total
    col = (image * np.arange(w, dtype=np.uint8)[None, :]).sum() / total
    return _moved(image, round(h // 2 - row), round(w // 2 - col))


def _moved(image, down, right):
    """``image`` moved ``down`` rows and ``right`` columns, zeros moved in (for the mistakes)."""
    h, w = image.shape
    down, right = max(-h, min(h, down)), max(-w, min(w, right))
    moved = np.zeros_like(image)
    moved[max(down, 0) : h + min(down, 0), max(right, 0) : w + min(right, 0)] = image[
        max(-down, 0) : h - max(down, 0), max(-right, 0) : w - max(right, 0)
    ]
    return moved


exercise(
    "03.4",
    reference=_centre_by_mass,
    cases=_centre_cases,
    why="the ink's weighted mean row and column, rounded to whole pixels, moved onto the "
    "centre pixel with zeros moved in.",
    mistakes=(
        (
            _rows_and_columns_swapped,
            "your image moves by the wrong amounts: the row of its centre of mass sets your "
            "move sideways and its column the move up or down; rows and columns are swapped "
            "somewhere (rows are the first index).",
        ),
        (
            _moved_away,
            "your image moves the wrong way: its centre of mass ends up farther from the "
            "centre pixel than where it started.",
        ),
        (
            _wraps_around,
            "ink that leaves one side of your image comes back in on the opposite side; "
            "pixels moved out of the image should be lost, and the ones moved in be 0.",
        ),
        (
            _uint8_products,
            "your centre of mass is off when bright pixels sit far from row or column 0: "
            "multiplying uint8 pixels by their row or column number wrapped around past 255.",
        ),
    ),
)
