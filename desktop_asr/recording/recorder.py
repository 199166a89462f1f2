"""Record the microphone to a WAV file on disk, as it is captured.

    recorder = Recorder(on_error=show_error)      # sounddevice imported on first use
    recorder.start(path, device="USB Microphone")  # a name from list_input_devices()
    ... recorder.level, recorder.peak, recorder.elapsed ...
    recording = recorder.stop()                    # Recording(path, duration, samplerate)

Nothing of the recording is held in memory: every ~50 ms block is appended to the file and
the header is kept valid, so a crash, a dead server or an unplugged microphone loses nothing
already spoken (`repair_wav` fixes a file whose writer was killed in mid-write).

Warm start (dictation): `arm(device)` opens the stream ahead of time and keeps the last
``preroll_seconds`` in memory; `start()` then begins the file with them, so the first word,
spoken as the hotkey goes down, is not cut. After `stop()` an armed recorder stays armed;
`disarm()` closes the stream.

``on_error`` is called from the recorder's writer thread (never from PortAudio's): a Qt
caller must hand the message over to the GUI thread (a queued signal).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop_asr.recording.capture import Capture
from desktop_asr.recording.devices import (
    FILES_STILL_WORK,
    Importer,
    InputDevice,
    RecordingError,
    default_input_device,
    find_device,
    import_sounddevice,
    list_input_devices,
)
from desktop_asr.recording.wavfile import WavWriter, repair_wav

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recording:
    path: Path
    duration_seconds: float
    samplerate: int


BlockListener = Callable[[npt.NDArray[np.int16]], None]


class Recorder:
    """Microphone -> 16-bit mono WAV at ``samplerate`` (PortAudio converts the rate)."""

    def __init__(
        self,
        sd: Any = None,
        *,
        samplerate: int = 16000,
        channels: int = 1,
        clock: Callable[[], float] = time.monotonic,
        block_seconds: float = 0.05,
        on_error: Callable[[str], None] | None = None,
        preroll_seconds: float = 0.5,
        stall_seconds: float = 3.0,
        importer: Importer | None = None,
    ) -> None:
        self._sd = sd
        self._importer = importer
        self.samplerate = samplerate
        self.channels = channels
        self.on_error = on_error
        self._clock = clock
        self._block_seconds = block_seconds
        self._preroll_seconds = preroll_seconds
        self._stall_seconds = stall_seconds
        self._capture: Capture | None = None
        self._armed = False
        self._writer: WavWriter | None = None
        self._last_frames = 0
        self._error = ""

    # --- state -------------------------------------------------------------------------------
    @property
    def is_recording(self) -> bool:
        """True from `start()` until `stop()`/`cancel()`, even after an error."""
        return self._writer is not None

    @property
    def is_armed(self) -> bool:
        return self._armed

    @property
    def device(self) -> InputDevice | None:
        """The device of the open stream (None when closed)."""
        return self._capture.device if self._capture else None

    @property
    def path(self) -> Path | None:
        return self._writer.path if self._writer else None

    @property
    def elapsed(self) -> float:
        """Seconds of audio in the file (the last recording's length once stopped)."""
        frames = self._writer.frames if self._writer else self._last_frames
        return frames / self.samplerate

    @property
    def level(self) -> float:
        """RMS of the last ~100 ms, 0..1 of full scale (0 when no stream is open)."""
        return self._capture.meter.level if self._capture else 0.0

    @property
    def peak(self) -> float:
        """Largest absolute sample of the last ~100 ms, 0..1."""
        return self._capture.meter.peak if self._capture else 0.0

    @property
    def overflows(self) -> int:
        """Blocks PortAudio reported as overflowed (audio dropped by a busy system)."""
        return self._capture.overflows if self._capture else 0

    @property
    def error(self) -> str:
        """The last problem reported through ``on_error`` ("" if none since `start`)."""
        return self._error

    # --- devices ----------------------------------------------------------------------------
    def _module(self) -> Any:
        if self._sd is None:
            self._sd = import_sounddevice(self._importer)
        return self._sd

    def _resolve(self, device: str | int | None) -> InputDevice:
        sd = self._module()
        if device is None:
            found = default_input_device(sd)
            if found is None:
                raise RecordingError(
                    "Recording is unavailable: no microphone or other input device was "
                    "found. " + FILES_STILL_WORK, code="rec_no_device"
                )
            return found
        devices = list_input_devices(sd)
        if isinstance(device, int):
            match = next((d for d in devices if d.index == device), None)
            if match is None:
                raise RecordingError(f"There is no input device number {device}.",
                                     code="rec_device_missing", params={"device": device})
            return match
        match = find_device(device, sd)
        if match is None:
            raise RecordingError(
                f"The microphone “{device}” was not found: it may be unplugged. Plug it in, "
                "or choose another input device in the settings.",
                code="rec_device_missing", params={"device": device},
            )
        return match

    def _open(self, device: InputDevice, writer: WavWriter | None = None) -> Capture:
        capture = Capture(
            self._module(),
            device,
            samplerate=self.samplerate,
            channels=self.channels,
            block_seconds=self._block_seconds,
            preroll_seconds=self._preroll_seconds if self._armed else 0.0,
            stall_seconds=self._stall_seconds,
            clock=self._clock,
            report=self._report,
        )
        capture.open(writer)
        return capture

    def _report(self, message: str) -> None:
        self._error = message
        log.warning("%s", message)
        if self.on_error is not None:
            self.on_error(message)

    # --- warm start -------------------------------------------------------------------------
    def arm(self, device: str | int | None = None) -> None:
        """Open the stream now and keep a pre-roll, so that `start` loses no first word."""
        if self.is_recording:
            raise RuntimeError("arm() while recording")
        wanted = self._resolve(device)
        if self._capture is not None and self._armed and self._capture.device == wanted:
            return
        self.disarm()
        self._armed = True
        try:
            self._capture = self._open(wanted)
        except BaseException:
            self._armed = False
            raise

    def disarm(self) -> None:
        """Close an armed stream (a recording in progress is stopped first)."""
        if self.is_recording:
            self.stop()
        self._armed = False
        self._close_capture()

    def _close_capture(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.close()

    # --- recording --------------------------------------------------------------------------
    def start(self, path: str | Path, device: str | int | None = None, *,
              on_block: BlockListener | None = None) -> None:
        """Begin recording into ``path`` (a new WAV file). RecordingError in words if the
        device is missing or busy, or the file cannot be created. ``on_block`` receives
        every int16 block (pre-roll first) right after it is written, on the writer thread:
        dictation sends finished phrases while the user still speaks."""
        if self.is_recording:
            raise RuntimeError("start() while already recording")
        self._error = ""
        capture = self._capture
        if capture is not None and (not capture.active or (
            device is not None and self._resolve(device) != capture.device
        )):
            self._close_capture()  # armed on another device, or its stream died
            capture = None
        wanted = self._resolve(device) if capture is None else None
        self._last_frames = 0
        writer = WavWriter(path, self.samplerate, self.channels, clock=self._clock,
                           on_block=on_block)
        try:
            if wanted is not None:
                self._capture = self._open(wanted, writer)
            else:
                assert capture is not None
                capture.begin_file(writer)
        except BaseException:
            writer.close()
            with contextlib.suppress(FileNotFoundError):
                writer.path.unlink()
            raise
        self._writer = writer

    def stop(self) -> Recording:
        """Stop and close the file (a valid WAV). An armed recorder keeps its stream open.

        After a failed write (a full disk) the file holds what reached the disk: its header
        is repaired to match, and the recording is returned all the same."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("stop() without start()")
        try:
            if self._armed and self._capture is not None and self._capture.active:
                self._capture.end_file()
            else:
                self._close_capture()
        finally:
            self._writer = None
            self._last_frames = writer.frames
            duration = _close(writer)
        return Recording(writer.path, duration, self.samplerate)

    def cancel(self) -> None:
        """Stop and delete the file. Does nothing when not recording."""
        if self._writer is None:
            return
        recording = self.stop()
        self._last_frames = 0
        with contextlib.suppress(FileNotFoundError):
            recording.path.unlink()

    def close(self) -> None:
        """Stop everything (the file of a recording in progress is kept)."""
        self.disarm()


def _close(writer: WavWriter) -> float:
    """Close ``writer``; the duration of the audio on disk. A file whose writing failed is
    repaired (its sizes made to match what the disk holds) rather than given up."""
    try:
        writer.close()
    except OSError as exc:
        log.warning("closing %s failed: %s", writer.path, exc)
        writer.failed = True
    if writer.failed:
        try:
            return repair_wav(writer.path)
        except RecordingError as exc:
            log.warning("%s", exc)
    return writer.duration
