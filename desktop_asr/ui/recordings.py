"""Every recording in the history from its first second, for the Record button and for
dictation alike: a new file and an entry (status recording, with the file) as it starts;
pending once it stops and waits for the server; done with its transcript; deleted with its
audio when nothing was heard or the user threw it away. An app killed mid-recording thus
leaves an entry the next start finds (desktop_asr/recording/recovery.py).

The recorder's errors (a microphone unplugged, a full disk) are reported on its writer
thread: `watch` routes them to ``failed``, a signal delivered on the UI thread. While a
recording runs, `RecordingTicker` sends its elapsed time and level a few times a second."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_asr.errors import AsrError
from desktop_asr.recording.recorder import Recorder
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.paths import new_recording_file
from desktop_asr.text.transcript import Transcript
from desktop_asr.ui.status.error_text import error_words

Report = Callable[[str, str], None]  # message in words, details
TICK_MS = 100  # how often the elapsed time and level are sent while recording


@dataclass(frozen=True)
class Take:
    """One recording: its file, the profile it is for, its name in the history, and its
    history entry (None without a history)."""

    path: Path
    profile: str | None
    label: str
    entry_id: int | None


class Recordings(QObject):
    failed = Signal(str)  # the recorder's problem in words (delivered on the UI thread)

    def __init__(self, history: HistoryStore | None, report: Report,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._report = report

    def watch(self, recorder: Any) -> None:
        """Hear ``recorder``'s errors (its on_error runs on its writer thread)."""
        if recorder is not None:
            # In the user's language, said here: a signal carries only plain text.
            recorder.on_error = lambda message: self.failed.emit(error_words(message)[0])

    def new_path(self) -> Path | None:
        """A new file to record into; None when it cannot be made (reported in words)."""
        try:
            if self.history is not None:
                return self.history.new_recording_path(".wav")
            return new_recording_file()
        except AsrError as exc:
            self._report(*error_words(exc))
        except OSError as exc:
            self._report(self.tr("A recording file could not be created: {0}.").format(
                exc.strerror or exc), "")
        return None

    def begin(self, profile: str | None, label: str) -> Take | None:
        """A new file and its entry, before the recorder starts; None when there is no
        file (the reason reported). A history that fails only loses the entry."""
        path = self.new_path()
        if path is None:
            return None
        entry_id = None
        if self.history is not None:
            try:
                entry_id = self.history.add_recording(label, profile, path)
            except AsrError as exc:
                self._report(*error_words(exc))
        return Take(path, profile, label, entry_id)

    def stopped(self, take: Take, duration: float | None = None) -> None:
        """Stopped and on disk: pending until its transcript arrives (or the next start)."""
        self._write(take, lambda h, i: h.mark_pending(i, duration))

    def finished(self, take: Take, transcript: Transcript) -> None:
        """Transcribed: done, and the audio deleted if the retention says so."""
        self._write(take, lambda h, i: h.mark_done(i, transcript, profile=take.profile))
        self.apply_retention()

    def discard(self, take: Take) -> None:
        """Nothing to keep (nothing heard, or thrown away): the entry and the audio go."""
        if self.history is not None and take.entry_id is not None:
            try:
                self.history.delete(take.entry_id)  # its audio too
            except AsrError as exc:
                self._report(*error_words(exc))
        with contextlib.suppress(OSError):
            take.path.unlink(missing_ok=True)

    def apply_retention(self) -> None:
        if self.history is None:
            return
        try:
            self.history.apply_retention()
        except AsrError as exc:
            self._report(*error_words(exc))

    def _write(self, take: Take, change: Callable[[HistoryStore, int], None]) -> None:
        if self.history is None or take.entry_id is None:
            return
        try:
            change(self.history, take.entry_id)
        except AsrError as exc:
            self._report(*error_words(exc))


class RecordingTicker(QObject):
    """Sends ``tick`` (elapsed seconds) and ``level`` (rms, peak) while the recorder runs;
    stops by itself and sends ``ended`` when it finds the recorder stopped."""

    tick = Signal(float)
    level = Signal(float, float)
    ended = Signal()

    def __init__(self, recorder: Callable[[], Recorder | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recorder = recorder
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_tick(self) -> None:
        recorder = self._recorder()
        if recorder is None or not recorder.is_recording:
            self._timer.stop()
            self.ended.emit()
            return
        self.tick.emit(recorder.elapsed)
        self.level.emit(recorder.level, recorder.peak)
