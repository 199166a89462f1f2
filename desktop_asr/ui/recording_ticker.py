"""While a recording runs: its elapsed time and level, sent a few times a second."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_asr.recording.recorder import Recorder

TICK_MS = 100  # how often the elapsed time and level are sent while recording


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
