"""The digit figures draw exactly the images they are given, titled and labelled."""

import ast
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

from helpers.data import load_sample
from helpers.plotting.digits import class_means, digit_grid, show_class_means, show_digit

NOTEBOOK_03 = Path(__file__).parents[1] / "notebooks" / "03_mnist_digits.ipynb"


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_show_digit_draws_the_image_white_paper_dark_ink_with_labels(sample):
    images, _ = sample
    ax = show_digit(images[1234], title="a 2")
    picture = ax.images[0]
    np.testing.assert_array_equal(picture.get_array(), images[1234])
    assert picture.get_cmap().name == "gray_r" and picture.get_clim() == (0, 255)
    assert ax.get_title() == "a 2" and ax.get_xlabel() == "column" and ax.get_ylabel() == "row"


def test_show_digit_accepts_flat_float_pixels_and_an_axes(sample):
    images, _ = sample
    flat = images[7].reshape(784) / 255
    fig, (left, right) = plt.subplots(1, 2)
    assert show_digit(flat, ax=right) is right and not left.images
    np.testing.assert_array_equal(right.images[0].get_array(), flat.reshape(28, 28))
    assert right.images[0].get_clim() == (0, 1.0) and right.get_title() == "digit"


@pytest.mark.parametrize("shape", [(27, 28), (1, 28, 28), (783,)])
def test_show_digit_rejects_other_shapes(shape):
    with pytest.raises(ValueError, match=r"\(28, 28\) or \(784,\)"):
        show_digit(np.zeros(shape, np.uint8))


def test_digit_grid_shows_the_first_digits_of_each_class(sample):
    images, labels = sample
    fig = digit_grid(images, labels, per_class=4)
    assert len(fig.axes) == 40 and fig.get_suptitle() == "Digits of each class"
    assert fig.get_supylabel() == "class" and fig.get_supxlabel() == "example"
    for k in range(10):
        row = fig.axes[4 * k : 4 * k + 4]
        assert row[0].get_ylabel() == str(k)
        first = np.flatnonzero(labels == k)[:4]
        for ax, index in zip(row, first, strict=True):
            np.testing.assert_array_equal(ax.images[0].get_array(), images[index])
            assert ax.images[0].get_cmap().name == "gray_r"


def test_digit_grid_leaves_missing_digits_blank_and_checks_inputs(sample):
    images, labels = sample
    fig = digit_grid(images[:3], labels[:3], per_class=5)  # three 0s only
    assert len(fig.axes) == 5 and [len(ax.images) for ax in fig.axes] == [1, 1, 1, 0, 0]
    with pytest.raises(ValueError, match="per_class"):
        digit_grid(images, labels, per_class=0)
    with pytest.raises(ValueError, match="one per image"):
        digit_grid(images, labels[:-1])


def test_class_means_are_the_pixelwise_means(sample):
    images, labels = sample
    means = class_means(images, labels)
    assert means.shape == (10, 28, 28)
    np.testing.assert_allclose(means[6], images[labels == 6].mean(axis=0))
    with pytest.raises(ValueError, match="every class"):
        class_means(images[:500], labels[:500])


def test_show_class_means_draws_each_mean(sample):
    images, labels = sample
    fig = show_class_means(images, labels)
    means = class_means(images, labels)
    assert fig.get_suptitle() == "Mean image of each class" and len(fig.axes) == 10
    for k, ax in enumerate(fig.axes):
        np.testing.assert_allclose(ax.images[0].get_array(), means[k])
        assert ax.get_title() == f"class {k}" and ax.images[0].get_clim() == (0, 255)
        assert ax.images[0].get_cmap().name == "gray_r"


def test_notebook_03_draws_with_gray_r_as_its_prose_says():
    """03 says every figure of the notebook draws digits with gray_r: its own imshow calls
    do, and so do the helpers it calls (the tests above)."""
    cells = nbformat.read(NOTEBOOK_03, as_version=4).cells
    calls = [
        node
        for cell in cells
        if cell.cell_type == "code"
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "imshow"
    ]
    assert calls, "notebook 03 has no imshow call left to check"
    cmaps = [next((k.value.value for k in c.keywords if k.arg == "cmap"), None) for c in calls]
    helpers_cmap = show_digit(np.zeros((28, 28), np.uint8)).images[0].get_cmap().name
    assert cmaps == [helpers_cmap] * len(calls) == ["gray_r"] * len(calls), cmaps
    prose = "".join(c.source for c in cells if c.cell_type == "markdown")
    assert "Every figure of this notebook draws digits that way" in prose
