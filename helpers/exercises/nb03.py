"""The programming exercises of notebook 03: the mean image of each class, centring by mass."""

import numpy as np

from helpers.exercises._framework import Case, exercise
from helpers.plotting.digits import class_means


def _mean_cases(rng: np.random.Generator) -> dict:
    def sample(n: int, h: int = 28, w: int = 28) -> tuple[np.ndarray, np.ndarray]:
        images = rng.integers(0, 256, size=(n, h, w), dtype=np.uint8)
        images[rng.random(images.shape) < 0.6] = 0  # mostly background, like digits
        return images, rng.permutation(np.concatenate([np.arange(10), rng.integers(0, 10, n - 10)]))

    crowded = np.concatenate([np.arange(10), np.full(30, 3)])  # 31 images of class 3
    full = np.full((40, 4, 4), 255, np.uint8)
    return {
        "60 images of 28 x 28, every class": sample(60),
        "one image per class": sample(10),
        "25 images of 5 x 7 pixels": sample(25, 5, 7),
        "full ink (255) everywhere, 31 images of class 3": (full, rng.permutation(crowded)),
        "labels in sorted order": (sample(30)[0], np.sort(sample(30)[1])),
    }


def _mean_images(images, labels):
    return np.stack([images[labels == k].mean(axis=0) / 255 for k in range(10)])


def _offsets(
    image: np.ndarray, dtype: type = float, swapped: bool = False, weighted: bool = True
) -> np.ndarray:
    """(rows down, columns right) from the centre of mass to the centre pixel, or a mistake."""
    rows, columns = np.indices(image.shape, dtype=dtype)
    ink = image if weighted else (image > 0).astype(int)  # unweighted: every lit pixel alike
    mass = np.array([(ink * rows).sum(), (ink * columns).sum()]) / ink.sum()
    return np.array(image.shape) // 2 - (mass[::-1] if swapped else mass)


def _moved(image, down, right):
    """``image`` moved ``down`` rows and ``right`` columns (rounded), zeros moved in."""
    h, w = image.shape
    down, right = np.clip(round(down), -h, h), np.clip(round(right), -w, w)
    return np.pad(image, ((h, h), (w, w)))[h - down : 2 * h - down, w - right : 2 * w - right]


def _centre_by_mass(image):
    return _moved(image, *_offsets(image))


