"""The transcript view: the facts shown, Copy, Save as (formats, edited text, errors),
edits reported once after typing stops, and save_transcript's unique names."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop_asr.errors import InputError
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.widgets.transcript_view import (
    TranscriptView,
    format_duration,
    format_filters,
    save_transcript,
)

TWO_SEGMENTS = Transcript.from_segments(
    "/home/ann/talks/kenobi.mp3",
    [Segment(0.0, 2.5, "Hello there.", "English"),
     Segment(2.5, 5.0, "General Kenobi.", "English")],
    duration=5.0)
# Written by hand from the SRT format: numbered cues, HH:MM:SS,mmm, a blank line between.
TWO_SEGMENTS_SRT = (
    "1\n00:00:00,000 --> 00:00:02,500\nHello there.\n"
    "\n"
    "2\n00:00:02,500 --> 00:00:05,000\nGeneral Kenobi.\n"
)


@pytest.fixture
def view(qtbot):
    widget = TranscriptView()
    qtbot.addWidget(widget)
    return widget


def answer_save_dialog(view, path: Path, selected_filter: str = "") -> list[tuple]:
    asked: list[tuple] = []

    def dialog(parent, caption, directory, filters):
        asked.append((parent, caption, directory, filters))
        return str(path), selected_filter

    view.save_dialog = dialog
    return asked


@pytest.mark.parametrize(("seconds", "text"), [
    (3725, "1:02:05"), (59.6, "0:01:00"), (0, "0:00:00"), (36000, "10:00:00"), (None, ""),
])
def test_durations_read_as_hours_minutes_seconds(seconds, text):
    assert format_duration(seconds) == text


def test_an_entry_shows_its_facts_and_text(view, tmp_path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    text = "您好,请问有什么可以帮到您?" * 2000  # long CJK text
    transcript = Transcript("/data/会议.flac", text, "Chinese", 3725.0,
                            (Segment(0.0, 3725.0, text, "Chinese"),))
    entry_id = store.add_done("/data/会议.flac", "file", "office", transcript)

    view.show_entry(store.get(entry_id))

    assert view.text() == text
    assert view.entry_id() == entry_id
    assert "Chinese" in view.language_label.text()
    assert "1:02:05" in view.duration_label.text()
    assert "office" in view.profile_label.text()
    assert "会议.flac" in view.source_label.text()
    assert not view.editor.isReadOnly()
    assert view.copy_button.isEnabled()
    store.close()


def test_a_failed_entry_shows_why_and_cannot_be_edited(view, tmp_path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    entry_id = store.add_failed("/data/a.wav", "file", "home",
                                "The server at 10.0.0.5:30101 refused the connection.")
    view.show_entry(store.get(entry_id))
    assert "refused the connection" in view.status_label.text()
    assert not view.status_label.isHidden()
    assert view.editor.isReadOnly()
    assert not view.save_button.isEnabled()
    store.close()


def test_clear_empties_everything(view):
    view.show_transcript(TWO_SEGMENTS, "home", 3)
    view.clear()
    assert view.text() == ""
    assert view.language_label.text() == ""
    assert view.duration_label.text() == ""
    assert view.transcript() is None
    assert not view.copy_button.isEnabled()


def test_copy_puts_the_text_on_the_clipboard_and_says_so(view, qtbot):
    view.show_transcript(TWO_SEGMENTS, "home", None)
    with qtbot.waitSignal(view.copied) as signal:
        view.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Hello there. General Kenobi."
    assert signal.args == ["Hello there. General Kenobi."]
    assert view.notice_label.text() == "Copied"
    qtbot.waitUntil(lambda: view.notice_label.text() == "", timeout=3000)


def test_save_as_srt_writes_the_cues(view, tmp_path):
    view.show_transcript(TWO_SEGMENTS, "home", None)
    target = tmp_path / "out.srt"
    asked = answer_save_dialog(view, target)

    assert view.save_as() == target
    assert target.read_text(encoding="utf-8") == TWO_SEGMENTS_SRT
    parent, _caption, directory, filters = asked[0]
    assert parent is view
    assert Path(directory).stem == "kenobi"  # suggested after the source
    assert all(f"*.{ext}" in filters for ext in ("txt", "srt", "vtt", "json", "md"))
    assert "out.srt" in view.notice_label.text()


def test_the_chosen_format_adds_its_extension(view, tmp_path):
    view.show_transcript(TWO_SEGMENTS, "home", None)
    answer_save_dialog(view, tmp_path / "notes", format_filters()["json"])
    assert view.save_as() == tmp_path / "notes.json"
    data = json.loads((tmp_path / "notes.json").read_text(encoding="utf-8"))
    assert [s["text"] for s in data["segments"]] == ["Hello there.", "General Kenobi."]


def test_a_cancelled_dialog_writes_nothing(view, tmp_path):
    view.show_transcript(TWO_SEGMENTS, "home", None)
    view.save_dialog = lambda *args: ("", "")
    assert view.save_as("srt") is None
    assert list(tmp_path.iterdir()) == []


def test_edits_are_reported_once_after_typing_stops_and_exported(view, qtbot, tmp_path):
    view.show_transcript(TWO_SEGMENTS, "home", 7)
    reports = []
    view.textEdited.connect(lambda *args: reports.append(args))

    view.editor.selectAll()
    with qtbot.waitSignal(view.textEdited, timeout=3000) as signal:
        qtbot.keyClicks(view.editor, "Hello world")
    assert signal.args == [7, "Hello world"]
    view.flush_edits()  # nothing more pending: no second report
    assert reports == [(7, "Hello world")]

    target = tmp_path / "edited.srt"
    answer_save_dialog(view, target)
    view.save_as()
    # One segment spanning the transcript's time, as HistoryStore.update_text keeps it.
    assert target.read_text(encoding="utf-8") == "1\n00:00:00,000 --> 00:00:05,000\nHello world\n"


def test_an_edit_is_reported_on_focus_out_and_before_switching(view):
    view.show_transcript(TWO_SEGMENTS, "home", 7)
    reports = []
    view.textEdited.connect(lambda *args: reports.append(args))

    view.editor.setPlainText("first edit")
    QApplication.sendEvent(view.editor, QFocusEvent(QEvent.Type.FocusOut))
    assert reports == [(7, "first edit")]

    view.editor.setPlainText("second edit")
    view.show_transcript(TWO_SEGMENTS, "home", 8)  # another transcript: not lost
    assert reports == [(7, "first edit"), (7, "second edit")]
    assert view.text() == TWO_SEGMENTS.text  # loading is no edit
    view.flush_edits()
    assert len(reports) == 2


def test_without_an_entry_edits_are_not_reported(view, qtbot):
    view.show_transcript(TWO_SEGMENTS, None, None)
    reports = []
    view.textEdited.connect(lambda *args: reports.append(args))
    view.editor.setPlainText("changed")
    view.flush_edits()
    assert reports == []
    assert view.transcript().text == "changed"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_save_error_is_shown_in_words(view, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    view.show_transcript(TWO_SEGMENTS, "home", None)
    answer_save_dialog(view, locked / "out.txt")
    assert view.save_as() is None
    assert not view.error_panel.isHidden()
    assert "Cannot save" in view.error_panel.message()
    assert "Permission denied" in view.error_panel.message()


def test_a_save_error_in_a_missing_folder_is_shown_in_words(view, tmp_path):
    view.show_transcript(TWO_SEGMENTS, "home", None)
    answer_save_dialog(view, tmp_path / "no such folder" / "out.txt")
    assert view.save_as() is None
    message = view.error_panel.message()
    assert message.startswith("Cannot save ")
    assert "No such file or directory" in message
    assert "Traceback" not in message


def test_save_transcript_picks_a_unique_name(tmp_path):
    folder = tmp_path / "auto" / "saved"  # created when missing
    first = save_transcript(TWO_SEGMENTS, folder, "kenobi", "srt")
    second = save_transcript(TWO_SEGMENTS, folder, "kenobi", "srt")
    third = save_transcript(TWO_SEGMENTS, folder, "kenobi", "txt")
    assert first == folder / "kenobi.srt"
    assert second == folder / "kenobi-2.srt"
    assert third == folder / "kenobi.txt"
    assert second.read_text(encoding="utf-8") == TWO_SEGMENTS_SRT
    assert third.read_text(encoding="utf-8") == "Hello there. General Kenobi.\n"


def test_save_transcript_errors_are_input_errors_in_words(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="Cannot save"):
        save_transcript(TWO_SEGMENTS, blocker / "sub", "kenobi", "md")
    with pytest.raises(ValueError, match="unknown format"):
        save_transcript(TWO_SEGMENTS, tmp_path, "kenobi", "docx")


def test_an_entry_from_the_store_exports_like_the_store_keeps_edits(view, tmp_path):
    """The in-widget export of an edit matches what the store gives back after
    update_text, so an export before and after a restart is the same."""
    clock = lambda: datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)  # noqa: E731
    store = HistoryStore(tmp_path / "history.sqlite3", clock=clock)
    entry_id = store.add_done(TWO_SEGMENTS.source, "file", "home", TWO_SEGMENTS)
    view.show_entry(store.get(entry_id))
    view.editor.setPlainText("Hello there, General Kenobi.")
    store.update_text(entry_id, view.text())
    assert view.transcript() == store.get(entry_id).to_transcript()
    store.close()


def test_the_clipboard_can_be_the_apps(view):
    copies = []
    view.set_clipboard = copies.append
    view.show_transcript(TWO_SEGMENTS, "home", None)
    view.editor.setPlainText("edited, then copied")
    view.copy()
    assert copies == ["edited, then copied"]
