"""The MLP: shapes, dtypes, softmax, batch = loop, saving and loading weights."""

import h5py
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.mlp import MLP, load_mlp, relu, save_mlp, softmax


@pytest.fixture(scope="module")
def model():
    return MLP.initialized([784, 20, 15, 10], seed=1)


def test_layer_sizes_and_parameter_count():
    m = MLP.initialized([784, 200, 100, 10])
    assert m.layer_sizes == [784, 200, 100, 10]
    assert m.activations == ["relu", "relu", "softmax"]
    assert m.n_parameters == 178_110
    assert [w.shape for w in m.weights] == [(200, 784), (100, 200), (10, 100)]
    assert all(w.dtype == np.float32 for w in m.weights + m.biases)


def test_relu():
    np.testing.assert_array_equal(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])


@pytest.mark.parametrize("scale", [1.0, 1000.0, -1000.0])
def test_softmax_rows_sum_to_one_and_stay_finite(scale):
    z = scale * np.array([[1.0, 0.0, -1.0], [1.0, 1.0, 1.0], [0.5, -0.3, 1.0]])
    p = softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all(p >= 0)


def test_softmax_of_huge_logits_picks_the_largest():
    p = softmax(np.array([1000.0, -1000.0, 999.0]))
    np.testing.assert_allclose(p, [1 / (1 + np.exp(-1)), 0, np.exp(-1) / (1 + np.exp(-1))])


def test_forward_large_logits_stay_finite():
    m = MLP([np.full((3, 2), 500.0)], [np.array([0.0, 1000.0, -1000.0])])
    p = m.forward(np.ones((4, 2), np.float32))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)


def test_forward_shapes_of_batches_of_rows_and_of_images(model):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
    batch = model.forward(images)
    assert batch.shape == (6, 10) and batch.dtype == np.float32
    np.testing.assert_allclose(batch.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(model.forward(images.reshape(6, 784)), batch)
    one = model.forward(images[2][None])
    assert one.shape == (1, 10)
    np.testing.assert_allclose(one[0], batch[2], rtol=1e-5, atol=1e-7)


def test_uint8_is_scaled_by_255(model):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(4, 784), dtype=np.uint8)
    np.testing.assert_allclose(
        model.forward(images), model.forward(images / 255.0), rtol=1e-5, atol=1e-7
    )


def test_return_hidden(model):
    x = np.random.default_rng(2).random((3, 784))
    probs, hidden = model.forward(x, return_hidden=True)
    assert [h.shape for h in hidden] == [(3, 20), (3, 15)]
    assert all(np.all(h >= 0) for h in hidden)
    np.testing.assert_allclose(probs, model.forward(x))
    one, hidden1 = model.forward(x[:1], return_hidden=True)
    assert one.shape == (1, 10) and [h.shape for h in hidden1] == [(1, 20), (1, 15)]


def test_forward_matches_the_textbook_formula(model):
    x = np.random.default_rng(3).random(784)
    a = x
    for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        z = w.astype(np.float64) @ a + b
        a = np.maximum(z, 0) if i < 2 else softmax(z)
    np.testing.assert_allclose(model.forward(x[None])[0], a, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("block_rows", [None, 7, np.int64(1000), 5000])
def test_blocks_match_the_formula(model, block_rows):
    # block_rows splits the batch; the seams between blocks must not show.
    X = np.random.default_rng(4).integers(0, 256, size=(2 * 1000 + 5, 784), dtype=np.uint8)
    probs, hidden = model.forward(X, return_hidden=True, block_rows=block_rows)
    a = X / 255.0
    for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        z = a @ w.astype(np.float64).T + b
        a = np.maximum(z, 0) if i < 2 else softmax(z)
        if i < 2:
            np.testing.assert_allclose(hidden[i], a, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(probs, a, rtol=1e-4, atol=1e-6)
    assert probs.dtype == np.float32
    assert model.forward(X[:1], block_rows=block_rows).shape == (1, 10)


@pytest.mark.parametrize("block_rows", [0, -1, True, 2.0, "8"])
def test_bad_block_rows(model, block_rows):
    with pytest.raises((TypeError, ValueError), match="block_rows"):
        model.forward(np.zeros((3, 784), np.uint8), block_rows=block_rows)


def test_forward_uses_the_weights_as_they_are_now(model):
    # no cached copies of the weights: an in-place edit shows at once
    m = MLP([w.copy() for w in model.weights], [b.copy() for b in model.biases])
    x = np.random.default_rng(5).integers(0, 256, size=(4, 784), dtype=np.uint8)
    before = m.forward(x)
    m.weights[0] *= 0
    m.biases[-1][:] = np.arange(10)
    np.testing.assert_allclose(m.forward(x), np.tile(softmax(np.arange(10.0)), (4, 1)), rtol=1e-5)
    assert not np.allclose(before, m.forward(x))


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    as_uint8=st.booleans(),
)
def test_batched_forward_equals_per_image_forward(model, n, seed, as_uint8):
    rng = np.random.default_rng(seed)
    if as_uint8:
        X = rng.integers(0, 256, size=(n, 784), dtype=np.uint8)
    else:
        X = rng.random((n, 784), dtype=np.float32)
    batch = model.forward(X)
    loop = np.stack([model.forward(x[None])[0] for x in X])
    np.testing.assert_allclose(batch, loop, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(784,), (28, 28)])
