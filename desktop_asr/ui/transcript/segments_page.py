"""The transcript's segments page: the segment table with a Play/Pause button and a hint,
and the player that plays the audio from a clicked segment (highlighting the one
playing). ``errorRaised(words)`` when the audio cannot be played."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_asr.text.transcript import Segment
from desktop_asr.ui.transcript.player import SegmentPlayer
from desktop_asr.ui.transcript.segment_table import SegmentTable


class SegmentsPage(QWidget):
    errorRaised = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = SegmentTable()
        self.player = SegmentPlayer(self)
        self._audio: Path | None = None
        self.table.playRequested.connect(self.play_from)
        self.table.pauseRequested.connect(self.toggle_pause)
        self.player.positionChanged.connect(self.table.highlight_time)
        self.player.playingChanged.connect(self._playing_changed)
        self.player.failed.connect(self.errorRaised)
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.toggle_pause)
        self.hint_label = QLabel(self.tr("Click a segment to play from there · Space pauses · "
                                         "double-click to correct · Ctrl+F finds"))
        self.hint_label.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.hint_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(controls)

    def set_player(self, player: SegmentPlayer) -> None:
        """Another player (tests use a fake one with the same signals and methods)."""
        self.player.stop()
        self.player = player
        player.positionChanged.connect(self.table.highlight_time)
        player.playingChanged.connect(self._playing_changed)
        player.failed.connect(self.errorRaised)
        player.set_source(self._audio)

    def set_audio(self, path: Path | None) -> None:
        self._audio = path if path is not None and path.is_file() else None
        self.player.set_source(self._audio)
        self.play_button.setEnabled(self._audio is not None)
        self.play_button.setToolTip("" if self._audio is not None else self.tr(
            "The audio of this transcript is not at hand to play."))

    def audio(self) -> Path | None:
        return self._audio

    def play_from(self, seconds: float) -> None:
        if self._audio is None:
            self.errorRaised.emit(self.tr("The audio of this transcript is not at hand to play."))
            return
        self.player.play_from(seconds)

    def toggle_pause(self) -> None:
        if self.player.is_playing() or self.table.playing_row() >= 0:
            self.player.toggle_pause()
            return
        segments: tuple[Segment, ...] = self.table.segments()
        if segments:
            row = min(max(0, self.table.currentRow()), len(segments) - 1)
            self.play_from(segments[row].start)

    def _playing_changed(self, playing: bool) -> None:
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))
