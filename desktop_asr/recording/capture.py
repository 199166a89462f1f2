"""An open input stream and the thread that consumes what it captures.

PortAudio calls `_callback` on its own thread for every block: it only copies the block
into a queue (never blocks, never does I/O). One consumer thread takes the blocks in order,
converts them (rate/channels) if the device needed it, updates the level meter, and either
appends them to the open `WavWriter` or keeps the last ``preroll_seconds`` in a ring (armed
and waiting for `begin_file`). Control messages travel through the same queue, so "begin
the file" and "end the file" fall exactly between two blocks.

Problems found on the consumer thread (the stream died, the disk is full) go to ``report``,
called on that thread.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop_asr.errors import CodedText
from desktop_asr.recording.devices import InputDevice, RecordingError
from desktop_asr.recording.level import LevelMeter
from desktop_asr.recording.resample import BlockResampler
from desktop_asr.recording.wavfile import WavWriter

log = logging.getLogger(__name__)

PA_DEVICE_UNAVAILABLE = -9985  # PortAudio's paDeviceUnavailable: busy or gone
FIRST_BLOCK_SECONDS = 5.0  # how long a new stream may take to deliver its first block


@dataclass
class _Begin:
    writer: WavWriter


@dataclass
class _End:
    done: threading.Event = field(default_factory=threading.Event)


_FINISHED = object()  # the stream became inactive (PortAudio's finished callback)
_QUIT = object()


def open_error(device: InputDevice, exc: Exception) -> RecordingError:
    """The sentence for a stream that cannot be opened or started on ``device``."""
    code = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    details = f"{type(exc).__name__}: {exc}"
    if code == PA_DEVICE_UNAVAILABLE or "unavailable" in str(exc).lower():
        return RecordingError(
            f"The microphone “{device.name}” is busy or unavailable: another application "
            "may be using it, or it was unplugged.",
            details=details, code="rec_device_busy", params={"device": device.name},
        )
    return RecordingError(
        f"The microphone “{device.name}” could not be opened for recording.", details=details,
        code="rec_cannot_open", params={"device": device.name},
    )


class Capture:
    """One input stream on ``device``, delivering ``channels`` x int16 at ``samplerate``."""

    def __init__(
        self,
        sd: Any,
        device: InputDevice,
        *,
        samplerate: int,
        channels: int,
        block_seconds: float,
        preroll_seconds: float,
        stall_seconds: float,
        clock: Callable[[], float],
        report: Callable[[str], None],
    ) -> None:
        self.sd = sd
        self.device = device
        self.samplerate = samplerate
        self.channels = channels
        self.overflows = 0
        self.meter = LevelMeter(samplerate)
        self._block_seconds = block_seconds
        self._preroll_frames = round(preroll_seconds * samplerate)
        self._stall_seconds = stall_seconds
        self._clock = clock
        self._report = report
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._ring: deque[npt.NDArray[np.int16]] = deque()
        self._ring_frames = 0
        self._writer: WavWriter | None = None
        self._resampler: BlockResampler | None = None
        self._closing = False
        self._failed = False
        self._last_block = clock()
        self._got_audio = False
        self._stream: Any = None
        self._thread = threading.Thread(target=self._consume, name="recorder-writer", daemon=True)

    # --- the PortAudio side --------------------------------------------------------------
    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status and getattr(status, "input_overflow", False):
            self.overflows += 1
        self._queue.put(indata.copy())

    def _finished(self) -> None:
        self._queue.put(_FINISHED)

    def _stream_rate(self) -> int:
        """The wanted rate if the device takes it, else the device's own rate."""
        check = getattr(self.sd, "check_input_settings", None)
        if check is None or not self.device.default_samplerate:
            return self.samplerate
        try:
            check(device=self.device.index, channels=self.channels, dtype="int16",
                  samplerate=self.samplerate)
        except Exception as exc:  # PortAudioError: invalid sample rate for this device
            log.info("%s cannot record at %s Hz (%s); resampling from %s Hz",
                     self.device.name, self.samplerate, exc, self.device.default_samplerate)
            return round(self.device.default_samplerate)
        return self.samplerate

    def open(self, writer: WavWriter | None = None) -> None:
        """Open and start the stream and the consumer, writing into ``writer`` from the
        first block if given. RecordingError in words on failure."""
        rate = self._stream_rate()
        if rate != self.samplerate:
            self._resampler = BlockResampler(rate, self.channels, self.samplerate, self.channels)
        try:
            self._stream = self.sd.InputStream(
                samplerate=rate,
                blocksize=max(1, round(rate * self._block_seconds)),
                device=self.device.index,
                channels=self.channels,
                dtype="int16",
                callback=self._callback,
                finished_callback=self._finished,
            )
        except Exception as exc:  # PortAudioError, or ValueError for bad settings
            raise open_error(self.device, exc) from exc
        self._last_block = self._clock()
        if writer is not None:
            self.begin_file(writer)
        self._thread.start()
        try:
            self._stream.start()
        except Exception as exc:
            self.close()
            raise open_error(self.device, exc) from exc

    def close(self) -> None:
        """Stop the stream, write what is queued, end the consumer. Safe to call twice."""
        self._closing = True
        stream, self._stream = self._stream, None
        if stream is not None:
            for step in (stream.stop, stream.close):  # stop: the callback will not run again
                try:
                    step()
                except Exception:  # a device that vanished may fail to stop: keep going
                    log.warning("%s of the input stream failed", step.__name__, exc_info=True)
        if self._thread.is_alive():
            self._queue.put(_QUIT)
            self._thread.join()

    @property
    def active(self) -> bool:
        return self._stream is not None and not self._failed

    # --- files -----------------------------------------------------------------------------
    def begin_file(self, writer: WavWriter) -> None:
        """From the next block on (after the pre-roll), append to ``writer``."""
        self._queue.put(_Begin(writer))

    def end_file(self, timeout: float = 10.0) -> None:
        """Return once every block captured before this call is in the file."""
        if not self._thread.is_alive():
            self._writer = None
            return
        marker = _End()
        self._queue.put(marker)
        if not marker.done.wait(timeout):
            raise RecordingError(
                "The recording could not be finished in time: writing to the disk is stuck.",
                code="rec_disk_stuck",
            )

    # --- the consumer thread -----------------------------------------------------------------
    def _consume(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=0.2)
            except queue.Empty:
                self._check_stall()
                continue
            try:
                if item is _QUIT:
                    self._finish_file()
                    return
                self._handle(item)
            except Exception as exc:  # a bug must not kill the thread silently
                log.exception("recording consumer failed")
                self._fail(f"Recording failed unexpectedly: {exc}")

    def _handle(self, item: Any) -> None:
        if isinstance(item, np.ndarray):
            self._take(item)
        elif isinstance(item, _Begin):
            self._writer = item.writer
            pre, self._ring = list(self._ring), deque()
            self._ring_frames = 0
            for block in pre:
                self._write(block)
        elif isinstance(item, _End):
            self._finish_file()
            item.done.set()
        elif item is _FINISHED and not self._closing:
            self._fail(self._died_message())

    def _take(self, block: npt.NDArray[np.int16]) -> None:
        self._last_block = self._clock()
        self._got_audio = True
        if self._resampler is not None:
            block = self._resampler.convert(block)
        if block.size == 0:
            return
        self.meter.add(block)
        if self._writer is not None:
            self._write(block)
        elif self._preroll_frames > 0:
            self._ring.append(block)
            self._ring_frames += len(block)
            while self._ring_frames - len(self._ring[0]) >= self._preroll_frames:
                self._ring_frames -= len(self._ring.popleft())
        # else: armed without pre-roll, nothing to keep

    def _write(self, block: npt.NDArray[np.int16]) -> None:
        writer = self._writer
        if writer is None:
            return
        try:
            writer.write(block)
        except OSError as exc:
            self._writer = None  # stop writing; what is on disk stays valid
            self._fail(CodedText(
                f"Writing the recording to {writer.path} failed: {exc.strerror or exc}. "
                "What was recorded until then is kept.",
                "rec_disk_full" if exc.errno == errno.ENOSPC else "rec_write_failed",
                {"path": str(writer.path), "reason": exc.strerror or str(exc)}))

    def _finish_file(self) -> None:
        if self._resampler is not None:
            tail = self._resampler.flush()
            if tail.size:
                self._write(tail)
        self._writer = None

    def _check_stall(self) -> None:
        """A stream that delivers nothing, with no word from PortAudio, is reported too.

        The first block may take longer (a Bluetooth headset switching profiles)."""
        if self._closing or self._failed or self._stream is None:
            return
        silent_for = self._clock() - self._last_block
        if not self._got_audio and silent_for > max(self._stall_seconds, FIRST_BLOCK_SECONDS):
            self._fail(CodedText(
                f"The microphone “{self.device.name}” sends no audio: another application "
                "may be using it, or it is not working.",
                "rec_no_audio", {"device": self.device.name}))
        elif self._got_audio and silent_for > self._stall_seconds:
            self._fail(self._died_message("stopped sending audio"))

    def _died_message(self, what: str = "stopped working") -> str:
        params = {"device": self.device.name}
        if self._writer is not None:
            return CodedText(
                f"The recording stopped: the microphone “{self.device.name}” {what} "
                "(was it unplugged?). What was recorded until then is kept.",
                "rec_device_died_kept", params)
        return CodedText(f"The microphone “{self.device.name}” {what} (was it unplugged?).",
                         "rec_device_died", params)

    def _fail(self, message: str) -> None:
        if self._failed:
            return
        self._failed = True
        self._report(message)
