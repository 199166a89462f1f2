"""One transcript: its editable text, language, duration, profile and source, with Copy and
Save as (txt, srt, vtt, json, md).

Edits are reported with ``textEdited(entry_id, text)`` half a second after the typing
stops (and when the text loses focus) so the app can store them
(HistoryStore.update_text). Exports from here use the edited text the way the store keeps
it: one segment spanning the transcript's time (``edited_transcript``).

``save_transcript`` (a plain function) writes an export under a unique name; the app's
auto-save uses it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.errors import InputError
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.text.export import EXTENSIONS, FORMATS, export
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.dialogs.language_names import language_label
from desktop_asr.ui.status.error_text import SHOWN, error_words
from desktop_asr.ui.widgets.error_details import ErrorPanel

EDIT_DELAY_MS = 500  # textEdited after this long without typing
FEEDBACK_MS = 1500  # how long "Copied" shows
# (parent, caption, directory, filter) -> (path, selected filter): QFileDialog's signature
SaveDialog = Callable[[QWidget, str, str, str], tuple[str, str]]


# --- plain functions (no widget needed) ------------------------------------------------------
def format_duration(seconds: float | None) -> str:
    """``h:mm:ss`` (3725 -> ``1:02:05``); "" when unknown."""
    if seconds is None or seconds < 0:
        return ""
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def normalize_format(fmt: str) -> str:
    """An export format name: one of export.FORMATS; ``txt`` is accepted for ``text``."""
    fmt = fmt.lower().lstrip(".")
    for name, ext in EXTENSIONS.items():
        if fmt in (name, ext):
            return name
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def source_stem(source: str) -> str:
    """A file name stem for a transcript of ``source`` (a path, URL or recording name)."""
    path = unquote(urlsplit(source).path) if "://" in source else source
    stem = Path(path.replace("\\", "/").rstrip("/")).stem
    return stem or "transcript"


def edited_transcript(original: Transcript, text: str) -> Transcript:
    """``original`` with its text replaced by ``text``, as HistoryStore.update_text keeps
    it: the segments become one spanning the same time. Unchanged text: ``original``."""
    if text == original.text:
        return original
    segments = original.segments
    if segments:
        segments = (Segment(segments[0].start, max(s.end for s in segments), text,
                            segments[0].language),)
    return Transcript(source=original.source, text=text, language=original.language,
                      duration=original.duration, segments=segments)


def _save_error(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or str(exc)
    message = QCoreApplication.translate("TranscriptView", "Cannot save {0}: {1}.")
    return InputError(message.format(path, reason), details=str(exc), code=SHOWN)


def write_export(transcript: Transcript, path: Path, fmt: str) -> Path:
    """Write ``transcript`` as ``fmt`` to ``path`` (replacing it). InputError in words."""
    data = export(transcript, normalize_format(fmt)).encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise _save_error(path, exc) from None
    return path


def save_transcript(transcript: Transcript, folder: Path, stem: str, fmt: str) -> Path:
    """Write ``transcript`` as ``fmt`` into ``folder`` (created if missing) as
    ``stem.ext``, or ``stem-2.ext``, ``stem-3.ext``... if taken; never replaces a file.
    The path written; InputError in words when it cannot be saved."""
    fmt = normalize_format(fmt)
    data = export(transcript, fmt).encode("utf-8")
    ext = EXTENSIONS[fmt]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _save_error(folder, exc) from None
    for n in range(1, 10_000):
        path = folder / (f"{stem}.{ext}" if n == 1 else f"{stem}-{n}.{ext}")
        try:
            with path.open("xb") as file:
                file.write(data)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _save_error(path, exc) from None
        return path
    message = QCoreApplication.translate("TranscriptView",
                                         "Cannot find a free file name for {0} in {1}.")
    raise InputError(message.format(stem, folder), code=SHOWN)


def format_filters() -> dict[str, str]:
    """The Save dialog's filter for each format (translated), in FORMATS order."""
    labels = {
        "text": QCoreApplication.translate("TranscriptView", "Plain text (*.txt)"),
        "srt": QCoreApplication.translate("TranscriptView", "SubRip subtitles (*.srt)"),
        "vtt": QCoreApplication.translate("TranscriptView", "WebVTT subtitles (*.vtt)"),
        "json": QCoreApplication.translate("TranscriptView", "JSON with segments (*.json)"),
        "md": QCoreApplication.translate("TranscriptView", "Markdown (*.md)"),
    }
    return {fmt: labels.get(fmt, f"{fmt} (*.{EXTENSIONS[fmt]})") for fmt in FORMATS}


