"""Hand-written answers to notebook 02's programming exercises (see tests/rewrites)."""

import os

import h5py
import numpy as np


def save_digits_atomically(path, images, labels, source, chunk_images):
    temporary = str(path) + ".part"
    with h5py.File(temporary, "w") as f:
        dset = f.create_dataset(
            "images",
            shape=images.shape,
            dtype=images.dtype,
            chunks=tuple([chunk_images] + list(images.shape[1:])),
            compression="gzip",
            compression_opts=9,
        )
        dset[...] = images
        f["labels"] = labels
        f.attrs.update({"count": images.shape[0], "source": source})
    os.replace(temporary, path)


def save_digits_with_extras(path, images, labels, source, chunk_images):
    f = h5py.File(path, "w")
    n, height, width = images.shape
    f.create_dataset(
        "images",
        data=images,
        chunks=(chunk_images, height, width),
        compression="gzip",
        shuffle=True,
    )
    f.create_dataset("labels", data=np.asarray(labels))
    f["images"].attrs["description"] = "one image per row"  # more attributes do no harm
    f.attrs["source"] = source
    f.attrs["count"] = n
    f.close()


def rows_one_at_a_time(dataset, indices):
    return np.array([dataset[int(i)] for i in indices])


def rows_through_a_dict(dataset, indices):
    asked = [row % len(dataset) for row in indices.tolist()]
    wanted = sorted(set(asked))
    block = dataset[wanted]
    position = {row: k for k, row in enumerate(wanted)}
    return block[[position[row] for row in asked]]


def rows_as_floats(dataset, indices):
    rows = np.where(indices < 0, indices + len(dataset), indices)
    unique, inverse = np.unique(rows, return_inverse=True)
    return dataset[unique][inverse].astype(float)  # not the dataset's dtype


REWRITES = {
    "02.2": [save_digits_atomically, save_digits_with_extras],
    "02.3": [rows_one_at_a_time, rows_through_a_dict],
}
WRONG = {
    "02.3": [
        (rows_as_floats, "the result['dtype']: expected 'uint8', got 'float64'"),
    ],
}
