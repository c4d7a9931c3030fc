"""Drive the collection's explorers in a page and check that what is shown follows the controls.

The explorers follow the CSS-class conventions of the brief: the digit explorer
(``digit-explorer``, ``-readout``, ``-image``, ``-prediction``, ``-probabilities``)
and the covariance explorer (``covariance-explorer``, ``-readout``, ``-image``).
"""

from __future__ import annotations

import re
import time

import numpy as np
from browser_steps import (
    choose,
    image_digest,
    named_slider,
    press,
    shown_text,
    wait_for_new_text,
)
from playwright.sync_api import Locator, expect

_NUMBER = r"([-+]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?)"


def number_after(text: str, name: str) -> float:
    """The number written after ``name`` in ``text`` ("cond before 1.2e+03" -> 1200.0)."""
    found = re.search(re.escape(name) + r"\D{0,12}?" + _NUMBER, text)
    assert found, f"no number after {name!r} in {text!r}"
    return float(found.group(1).replace(",", ""))


def digit_shown(readout: Locator) -> tuple[int, int]:
    """(index, label) of the digit the explorer's read-out names."""
    text = shown_text(readout)
    return int(number_after(text, "index")), int(number_after(text, "label"))


def expect_digit(readout: Locator, index: int, label: int) -> None:
    """Wait until the read-out names digit ``index`` with ``label``."""
    pattern = rf"\bindex {index}\b.*\blabel {label}\b"
    expect(readout).to_have_text(re.compile(pattern, re.DOTALL))


def drive_digit_explorer(explorer: Locator, labels: np.ndarray | None = None) -> None:
    """Step the index slider with the keyboard and choose a class; check read-out and image.

    With ``labels`` (the labels of the digits the explorer shows), each label
    shown must be ``labels[index]``.
    """
    readout = explorer.locator(".digit-explorer-readout")
    image = explorer.locator(".digit-explorer-image")
    handle = named_slider(explorer, "index")
    expect(readout).to_contain_text("index")
    index, label = digit_shown(readout)
    first_image = image_digest(image)

    press(handle, "ArrowRight")
    next_label = label if labels is None else int(labels[index + 1])
    expect_digit(readout, index + 1, next_label)
    assert image_digest(image) != first_image, "the image did not change with the index"
    press(handle, "ArrowLeft")
    expect_digit(readout, index, label)
    assert image_digest(image) == first_image, "back at the first digit, its image differs"

    other = 3 if label != 3 else 7
    choose(explorer, "class", str(other))
    expect(readout).to_contain_text(re.compile(rf"\blabel {other}\b"))
    in_class, _ = digit_shown(readout)
    assert labels is None or int(labels[in_class]) == other, f"digit {in_class} is not a {other}"
    assert image_digest(image) != first_image, "the image did not change with the class"
    press(handle, "ArrowRight")
    expect(readout).not_to_contain_text(re.compile(rf"\bindex {in_class}\b"))
    stepped, shown_label = digit_shown(readout)
    assert stepped > in_class and shown_label == other, (
        f"after index {in_class}, ArrowRight within class {other} showed index {stepped} "
        f"with label {shown_label}"
    )


def _probabilities(text: str) -> dict[int, float]:
    return {int(k): float(p) for k, p in re.findall(r"\b(\d):\s*([01]\.\d+)", text)}


def prediction_shown(prediction: Locator) -> tuple[int, dict[int, float]]:
    """(predicted class, {class: probability}) read from the explorer's prediction text."""
    text = shown_text(prediction)
    predicted = int(number_after(text, "predicted"))
    probabilities = _probabilities(text.split("probabilities", 1)[-1])
    assert sorted(probabilities) == list(range(10)), f"not 10 class probabilities: {text!r}"
    assert abs(sum(probabilities.values()) - 1) < 0.01, f"probabilities do not sum to 1: {text!r}"
    best = max(probabilities, key=probabilities.get)
    assert probabilities[predicted] == probabilities[best], f"predicted is not the argmax: {text!r}"
    return predicted, probabilities


def drive_prediction(explorer: Locator) -> None:
    """Choose digits of other classes: the probabilities, their chart and the prediction follow."""
    prediction = explorer.locator(".digit-explorer-prediction")
    chart = explorer.locator(".digit-explorer-probabilities")
    readout = explorer.locator(".digit-explorer-readout")
    expect(prediction).to_contain_text("predicted")
    text = shown_text(prediction)
    predictions = {prediction_shown(prediction)[0]}
    charts = {image_digest(chart)}
    _, label = digit_shown(readout)
    others = [digit for digit in ("3", "7", "1") if digit != str(label)][:2]
    for digit in others:  # classes the digit shown is not in: choosing one shows another digit
        choose(explorer, "class", digit)
        expect(readout).to_contain_text(re.compile(rf"\blabel {digit}\b"))
        text = wait_for_new_text(prediction, text)
        predictions.add(prediction_shown(prediction)[0])
        charts.add(image_digest(chart))
    assert len(charts) == 3, "the probability chart did not change with the digit"
    assert len(predictions) > 1, f"the predicted class never changed: {predictions}"


