"""The level meter: a dB scale from -60 to 0 dBFS, zones, and a peak marker that holds for
a second and then falls (time comes from an injected clock, never from sleeping)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from desktop_asr.ui.widgets.level_meter import LevelMeter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def meter(qtbot, clock):
    widget = LevelMeter(clock=clock)
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize(("rms", "fraction"), [
    (1.0, 1.0),        # 0 dBFS: full
    (0.001, 0.0),      # -60 dBFS: empty
    (0.1, 2 / 3),      # -20 dBFS: 40 of the 60 dB
    (0.0, 0.0),        # silence
    (0.0001, 0.0),     # below the scale
    (2.0, 1.0),        # clamped
])
def test_levels_map_onto_the_db_scale(meter, rms, fraction):
    meter.set_level(rms, rms)
    assert meter.level() == pytest.approx(fraction)


def test_the_peak_marker_holds_for_a_second_then_falls(meter, clock):
    meter.set_level(0.1, 1.0)  # a 0 dB peak
    assert meter.held_peak() == pytest.approx(1.0)

    clock.now += 0.9
    meter.set_level(0.01, 0.01)  # quiet now (-40 dB: 1/3)
    assert meter.peak() == pytest.approx(1 / 3)
    assert meter.held_peak() == pytest.approx(1.0)  # still held

    clock.now += 0.6  # 1.5 s after the peak: falling, 0.5 s at 20 dB/s = -10 dB
    assert meter.held_peak() == pytest.approx(50 / 60)

    clock.now += 10  # long gone: down to the current peak, not below
    assert meter.held_peak() == pytest.approx(1 / 3)

    meter.set_level(0.1, 0.1)  # a new, higher peak is held from now
    clock.now += 0.5
    meter.set_level(0.001, 0.001)
    assert meter.held_peak() == pytest.approx(2 / 3)


def test_reset_clears_level_and_marker(meter):
    meter.set_level(0.5, 0.9)
    meter.reset()
    assert (meter.level(), meter.peak(), meter.held_peak()) == (0.0, 0.0, 0.0)


def test_small_size_and_accessible_text(meter):
    hint = meter.sizeHint()
    assert 100 <= hint.width() <= 300
    assert 8 <= hint.height() <= 24
    assert meter.accessibleName()
    assert meter.accessibleDescription()


def _is_colour(pixel: QColor, r: int, g: int, b: int) -> bool:
    return abs(pixel.red() - r) < 30 and abs(pixel.green() - g) < 30 and abs(pixel.blue() - b) < 30


@pytest.mark.parametrize("dark", [False, True])
def test_drawing_lights_the_zones_up_to_the_level(meter, dark):
    palette = meter.palette()
    base = QColor(30, 30, 30) if dark else QColor(255, 255, 255)
    palette.setColor(QPalette.ColorRole.Base, base)
    meter.setPalette(palette)
    meter.resize(304, 14)  # 300 px inside a 2 px frame: 5 px per dB
    y = 7

    meter.set_level(1.0, 1.0)
    image = meter.grab().toImage()
    assert _is_colour(image.pixelColor(2 + 50, y), 46, 170, 80)      # -50 dB: green
    assert _is_colour(image.pixelColor(2 + 250, y), 230, 190, 30)    # -10 dB: yellow
    assert _is_colour(image.pixelColor(2 + 280, y), 220, 50, 40)     # -4 dB: red

    meter.reset()
    meter.set_level(0.1, 0.1)  # -20 dB: lit up to x = 200, faint track beyond
    image = meter.grab().toImage()
    assert _is_colour(image.pixelColor(2 + 150, y), 46, 170, 80)
    beyond = image.pixelColor(2 + 280, y)
    assert not _is_colour(beyond, 220, 50, 40)
    # the faint track is mostly the palette's background
    assert abs(beyond.lightness() - base.lightness()) < 60
