"""A 16-bit PCM WAV file written as audio arrives, and the repair of one whose writer died.

`WavWriter` writes the header at once (an empty but valid WAV exists from the start, its
name synced to the disk with its folder), and after every block the stdlib `wave` module
patches the RIFF and data sizes; the file is flushed after every block (a killed process
loses nothing written) and synced to the disk every ``sync_seconds`` (a power cut loses at
most that much). If the process is killed anyway (between a write and the size patch),
`repair_wav` fixes the sizes from the file's length.
"""

from __future__ import annotations

import errno
import os
import struct
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from desktop_asr.recording.devices import RecordingError
from desktop_asr.stores.history.audio_files import sync_folder

SAMPLE_WIDTH = 2  # bytes: 16-bit PCM


class WavWriter:
    """Append int16 blocks to a WAV file; ``frames`` counts what is on disk."""

    def __init__(
        self,
        path: str | Path,
        samplerate: int,
        channels: int = 1,
        *,
        sync_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        on_block: Callable[[npt.NDArray[np.int16]], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.on_block = on_block  # sees every block once it is on disk (writer thread)
        self.samplerate = samplerate
        self.channels = channels
        self.frames = 0
        self.failed = False  # a write failed (the disk is full): the header may be behind
        self._sync_seconds = sync_seconds
        self._clock = clock
        self._last_sync = clock()
        self._file: BinaryIO | None = None
        try:
            # Kept open for the whole recording; close() closes it.
            self._file = open(self.path, "wb")  # noqa: SIM115
            self._wave = wave.open(self._file, "wb")  # noqa: SIM115
            self._wave.setnchannels(channels)
            self._wave.setsampwidth(SAMPLE_WIDTH)
            self._wave.setframerate(samplerate)
            self._wave.writeframes(b"")  # writes the header now
            self._file.flush()
            os.fsync(self._file.fileno())
            sync_folder(self.path.parent)  # the file's name, too, survives a power cut
        except OSError as exc:
            if self._file is not None:
                self._file.close()
            raise RecordingError(
                f"The recording file {self.path} could not be created: "
                f"{exc.strerror or exc}.",
                details=str(exc),
                code="rec_disk_full" if exc.errno == errno.ENOSPC else "rec_cannot_create",
                params={"path": str(self.path), "reason": exc.strerror or str(exc)},
            ) from exc

    @property
    def duration(self) -> float:
        return self.frames / self.samplerate

    def write(self, block: npt.NDArray[np.int16]) -> None:
        """Append ``block`` (frames x channels, or 1-D for mono); raises OSError."""
        data = np.ascontiguousarray(block, dtype="<i2")
        if data.size == 0:
            return
        assert self._file is not None
        try:
            self._wave.writeframes(data.tobytes())  # also patches the sizes in the header
            self._file.flush()
        except OSError:
            self.failed = True
            raise
        self.frames += data.size // self.channels
        now = self._clock()
        if now - self._last_sync >= self._sync_seconds:
            os.fsync(self._file.fileno())
            self._last_sync = now
        if self.on_block is not None:
            self.on_block(data)

    def close(self) -> None:
        """Finish the file (sizes patched, synced). Safe to call twice."""
        if self._file is None:
            return
        try:
            self._wave.close()  # patches the header; leaves our file object open
            self._file.flush()
            os.fsync(self._file.fileno())
        finally:
            self._file.close()
            self._file = None


def _not_repairable(path: Path, why: str) -> RecordingError:
    return RecordingError(
        f"{path.name} cannot be repaired: {why}.", details=f"repair_wav({str(path)!r})"
    )


def repair_wav(path: str | Path) -> float:
    """Fix the RIFF and data sizes of a PCM WAV file whose writer was killed.

    The data chunk is taken to run to the end of the file (as `WavWriter` writes it); a
    partly written last frame is cut off. Returns the duration in seconds. Raises
    RecordingError in words when the file is not a PCM WAV file with a data chunk.
    """
    p = Path(path)
    try:
        with open(p, "r+b") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(0)
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                raise _not_repairable(p, "it is not a WAV file")
            rate = block_align = 0
            pos = 12
            while pos + 8 <= size:
                f.seek(pos)
                chunk_id, chunk_size = struct.unpack("<4sI", f.read(8))
                if chunk_id == b"fmt ":
                    fmt = f.read(16)
                    if len(fmt) < 16:
                        raise _not_repairable(p, "its format header is cut short")
                    _, _, rate, _, block_align = struct.unpack("<HHIIH", fmt[:14])
                elif chunk_id == b"data":
                    if not rate or not block_align:
                        raise _not_repairable(p, "it has no format header before its audio")
                    start = pos + 8
                    data_size = (size - start) // block_align * block_align
                    f.truncate(start + data_size)
                    f.seek(4)
                    f.write(struct.pack("<I", start + data_size - 8))
                    f.seek(pos + 4)
                    f.write(struct.pack("<I", data_size))
                    f.flush()
                    os.fsync(f.fileno())
                    return data_size / block_align / rate
                pos += 8 + chunk_size + (chunk_size & 1)
            raise _not_repairable(p, "it holds no audio data")
    except OSError as exc:
        raise RecordingError(
            f"{p.name} could not be repaired: {exc.strerror or exc}.", details=str(exc)
        ) from exc