# --- the widget ------------------------------------------------------------------------------
class TranscriptView(QWidget):
    """Signals: ``textEdited(entry_id, text)``, ``copied(text)``, ``saved(path)``.
    Methods: ``show_entry``, ``show_transcript``, ``clear``, ``text``, ``transcript``,
    ``entry_id``, ``copy``, ``save_as``, ``flush_edits``.
    ``save_dialog`` (QFileDialog.getSaveFileName's signature), ``save_folder`` (where the
    dialog opens) and ``set_clipboard`` (text -> None) may be replaced."""

    textEdited = Signal(int, str)
    copied = Signal(str)
    saved = Signal(str)  # the path written

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
        self._last_filter = ""

        self.status_label = QLabel()  # failed / pending entries
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr("The transcript will appear here."))
        self.editor.setAccessibleName(self.tr("Transcript"))
        self.editor.installEventFilter(self)
        self.editor.textChanged.connect(self._on_text_changed)

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
        self.save_button = QPushButton(self.tr("Save as..."))
        self.save_button.clicked.connect(lambda: self.save_as())
        self.notice_label = QLabel()  # "Copied", "Saved ..."
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.notice_label, 1)
        self.error_panel = ErrorPanel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(facts)
        layout.addWidget(self.status_label)
        layout.addWidget(self.editor, 1)
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
        self._load(entry.to_transcript(), entry.profile, entry.id)
        if entry.status == "failed":
            self.status_label.setText(self.tr("This transcription failed: {0}")
                                      .format(entry.error))
        elif entry.status == "pending":
            self.status_label.setText(self.tr("This transcription is waiting for the server."))
        done = entry.status == "done"
        self.status_label.setVisible(not done)
        self.editor.setReadOnly(not done)
        self.copy_button.setEnabled(done)
        self.save_button.setEnabled(done)

    def show_transcript(self, transcript: Transcript, profile: str | None = None,
                        entry_id: int | None = None) -> None:
        """A transcript just produced; without ``entry_id`` edits are not reported."""
        self._load(transcript, profile, entry_id)

    def clear(self) -> None:
        self._load(None, None, None)

    def _load(self, transcript: Transcript | None, profile: str | None,
              entry_id: int | None) -> None:
        self.flush_edits()  # an edit of the previous transcript is not lost
        self._transcript, self._profile, self._entry_id = transcript, profile, entry_id
        text = transcript.text if transcript else ""
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        self._last_reported = text
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
        self.source_label.setText(self.tr("Source: {0}").format(_short_source(source))
                                  if source else "")
        self.source_label.setToolTip(source)
        self.copy_button.setEnabled(transcript is not None)
        self.save_button.setEnabled(transcript is not None)

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

    def save_as(self, fmt: str | None = None) -> Path | None:
        """Ask where (and in which format; ``fmt`` preselects one) and write the export.
        The path written, or None when cancelled or it failed (the reason is shown)."""
        transcript = self.transcript()
        if transcript is None:
            return None
        filters = format_filters()
        chosen = filters[normalize_format(fmt)] if fmt else self._last_filter or filters["text"]
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
        if selected in fmt_of_filter:
            self._last_filter = selected
        try:
            write_export(transcript, path, out_fmt)
        except InputError as exc:
            self.error_panel.show_error(*error_words(exc))
            return None
        self.save_folder = path.parent
        self.error_panel.clear()
        self._feedback(self.tr("Saved {0}").format(path.name))
        self.saved.emit(os.fspath(path))
        return path

    def _feedback(self, words: str) -> None:
        self.notice_label.setText(words)
        self._feedback_timer.start()

    def _end_feedback(self) -> None:
        self._feedback_timer.stop()
        self.notice_label.clear()


def _system_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def _short_source(source: str, limit: int = 60) -> str:
    """A file's name, or a URL cut to ``limit`` characters (the full one is the tooltip)."""
    short = source if "://" in source else (Path(source).name or source)
    return short if len(short) <= limit else short[: limit - 1] + "…"
