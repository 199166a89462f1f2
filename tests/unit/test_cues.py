"""The start/stop sounds: a rising chime to start, a falling one to stop, played without
waiting; a machine that cannot play sound says so in words."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_asr.recording.cues import RATE, START, STOP, cue, play_cue
from desktop_asr.recording.devices import RecordingError


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(samples.size, 1 / RATE)[np.argmax(spectrum)])


def test_start_rises_and_stop_falls_softly():
    start, stop = cue(START), cue(STOP)
    half = start.size // 2
    assert dominant_hz(start[:half]) == pytest.approx(660, abs=15)
    assert dominant_hz(start[half:]) == pytest.approx(880, abs=15)
    assert dominant_hz(stop[:half]) == pytest.approx(880, abs=15)
    assert dominant_hz(stop[half:]) == pytest.approx(660, abs=15)
    assert 0.15 <= start.size / RATE <= 0.25
    assert np.abs(start).max() <= 0.16  # quiet
    assert abs(start[0]) < 1e-3  # no click at the edges
    assert abs(start[-1]) < 1e-3


class FakePlayer:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[np.ndarray, int, bool]] = []
        self.error = error

    def play(self, data, rate, blocking=True):
        if self.error is not None:
            raise self.error
        self.calls.append((data, rate, blocking))


def test_play_cue_does_not_wait():
    player = FakePlayer()
    play_cue(STOP, sd=player)
    ((data, rate, blocking),) = player.calls
    assert rate == RATE
    assert blocking is False
    np.testing.assert_array_equal(data, cue(STOP))


def test_no_output_device_is_said_in_words():
    with pytest.raises(RecordingError, match="The sound could not be played: "
                                            "Error querying device -1"):
        play_cue(START, sd=FakePlayer(RuntimeError("Error querying device -1")))
