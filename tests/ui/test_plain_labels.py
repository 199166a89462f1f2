"""Text from outside (a server's error, a file name, a profile name, a transcript's
language) is shown as plain text, never as rich text that Qt would render: a server that
answers "<img src=...>" or "<a href=...>" gets its words shown, not an image or a link."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_asr.stores.profiles import Profile
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.main_window import ErrorBanner
from desktop_asr.ui.transcription_queue import QueueItem
from desktop_asr.ui.widgets.queue_view import QueueRow
from desktop_asr.ui.widgets.transcript_view import TranscriptView

HOSTILE = "<b>bold</b><img src='file:///etc/passwd'><a href='http://evil'>link</a>"


def labels_showing(widget, marker: str = "<b>bold</b>") -> list[QLabel]:
    return [label for label in widget.findChildren(QLabel) if marker in label.text()]


def test_the_error_banner_and_queue_rows_show_server_words_as_plain_text(qtbot):
    banner = ErrorBanner()
    qtbot.addWidget(banner)
    banner.show_message(f"The server said: {HOSTILE}")
    row = QueueRow(QueueItem(1, HOSTILE, HOSTILE, "url", status="failed", error=HOSTILE))
    qtbot.addWidget(row)
    shown = labels_showing(banner) + labels_showing(row)
    assert len(shown) >= 3
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)


def test_the_transcript_views_facts_are_plain_text(qtbot, stores):
    view = TranscriptView()
    qtbot.addWidget(view)
    stores.profiles.add(Profile(name="home", server="http://127.0.0.1:9"))
    view.show_transcript(Transcript.from_segments(
        HOSTILE, [Segment(0, 1, "text", HOSTILE)], duration=1.0))
    shown = labels_showing(view)
    assert shown
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)
