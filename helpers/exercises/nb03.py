"""The programming exercises of notebook 03: the mean image of each class, centring by mass."""

import numpy as np

from helpers.exercises._framework import Case, exercise
from helpers.plotting.digits import class_means


def _per_class(mean):
    return lambda images, labels: np.stack([mean(images[labels == k]) for k in range(10)])


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
    return _per_class(lambda x: x.mean(axis=0) / 255)(images, labels)


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


exercise(
    "03.2",
    reference=_mean_images,
    cases=_mean_cases,
    call=_float_means,
    guarded=(_mean_images, class_means),
    rtol=1e-5,
    mistakes={
        "bytes_scale": _per_class(lambda x: x.mean(axis=0)),
        "uint8_sum": _per_class(lambda x: x.sum(axis=0, dtype=np.uint8) / len(x) / 255),
        "flat": _per_class(lambda x: np.full(x.shape[1:], x.mean() / 255)),
        "over_all_images": lambda im, y: _per_class(lambda x: x.sum(axis=0) / len(im) / 255)(im, y),
    },
)

exercise(
    "03.4",
    reference=_centre_by_mass,
    cases=_centre_cases,
    call=_with_dtype,
    mistakes={
        "unweighted": lambda image: _moved(image, *_offsets(image, weighted=False)),
        "swapped": lambda image: _moved(image, *_offsets(image, swapped=True)),
        "wrong_way": lambda image: _moved(image, *-_offsets(image)),
        "rolled": lambda image: np.roll(image, np.round(_offsets(image)).astype(int), axis=(0, 1)),
        "uint8_rows": lambda image: _moved(image, *_offsets(image, np.uint8)),
    },
)
