"""The transcription queue as the user sees it: one row per file, link or recording, with
its progress, its state in words, and Cancel / Retry."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.ui.transcription_queue import (
    CANCELLED,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    WAITING,
    QueueItem,
    TranscriptionQueue,
)


def display_name(item: QueueItem) -> str:
    if item.kind == "url":
        return item.label
    if item.kind == "recording":
        return item.label
    return item.label.replace("\\", "/").rsplit("/", 1)[-1]


# Errors no retry can mend: the file itself cannot be decoded, or is not there.
NEVER_DECODABLE = frozenset({"not_audio", "no_audio_track", "file_empty", "file_corrupt",
                             "file_missing", "file_is_folder"})
ERROR_STYLE = "color: #c62828;"  # as the error panels of the dialogs


class QueueRow(QWidget):
    cancelRequested = Signal(int)
    retryRequested = Signal(int)
    openRequested = Signal(int)

    def __init__(self, item: QueueItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_id = item.id
        self.name = QLabel()
        self.name.setTextFormat(Qt.TextFormat.PlainText)  # names and errors from outside
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.retry_button = QPushButton(self.tr("Retry"))
        self.open_button = QPushButton(self.tr("Show"))
        self.cancel_button.clicked.connect(lambda: self.cancelRequested.emit(self.item_id))
        self.retry_button.clicked.connect(lambda: self.retryRequested.emit(self.item_id))
        self.open_button.clicked.connect(lambda: self.openRequested.emit(self.item_id))
        self.icon = QLabel()  # a warning sign on a failed row
        size = self.fontMetrics().height()
        self.icon.setPixmap(QApplication.style().standardIcon(
            QApplication.style().StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self.icon.hide()
        top = QHBoxLayout()
        top.addWidget(self.icon)
        top.addWidget(self.name, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.retry_button)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.update_item(item)

    def update_item(self, item: QueueItem) -> None:
        self.item = item
        self.name.setText(display_name(item))
        self.name.setToolTip(item.label)
        self.status.setText(self._status_text(item))
        self.status.setToolTip(item.details)
        if item.status == RUNNING and item.progress is not None:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(item.progress * 1000))
        elif item.status in (RUNNING, QUEUED):
            self.progress.setRange(0, 0)  # busy
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(1000 if item.status == DONE else 0)
        if item.status == WAITING and item.progress:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(item.progress * 1000))
        self.progress.setVisible(item.status in (RUNNING, QUEUED, DONE)
                                 or (item.status == WAITING and bool(item.progress)))
        self.cancel_button.setVisible(item.status in (QUEUED, RUNNING, WAITING))
        self.retry_button.setVisible(item.status == WAITING or (
            item.status == FAILED and item.error_code not in NEVER_DECODABLE))
        self.open_button.setVisible(item.status == DONE)
        failed = item.status == FAILED
        self.icon.setVisible(failed)
        self.status.setStyleSheet(ERROR_STYLE if failed else "")

    def entry_deleted(self) -> None:
        """The row's history entry was deleted: there is nothing left to show."""
        self.open_button.setEnabled(False)
        self.open_button.setToolTip(self.tr("This transcript was deleted from the history."))

    def tick(self) -> None:
        """Once a second: a waiting row counts down to its next try; a running one shows
        the time elapsed and left."""
        if self.item.status in (WAITING, RUNNING):
            self.status.setText(self._status_text(self.item))

    def _status_text(self, item: QueueItem) -> str:
        if item.status == QUEUED:
            return self.tr("Waiting for its turn")
        if item.status == RUNNING:
            return self._running_text(item)
        if item.status == WAITING:
            seconds = (max(0, math.ceil(item.retry_at - time.monotonic()))
                       if item.retry_at is not None else None)
            when = (self.tr("next try in {0} s").format(seconds) if seconds
                    else self.tr("trying again"))
            if item.progress:
                return self.tr("Paused at {0}%, waiting for the server ({1}): {2}").format(
                    int(item.progress * 100), when, item.error)
            return self.tr("Not sent yet, waiting for the server ({0}): {1}").format(
                when, item.error)
        if item.status == DONE:
            text = item.transcript.text if item.transcript is not None else ""
            first = text.strip().splitlines()[0] if text.strip() else self.tr("(no speech)")
            first = first if len(first) <= 80 else first[:79] + "…"
            if item.finished_at is None or item.started_at is None:
                return self.tr("Done ✓ · {0}").format(first)
            took = max(1, round(item.finished_at - item.started_at))
            return self.tr("Done ✓ in {0} s · {1}").format(took, first)
        if item.status == FAILED:
            return self.tr("Failed: {0}").format(item.error)
        if item.status == CANCELLED:
            return self.tr("Cancelled")
        return item.status


    def _running_text(self, item: QueueItem) -> str:
        """"Transcribing… 42% · 3 of 12 parts · 0:41 elapsed · about 0:57 left"."""
        if item.progress is None:
            return self.tr("Transcribing…")
        words = [self.tr("Transcribing… {0}%").format(int(item.progress * 100))]
        if item.chunks_total:
            words.append(self.tr("{0} of {1} parts").format(item.chunks_done,
                                                            item.chunks_total))
        elif item.chunks_done:
            words.append(self.tr("{0} parts done").format(item.chunks_done))
        if item.started_at is not None:
            elapsed = max(0.0, time.monotonic() - item.started_at)
            words.append(self.tr("{0} elapsed").format(_clock(elapsed)))
            if 0.02 <= item.progress < 1.0 and elapsed >= 2.0:
                left = elapsed * (1.0 - item.progress) / item.progress
                words.append(self.tr("about {0} left").format(_clock(left)))
        return " · ".join(words)


def _clock(seconds: float) -> str:
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class QueueView(QScrollArea):
    """Rows for the items of ``queue``, newest at the bottom."""

    openRequested = Signal(int)  # a finished item's id

    def __init__(self, queue: TranscriptionQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.setWidgetResizable(True)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self.setWidget(self._body)
        self.rows: dict[int, QueueRow] = {}
        self.empty = QLabel(self.tr("Nothing is being transcribed."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.insertWidget(0, self.empty)
        queue.itemAdded.connect(self._add)
        queue.itemChanged.connect(self._change)
        for item in queue.items():
            self._add(item)
        self._countdown = QTimer(self)  # waiting rows count down to their next try
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self._countdown.start()

    def _tick(self) -> None:
        for row in self.rows.values():
            row.tick()

    def _add(self, item: QueueItem) -> None:
        if item.id in self.rows:
            return
        row = QueueRow(item)
        row.cancelRequested.connect(self.queue.cancel)
        row.retryRequested.connect(self.queue.retry)
        row.openRequested.connect(self.openRequested)
        self.rows[item.id] = row
        self._layout.insertWidget(self._layout.count() - 1, row)
        self.empty.hide()
        self.ensureWidgetVisible(row)

    def _change(self, item: QueueItem) -> None:
        row = self.rows.get(item.id)
        if row is None:
            self._add(item)
        else:
            row.update_item(item)

    def entry_deleted(self, entry_id: int) -> None:
        """A history entry was deleted: rows showing it can show it no more."""
        for row in self.rows.values():
            if row.item.history_id == entry_id:
                row.entry_deleted()

    def clear_finished(self) -> None:
        for item_id, row in list(self.rows.items()):
            if self.queue.item(item_id).finished:
                row.deleteLater()
                del self.rows[item_id]
        self.empty.setVisible(not self.rows)