def _centre_cases(rng: np.random.Generator) -> dict:
    def blob(h: int, w: int) -> np.ndarray:
        for _ in range(100):  # bounded: about one draw in five is near a half pixel
            image = np.zeros((h, w), np.uint8)
            top, left = rng.integers(0, h // 2), rng.integers(0, w // 2)
            patch = image[top:, left:][: rng.integers(2, h // 2), : rng.integers(2, w // 2)]
            patch[...] = rng.integers(1, 256, patch.shape) * (rng.random(patch.shape) > 0.3)
            patch[0, 0] = 255
            if all(abs(x - np.floor(x) - 0.5) > 0.05 for x in _offsets(image)):
                return image  # clear of half pixels, where rounding conventions disagree
        raise RuntimeError("no blob clear of half pixels in 100 draws")

    dot, plus, edge, faint = np.zeros((4, 28, 28), np.uint8)
    dot[3, 20] = 200
    plus[14, 11:18] = plus[11:18, 14] = 255
    edge[2:8, 1:9] = 255  # a bright block up and to the left ...
    edge[27, 27] = 40  # ... and faint ink in the far corner, which the move pushes out
    faint[8:21, 3:7] = 255  # bright ink on the left, faint ink on the right: the weighted
    faint[8:21, 18:26] = 20  # centre (column 6.8) is far from the unweighted one (15.8)
    odd = np.zeros((27, 25), np.uint8)  # odd sizes: H // 2 is not H / 2
    odd[5, 20], odd[6, 21] = 100, 200  # centre of mass (5.67, 20.67)
    return {
        "a random blob, 28 x 28": (blob(28, 28),),
        "one lit pixel at row 3, column 20": (dot,),
        "already centred (a plus sign around (14, 14))": (plus,),
        "an image of 9 x 12 pixels": (blob(9, 12),),
        "ink in the far corner that the move pushes out": (edge,),
        "bright ink on the left, faint ink on the right": (faint,),
        "odd sizes, 27 x 25: two pixels of different ink": (odd,),
    }


def _dtype_name(array: object) -> str:
    try:
        return str(np.asarray(array).dtype)
    except (TypeError, ValueError):
        return f"a {type(array).__name__} without one dtype"


def _with_dtype(function, case: Case) -> dict:
    """``function``'s image and its dtype, which must be the input's (the exercise says so)."""
    image = function(*case.args)
    return {"image": image, "dtype": _dtype_name(image)}


def _float_means(function, case: Case) -> dict:
    """``function``'s means, first whether they are floats precise enough (32 or 64 bits)."""
    means = function(*case.args)
    name = _dtype_name(means)
    ok = name in ("float32", "float64")
    return {"dtype (float16 keeps only 3 digits)": "float32 or float64" if ok else name,
            "means": means}


def _bytes_scale(images, labels):
    return np.stack([images[labels == k].mean(axis=0) for k in range(10)])


def _uint8_sum(images, labels):
    sums = [images[labels == k].sum(axis=0, dtype=np.uint8) for k in range(10)]
    return np.stack([total / np.sum(labels == k) / 255 for k, total in enumerate(sums)])


def _flat(images, labels):
    means = [images[labels == k].mean() / 255 for k in range(10)]
    return np.stack([np.full(images.shape[1:], mean) for mean in means])


def _over_all_images(images, labels):
    return np.stack([images[labels == k].sum(axis=0) / len(images) / 255 for k in range(10)])


exercise(
    "03.2",
    title="the mean image of each class, as floats in [0, 1]",
    why=(
        "each class's pixels summed without wrapping around, divided by that class's count and by "
        "255, in floats precise enough for it (float32 or float64)."
    ),
    reference=_mean_images,
    cases=_mean_cases,
    call=_float_means,
    guarded=(_mean_images, class_means),
    rtol=1e-5,
    mistakes={
        _bytes_scale: (
            "your means are on the 0-255 scale of the bytes; the exercise asks for floats in [0, "
            "1]."
        ),
        _uint8_sum: (
            "some of your means are far too small: adding uint8 pixels wrapped around past 255."
        ),
        _flat: (
            "your mean images are flat: you averaged over the pixels too, not only over the "
            "images."
        ),
        _over_all_images: (
            "your means are too small: divide each class's sum by that class's number of images."
        ),
    },
)


def _unweighted(image):
    return _moved(image, *_offsets(image, weighted=False))


def _swapped(image):
    return _moved(image, *_offsets(image, swapped=True))


def _wrong_way(image):
    return _moved(image, *-_offsets(image))


def _rolled(image):
    return np.roll(image, np.round(_offsets(image)).astype(int), axis=(0, 1))


def _uint8_rows(image):
    return _moved(image, *_offsets(image, np.uint8))


exercise(
    "03.4",
    title="the image moved so that its centre of mass is nearest the centre pixel",
    why=(
        "the ink's weighted mean row and column, rounded to whole pixels, moved onto the centre "
        "pixel with zeros moved in."
    ),
    reference=_centre_by_mass,
    cases=_centre_cases,
    call=_with_dtype,
    mistakes={
        _unweighted: (
            "your centre is the plain mean position of the lit pixels; weight each pixel by its "
            "value, so that faint ink counts less than dark ink."
        ),
        _swapped: (
            "your move is wrong: rows and columns are swapped somewhere (rows are the first "
            "index)."
        ),
        _wrong_way: (
            "your image moves the wrong way: its centre of mass ends up farther from the centre."
        ),
        _rolled: (
            "ink that leaves one side comes back in on the opposite side; move zeros in instead."
        ),
        _uint8_rows: (
            "your centre of mass is off: uint8 pixels times row numbers wrapped around past 255."
        ),
    },
)
