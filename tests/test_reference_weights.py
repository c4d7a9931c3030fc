"""The committed reference weights: complete, documented, and as accurate as promised."""

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers.data import load_mnist, load_sample
from helpers.mlp import load_mlp
from helpers.paths import REFERENCE_WEIGHTS
from helpers.training import accuracy

ROOT = Path(__file__).parents[1]
NOTEBOOK_05 = ROOT / "notebooks" / "05_batched_forward_pass.ipynb"


@pytest.fixture(scope="module")
def model():
    return load_mlp(REFERENCE_WEIGHTS)


def test_reference_weights_are_complete(model):
    assert model.layer_sizes == [784, 200, 100, 10]
    assert model.n_parameters == 178_110
    assert REFERENCE_WEIGHTS.stat().st_size < 1_000_000
    for key in ["trained_on", "training", "command", "test_accuracy", "created", "input_scaling"]:
        assert key in model.metadata, f"attribute {key} missing from the weight file"
    assert "minus the 5,000" in model.metadata["trained_on"]


def test_the_recorded_command_runs_the_script_that_exists(model):
    words = model.metadata["command"].split()
    assert words[:3] == ["python", "-m", "tools.train"], model.metadata["command"]
    assert importlib.util.find_spec(words[2]) is not None, f"no module {words[2]}"
    out = words[words.index("--out") + 1]
    assert (ROOT / out).resolve() == REFERENCE_WEIGHTS.resolve(), f"--out {out} is elsewhere"


def test_sample_accuracy_matches_the_file(model):
    images, labels = load_sample()
    assert accuracy(model, images, labels) == pytest.approx(model.metadata["sample_accuracy"])


def test_notebook_05_reports_the_models_sample_accuracy(model):
    images, labels = load_sample()
    correct = int(np.sum(model.forward(images).argmax(axis=1) == labels))
    cells = json.loads(NOTEBOOK_05.read_text(encoding="utf-8"))["cells"]
    text = "".join(
        "".join(out.get("text", ""))
        for cell in cells
        if cell["cell_type"] == "code"
        for out in cell["outputs"]
    )
    match = re.search(r"accuracy on the sample: (\d+) of 5000 = ([\d.]+)%", text)
    assert match, "notebook 05 no longer prints its sample accuracy"
    assert int(match.group(1)) == correct
    assert float(match.group(2)) == pytest.approx(100 * correct / 5000, abs=0.005)


@pytest.mark.real_mnist
def test_reference_weights_reach_98_2_percent_on_the_official_test_set(model, mnist_data_dir):
    images, labels = load_mnist("test", mnist_data_dir, mirrors=[])
    measured = accuracy(model, images, labels)
    assert measured >= 0.982
    assert measured == pytest.approx(model.metadata["test_accuracy"])


def test_the_dead_units_of_notebook_04_are_dead_for_every_image(model):
    # Notebook 04's model answer: bound each layer's input over all pixels in [0, 1]
    # (layer 2 reads a1, which is not bounded by 1), and the dead units stay below 0.
    images, _ = load_sample()
    _, (hidden1, hidden2) = model.forward(images, return_hidden=True)
    (W1, W2, _), (b1, b2, _) = model.weights, model.biases
    dead1 = np.flatnonzero(hidden1.max(axis=0) == 0)
    dead2 = np.flatnonzero(hidden2.max(axis=0) == 0)
    assert len(dead1) and len(dead2) and hidden1.max() > 1
    assert (np.maximum(W1[dead1], 0).sum(axis=1) + b1[dead1] < 0).all()
    u = np.maximum(np.maximum(W1, 0).sum(axis=1) + b1, 0)
    assert (np.maximum(W2[dead2], 0) @ u + b2[dead2] < 0).all()
