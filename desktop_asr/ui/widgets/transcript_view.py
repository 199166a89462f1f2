"""One transcript: its segments with their times (click one to play the audio from there,
Space pauses, double click to correct a segment's text, Ctrl+F to search) and its whole
text, with its language, duration, profile and source; Copy, one-click Save SRT and Save
TXT, and Save as (txt, srt, vtt, json, md).

Segment corrections keep the times: they are reported with ``segmentsEdited(entry_id,
segments)`` (HistoryStore.update_segments) and the saved subtitles carry them. Edits of
the whole text are reported with ``textEdited(entry_id, text)`` half a second after the
typing stops (and when the text loses focus) (HistoryStore.update_text); exports then
use the edited text the way the store keeps it: one segment spanning the transcript's
time (``edited_transcript``).

While a file is transcribed, ``show_live`` and ``add_live_segments`` show its text
segment by segment as its parts finish.
The plain functions (``save_transcript``...) live in ui/transcript/saving.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.errors import InputError
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.text.export import EXTENSIONS
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.dialogs.language_names import language_label
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.transcript.find_bar import FindBar, find_in_editor
from desktop_asr.ui.transcript.saving import (
    edited_transcript,
    format_duration,
    format_filters,
    normalize_format,
    save_transcript,
    short_source,
    source_stem,
    with_segments,
    write_export,
)
from desktop_asr.ui.transcript.segments_page import SegmentsPage
from desktop_asr.ui.widgets.error_details import ErrorPanel

__all__ = ["TranscriptView", "format_duration", "format_filters", "save_transcript"]

EDIT_DELAY_MS = 500  # textEdited after this long without typing
FEEDBACK_MS = 1500  # how long "Copied" shows
# (parent, caption, directory, filter) -> (path, selected filter): QFileDialog's signature
SaveDialog = Callable[[QWidget, str, str, str], tuple[str, str]]


# --- the widget ------------------------------------------------------------------------------
class TranscriptView(QWidget):
    """Signals: ``textEdited(entry_id, text)``, ``segmentsEdited(entry_id, segments)``,
    ``copied(text)``, ``saved(path, format)``.
    Methods: ``show_entry``, ``show_transcript``, ``show_live``, ``add_live_segments``,
    ``clear``, ``text``, ``transcript``, ``entry_id``, ``copy``, ``save_as``, ``save_quick``,
    ``flush_edits``.
    ``save_dialog`` (QFileDialog.getSaveFileName's signature), ``save_folder`` (where the
    dialog opens and one-click saves go), ``save_format`` (the format the dialog offers
    first), ``set_clipboard`` (text -> None) and ``player`` may be replaced."""

    textEdited = Signal(int, str)
    segmentsEdited = Signal(int, object)  # entry id, tuple[Segment, ...]
    copied = Signal(str)
    saved = Signal(str, str)  # the path written, its format

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save_dialog: SaveDialog = QFileDialog.getSaveFileName
        self.save_folder: Path = Path.home()
        self.set_clipboard: Callable[[str], None] = _system_clipboard
        self._transcript: Transcript | None = None
        self._profile: str | None = None
        self._entry_id: int | None = None
        self._last_reported = ""  # the text textEdited last carried (or the loaded text)
        self._loading = False
        self._saved_once = False  # the user chose a folder: one-click saves go there
        self.save_format = "text"
        self.live_id: int | None = None  # the queue item shown live, if any

        self.status_label = QLabel()  # failed / pending entries
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr("The transcript will appear here."))
        self.editor.setAccessibleName(self.tr("Transcript"))
        self.editor.installEventFilter(self)
        self.editor.textChanged.connect(self._on_text_changed)
        self.segments_page = SegmentsPage()
        self.segment_table = self.segments_page.table
        self.segment_table.segmentsEdited.connect(self._segments_edited)
        self.segments_page.errorRaised.connect(self._show_error)
        self.find_bar = FindBar()
        self.find_bar.findRequested.connect(self._find)
        self.pages = QTabWidget()
        self.pages.addTab(self.segments_page, self.tr("Segments"))
        self.pages.addTab(self.editor, self.tr("Text"))
        self.pages.currentChanged.connect(self._page_changed)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.find_bar.open_bar)

        self.language_label = QLabel()

        self.language_label.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.duration_label = QLabel()
        self.duration_label.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.profile_label = QLabel()
        self.profile_label.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.source_label = QLabel()
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        facts = QHBoxLayout()
        facts.setContentsMargins(6, 4, 6, 0)  # clear of the tab's frame
        for label in (self.language_label, self.duration_label, self.profile_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addWidget(label)
        facts.addWidget(self.source_label, 1)

        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        self.save_srt_button = QPushButton(self.tr("Save SRT"))
        self.save_srt_button.clicked.connect(lambda: self.save_quick("srt"))
        self.save_txt_button = QPushButton(self.tr("Save TXT"))
        self.save_txt_button.clicked.connect(lambda: self.save_quick("text"))
        self.save_button = QPushButton(self.tr("Save as..."))
        self.save_button.clicked.connect(lambda: self.save_as())
        self.notice_label = QLabel()  # "Copied", "Saved ..."
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_srt_button)
        buttons.addWidget(self.save_txt_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.notice_label, 1)
        self.error_panel = ErrorPanel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(facts)
        layout.addWidget(self.status_label)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error_panel)

        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(self.flush_edits)
        self._feedback_timer = QTimer(self)
        self._feedback_timer.setSingleShot(True)
        self._feedback_timer.setInterval(FEEDBACK_MS)
        self._feedback_timer.timeout.connect(self._end_feedback)
        self.clear()

    # --- showing ---------------------------------------------------------------------------
    def show_entry(self, entry: HistoryEntry) -> None:
        """A history entry; a failed or pending one shows why instead of a text."""
        self._load(entry.to_transcript(), entry.profile, entry.id, entry.audio_path)
        if entry.status == "failed":
            self.status_label.setText(self.tr("This transcription failed: {0}")
                                      .format(entry.error))
        elif entry.status == "pending":
            self.status_label.setText(self.tr("This transcription is waiting for the server."))
        done = entry.status == "done"
        self.status_label.setVisible(not done)
        self.editor.setReadOnly(not done)
        self.segment_table.set_editable(done)
        for button in (self.copy_button, self.save_button, self.save_srt_button,
                       self.save_txt_button):
            button.setEnabled(done)

    def show_transcript(self, transcript: Transcript, profile: str | None = None,
                        entry_id: int | None = None) -> None:
        """A transcript just produced; without ``entry_id`` edits are not reported."""
        self._load(transcript, profile, entry_id)

    def clear(self) -> None:
        self._load(None, None, None)

    def show_live(self, item_id: int, source: str) -> None:
        """A transcription under way: its segments appear as its parts finish."""
        self._load(Transcript(source, "", "", None), None, None)
        self.live_id = item_id
        self.editor.setReadOnly(True)
        self.segment_table.set_editable(False)
        self.pages.setCurrentIndex(0)
        self.status_label.setText(self.tr("Transcribing… the text appears part by part."))
        self.status_label.show()
        for button in (self.copy_button, self.save_button, self.save_srt_button,
                       self.save_txt_button):
            button.setEnabled(False)

    def add_live_segments(self, item_id: int, segments: tuple[Segment, ...]) -> None:
        if item_id != self.live_id or self._transcript is None:
            return
        self.segment_table.add_segments(segments)
        self._transcript = Transcript.from_segments(
            self._transcript.source, self.segment_table.segments(), None)
        self._set_editor_text(self._transcript.text)

    def _set_editor_text(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        self._last_reported = text

    def _load(self, transcript: Transcript | None, profile: str | None,
              entry_id: int | None, audio_path: Path | None = None) -> None:
        self.flush_edits()  # an edit of the previous transcript is not lost
        self.segments_page.player.stop()
        self.live_id = None
        self._transcript, self._profile, self._entry_id = transcript, profile, entry_id
        self._set_editor_text(transcript.text if transcript else "")
        timed = transcript is not None and any(s.end > s.start for s in transcript.segments)
        self.segment_table.set_segments(transcript.segments if timed and transcript else ())
        self.segment_table.set_editable(transcript is not None)
        self.pages.setTabEnabled(0, timed)
        self.pages.setCurrentIndex(0 if timed else 1)
        if audio_path is None and transcript and transcript.source \
                and "://" not in transcript.source:
            audio_path = Path(transcript.source)
        self.segments_page.set_audio(audio_path)
        audio = self.segments_page.audio()
        if audio is not None and not self._saved_once:
            self.save_folder = audio.parent
        self.editor.setReadOnly(transcript is None)
        self.status_label.hide()
        self.error_panel.clear()
        self._end_feedback()
        lang = transcript.language if transcript else ""
        duration = format_duration(transcript.duration if transcript else None)
        self.language_label.setText(
            self.tr("Language: {0}").format(language_label(lang)) if lang else "")
        self.duration_label.setText(self.tr("Duration: {0}").format(duration)
                                    if duration else "")
        self.profile_label.setText(self.tr("Profile: {0}").format(profile) if profile else "")
        source = transcript.source if transcript else ""
        self.source_label.setText(self.tr("Source: {0}").format(short_source(source))
                                  if source else "")
        self.source_label.setToolTip(source)
        for button in (self.copy_button, self.save_button, self.save_srt_button,
                       self.save_txt_button):
            button.setEnabled(transcript is not None)

    # --- reading ---------------------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def entry_id(self) -> int | None:
        return self._entry_id

    def transcript(self) -> Transcript | None:
        """The transcript shown, with the user's edits (see ``edited_transcript``)."""
        if self._transcript is None:
            return None
        return edited_transcript(self._transcript, self.text())

    # --- edits -----------------------------------------------------------------------------
    def _on_text_changed(self) -> None:
        if not self._loading:
            self._edit_timer.start()

    def flush_edits(self) -> None:
        """Report a pending edit now (textEdited), if there is one; the app may call it
        before quitting."""
        self._edit_timer.stop()
        text = self.text()
        if self._entry_id is None or self._transcript is None or text == self._last_reported:
            return
        self._last_reported = text
        self.textEdited.emit(self._entry_id, text)

    def _segments_edited(self) -> None:
        if self._transcript is None:
            return
        self._transcript = with_segments(self._transcript, self.segment_table.segments())
        self._set_editor_text(self._transcript.text)
        if self._entry_id is not None:
            self.segmentsEdited.emit(self._entry_id, self._transcript.segments)

    def _page_changed(self, index: int) -> None:
        """Back on the segments after editing the whole text: they show that text."""
        transcript = self.transcript()
        if index == 0 and transcript is not None \
                and transcript.segments != self.segment_table.segments():
            self.flush_edits()
            self._transcript = transcript
            self.segment_table.set_segments(transcript.segments)

    # --- playing and finding ---------------------------------------------------------------
    def _find(self, words: str, backwards: bool) -> None:
        if self.pages.currentIndex() == 0:
            found = self.segment_table.find_text(words, backwards=backwards) >= 0
        else:
            found = find_in_editor(self.editor, words, backwards)
        self.find_bar.show_result(found)

    def _show_error(self, words: str) -> None:
        self.error_panel.show_error(words, "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush_edits()
        return super().eventFilter(watched, event)

    # --- actions ---------------------------------------------------------------------------
    def copy(self) -> None:
        text = self.text()
        self.set_clipboard(text)
        self._feedback(self.tr("Copied"))
        self.copied.emit(text)

    def set_save_place(self, folder: Path, fmt: str) -> None:
        """Where one-click saves go and the format Save as offers first (remembered)."""
        self.save_folder, self.save_format, self._saved_once = folder, fmt, True

    def save_quick(self, fmt: str) -> Path | None:
        """One click: ``fmt`` into the last folder saved to (at first the audio's), under
        the source's name (never replacing a file). The path, or None (shown why)."""
        transcript = self.transcript()
        if transcript is None:
            return None
        try:
            path = save_transcript(transcript, self.save_folder, source_stem(transcript.source),
                                   fmt)
        except InputError as exc:
            self.error_panel.show_error(*error_words(exc))
            return None
        self._saved(path, normalize_format(fmt))
        return path

    def _saved(self, path: Path, fmt: str) -> None:
        self.set_save_place(path.parent, fmt)
        self.error_panel.clear()
        self._feedback(self.tr("Saved {0}").format(path.name))
        self.notice_label.setToolTip(os.fspath(path))
        self.saved.emit(os.fspath(path), fmt)

    def save_as(self, fmt: str | None = None) -> Path | None:
        """Ask where (and in which format; ``fmt`` preselects one) and write the export.
        The path written, or None when cancelled or it failed (the reason is shown)."""
        transcript = self.transcript()
        if transcript is None:
            return None
        filters = format_filters()
        chosen = filters[normalize_format(fmt or self.save_format)]
        fmt_of_filter = {label: name for name, label in filters.items()}
        start_fmt = fmt_of_filter.get(chosen, "text")
        suggested = self.save_folder / f"{source_stem(transcript.source)}.{EXTENSIONS[start_fmt]}"
        path_text, selected = self.save_dialog(self, self.tr("Save the transcript"),
                                               str(suggested), ";;".join(filters.values()))
        if not path_text:
            return None
        path = Path(path_text)
        try:
            out_fmt = normalize_format(path.suffix) if path.suffix else ""
        except ValueError:
            out_fmt = ""
        if not out_fmt:  # no known extension: the chosen filter's, added to the name
            out_fmt = fmt_of_filter.get(selected, start_fmt)
            path = path.with_name(f"{path.name}.{EXTENSIONS[out_fmt]}")
        try:
            write_export(transcript, path, out_fmt)
        except InputError as exc:
            self.error_panel.show_error(*error_words(exc))
            return None
        self._saved(path, out_fmt)
        return path

    def _feedback(self, words: str) -> None:
        self.notice_label.setText(words)
        self._feedback_timer.start()

    def _end_feedback(self) -> None:
        self._feedback_timer.stop()
        self.notice_label.clear()


def _system_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)