def drive_covariance_explorer(explorer: Locator) -> float:
    """Move the correlation and the regularization sliders; the condition numbers follow.

    Returns the seconds from the key press to the new read-out, for the last step
    (what the audience waits; printed by the tests, never asserted).
    """
    readout = explorer.locator(".covariance-explorer-readout")
    image = explorer.locator(".covariance-explorer-image")
    expect(readout).to_contain_text("cond after")

    def conditions() -> tuple[float, float]:
        text = shown_text(readout)
        return number_after(text, "cond before"), number_after(text, "cond after")

    text, (before, after) = shown_text(readout), conditions()
    first_image = image_digest(image)
    natural, shown = image.locator("img").evaluate(
        "img => [img.naturalWidth, img.getBoundingClientRect().width]"
    )
    assert abs(natural - shown) <= 1, f"the figure is {natural} px wide but shown {shown} px wide"
    correlation = named_slider(explorer, "correlation")
    at_max = float(correlation.input_value()) >= float(correlation.get_attribute("max"))
    press(correlation, "ArrowLeft" if at_max else "ArrowRight")  # one step: one update
    text = wait_for_new_text(readout, text)
    assert conditions()[0] != before, f"cond before did not change with the correlation: {text}"
    assert image_digest(image) != first_image, "the figure did not change with the correlation"

    before, after = conditions()
    started = time.perf_counter()
    press(named_slider(explorer, "log10 ε"), "ArrowRight")
    text = wait_for_new_text(readout, text)
    seconds = time.perf_counter() - started
    new_before, new_after = conditions()
    assert new_before == before, f"regularization changed the condition number before it: {text}"
    assert new_after < after, f"a larger ε did not lower cond after: {after} -> {new_after}"
    return seconds


#: Strokes on the drawing canvas, as fractions of its width and height.
VERTICAL_BAR = [[(0.5, 0.15), (0.5, 0.85)]]
SEVEN = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]]


def draw(widget: Locator, strokes: list) -> None:
    """Draw ``strokes`` on the widget's canvas with the mouse; wait for each stroke's answer."""
    box = widget.locator(".draw-digit-canvas").bounding_box()
    mouse = widget.page.mouse
    for stroke in strokes:
        widget.evaluate("el => { delete el.dataset.latencyMs; }")
        points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke]
        mouse.move(*points[0])
        mouse.down()
        for point in points[1:]:
            mouse.move(*point, steps=12)
        mouse.up()
        expect(widget).to_have_attribute("data-latency-ms", re.compile(r"^\d"))


def pixels_shown(widget: Locator) -> np.ndarray:
    """The 28 x 28 digit the widget shows, read back from its canvas.

    The canvas draws ink dark on white (gray_r), so the digit is 255 minus the red channel.
    """
    values = widget.locator(".draw-digit-pixels").evaluate(
        """c => Array.from(c.getContext('2d').getImageData(0, 0, 28, 28).data)
                   .filter((_, i) => i % 4 === 0)"""
    )
    return 255 - np.array(values, dtype=np.uint8).reshape(28, 28)


def centre_of_mass(digit: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass."""
    weights = digit.astype(float)
    index = np.arange(28)
    total = weights.sum()
    return weights.sum(axis=1) @ index / total, weights.sum(axis=0) @ index / total


def check_drawn_digit(widget: Locator, model, expected: int) -> float:
    """The prediction shown is the model's on the digit shown, centred as MNIST's are.

    Returns the time from the end of the last stroke to the answer on screen, in ms.
    """
    digit = pixels_shown(widget)
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    assert rows.size, "the widget shows an empty digit after drawing"
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert max(height, width) == 20, f"the ink is {height} x {width} pixels, not fitted to 20"
    row, col = centre_of_mass(digit)
    assert abs(row - 14) <= 1 and abs(col - 14) <= 1, f"centre of mass at ({row:.2f}, {col:.2f})"
    probabilities = np.asarray(model.forward(digit[None]), dtype=float).reshape(10)
    text = shown_text(widget.locator(".draw-digit-prediction"))
    shown = int(number_after(text, "Prediction"))
    assert shown == int(np.argmax(probabilities)), f"shown {text!r}, model says {probabilities}"
    assert shown == expected, f"the network read the drawing as {shown}, not {expected}"
    bars = _probabilities(shown_text(widget.locator(".draw-digit-probabilities")))
    assert sorted(bars) == list(range(10)), f"not 10 probabilities shown: {bars}"
    assert np.allclose([bars[k] for k in range(10)], probabilities, atol=6e-4)
    return float(widget.get_attribute("data-latency-ms"))


def drive_draw_digit(widget: Locator, model) -> list[float]:
    """Draw a vertical bar, then a 7 after Clear; check each answer; return the latencies."""
    widget.locator(".draw-digit-clear").click()
    expect(widget.locator(".draw-digit-prediction")).to_have_text("Draw a digit")
    assert not pixels_shown(widget).any(), "Clear left ink in the digit"
    draw(widget, VERTICAL_BAR)
    latencies = [check_drawn_digit(widget, model, expected=1)]
    widget.locator(".draw-digit-clear").click()
    expect(widget.locator(".draw-digit-prediction")).to_have_text("Draw a digit")
    draw(widget, SEVEN)
    latencies.append(check_drawn_digit(widget, model, expected=7))
    return latencies
