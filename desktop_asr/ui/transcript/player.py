"""Plays a transcript's audio from a given time: the source file or the kept recording,
decoded with PyAV (engine/audio.py: 16 kHz mono) on a worker thread, played through
sounddevice's OutputStream. The sounddevice module and the decoder are injected, so that
tests can swap them.

Signals: ``positionChanged(seconds)`` while playing (about 20 times a second),
``playingChanged(bool)``, ``failed(message)`` (in words, translated).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_asr.engine import audio
from desktop_asr.errors import AsrError
from desktop_asr.ui.status.error_text import error_words

Decoder = Callable[[Path], Iterable[np.ndarray]]
TICK_MS = 50
_log = logging.getLogger(__name__)


LEAD_IN_SECONDS = 0.2  # play_from starts this much before the asked time

def _import_sounddevice() -> ModuleType:
    import sounddevice  # PortAudio may be missing: the caller says so in words

    return cast(ModuleType, sounddevice)


class SegmentPlayer(QObject):
    positionChanged = Signal(float)
    playingChanged = Signal(bool)
    failed = Signal(str)
    _decoded = Signal(object, float)  # from the decoding thread: samples (or an error), start

    def __init__(self, parent: QObject | None = None, *,
                 sounddevice: Callable[[], Any] = _import_sounddevice,
                 decode: Decoder = audio.decode_pcm) -> None:
        super().__init__(parent)
        self._sounddevice = sounddevice
        self._decode = decode
        self._path: Path | None = None
        self._samples: np.ndarray | None = None
        self._position = 0  # the next sample to play
        self._lock = threading.Lock()
        self._stream: Any = None
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._decoded.connect(self._on_decoded)

    # --- what to play ---------------------------------------------------------------------
    def set_source(self, path: Path | None) -> None:
        if path == self._path:
            return
        self.stop()
        self._path = path
        self._samples = None

    def source(self) -> Path | None:
        return self._path

    def can_play(self) -> bool:
        return self._path is not None and self._path.is_file()

    # --- control --------------------------------------------------------------------------
    def is_playing(self) -> bool:
        return self._stream is not None

    def position(self) -> float:
        with self._lock:
            return self._position / audio.SAMPLE_RATE

    def play_from(self, seconds: float) -> None:
        """Play from a little before ``seconds`` (decoding the audio first, once): a sound
        device's first moments can be lost while its stream starts, and a segment's first
        syllable should be heard."""
        seconds = max(0.0, seconds - LEAD_IN_SECONDS)
        if self._path is None:
            self.failed.emit(self.tr("There is no audio to play for this transcript."))
            return
        if self._samples is None:
            if not self._loading:
                self._loading = True
                path = self._path
                threading.Thread(target=self._load, args=(path, seconds), daemon=True,
                                 name="transcript-audio").start()
            return
        self._start(seconds)

    def toggle_pause(self) -> None:
        """Pause, or go on from where it paused."""
        if self.is_playing():
            self._close_stream()
        elif self._samples is not None:
            self._start(self.position())

    def stop(self) -> None:
        self._close_stream()

    # --- inside ---------------------------------------------------------------------------
    def _load(self, path: Path, seconds: float) -> None:
        try:
            blocks = list(self._decode(path))
            samples = np.concatenate(blocks) if blocks else np.zeros(0, np.int16)
            self._decoded.emit(samples, seconds)
        except (AsrError, OSError, ValueError) as exc:
            self._decoded.emit(exc, seconds)

    def _on_decoded(self, samples: object, seconds: float) -> None:
        self._loading = False
        if not isinstance(samples, np.ndarray):
            # The core's error in the interface's language (a file gone, corrupt...); the
            # system's own English words go to the log only.
            error = samples if isinstance(samples, BaseException) else str(samples)
            _log.info("the audio cannot be played: %s", error)
            self.failed.emit(self.tr("The audio cannot be played: {0}").format(
                error_words(error)[0]))
            return
        self._samples = samples
        self._start(seconds)

    def _start(self, seconds: float) -> None:
        self._close_stream(quiet=True)
        samples = self._samples
        if samples is None:
            return
        with self._lock:
            self._position = max(0, min(samples.size, round(seconds * audio.SAMPLE_RATE)))
        try:
            sd = self._sounddevice()
            stream = sd.OutputStream(samplerate=audio.SAMPLE_RATE, channels=1, dtype="int16",
                                     callback=self._callback)
            stream.start()
        except Exception as exc:  # PortAudio missing, no output device, device busy
            _log.info("playback is not available: %s", exc)
            self.failed.emit(self.tr(
                "Playback is not available: no sound output device could be opened."))
            return
        self._stream = stream
        self._timer.start()
        self.playingChanged.emit(True)
        self.positionChanged.emit(self.position())

    def _callback(self, outdata: Any, frames: int, _time: Any, _status: Any) -> None:
        samples = self._samples
        with self._lock:
            start = self._position
            piece = samples[start : start + frames] if samples is not None else np.zeros(0)
            self._position = start + piece.size
        outdata[: piece.size, 0] = piece
        outdata[piece.size :, 0] = 0

    def _tick(self) -> None:
        samples = self._samples
        self.positionChanged.emit(self.position())
        if samples is not None and self._position >= samples.size:
            self._close_stream()

    def _close_stream(self, *, quiet: bool = False) -> None:
        stream, self._stream = self._stream, None
        self._timer.stop()
        if stream is None:
            return
        try:
            stream.stop()
            stream.close()
        except Exception as exc:  # the device went away: the stream is gone either way
            _log.info("closing the playback stream: %s", exc)
        if not quiet:
            self.playingChanged.emit(False)
