"""The architecture diagram."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.plotting.architecture import draw_mlp  # noqa: E402


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


@pytest.mark.parametrize("sizes", [[784, 200, 100, 10], [4, 3], [10, 8, 6, 4, 2]])
def test_one_box_and_label_per_layer(sizes):
    fig, ax = draw_mlp(sizes)
    assert len(_by_gid(ax, "layer-box")) == len(sizes)
    labels = [t.get_text() for t in _by_gid(ax, "layer-label")]
    assert [label.split("\n")[1] for label in labels] == [f"{s:,}" for s in sizes]
    assert labels[0].startswith("input") and labels[-1].startswith("output")
    acts = [t.get_text() for t in _by_gid(ax, "activation-label")]
    assert acts == ["ReLU"] * (len(sizes) - 2) + ["softmax"]
    assert "-".join(map(str, sizes)) in ax.get_title()
    plt.close(fig)


def test_numpy_integer_sizes_as_read_back_from_a_weight_file():
    # load_mlp(...).metadata and h5py give numpy integers; they used to be refused
    fig, ax = draw_mlp(np.array([784, 200, 100, 10]))
    assert [t.get_text().split("\n")[1] for t in _by_gid(ax, "layer-label")][0] == "784"
    plt.close(fig)


@pytest.mark.parametrize("sizes", [[784], [784, 0, 10], [784, 2.5], "784", [784, True]])
def test_bad_sizes(sizes):
    with pytest.raises((TypeError, ValueError), match="layer_sizes"):
        draw_mlp(sizes)

