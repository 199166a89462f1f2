"""Input devices, choosing one by name, and saying why recording cannot work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from desktop_asr.recording.devices import (
    InputDevice,
    RecordingError,
    default_input_device,
    find_device,
    list_input_devices,
    recording_problem,
)
from tests.unit.test_recorder import FakeSoundDevice, device

REPO = Path(__file__).resolve().parents[2]
RECORDING = REPO / "desktop_asr" / "recording"

PORTAUDIO_MISSING = (
    "Recording is unavailable: the PortAudio library is missing (on Debian/Ubuntu: apt "
    "install libportaudio2). Transcribing files still works."
)


def test_lists_input_devices_only_with_the_default_marked() -> None:
    fake = FakeSoundDevice()
    assert list_input_devices(fake) == [
        InputDevice(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 2, 44100.0, False, "ALSA"),
        InputDevice(1, "default", 32, 44100.0, True, "ALSA"),
        InputDevice(2, "USB Microphone: Audio (hw:2,0)", 1, 48000.0, False, "ALSA"),
    ]
    assert default_input_device(fake) == list_input_devices(fake)[1]


def test_default_set_by_name_and_no_default() -> None:
    fake = FakeSoundDevice()
    fake.default.device = ["USB Microphone: Audio (hw:2,0)", 3]
    assert [d.index for d in list_input_devices(fake) if d.is_default] == [2]
    fake.default.device = [-1, -1]
    assert not any(d.is_default for d in list_input_devices(fake))
    # Nothing marked: the first input device is the one to use.
    default = default_input_device(fake)
    assert default is not None
    assert default.index == 0


def test_find_device_by_name() -> None:
    fake = FakeSoundDevice()
    found = find_device("USB Microphone: Audio (hw:2,0)", fake)
    assert found is not None
    assert (found.index, found.channels) == (2, 1)
    # After a reboot the card number changed: the same microphone is still found.
    renumbered = find_device("USB Microphone: Audio (hw:3,0)", fake)
    assert renumbered == found
    assert find_device("Blue Yeti", fake) is None
    assert find_device("HDMI 0 (hw:1,3)", fake) is None  # an output, not an input


def test_find_device_prefers_the_default_host_api_for_a_name_listed_twice() -> None:
    # Windows lists one microphone under MME, DirectSound and WASAPI.
    fake = FakeSoundDevice(
        devices=[
            device(0, "Microphone (Realtek Audio)", inputs=2, api=0),
            device(1, "Microphone (Realtek Audio)", inputs=2, api=1),
            device(2, "Microphone (Realtek Audio)", inputs=2, api=2),
        ]
    )
    fake.hostapis = [{"name": "MME"}, {"name": "Windows DirectSound"}, {"name": "Windows WASAPI"}]
    fake.default.device = [2, -1]
    found = find_device("Microphone (Realtek Audio)", fake)
    assert found is not None
    assert (found.index, found.hostapi) == (2, "Windows WASAPI")


def test_recording_problem_is_empty_when_recording_can_work() -> None:
    assert recording_problem(FakeSoundDevice()) == ""


def test_recording_problem_without_any_input_device() -> None:
    fake = FakeSoundDevice(devices=[device(0, "HDMI 0 (hw:1,3)", inputs=0)])
    fake.default.device = [-1, 0]
    assert recording_problem(fake) == (
        "Recording is unavailable: no microphone or other input device was found. "
        "Transcribing files still works."
    )


def _failing_importer(exc: Exception) -> Callable[[], ModuleType]:
    def importer() -> ModuleType:
        raise exc

    return importer


def test_recording_problem_when_portaudio_is_missing() -> None:
    importer = _failing_importer(OSError("PortAudio library not found"))
    assert recording_problem(importer=importer) == PORTAUDIO_MISSING


def test_recording_problem_when_sounddevice_is_not_installed() -> None:
    importer = _failing_importer(ModuleNotFoundError("No module named 'sounddevice'"))
    assert recording_problem(importer=importer) == (
        "Recording is unavailable: the sounddevice package is not installed. "
        "Transcribing files still works."
    )


def test_recording_problem_when_the_device_list_cannot_be_read() -> None:
    class Broken(FakeSoundDevice):
        def query_devices(self) -> list[dict[str, Any]]:
            raise self.PortAudioError("Error querying device -1", -9996)

    problem = recording_problem(Broken())
    assert problem.startswith("Recording is unavailable: the list of input devices")


# A real sounddevice import on a system without libportaudio2: the library lookup fails
# the way it does there, and sounddevice raises its own OSError.
_WITHOUT_PORTAUDIO = """
import ctypes.util, json, sys
ctypes.util.find_library = lambda name: None
from desktop_asr.recording.devices import recording_problem
from desktop_asr.recording.recorder import Recorder
from desktop_asr.recording.devices import RecordingError
problem = recording_problem()
try:
    Recorder().start(sys.argv[1])
    started = "started"
except RecordingError as exc:
    started = str(exc)
print(json.dumps({"problem": problem, "start": started, "sd": "sounddevice" in sys.modules}))
"""


def test_without_the_portaudio_library_the_app_says_so(tmp_path: Path) -> None:
    pytest.importorskip("_sounddevice", reason="the sounddevice package is not installed")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PORTAUDIO, str(tmp_path / "rec.wav")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"problem": PORTAUDIO_MISSING, "start": PORTAUDIO_MISSING, "sd": False}
    assert not (tmp_path / "rec.wav").exists()


def test_recording_error_is_an_asr_error() -> None:
    from desktop_asr.errors import AsrError

    error = RecordingError("The microphone “X” was not found.", details="raw")
    assert isinstance(error, AsrError)
    assert (str(error), error.details) == ("The microphone “X” was not found.", "raw")