@pytest.mark.parametrize("block_rows", [None, 1])
def test_one_image_is_refused_and_told_to_be_a_batch_of_one(model, shape, block_rows):
    # forward used to guess one image or a batch from the shape; now it takes batches only
    image = np.random.default_rng(6).integers(0, 256, size=shape, dtype=np.uint8)
    message = rf"got shape \({shape[0]},( {shape[-1]})?\); one image is X\[None\]"
    with pytest.raises(ValueError, match=message):
        model.forward(image, block_rows=block_rows)
    with pytest.raises(ValueError, match=message):
        model.forward(image, return_hidden=True, block_rows=block_rows)
    probs, hidden = model.forward(image[None], return_hidden=True, block_rows=block_rows)
    assert probs.shape == (1, 10) and [h.shape for h in hidden] == [(1, 20), (1, 15)]
    batch = np.stack([image, 255 - image])
    np.testing.assert_allclose(probs[0], model.forward(batch)[0], rtol=1e-6)


def test_a_wrong_batch_gets_no_hint_about_one_image(model):
    with pytest.raises(ValueError, match=r"got shape \(2, 785\)$"):
        model.forward(np.zeros((2, 785), np.uint8))


@pytest.mark.parametrize(
    "X, error, message",
    [
        (np.array(["a"] * 784), TypeError, "uint8"),
        (np.zeros(784, complex), TypeError, "uint8"),
        (np.zeros(784, np.int32), TypeError, "uint8"),
        (np.zeros(783), ValueError, r"shape \(783,\)"),
        (np.zeros((2, 785)), ValueError, r"shape \(2, 785\)"),
        (np.zeros((2, 27, 28)), ValueError, "height"),
        (np.zeros((0, 784), np.uint8), ValueError, "empty"),
        # floats in 0-255 used to be taken as [0, 1]: saturated, wrong probabilities
        (np.full((2, 784), 200.0), ValueError, r"\[0, 1\].*divide uint8 pixels by 255"),
        (np.full(784, -0.5, np.float32), ValueError, r"\[0, 1\]"),
        # NaN pixels used to give NaN probabilities and class 0
        (np.full((2, 784), np.nan), ValueError, "NaN"),
    ],
)
def test_bad_inputs_are_rejected(model, X, error, message):
    with pytest.raises(error, match=message):
        model.forward(X)
    with pytest.raises(error, match=message):
        model.forward(X, block_rows=2)


@pytest.mark.parametrize("sizes", [[784], [784, 0, 10], [784, 2.5, 10], [], [784, True]])
def test_bad_layer_sizes(sizes):
    with pytest.raises((TypeError, ValueError), match="layer_sizes"):
        MLP.initialized(sizes)


def test_layer_sizes_may_be_numpy_integers():
    assert MLP.initialized(np.array([4, 3, 2])).layer_sizes == [4, 3, 2]


def test_weights_that_do_not_chain_are_rejected():
    with pytest.raises(ValueError, match="do not chain"):
        MLP([np.zeros((5, 4)), np.zeros((3, 6))], [np.zeros(5), np.zeros(3)])
    with pytest.raises(ValueError, match="b1"):
        MLP([np.zeros((5, 4))], [np.zeros(4)])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_weights_that_are_not_finite_are_rejected(bad):
    weights, biases = [np.zeros((5, 4)), np.zeros((3, 5))], [np.zeros(5), np.zeros(3)]
    biases[1][2] = bad  # a diverged training run: every prediction would be class 0
    with pytest.raises(ValueError, match="W2 or b2 holds NaN or inf"):
        MLP(weights, biases)


