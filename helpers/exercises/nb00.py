"""The programming exercise of notebook 00 (a warm-up): count the bright pixels per image."""

import numpy as np

from helpers.exercises._framework import Case, exercise


def _cases(rng: np.random.Generator) -> dict:
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    return {
        "5 random 28 x 28 images, threshold 128": (images, 128),
        "one image": (images[:1], int(rng.integers(1, 255))),
        "3 images of 4 x 6 pixels": (images[2:, 10:14, 5:11], int(rng.integers(1, 255))),
        "threshold 0 (every pixel that is not blank)": (images[:2], 0),
        "threshold 255 (nothing is above it)": (images[3:], 255),
        "pixels equal to the threshold": (np.full((2, 3, 3), 100, np.uint8), 100),
    }


def _counts(function, case: Case) -> dict:
    """``function``'s counts, and whether they are whole numbers (the prose promises counts)."""
    counts = function(*case.args)
    try:
        dtype = np.asarray(counts).dtype
    except (TypeError, ValueError):  # ragged: the comparison of the counts says what is wrong
        dtype = np.dtype(object)
    return {"counts": counts, "dtype": "integers" if dtype.kind in "iu" else str(dtype)}


def _at_threshold(images, threshold):
    return (images >= threshold).sum(axis=(1, 2))


def _one_for_all(images, threshold):
    return (images > threshold).sum()


def _columns(images, threshold):
    return (images > threshold).sum(axis=1)


exercise(
    "00.3",
    title="one count per image of the pixels above the threshold",
    why="one count per image of the pixels strictly above the threshold, on images of any size.",
    reference=lambda images, threshold: (images > threshold).sum(axis=(1, 2)),
    cases=_cases,
    call=_counts,
    mistakes={
        _at_threshold: (
            "your counts include the pixels equal to the threshold; 'above' means strictly "
            "greater."
        ),
        _one_for_all: (
            "you return one count for all the images together; the result needs one per image."
        ),
        _columns: "you count down each column of every image; sum over both pixel axes.",
    },
)
