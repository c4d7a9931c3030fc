import hashlib
import os
import signal
import subprocess
import sys
import threading

import h5py
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.h5 import read_rows, tree, write_arrays, write_digits
from helpers.h5._tree import open_file
from helpers.h5._write import DIGITS_SOURCE

N_ROWS = 37
DATA = np.arange(N_ROWS * 3, dtype=np.int32).reshape(N_ROWS, 3) * 7 % 101
LAYOUTS = {
    "contiguous": {},
    "chunks of 1 row": {"chunk_rows": 1},
    "chunks of 5 rows, gzip": {"chunk_rows": 5, "compression": "gzip"},
    "chunks of (4, 2), lzf": {"chunks": (4, 2), "compression": "lzf"},
}


@pytest.fixture(scope="module")
def layout_file(tmp_path_factory):
    """One file with the same data in every layout."""
    path = tmp_path_factory.mktemp("h5") / "layouts.h5"
    with h5py.File(path, "w") as f:
        for name, options in LAYOUTS.items():
            options = dict(options)
            if "chunk_rows" in options:
                options["chunks"] = (options.pop("chunk_rows"), 3)
            f.create_dataset(name, data=DATA, **options)
    with h5py.File(path, "r") as f:
        yield f


# ------------------------------------------------------------------ read_rows

indices = st.lists(st.integers(0, N_ROWS - 1), max_size=60).map(
    lambda xs: np.array(xs, dtype=np.int64)
)


@settings(max_examples=150, deadline=None)
@given(idx=indices, layout=st.sampled_from(sorted(LAYOUTS)))
def test_read_rows_equals_numpy_fancy_indexing(layout_file, idx, layout):
    got = read_rows(layout_file[layout], idx)
    expected = DATA[idx]
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=80, deadline=None)
@given(idx=st.lists(st.integers(-N_ROWS, N_ROWS - 1), max_size=30))
def test_negative_indices_count_from_the_end_like_numpy(layout_file, idx):
    for layout in LAYOUTS:
        np.testing.assert_array_equal(read_rows(layout_file[layout], idx), DATA[idx])


def test_unsorted_and_repeated_rows_where_h5py_refuses(layout_file):
    idx = [30, 2, 2, 17, 0, 30]
    with pytest.raises(TypeError, match="increasing order"):
        layout_file["contiguous"][idx]
    np.testing.assert_array_equal(read_rows(layout_file["contiguous"], idx), DATA[idx])


def test_empty_indices_give_zero_rows(layout_file):
    for empty in ([], np.array([], dtype=np.uint8), ()):
        got = read_rows(layout_file["chunks of 5 rows, gzip"], empty)
        assert got.shape == (0, 3) and got.dtype == DATA.dtype


def test_other_integer_dtypes_and_tuples(layout_file):
    d = layout_file["contiguous"]
    np.testing.assert_array_equal(read_rows(d, np.array([3, 1], dtype=np.uint16)), DATA[[3, 1]])
    np.testing.assert_array_equal(read_rows(d, (5, 4)), DATA[[5, 4]])


@pytest.mark.parametrize("bad", [N_ROWS, -N_ROWS - 1, 10**12])
def test_out_of_range_index(layout_file, bad):
    with pytest.raises(IndexError, match=f"out of range for a dataset with {N_ROWS} rows"):
        read_rows(layout_file["contiguous"], [0, bad])


@pytest.mark.parametrize(
    ("indices", "error", "message"),
    [
        ([0.0, 1.0], TypeError, "integers"),
        (np.ones(N_ROWS, dtype=bool), TypeError, "flatnonzero"),
        (["a"], TypeError, "integers"),
        ([[0, 1]], ValueError, "1-D"),
        (3, ValueError, "1-D"),
    ],
)
def test_bad_indices(layout_file, indices, error, message):
    with pytest.raises(error, match=message):
        read_rows(layout_file["contiguous"], indices)


def test_read_rows_needs_a_dataset(tmp_path):
    with pytest.raises(TypeError, match="h5py.Dataset, got ndarray"):
        read_rows(DATA, [0])
    with h5py.File(tmp_path / "s.h5", "w") as f:
        f["x"] = 3.0
        with pytest.raises(ValueError, match="scalar"):
            read_rows(f["x"], [0])


# --------------------------------------------------------------- write_arrays


