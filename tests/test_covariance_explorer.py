"""The covariance explorer widget, driven from Python as the browser would."""

import re

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.text import Text

from helpers.covariance import condition_number, covariance_matrix, regularize
from helpers.plotting.ellipses import covariance_ellipse, ellipse_geometry
from helpers.widgets._parts import Picture
from helpers.widgets.covariance_explorer import covariance_explorer


def parts(container):
    sliders = {s.description: s for s in container.children[0].children}
    (readout,) = [w for w in container.children if "covariance-explorer-readout" in w._dom_classes]
    (image,) = [w for w in container.children if "covariance-explorer-image" in w._dom_classes]
    return sliders, readout, image


def conds(readout):
    text = re.sub(r"<[^>]+>", " ", readout.value)  # a line break is a space
    before = re.search(r"cond before\s+= (\S+)", text).group(1)
    after = re.search(r"cond after\s+= (\S+)", text).group(1)
    return float(before), float(after)


def test_container_classes_and_slider_names():
    container = covariance_explorer()
    assert isinstance(container, widgets.VBox)
    assert "covariance-explorer" in container._dom_classes
    sliders, readout, image = parts(container)
    assert list(sliders) == ["correlation", "σ₁", "σ₂", "log10 ε"]
    assert isinstance(readout, widgets.HTML) and isinstance(image, Picture)
    assert image.alt.startswith("Figure: the 2-σ ellipses")
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_readout_and_image_follow_the_sliders():
    container = covariance_explorer(correlation=0.5, sigma1=1.0, sigma2=1.0, log10_eps=-2.0)
    sliders, readout, image = parts(container)
    assert conds(readout) == pytest.approx((3.0, 1.51 / 0.51), rel=1e-5)
    old_text, old_png = readout.value, image.value

    sliders["correlation"].value = 0.999
    sliders["σ₁"].value = 2.0
    sliders["σ₂"].value = 0.5
    sliders["log10 ε"].value = -3.0
    assert readout.value != old_text and image.value != old_png
    cov = covariance_matrix(0.999, 2.0, 0.5)
    expected = (condition_number(cov), condition_number(regularize(cov, 1e-3)))
    assert conds(readout) == pytest.approx(expected, rel=1e-5)
    eigenvalues = np.linalg.eigvalsh(cov)
    assert f"{eigenvalues[0]:.6g}" in readout.value and f"{eigenvalues[1]:.6g}" in readout.value


def test_singular_matrix_shows_inf_before_and_finite_after():
    container = covariance_explorer()
    sliders, readout, _ = parts(container)
    sliders["correlation"].value = 1.0
    before, after = conds(readout)
    assert before == np.inf and np.isfinite(after)
    assert after == pytest.approx(condition_number(regularize(covariance_matrix(1, 1, 1), 1e-2)))


def test_epsilon_only_moves_cond_after():
    container = covariance_explorer(correlation=0.9)
    sliders, readout, _ = parts(container)
    first = conds(readout)
    sliders["log10 ε"].value = 0.0
    second = conds(readout)
    assert second[0] == first[0] and second[1] < first[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [((1.5, 1.0, 1.0), "correlation"), ((0.5, 0.0, 1.0), "sigma1")],
)
def test_covariance_matrix_validates(args, message):
    with pytest.raises(ValueError, match=message):
        covariance_matrix(*args)


def test_ellipse_geometry_axes_are_the_standard_deviations():
    width, height, angle = ellipse_geometry(np.diag([4.0, 1.0]), n_std=2)
    assert (width, height) == pytest.approx((8.0, 4.0)) and angle % 180 == pytest.approx(0.0)
    width, height, angle = ellipse_geometry(covariance_matrix(0.9, 1, 1), n_std=1)
    assert (width, height) == pytest.approx((2 * np.sqrt(1.9), 2 * np.sqrt(0.1)))
    assert angle % 180 == pytest.approx(45.0)


def test_a_matrix_with_a_negative_eigenvalue_has_no_ellipse():
    with pytest.raises(ValueError, match="negative eigenvalue"):
        ellipse_geometry(np.array([[1.0, 2.0], [2.0, 1.0]]))  # eigenvalues 3 and -1
    width, height, _ = ellipse_geometry(np.ones((2, 2)))  # singular: rounding, not negative
    assert width == pytest.approx(4 * np.sqrt(2)) and height == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize(
    ("option", "value"),
    [("correlation", 2), ("sigma1", 0), ("sigma2", 5), ("log10_eps", -20), ("correlation", True)],
)
def test_explorer_refuses_starting_values_its_sliders_cannot_show(option, value):
    with pytest.raises((ValueError, TypeError), match=option):
        covariance_explorer(**{option: value})


def test_covariance_ellipse_adds_a_patch():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    patch = covariance_ellipse(ax, np.eye(2), mean=(1, 2), edgecolor="red")
    assert patch in ax.patches and patch.center == (1.0, 2.0) and not patch.fill
    with pytest.raises(ValueError, match="2x2"):
        covariance_ellipse(ax, np.eye(3))


def test_projector_figure_fits_683_px_with_16_px_text():
    explorer = covariance_explorer(correlation=-1.0, log10_eps=-8.0, projector=True)
    figure = explorer._figure
    assert explorer.image.text_px >= 16 and figure.pixels.shape[:2] == (300, 640)
    renderer = figure.canvas.get_renderer()
    inside = figure.figure.bbox.padded(1)
    for text in figure.figure.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            corners = text.get_window_extent(renderer).corners()
            assert all(inside.contains(*corner) for corner in corners), text.get_text()
    assert len(explorer.children[0].children) == 4  # the sliders, two by two
    assert covariance_explorer()._figure.pixels.shape[:2] == (340, 750)  # notebook 01's
