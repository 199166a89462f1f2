"""Recorder with a fake sounddevice module: what reaches the disk, and when.

The fake's InputStream feeds the callback from a thread with blocks cut from a numpy array,
like PortAudio does; the test can hold it back (`allow(n)`: deliver n blocks, then wait) to
look at the file in the middle of a recording.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_asr.engine.audio import decode_pcm
from desktop_asr.recording.devices import RecordingError
from desktop_asr.recording.recorder import Recorder, Recording
from desktop_asr.recording.wavfile import repair_wav

RATE = 16000
BLOCK = 800  # the recorder's default 50 ms blocks at 16 kHz


# ------------------------------------------------------------------------ the fake module
class FakePortAudioError(Exception):
    """Like sounddevice.PortAudioError: args are (message, PaErrorCode)."""


class FakeStatus:
    def __init__(self, input_overflow: bool) -> None:
        self.input_overflow = input_overflow

    def __bool__(self) -> bool:
        return self.input_overflow


class FakeInputStream:
    def __init__(self, fake: FakeSoundDevice, **kwargs: Any) -> None:
        self.fake = fake
        self.kwargs = kwargs
        self.callback: Callable[..., None] = kwargs["callback"]
        self.finished_callback: Callable[[], None] | None = kwargs.get("finished_callback")
        self.delivered = 0
        self.started = self.stopped = self.closed = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._finished = False
        if fake.fail_open:
            raise FakePortAudioError("Error opening InputStream: Device unavailable", -9985)
        fake.streams.append(self)

    def start(self) -> None:
        if self.fake.fail_start:
            raise FakePortAudioError("Error starting stream: Device unavailable", -9985)
        self.started = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _blocks(self) -> list[np.ndarray]:
        source = self.fake.source
        if source.ndim == 1:
            source = source.reshape(-1, 1)
        size = self.kwargs["blocksize"]
        return [source[i : i + size] for i in range(0, len(source), size)]

    def _run(self) -> None:
        for index, block in enumerate(self._blocks()):
            with self.fake.condition:
                self.fake.condition.wait_for(partial(self._may_deliver, index))
            if self._stopping.is_set():
                return
            status = FakeStatus(index in self.fake.overflow_blocks)
            self.callback(block.copy(), len(block), None, status)
            self.delivered += 1
        if self.fake.die_after_source:  # the device vanished: PortAudio ends the stream
            self._finish()

    def _may_deliver(self, index: int) -> bool:
        return index < self.fake.allowed or self._stopping.is_set()

    def _finish(self) -> None:
        if not self._finished:
            self._finished = True
            if self.finished_callback is not None:
                self.finished_callback()

    def stop(self) -> None:
        self._stopping.set()
        with self.fake.condition:
            self.fake.condition.notify_all()
        if self._thread is not None:
            self._thread.join()
        self.stopped = True
        self._finish()  # PortAudio calls the finished callback on stop() too

    def close(self) -> None:
        self.closed = True


class FakeDefault:
    def __init__(self) -> None:
        self.device: list[int | str] = [1, 3]


class FakeSoundDevice:
    """Enough of the sounddevice module for the recorder and devices.py."""

    PortAudioError = FakePortAudioError

    def __init__(
        self, source: np.ndarray | None = None, devices: list[dict[str, Any]] | None = None
    ) -> None:
        self.source = np.zeros(0, dtype=np.int16) if source is None else source
        self.devices = (
            devices
            if devices is not None
            else [
                device(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", inputs=2),
                device(1, "default", inputs=32),
                device(2, "USB Microphone: Audio (hw:2,0)", inputs=1, rate=48000.0),
                device(3, "HDMI 0 (hw:1,3)", inputs=0),
            ]
        )
        self.hostapis = [{"name": "ALSA"}, {"name": "OSS"}]
        self.default = FakeDefault()
        self.streams: list[FakeInputStream] = []
        self.condition = threading.Condition()
        self.allowed: float = math.inf
        self.overflow_blocks: set[int] = set()
        self.die_after_source = False
        self.fail_open = self.fail_start = False
        self.supported_rates: set[float] | None = None  # None: any rate

    def allow(self, blocks: float) -> None:
        with self.condition:
            self.allowed = blocks
            self.condition.notify_all()

    def query_devices(self) -> list[dict[str, Any]]:
        return [dict(d) for d in self.devices]

    def query_hostapis(self) -> list[dict[str, Any]]:
        return self.hostapis

    def check_input_settings(
        self, device: Any = None, channels: Any = None, dtype: Any = None, samplerate: Any = None
    ) -> None:
        if self.supported_rates is not None and samplerate not in self.supported_rates:
            raise FakePortAudioError("Invalid sample rate", -9997)

    def InputStream(self, **kwargs: Any) -> FakeInputStream:
        return FakeInputStream(self, **kwargs)


def device(
    index: int, name: str, *, inputs: int, rate: float = 44100.0, api: int = 0
) -> dict[str, Any]:
    return {
        "index": index,
        "name": name,
        "hostapi": api,
        "max_input_channels": inputs,
        "max_output_channels": 2,
        "default_samplerate": rate,
    }


class FakeClock:
    """Time moves only when the test says; ``calls`` shows that someone looked."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return self.now

    def advance_and_wait_for_a_look(self, seconds: float) -> None:
        self.now += seconds
        calls = self.calls
        wait_until(lambda: self.calls >= calls + 2)  # the writer's watchdog ran since


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` (the writer thread works in the background) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)  # sleep-ok: polling a condition (the writer thread)


def read_wav(path: Path) -> tuple[np.ndarray, int, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return frames, w.getframerate(), w.getnchannels()


def noise(seconds: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(-20000, 20000, round(seconds * RATE), dtype=np.int16)


def sine(seconds: float, amplitude: float, hz: float = 1000.0, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return np.round(amplitude * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


# ------------------------------------------------------------------------------ the tests
def test_the_file_grows_on_disk_while_recording(tmp_path: Path) -> None:
    source = noise(1.0)
    fake = FakeSoundDevice(source)
    fake.allow(10)
    recorder = Recorder(fake)
    path = tmp_path / "rec.wav"
    recorder.start(path)
    assert recorder.is_recording
    wait_until(lambda: recorder.elapsed == 0.5)

    # Mid-recording, before stop(): the samples so far are on disk in a readable WAV.
    assert path.stat().st_size == 44 + 10 * BLOCK * 2
    frames, rate, channels = read_wav(path)
    assert (rate, channels) == (RATE, 1)
    np.testing.assert_array_equal(frames, source[: 10 * BLOCK])

    fake.allow(math.inf)
    wait_until(lambda: recorder.elapsed == 1.0)
    assert path.stat().st_size == 44 + len(source) * 2
    recording = recorder.stop()
    assert not recorder.is_recording
    assert recording == Recording(path, 1.0, RATE)
    assert fake.streams[0].stopped
    assert fake.streams[0].closed


def test_the_wav_holds_exactly_the_samples_fed(tmp_path: Path) -> None:
    source = noise(0.771, seed=7)  # 12336 samples: the last block is a short one
    fake = FakeSoundDevice(source)
    recorder = Recorder(fake)
    recorder.start(tmp_path / "rec.wav")
    wait_until(lambda: recorder.elapsed * RATE == len(source))
    recording = recorder.stop()

    stream = fake.streams[0]
    assert stream.kwargs["samplerate"] == RATE
    assert stream.kwargs["channels"] == 1
    assert stream.kwargs["dtype"] == "int16"
    assert stream.kwargs["blocksize"] == BLOCK
    assert stream.kwargs["device"] == 1  # the default input device
    frames, _, _ = read_wav(recording.path)
    np.testing.assert_array_equal(frames, source)
    decoded = np.concatenate(list(decode_pcm(recording.path)))
    np.testing.assert_array_equal(decoded, source)
    assert recording.duration_seconds == pytest.approx(len(source) / RATE)
    assert recorder.elapsed == recording.duration_seconds


def test_level_and_peak_follow_the_last_100_ms(tmp_path: Path) -> None:
    loud, quiet = sine(0.5, 0.5), sine(0.5, 0.1)
    fake = FakeSoundDevice(np.concatenate([loud, quiet]))
    fake.allow(10)  # the loud half only
    recorder = Recorder(fake)
    assert (recorder.level, recorder.peak) == (0.0, 0.0)
    recorder.start(tmp_path / "rec.wav")
    wait_until(lambda: recorder.elapsed == 0.5)
    # RMS of a sine is amplitude / sqrt(2); the 1 kHz sine hits its crest at 16 kHz.
    assert recorder.level == pytest.approx(0.5 / math.sqrt(2), abs=1e-3)
    assert recorder.peak == pytest.approx(0.5, abs=1e-3)

    fake.allow(math.inf)
    wait_until(lambda: recorder.elapsed == 1.0)
    assert recorder.level == pytest.approx(0.1 / math.sqrt(2), abs=1e-3)
    assert recorder.peak == pytest.approx(0.1, abs=1e-3)
    recorder.stop()


def test_cancel_deletes_the_file(tmp_path: Path) -> None:
    fake = FakeSoundDevice(noise(0.5))
    recorder = Recorder(fake)
    path = tmp_path / "rec.wav"
    recorder.start(path)
    wait_until(lambda: recorder.elapsed == 0.5)
    assert path.exists()
    recorder.cancel()
    assert not path.exists()
    assert not recorder.is_recording
    assert recorder.elapsed == 0.0
    assert fake.streams[0].closed


def test_overflows_are_counted_and_not_fatal(tmp_path: Path) -> None:
    source = noise(0.5)
    fake = FakeSoundDevice(source)
    fake.overflow_blocks = {1, 4}
    errors: list[str] = []
    recorder = Recorder(fake, on_error=errors.append)
    recorder.start(tmp_path / "rec.wav")
    wait_until(lambda: recorder.elapsed == 0.5)
    assert recorder.overflows == 2
    recording = recorder.stop()
    np.testing.assert_array_equal(read_wav(recording.path)[0], source)
    assert errors == []


def test_a_stream_that_dies_reports_it_and_keeps_the_recording(tmp_path: Path) -> None:
    source = noise(0.5)
    fake = FakeSoundDevice(source)
    fake.die_after_source = True  # e.g. the USB microphone was pulled out
    errors: list[str] = []
    recorder = Recorder(fake, on_error=errors.append)
    recorder.start(tmp_path / "rec.wav", device="USB Microphone: Audio (hw:2,0)")
    wait_until(lambda: errors != [])
    assert errors == [
        "The recording stopped: the microphone “USB Microphone: Audio (hw:2,0)” stopped "
        "working (was it unplugged?). What was recorded until then is kept."
    ]
    assert recorder.error == errors[0]
    assert recorder.is_recording  # until the app calls stop() to collect the file
    recording = recorder.stop()
    np.testing.assert_array_equal(read_wav(recording.path)[0], source)
    assert recording.duration_seconds == 0.5


# The disk fills up mid-recording: the kernel refuses writes past a size (RLIMIT_FSIZE, in
# a process of its own; Python ignores SIGXFSZ, so write() fails with EFBIG, through the
# same path as ENOSPC on a full disk). The limit falls inside a sample.
_A_FULL_DISK = """
import json, resource, sys
from tests.unit.test_recorder import FakeSoundDevice, Recorder, noise, wait_until
errors = []
fake = FakeSoundDevice(noise(2.0, seed=21))
fake.allow(0)
recorder = Recorder(fake, on_error=errors.append)
recorder.start(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
fake.allow(40)
wait_until(lambda: errors != [])
still = recorder.is_recording
recording = recorder.stop()
print(json.dumps({"errors": errors, "was_recording": still,
                  "duration": recording.duration_seconds}), flush=True)
"""


def test_a_full_disk_stops_the_writing_says_so_and_keeps_what_reached_it(
        tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    limit = 44 + 2 * 8500 + 1  # 0.53 s of audio and half a sample fit on the "disk"
    result = subprocess.run(
        [sys.executable, "-c", _A_FULL_DISK, str(path), str(limit)],
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])),
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == [
        f"Writing the recording to {path} failed: File too large. What was recorded until "
        "then is kept."
    ]
    assert report["was_recording"]  # until the app stops it and collects the file
    assert report["duration"] == 8500 / RATE
    frames, rate, _ = read_wav(path)  # a valid WAV: the header matches what is on disk
    assert rate == RATE
    np.testing.assert_array_equal(frames, noise(2.0, seed=21)[:8500])


def test_a_stream_that_goes_silent_is_reported(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeSoundDevice(noise(1.0))
    fake.allow(4)  # then nothing more arrives, and no word from PortAudio either
    errors: list[str] = []
    recorder = Recorder(fake, on_error=errors.append, clock=clock, stall_seconds=2.0)
    recorder.start(tmp_path / "rec.wav")
    wait_until(lambda: recorder.elapsed == 0.2)
    clock.advance_and_wait_for_a_look(1.5)
    assert errors == []  # a hiccup, not yet a dead microphone
    clock.now += 1.0
    wait_until(lambda: errors != [])
    assert errors == [
        "The recording stopped: the microphone “default” stopped sending audio (was it "
        "unplugged?). What was recorded until then is kept."
    ]
    assert recorder.stop().duration_seconds == 0.2


def test_a_stream_that_never_delivers_is_reported_after_a_grace_time(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeSoundDevice(noise(1.0))
    fake.allow(0)
    errors: list[str] = []
    recorder = Recorder(fake, on_error=errors.append, clock=clock, stall_seconds=2.0)
    recorder.start(tmp_path / "rec.wav")
    clock.advance_and_wait_for_a_look(4.0)  # a slow start (Bluetooth) is not an error
    assert errors == []
    clock.now += 1.5
    wait_until(lambda: errors != [])
    assert errors == [
        "The microphone “default” sends no audio: another application may be using it, "
        "or it is not working."
    ]
    assert recorder.stop().duration_seconds == 0.0


def test_stopping_is_not_reported_as_an_error(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = FakeSoundDevice(noise(1.0))
    errors: list[str] = []
    recorder = Recorder(fake, on_error=errors.append, clock=clock, stall_seconds=2.0)
    recorder.start(tmp_path / "rec.wav")
    wait_until(lambda: recorder.elapsed == 1.0)
    recorder.stop()
    assert errors == []


def test_a_missing_device_is_named_in_words(tmp_path: Path) -> None:
    fake = FakeSoundDevice(noise(0.1))
    path = tmp_path / "rec.wav"
    with pytest.raises(RecordingError) as caught:
        Recorder(fake).start(path, device="Blue Yeti")
    assert str(caught.value) == (
        "The microphone “Blue Yeti” was not found: it may be unplugged. Plug it in, "
        "or choose another input device in the settings."
    )
    assert not path.exists()
    assert fake.streams == []


def test_a_device_chosen_by_name_survives_a_new_alsa_card_number(tmp_path: Path) -> None:
    fake = FakeSoundDevice(noise(0.1))
    recorder = Recorder(fake)
    recorder.start(tmp_path / "rec.wav", device="USB Microphone: Audio (hw:1,0)")
    assert fake.streams[0].kwargs["device"] == 2
    recorder.cancel()


@pytest.mark.parametrize("where", ["fail_open", "fail_start"])
def test_a_busy_device_is_named_in_words(tmp_path: Path, where: str) -> None:
    fake = FakeSoundDevice(noise(0.1))
    setattr(fake, where, True)
    path = tmp_path / "rec.wav"
    recorder = Recorder(fake)
    with pytest.raises(RecordingError) as caught:
        recorder.start(path, device="HDA Intel PCH: ALC3246 Analog (hw:0,0)")
    assert str(caught.value) == (
        "The microphone “HDA Intel PCH: ALC3246 Analog (hw:0,0)” is busy or unavailable: "
        "another application may be using it, or it was unplugged."
    )
    assert "Device unavailable" in caught.value.details
    assert not path.exists()
    assert not recorder.is_recording


def test_no_input_device_at_all(tmp_path: Path) -> None:
    fake = FakeSoundDevice(devices=[device(0, "HDMI", inputs=0)])
    fake.default.device = [-1, 0]
    with pytest.raises(RecordingError, match="no microphone or other input device was found"):
        Recorder(fake).start(tmp_path / "rec.wav")


def test_an_unwritable_path_is_an_error_in_words(tmp_path: Path) -> None:
    fake = FakeSoundDevice(noise(0.1))
    recorder = Recorder(fake)
    with pytest.raises(RecordingError, match="could not be created"):
        recorder.start(tmp_path / "missing-folder" / "rec.wav")
    assert not recorder.is_recording
    assert fake.streams == []  # the microphone was not even opened


def test_a_device_without_16_khz_is_resampled(tmp_path: Path) -> None:
    source = sine(1.0, 0.5, hz=1000.0, rate=48000)
    fake = FakeSoundDevice(source)
    fake.supported_rates = {48000.0}
    recorder = Recorder(fake)
    recorder.start(tmp_path / "rec.wav", device="USB Microphone: Audio (hw:2,0)")
    wait_until(lambda: fake.streams[0].delivered == 20)
    recording = recorder.stop()

    assert fake.streams[0].kwargs["samplerate"] == 48000
    frames, rate, _ = read_wav(recording.path)
    assert rate == RATE
    assert abs(len(frames) - RATE) <= 32  # the resampler's delay, flushed at stop()
    spectrum = np.abs(np.fft.rfft(frames.astype(np.float64)))
    assert np.argmax(spectrum) * RATE / len(frames) == pytest.approx(1000.0, abs=2.0)
    assert np.abs(frames[1000:-1000]).max() / 32767 == pytest.approx(0.5, abs=0.02)


def test_an_armed_recorder_starts_with_the_pre_roll(tmp_path: Path) -> None:
    source = noise(2.0, seed=3)
    fake = FakeSoundDevice(source)
    fake.allow(15)
    recorder = Recorder(fake, preroll_seconds=0.5)
    recorder.arm()
    assert recorder.is_armed
    wait_until(lambda: fake.streams[0].delivered == 15)
    recorder.start(tmp_path / "first.wav")  # the stream is already open: no new one
    fake.allow(25)
    wait_until(lambda: fake.streams[0].delivered == 25)
    first = recorder.stop()
    # The file begins 0.5 s (10 blocks) before start() and ends with the last block.
    frames, _, _ = read_wav(first.path)
    np.testing.assert_array_equal(frames, source[5 * BLOCK : 25 * BLOCK])
    assert first.duration_seconds == 1.0

    # Still armed after stop(): the next recording takes up where the stream is.
    assert recorder.is_armed
    assert len(fake.streams) == 1
    assert not fake.streams[0].stopped
    fake.allow(30)
    wait_until(lambda: fake.streams[0].delivered == 30)
    recorder.start(tmp_path / "second.wav")
    fake.allow(math.inf)
    wait_until(lambda: fake.streams[0].delivered == 40)
    second = recorder.stop()
    np.testing.assert_array_equal(read_wav(second.path)[0], source[25 * BLOCK :])

    recorder.disarm()
    assert not recorder.is_armed
    assert fake.streams[0].stopped
    assert fake.streams[0].closed


def test_start_on_another_device_than_armed_reopens(tmp_path: Path) -> None:
    fake = FakeSoundDevice(noise(0.2))
    recorder = Recorder(fake)
    recorder.arm()
    recorder.start(tmp_path / "rec.wav", device="USB Microphone: Audio (hw:2,0)")
    assert [s.kwargs["device"] for s in fake.streams] == [1, 2]
    assert fake.streams[0].closed
    recorder.stop()
    recorder.close()
    assert fake.streams[1].closed


def test_repair_wav_recovers_a_recording_whose_writer_was_killed(tmp_path: Path) -> None:
    source = noise(0.6, seed=11)
    fake = FakeSoundDevice(source)
    recorder = Recorder(fake)
    recorder.start(tmp_path / "rec.wav")
    wait_until(lambda: recorder.elapsed == 0.6)
    path = recorder.stop().path

    # What a writer killed mid-way leaves: the sizes of an empty file in the header, and
    # half of a sample at the end.
    data = bytearray(path.read_bytes())
    assert data[:4] == b"RIFF"
    assert data[36:40] == b"data"
    data[4:8] = (36).to_bytes(4, "little")
    data[40:44] = (0).to_bytes(4, "little")
    path.write_bytes(bytes(data) + b"\x7f")
    assert read_wav(path)[0].size == 0  # a reader sees nothing before the repair

    assert repair_wav(path) == pytest.approx(0.6)
    frames, rate, channels = read_wav(path)
    assert (rate, channels) == (RATE, 1)
    np.testing.assert_array_equal(frames, source)
    np.testing.assert_array_equal(np.concatenate(list(decode_pcm(path))), source)
    assert path.stat().st_size == 44 + len(source) * 2


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "it is not a WAV file"),
        (b"ID3\x03\x00\x00\x00" + bytes(100), "it is not a WAV file"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "it holds no audio data"),
    ],
)
def test_repair_wav_refuses_what_it_cannot_repair(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(content)
    with pytest.raises(RecordingError) as caught:
        repair_wav(path)
    assert str(caught.value) == f"broken.wav cannot be repaired: {why}."


# A recording process killed outright (SIGKILL: no stop(), no cleanup at all).
_KILLED_WHILE_RECORDING = """
import sys, time
import numpy as np
from tests.unit.test_recorder import FakeSoundDevice, Recorder, noise, wait_until
fake = FakeSoundDevice(noise(0.6, seed=5))
fake.allow(12)  # 0.6 s, then the microphone keeps the stream open without more audio
recorder = Recorder(fake)
recorder.start(sys.argv[1])
wait_until(lambda: recorder.elapsed == 0.6)
print("recorded", flush=True)
time.sleep(60)  # sleep-ok: killed here
"""


def test_a_killed_recording_process_loses_nothing_recorded(tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WHILE_RECORDING, str(path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line == "recorded\n", process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL

    frames, rate, _ = read_wav(path)  # readable as it is: the header was kept up to date
    assert rate == RATE
    np.testing.assert_array_equal(frames, noise(0.6, seed=5))
    assert repair_wav(path) == pytest.approx(0.6)
    np.testing.assert_array_equal(read_wav(path)[0], noise(0.6, seed=5))


def test_on_block_sees_every_block_once_written_pre_roll_first(tmp_path: Path) -> None:
    source = noise(2.0, seed=11)
    fake = FakeSoundDevice(source)
    fake.allow(15)
    recorder = Recorder(fake, preroll_seconds=0.5)
    recorder.arm()
    wait_until(lambda: fake.streams[0].delivered == 15)
    seen: list[np.ndarray] = []
    sizes_on_disk: list[int] = []
    path = tmp_path / "dictation.wav"

    def tap(block: np.ndarray) -> None:
        seen.append(block.copy())
        sizes_on_disk.append(path.stat().st_size)

    recorder.start(path, on_block=tap)
    fake.allow(25)
    wait_until(lambda: fake.streams[0].delivered == 25)
    recording = recorder.stop()
    frames, _, _ = read_wav(recording.path)
    # The tap saw exactly what is in the file, in order, pre-roll included...
    np.testing.assert_array_equal(np.concatenate(seen).reshape(frames.shape), frames)
    np.testing.assert_array_equal(frames, source[5 * BLOCK : 25 * BLOCK])
    # ...and each block only once it was on disk (the file had grown to include it).
    assert sizes_on_disk == sorted(sizes_on_disk)
    assert sizes_on_disk[-1] >= 44 + 2 * len(frames)
