"""The parts the explorers share: the labelled slider and the picture with alt text."""

from helpers.widgets.picture import Picture
from helpers.widgets.slider import IntSlider, Slider


def test_slider_clips_its_value_into_the_range():
    slider = Slider(description="ε", value=0.5, min=0, max=1, step=0.1, decimals=1)
    slider.value = 3
    assert slider.value == 1.0
    slider.max = 0.2
    assert slider.value == 0.2


def test_int_slider_holds_whole_numbers():
    slider = IntSlider(description="index", max=9)
    slider.value = 12
    assert slider.value == 9 and isinstance(slider.value, int)


def test_picture_holds_png_bytes_and_alt_text():
    picture = Picture(value=b"\x89PNG", alt="Figure: nothing")
    assert picture.value == b"\x89PNG" and picture.alt == "Figure: nothing"
