"""The transcript as segments with their times: click a segment to play from there, the
playing one is highlighted, Space pauses, a double click (or F2) edits a segment's text.

Signals: ``playRequested(seconds)``, ``pauseRequested()``, ``segmentsEdited()``.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_asr.text.transcript import Segment

TIME, TEXT = 0, 1
MANY_ROWS = 300


def clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss`` from an hour on) for a segment's start."""
    whole = max(0, int(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class SegmentTable(QTableWidget):
    playRequested = Signal(float)
    pauseRequested = Signal()
    segmentsEdited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self._segments: list[Segment] = []
        self._starts: list[float] = []
        self._playing = -1
        self._filling = False
        self.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Text")])
        self.horizontalHeader().setSectionResizeMode(TIME, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAccessibleName(self.tr("Transcript segments"))
        self.clicked.connect(self._clicked)
        self.itemChanged.connect(self._item_changed)

    # --- content --------------------------------------------------------------------------
    def set_segments(self, segments: list[Segment] | tuple[Segment, ...]) -> None:
        self._segments = [s for s in segments if s.text.strip()]
        self._starts = [s.start for s in self._segments]
        self._playing = -1
        self._filling = True
        try:
            self.setRowCount(len(self._segments))
            for row, seg in enumerate(self._segments):
                self._fill(row, seg)
        finally:
            self._filling = False
        if len(self._segments) <= MANY_ROWS:  # sizing each row of an hour's talk is slow
            self.resizeRowsToContents()

    def add_segments(self, segments: list[Segment] | tuple[Segment, ...]) -> None:
        """Segments that just arrived (a chunk finished), put in their place by time."""
        for seg in segments:
            if not seg.text.strip():
                continue
            row = bisect.bisect_right(self._starts, seg.start)
            self._segments.insert(row, seg)
            self._starts.insert(row, seg.start)
            self._filling = True
            try:
                self.insertRow(row)
                self._fill(row, seg)
            finally:
                self._filling = False
            self.resizeRowToContents(row)

    def _fill(self, row: int, seg: Segment) -> None:
        when = QTableWidgetItem(clock(seg.start))
        when.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        when.setToolTip(self.tr("{0} to {1}: click to play from here")
                        .format(clock(seg.start), clock(seg.end)))
        text = QTableWidgetItem(seg.text)
        self.setItem(row, TIME, when)
        self.setItem(row, TEXT, text)

    def segments(self) -> tuple[Segment, ...]:
        return tuple(self._segments)

    def set_editable(self, editable: bool) -> None:
        self.setEditTriggers(
            (QAbstractItemView.EditTrigger.DoubleClicked
             | QAbstractItemView.EditTrigger.EditKeyPressed) if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != TEXT:
            return
        row = item.row()
        old = self._segments[row]
        text = " ".join(item.text().split())
        if text == old.text:
            return
        self._segments[row] = Segment(old.start, old.end, text, old.language)
        self.segmentsEdited.emit()

    # --- playing --------------------------------------------------------------------------
    def _clicked(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._segments):
            self.playRequested.emit(self._segments[index.row()].start)

    def row_at(self, seconds: float) -> int:
        """The segment playing at ``seconds``: the last one started (-1: none yet)."""
        return bisect.bisect_right(self._starts, seconds + 1e-6) - 1

    def highlight_time(self, seconds: float) -> None:
        self.highlight(self.row_at(seconds))

    def highlight(self, row: int) -> None:
        """Mark the segment playing: a ▶ before its time, bold, a soft background (the
        selection, e.g. a search result, keeps its own colour)."""
        if row == self._playing:
            return
        soft = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        soft.setAlpha(60)
        for r, on in ((self._playing, False), (row, True)):
            if not 0 <= r < len(self._segments):
                continue
            for column in (TIME, TEXT):
                item = self.item(r, column)
                if item is None:
                    continue
                font = item.font()
                font.setBold(on)
                item.setFont(font)
                item.setBackground(QBrush(soft) if on else QBrush())
            when = self.item(r, TIME)
            if when is not None:
                start = clock(self._segments[r].start)
                when.setText(f"▶ {start}" if on else start)
        self._playing = row
        playing = self.item(row, TEXT) if row >= 0 else None
        if playing is not None:
            self.scrollToItem(playing)

    def playing_row(self) -> int:
        return self._playing

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and self.state() != self.State.EditingState:
            self.pauseRequested.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and self.state() != self.State.EditingState and self.currentRow() >= 0:
            self.playRequested.emit(self._segments[self.currentRow()].start)
            event.accept()
            return
        super().keyPressEvent(event)

    # --- search ---------------------------------------------------------------------------
    def find_text(self, words: str, *, backwards: bool = False) -> int:
        """Select the next segment (after the current one) whose text holds ``words``
        (case-insensitive); the row, or -1 when none does."""
        needle = words.casefold().strip()
        if not needle or not self._segments:
            return -1
        n = len(self._segments)
        here = self.currentRow()
        step = -1 if backwards else 1
        for k in range(1, n + 1):
            row = (here + step * k) % n if here >= 0 else (k - 1 if not backwards else n - k)
            if needle in self._segments[row].text.casefold():
                self.setCurrentCell(row, TEXT)
                return row
        return -1