def test_write_arrays_round_trip_with_attributes(tmp_path):
    path = tmp_path / "a.h5"
    arrays = {
        "x": np.linspace(0, 1, 12).reshape(3, 4),
        "group/y": np.array([1, 0, 1], dtype=np.int8),
        "names": np.array(["zero", "één"]),
        "scalar": np.float64(2.5),
    }
    attrs = {"/": {"source": "test"}, "x": {"description": "a ramp", "scale": 2}}
    assert write_arrays(path, arrays, attrs, chunk_rows=2, compression="gzip") == path
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(f["x"][()], arrays["x"])
        np.testing.assert_array_equal(f["group/y"][()], arrays["group/y"])
        assert f["names"][0] == b"zero"  # strings come back as bytes ...
        assert list(f["names"].asstr()[()]) == ["zero", "één"]  # ... or as str with asstr()
        assert f["scalar"][()] == 2.5 and f["scalar"].chunks is None
        assert f["x"].chunks == (2, 4) and f["x"].compression == "gzip"
        assert f["group/y"].chunks == (2,)
        assert f.attrs["source"] == "test"
        assert dict(f["x"].attrs) == {"description": "a ramp", "scale": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["a.h5"]


def test_chunk_rows_is_clipped_to_short_arrays(tmp_path):
    write_arrays(tmp_path / "c.h5", {"x": np.zeros((3, 5))}, chunk_rows=100)
    with h5py.File(tmp_path / "c.h5", "r") as f:
        assert f["x"].chunks == (3, 5)


def test_empty_arrays_are_stored_plainly(tmp_path):
    write_arrays(tmp_path / "e.h5", {"x": np.zeros((0, 5))}, chunk_rows=10, compression="gzip")
    with h5py.File(tmp_path / "e.h5", "r") as f:
        assert f["x"].shape == (0, 5) and f["x"].chunks is None
        assert read_rows(f["x"], []).shape == (0, 5)


def test_attributes_on_groups_made_by_the_names(tmp_path):
    arrays = {"net/layer1/W": np.ones((2, 2)), "net/layer1/b": np.zeros(2)}
    attrs = {"net": {"sizes": [2, 2]}, "net/layer1": {"activation": "relu"}}
    write_arrays(tmp_path / "g.h5", arrays, attrs)
    with h5py.File(tmp_path / "g.h5", "r") as f:
        assert list(f["net"].attrs["sizes"]) == [2, 2]
        assert f["net/layer1"].attrs["activation"] == "relu"
    with pytest.raises(ValueError, match="arrays or groups: net, net/layer1, net/layer1/W"):
        write_arrays(tmp_path / "g.h5", arrays, {"layer1": {"a": 1}})


def _old_file(tmp_path):
    path = tmp_path / "data.h5"
    write_arrays(path, {"old": np.arange(5)}, {"/": {"version": 1}})
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("interruption", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_interrupted_write_keeps_old_file_and_leaves_no_temporary(
    tmp_path, monkeypatch, interruption
):
    path, digest = _old_file(tmp_path)
    real_create = h5py.Group.create_dataset
    calls = []

    def failing_create(self, name, *args, **kwargs):
        calls.append(name)
        if len(calls) == 2:  # the first dataset is already written: fail midway
            raise interruption
        return real_create(self, name, *args, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", failing_create)
    big = np.ones((2000, 100))
    with pytest.raises(type(interruption)):
        write_arrays(path, {"a": big, "b": big, "c": big}, compression="gzip")
    monkeypatch.undo()
    assert calls == ["a", "b"]
    assert [p.name for p in tmp_path.iterdir()] == ["data.h5"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    with h5py.File(path, "r") as f:
        assert list(f) == ["old"] and f.attrs["version"] == 1


def test_failure_in_attributes_keeps_old_file(tmp_path):
    path, digest = _old_file(tmp_path)
    with pytest.raises(TypeError):
        write_arrays(path, {"x": np.arange(3)}, {"x": {"bad": object()}})
    assert [p.name for p in tmp_path.iterdir()] == ["data.h5"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_gzip_files_are_byte_for_byte_reproducible(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    labels = np.arange(50) % 10
    first = write_digits(tmp_path / "1.h5", images, labels).read_bytes()
    second = write_digits(tmp_path / "2.h5", images, labels).read_bytes()
    assert first == second


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((3, {"x": [1]}), {}, TypeError, "path must be a non-empty str or path-like, got 3"),
        (("f.h5", [np.zeros(3)]), {}, TypeError, "arrays must be a mapping"),
        (("f.h5", {}), {}, ValueError, "arrays is empty"),
        (("f.h5", {"": [1]}), {}, ValueError, "non-empty str"),
        (("f.h5", {3: [1]}), {}, TypeError, "dataset names must be non-empty str, got 3"),
        (("f.h5", {"x": [1]}, {"x": {"": 1}}), {}, ValueError, "attribute names must be"),
        (("f.h5", {"x": [1]}, {"x": {2: 1}}), {}, TypeError, "attribute names must be"),
        (("f.h5", {"x": [1, "a", None]}), {}, TypeError, "array 'x' is list .*HDF5 holds numbers"),
        (("f.h5", {"x": [1]}, {"y": {"a": 1}}), {}, ValueError, "neither '/'"),
        (("f.h5", {"x": [1]}, {"x": 5}), {}, TypeError, r"attrs\['x'\] must be a mapping"),
        (("f.h5", {"x": [1]}, [1]), {}, TypeError, "attrs must be a mapping or None"),
        (("f.h5", {"x": [1]}), {"chunk_rows": 0}, ValueError, "positive int"),
        (("f.h5", {"x": [1]}), {"chunk_rows": 1, "chunks": (1,)}, ValueError, "not both"),
    ],
)
def test_write_arrays_bad_inputs(tmp_path, monkeypatch, args, kwargs, error, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=message):
        write_arrays(*args, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_write_arrays_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_arrays(tmp_path / "no" / "f.h5", {"x": [1]})


# --------------------------------------------------------------------- digits


def test_write_digits_standard_layout(tmp_path):
    images = np.random.default_rng(1).integers(0, 256, (250, 28, 28), dtype=np.uint8)
    labels = np.arange(250, dtype=np.uint8) % 10
    path = write_digits(tmp_path / "d.h5", images, labels, split="test")
    with h5py.File(path, "r") as f:
        assert f["images"].chunks == (100, 28, 28) and f["images"].compression == "gzip"
        assert f["labels"].dtype == np.int64 and f["labels"].chunks == (100,)
        assert f.attrs["source"] == DIGITS_SOURCE and f.attrs["split"] == "test"
        assert f.attrs["count"] == 250
        assert list(f["images"].attrs["pixel_range"]) == [0, 255]
        assert "digit" in f["labels"].attrs["description"]
        np.testing.assert_array_equal(f["images"][()], images)
        np.testing.assert_array_equal(f["labels"][()], labels)


@pytest.mark.parametrize(
    ("images", "labels", "kwargs", "message"),
    [
        (np.zeros((2, 28, 28)), [0, 1], {}, "uint8"),
        (np.zeros((2, 27, 28), np.uint8), [0, 1], {}, "shape"),
        (np.zeros((2, 28, 28), np.uint8), [0], {}, r"\(2,\), one per image"),
        (np.zeros((2, 28, 28), np.uint8), [0.0, 1.0], {}, "integers"),
        (np.zeros((2, 28, 28), np.uint8), [0, 10], {}, "between 0 and 9"),
        (np.zeros((2, 28, 28), np.uint8), [0, 1], {"compression": "zip"}, 'filter "zip"'),
    ],
)
def test_write_digits_bad_inputs(tmp_path, images, labels, kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        write_digits(tmp_path / "d.h5", images, labels, **kwargs)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------- open and tree


def test_chunk_rows_may_be_a_numpy_integer(tmp_path):
    # the layer sizes and counts read back from a file are numpy integers
    path = write_arrays(tmp_path / "f.h5", {"x": np.zeros((10, 3))}, chunk_rows=np.int64(4))
    with h5py.File(path) as f:
        assert f["x"].chunks == (4, 3)


def test_ctrl_c_during_a_large_gzip_write_keeps_the_old_file(tmp_path):
    # A real SIGINT, sent while h5py compresses: it used to be swallowed inside h5py,
    # the write finished and replaced the old file.
    path, digest = _old_file(tmp_path)
    noisy = np.random.default_rng(0).integers(0, 256, (1200, 28, 28, 28), dtype=np.uint8)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            write_arrays(path, {"x": noisy}, chunk_rows=100, compression="gzip", compression_opts=9)
    finally:
        timer.cancel()
    assert [p.name for p in tmp_path.iterdir()] == ["data.h5"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_temporary_file_left_by_a_killed_writer_is_removed(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".f.h5.{gone.stdout.strip()}.abcd.tmp"
    stale.write_bytes(b"half a file")
    write_arrays(tmp_path / "f.h5", {"x": [1]})
    assert [p.name for p in tmp_path.iterdir()] == ["f.h5"]


# labels: 3 int64 values in 2 chunks of 2 -> 32 bytes on disk
KNOWN_TREE = """\
/ (known.h5)
    @source = 'unit test'
    labels: dataset (3,) int64, chunks (2,), 32 bytes stored
    net/ (group)
        @layers = [784, 10]
        W: dataset (2, 3) float32, contiguous, 24 bytes stored
            @description = 'weights'
            @note = 'x'
        link -> /labels (soft link)
    words: dataset (2,) str (utf-8), contiguous, 32 bytes stored"""


def test_tree_on_a_known_file(tmp_path, capsys):
    path = tmp_path / "known.h5"
    with h5py.File(path, "w") as f:
        f.attrs["source"] = "unit test"
        f.create_dataset("labels", data=np.array([1, 2, 3]), chunks=(2,))
        f.create_dataset("net/W", data=np.zeros((2, 3), np.float32))
        f["net/W"].attrs["description"] = "weights"
        f["net/W"].attrs["note"] = b"x"
        f["net"].attrs["layers"] = [784, 10]
        f["net/link"] = h5py.SoftLink("/labels")
        f["words"] = np.array(["a", "b"], dtype=h5py.string_dtype())
    text = tree(path)
    assert capsys.readouterr().out == text + "\n"
    assert text == KNOWN_TREE
    with h5py.File(path, "r") as f:
        assert tree(f["net"]).splitlines()[0] == "/net (known.h5)"


def test_tree_shows_compression_and_shortens_long_things(tmp_path):
    path = tmp_path / "c.h5"
    attrs = {"x": {"long": "y" * 200, "big": np.arange(100)}}
    write_arrays(
        path,
        {"x": np.zeros((10, 4)), **{f"z{i}": [i] for i in range(5)}},
        attrs,
        chunk_rows=5,
        compression="gzip",
    )
    text = tree(path, max_children=3)
    assert "chunks (5, 4), gzip level 4" in text
    assert "@big = array shape (100,) int64" in text
    assert "'" + "y" * 60 in text and "y" * 100 not in text
    assert text.endswith("... and 3 more")


def test_tree_bad_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"path .*missing\.h5 does not exist"):
        tree(tmp_path / "missing.h5")
    with pytest.raises(TypeError, match="file name or an open h5py.File"):
        tree(42)
    with pytest.raises(ValueError, match="max_children"):
        tree(tmp_path / "missing.h5", max_children=0)


def test_a_truncated_or_corrupt_file_names_itself(tmp_path):
    images = np.zeros((20, 28, 28), np.uint8)
    path = write_digits(tmp_path / "digits.h5", images, np.arange(20) % 10)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # a copy cut off half-way
    with pytest.raises(OSError, match=r"digits\.h5 is not an HDF5 file, or is damaged"):
        tree(path)
    corrupt = tmp_path / "corrupt.h5"
    corrupt.write_bytes(whole[:8] + b"\0" * 200)  # the HDF5 signature, then nothing sane
    with pytest.raises(OSError, match=r"corrupt\.h5 is not an HDF5 file, or is damaged"):
        tree(corrupt)


# --- what h5py refused with messages that named neither the file nor the argument ---------


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"a/b": [1], "a-c": [3], "a": [2]}, "names 'a' and 'a/b' clash: .* the group"),
        ({"a": [1], "/a": [2]}, "names 'a' and '/a' clash: a name cannot be given twice"),
    ],
)
def test_dataset_names_that_clash_are_refused(tmp_path, arrays, message):
    with pytest.raises(ValueError, match=message):
        write_arrays(tmp_path / "x.h5", arrays)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (None, TypeError, "attribute 'note' of 'a' is NoneType"),
        ({"k": 1}, TypeError, "attribute 'note' of 'a' is dict"),
        ("y" * 70_000, ValueError, "has 70,000 bytes; .* store it as a dataset"),
        (np.zeros(9_000), ValueError, "has 72,000 bytes"),
    ],
)
def test_attributes_hdf5_cannot_hold_are_refused_by_name(tmp_path, value, error, message):
    with pytest.raises(error, match=message):
        write_arrays(tmp_path / "x.h5", {"a": [1]}, {"a": {"note": value}})
    assert list(tmp_path.iterdir()) == []
    write_arrays(tmp_path / "x.h5", {"a": [1]}, {"a": {"note": "y" * 60_000}})  # under the limit


def test_a_file_that_is_not_hdf5_is_an_oserror_naming_it(tmp_path):
    text = tmp_path / "notes.h5"
    text.write_text("not HDF5 at all")
    for read in (tree, open_file):
        with pytest.raises(OSError, match=r"notes\.h5 is not an HDF5 file"):
            read(text)
    with pytest.raises(TypeError, match="path must be a non-empty str or path-like, got None"):
        open_file(None)