def test_save_load_round_trip(tmp_path, model):
    path = save_mlp(tmp_path / "m.h5", model, trained_on="nothing", test_accuracy=0.5)
    loaded = load_mlp(path)
    assert loaded.layer_sizes == model.layer_sizes
    for a, b in zip(loaded.weights + loaded.biases, model.weights + model.biases, strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.metadata["trained_on"] == "nothing"
    assert loaded.metadata["test_accuracy"] == 0.5
    assert loaded.metadata["layer_sizes"] == [784, 20, 15, 10]
    assert loaded.metadata["activations"] == ["relu", "relu", "softmax"]
    assert "created" in loaded.metadata and "input_scaling" in loaded.metadata
    with h5py.File(path) as f:
        assert f["W1"].dtype == np.float32 and f["b3"].shape == (10,)
    x = np.random.default_rng(0).integers(0, 256, (3, 784), dtype=np.uint8)
    np.testing.assert_array_equal(loaded.forward(x), model.forward(x))
    assert not list(tmp_path.glob(".*tmp")), "temporary file left behind"


@pytest.fixture
def saved(tmp_path, model):
    return save_mlp(tmp_path / "m.h5", model)


def test_missing_dataset_is_named(saved):
    with h5py.File(saved, "a") as f:
        del f["b2"]
    with pytest.raises(OSError, match="weights file: missing 'b2'"):
        load_mlp(saved)


def test_shapes_that_do_not_chain_are_named(saved):
    with h5py.File(saved, "a") as f:
        del f["W2"]
        f["W2"] = np.zeros((15, 19), np.float32)
    with pytest.raises(OSError, match="W2.*do not chain|do not chain.*W2"):
        load_mlp(saved)


def test_layer_sizes_attribute_must_match(saved):
    with h5py.File(saved, "a") as f:
        f.attrs["layer_sizes"] = [784, 20, 16, 10]
    with pytest.raises(OSError, match="layer_sizes"):
        load_mlp(saved)


def test_truncated_file_is_rejected(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match="truncated|HDF5"):
        load_mlp(saved)


def test_not_hdf5_is_rejected(tmp_path):
    path = tmp_path / "weights.h5"
    path.write_text("these are not weights")
    with pytest.raises(OSError, match="not an HDF5 file"):
        load_mlp(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.h5"):
        load_mlp(tmp_path / "nope.h5")
    with pytest.raises(TypeError, match="path"):
        load_mlp(None)


def test_save_needs_a_model(tmp_path):
    with pytest.raises(TypeError, match="MLP"):
        save_mlp(tmp_path / "m.h5", {"W1": np.zeros((2, 2))})


@pytest.mark.parametrize("key", ["layer_sizes", "activations", "input_scaling", "created"])
def test_save_refuses_reserved_metadata(tmp_path, model, key):
    # these used to overwrite the attributes save_mlp writes, giving a file that lies
    with pytest.raises(ValueError, match=f"may not set {key}"):
        save_mlp(tmp_path / "m.h5", model, **{key: [1, 2]})
    assert not list(tmp_path.iterdir())


def test_load_checks_the_stored_activations(saved):
    with h5py.File(saved, "a") as f:
        f.attrs["activations"] = ["tanh", "tanh", "softmax"]
    with pytest.raises(OSError, match="activations are.*tanh"):
        load_mlp(saved)


@pytest.mark.parametrize("return_hidden", [False, True])
def test_blocked_forward_equals_the_plain_forward(model, return_hidden):
    X = np.random.default_rng(7).integers(0, 256, size=(1003, 28, 28), dtype=np.uint8)
    plain = model.forward(X, return_hidden=return_hidden)
    blocked = model.forward(X, return_hidden=return_hidden, block_rows=100)
    if return_hidden:
        (plain, plain_hidden), (blocked, blocked_hidden) = plain, blocked
        for a, b in zip(plain_hidden, blocked_hidden, strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)  # float32 sums
    assert blocked.shape == (1003, 10) and blocked.dtype == np.float32
    np.testing.assert_allclose(blocked, plain, rtol=1e-6, atol=1e-7)


def test_blocked_forward_holds_one_block_not_the_whole_batch(model):
    # the (N, 10) result is allocated once; each block's activations are freed after it
    import tracemalloc

    X = np.random.default_rng(8).integers(0, 256, size=(5000, 784), dtype=np.uint8)
    tracemalloc.start()
    model.forward(X, block_rows=100)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output = 4 * 10 * len(X)
    one_block = 4 * 100 * sum(model.layer_sizes)
    assert peak < output + 2 * one_block, (peak, output, one_block)  # list + concatenate: 1.25 MB


def test_complex_or_ragged_input_is_refused_not_truncated():
    """Complex weights lost their imaginary part with only a ComplexWarning."""
    with pytest.raises(TypeError, match="W1 must hold real numbers, got dtype complex128"):
        MLP([np.ones((10, 784)) * 1j], [np.zeros(10)])
    with pytest.raises(TypeError, match="b1 must hold real numbers"):
        MLP([np.ones((10, 784))], [np.zeros(10, complex)])
    model = MLP.initialized([784, 10], seed=0)
    with pytest.raises(TypeError, match="X must be uint8 .* got complex128"):
        model.forward(np.zeros((2, 784), complex))
    with pytest.raises(TypeError, match="X must be a rectangular array of pixels"):
        model.forward([[0.5] * 784, [0.5] * 783])


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_whole_batch_peak_is_the_first_layer(dtype):
    # forward's docstring and notebook 05: 4 * (n_inputs + 2 * size_1) * N bytes, the
    # float32 input copy (none for float32 input), the first product and its sum with b1
    import tracemalloc

    model = MLP.initialized([30, 20, 6, 3])
    rng = np.random.default_rng(9)
    X = rng.integers(0, 256, size=(20_000, 30)).astype(dtype)
    if dtype == np.float32:
        X /= 255
    tracemalloc.start()
    model.forward(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    copy = 30 if dtype == np.uint8 else 0
    expected = 4 * (copy + 2 * 20) * len(X)
    assert expected <= peak < 1.05 * expected, (peak, expected)
