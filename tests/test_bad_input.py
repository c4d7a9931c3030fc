"""Bad input found by the adversarial pass of issue 24: each gets a clear error, never a
wrong answer, a library's message or a lost file."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.atomic import atomic_path
from helpers.backprop import gradients
from helpers.covariance import covariance_matrix
from helpers.data import load_sample
from helpers.h5 import write_arrays
from helpers.mlp import MLP, relu, save_mlp, softmax
from helpers.plotting.digits import digit_grid
from helpers.predictions import read_predictions
from helpers.training import accuracy, train
from helpers.validation import check_number


@pytest.fixture(scope="module")
def digits():
    images, labels = load_sample()
    return images[:40], labels[:40]


@pytest.mark.parametrize("function", [relu, softmax])
@pytest.mark.parametrize(
    "z",
    [np.ones((2, 3)) * (1 + 1j), np.array(["a", "b"]), np.array([object()])],
    ids=["complex", "text", "objects"],
)
def test_relu_and_softmax_refuse_what_is_not_real(function, z):
    with pytest.raises(TypeError, match="real numbers"):
        function(z)


def test_softmax_refuses_nothing_and_keeps_float32():
    with pytest.raises(ValueError, match="at least one value"):
        softmax(np.zeros((0, 3)))
    assert softmax(np.ones((2, 3), np.float32)).dtype == np.float32
    np.testing.assert_allclose(softmax(np.array([[True, False]])), softmax([[1.0, 0.0]]))


@pytest.mark.parametrize("model", [None, "model", 3], ids=["None", "text", "number"])
def test_gradients_and_training_need_an_mlp(digits, model):
    images, labels = digits
    for call in (
        lambda: gradients(model, images, labels),
        lambda: accuracy(model, images, labels),
        lambda: train(model, images, labels, epochs=1, progress=False),
    ):
        with pytest.raises(TypeError, match="model must be an MLP"):
            call()


def test_train_refuses_absurd_epochs_and_a_progress_that_is_not_a_bool(digits):
    images, labels = digits
    model = MLP.initialized([784, 4, 10])
    with pytest.raises(ValueError, match="epochs must be at most"):
        train(model, images, labels, epochs=10**400, progress=False)
    with pytest.raises(TypeError, match="progress must be True or False"):
        train(model, images, labels, epochs=1, progress="no")


def test_digit_grid_refuses_a_huge_row(digits):
    with pytest.raises(ValueError, match="per_class must be at most 100"):
        digit_grid(*digits, per_class=10**12)


def test_read_predictions_names_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\x89HDF\r\n\x1a\n\xff\xfe")
    with pytest.raises(OSError, match="p.jsonl is not a JSON Lines text file"):
        read_predictions(path)


def test_numbers_beyond_float_are_a_clear_error():
    with pytest.raises(ValueError, match="lr must be finite, got an integer of"):
        check_number(10**400, "lr")
    for sigmas in ((1e300, 1.0), (1.0, 1e-200)):
        with pytest.raises(ValueError, match="a standard deviation"):
            covariance_matrix(0.5, *sigmas)


def test_odd_paths_are_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="NUL character"):
        write_arrays("a\0b.h5", {"x": np.arange(3)})
    with pytest.raises(TypeError, match="non-empty"):
        save_mlp("", MLP.initialized([4, 2]))
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        with atomic_path(tmp_path / "folder") as tmp:
            tmp.write_text("data")
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]
    assert not list((tmp_path / "folder").iterdir())


@pytest.mark.parametrize("where", ["missing.jsonl", "."])
def test_read_predictions_names_a_missing_file_or_a_folder(tmp_path, where):
    with pytest.raises(FileNotFoundError, match="path"):
        read_predictions(tmp_path / where)


def test_cross_entropy_refuses_one_hot_integer_rows():
    from helpers.backprop import cross_entropy

    one_hot = np.eye(10, dtype=np.int64)[[3, 1]]
    with pytest.raises(TypeError, match="floating-point probabilities .* class indices"):
        cross_entropy(one_hot, np.array([3, 1]))
    assert cross_entropy(one_hot.astype(np.float64), np.array([3, 1])) == 0.0


def test_adam_stops_at_a_nan_gradient_with_the_step_and_a_hint():
    from helpers.training import Adam

    p = np.array([1.0, 2.0], np.float32)
    optimizer = Adam([p], lr=0.1)
    optimizer.step([np.array([0.5, 0.5], np.float32)])
    before = p.copy()
    with pytest.raises(FloatingPointError, match=r"step 2: a gradient holds NaN .* learning rate"):
        optimizer.step([np.array([np.nan, 0.5], np.float32)])
    assert np.array_equal(p, before) and optimizer.t == 1  # nothing moved, nothing counted
