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


def save_digits_attrs_on_dataset(path, images, labels, source, chunk_images):
    with h5py.File(path, "w") as f:
        dset = f.create_dataset(
            "images", data=images, chunks=(chunk_images, *images.shape[1:]), compression="gzip"
        )
        dset.attrs.update(source=source, count=len(images))
        f["labels"] = labels


def save_digits_gzip_only(path, images, labels, source, chunk_images):
    with h5py.File(path, "w") as f:
        f.create_dataset("images", data=images, compression="gzip", compression_opts=4)
        f.create_dataset("labels", data=labels)
        f.attrs["source"] = source
        f.attrs["count"] = images.shape[0]


def save_digits_appending(path, images, labels, source, chunk_images):
    with h5py.File(path, "a") as f:
        f.create_dataset(
            "images", data=images, chunks=(chunk_images, *images.shape[1:]), compression="gzip"
        )
        f["labels"] = labels
        f.attrs["source"] = source
        f.attrs["count"] = len(labels)


def rows_one_at_a_time(dataset, indices):
    return np.array([dataset[int(i)] for i in indices])


def rows_through_a_dict(dataset, indices):
    asked = [row % len(dataset) for row in indices.tolist()]
    wanted = sorted(set(asked))
    block = dataset[wanted]
    position = {row: k for k, row in enumerate(wanted)}
    return block[[position[row] for row in asked]]


def rows_sorted(dataset, indices):
    return dataset[sorted({row % len(dataset) for row in indices.tolist()})]


def rows_without_repeats(dataset, indices):
    n = dataset.shape[0]
    wanted = list(dict.fromkeys(row % n for row in indices.tolist()))  # each row once
    ordered = sorted(wanted)
    block = dataset[ordered]
    return block[[ordered.index(row) for row in wanted]]


def rows_from_everything(dataset, indices):
    return np.asarray(dataset)[indices]


def rows_as_floats(dataset, indices):
    rows = np.where(indices < 0, indices + len(dataset), indices)
    unique, inverse = np.unique(rows, return_inverse=True)
    return dataset[unique][inverse].astype(float)  # not the dataset's dtype


REWRITES = {
    "02.2": [save_digits_atomically, save_digits_with_extras],
    "02.3": [rows_one_at_a_time, rows_through_a_dict],
}
MISTAKES = {
    "02.2": [
        (save_digits_attrs_on_dataset, "attached to a dataset"),
        (save_digits_gzip_only, "chunks whose shape h5py chose"),
        (save_digits_appending, "still holds the datasets of the older file"),
    ],
    "02.3": [
        (rows_sorted, "sorted by row number"),
        (rows_without_repeats, "comes back only once"),
        (rows_from_everything, "reads the whole dataset"),
        (rows_as_floats, "the result['dtype']: expected 'uint8', got 'float64'"),
    ],
}
