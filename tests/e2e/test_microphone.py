"""Real audio through the real stack: paplay -> PulseAudio -> ALSA -> PortAudio -> Recorder.

DTMF digits are played into the virtual microphone while the recorder records the default
input device; the digits detected in the WAV file on disk must be exactly the ones played.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from desktop_asr.engine.audio import decode_pcm
from desktop_asr.recording.devices import RecordingError, list_input_devices, recording_problem
from desktop_asr.recording.recorder import Recorder
from tests import dtmf
from tests.e2e.conftest import VirtualMicrophone

RATE = 16000


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` (audio arrives in real time) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)  # sleep-ok: polling a condition (audio arrives in real time)


def test_recording_is_available_with_the_virtual_microphone(
    virtual_microphone: VirtualMicrophone,
) -> None:
    sd = virtual_microphone.sounddevice
    assert recording_problem(sd) == ""
    devices = list_input_devices(sd)
    defaults = [d for d in devices if d.is_default]
    assert [d.name for d in defaults] == ["default"]
    assert defaults[0].hostapi == "ALSA"


def test_the_recording_holds_the_digits_played_into_the_microphone(
    virtual_microphone: VirtualMicrophone, tmp_path: Path
) -> None:
    words = ["159", "*0#D"]
    clip = dtmf.write_audio(
        tmp_path / "digits.wav", dtmf.synthesize(" ".join(words), RATE), RATE
    )
    errors: list[str] = []
    recorder = Recorder(virtual_microphone.sounddevice, on_error=errors.append)
    recorder.start(tmp_path / "recording.wav")  # the default input: vmic.monitor
    try:
        wait_until(lambda: recorder.elapsed >= 0.2)  # the stream delivers audio
        player = virtual_microphone.play(clip)
        # The meter sees the tones while they play (they peak at 0.4 of full scale).
        wait_until(lambda: recorder.peak > 0.1)
        _, player_errors = player.communicate(timeout=10)
        assert player.returncode == 0, player_errors
        # Let what is still on its way through the buffers reach the file.
        played_until = recorder.elapsed
        wait_until(lambda: recorder.elapsed >= played_until + 0.5)
    finally:
        recording = recorder.stop()

    assert errors == []
    assert recording.samplerate == RATE
    assert recording.path.stat().st_size == 44 + round(recording.duration_seconds * RATE) * 2
    samples = np.concatenate(list(decode_pcm(recording.path))).astype(np.float32) / 32768
    assert len(samples) == round(recording.duration_seconds * RATE)
    assert dtmf.detect(samples, RATE) == words
    clip_seconds = len(dtmf.synthesize(" ".join(words), RATE)) / RATE
    assert recording.duration_seconds >= clip_seconds
    assert np.abs(samples).max() == pytest.approx(0.4, abs=0.1)


def test_a_missing_microphone_is_named_with_real_portaudio(
    virtual_microphone: VirtualMicrophone, tmp_path: Path
) -> None:
    recorder = Recorder(virtual_microphone.sounddevice)
    with pytest.raises(RecordingError, match="“Blue Yeti” was not found"):
        recorder.start(tmp_path / "recording.wav", device="Blue Yeti")
    assert not (tmp_path / "recording.wav").exists()


def test_an_armed_recorder_keeps_speech_from_before_the_key_press(
    virtual_microphone: VirtualMicrophone, tmp_path: Path
) -> None:
    """Speech that began 300 ms before the key press (the user started talking at once)
    is in the recording: the armed stream's pre-roll covers it."""
    clip = dtmf.write_audio(tmp_path / "speech.wav",
                            dtmf.synthesize("7 8 9", RATE, lead_ms=0, word_gap_ms=300), RATE)
    recorder = Recorder(virtual_microphone.sounddevice, preroll_seconds=0.5)
    recorder.arm()  # what the app does while the dictation keys are active
    try:
        wait_until(lambda: recorder.peak >= 0.0 and recorder.is_armed)
        player = virtual_microphone.play(clip)
        wait_until(lambda: recorder.peak > 0.1)  # the first tone is being heard...
        heard_at = time.monotonic()
        while time.monotonic() - heard_at < 0.3:  # ...for 300 ms before the key press
            time.sleep(0.005)  # sleep-ok: measuring a delay in real time
        recorder.start(tmp_path / "dictation.wav")
        pressed_after = time.monotonic() - heard_at
        assert player.wait(timeout=10) == 0
        stopped_at = recorder.elapsed
        wait_until(lambda: recorder.elapsed >= stopped_at + 0.4)
        recording = recorder.stop()
    finally:
        recorder.disarm()
    samples = np.concatenate(list(decode_pcm(recording.path))).astype(np.float32) / 32768
    assert pressed_after >= 0.3
    assert dtmf.detect(samples, RATE) == ["7", "8", "9"]  # the first word is not cut off
