"""The transcript you can listen to: segments with times, click to play from there (a fake
player records what it is asked; the real player plays a real file through a fake
sounddevice), Space pauses, corrections reach the saved SRT and the history, Ctrl+F
finds, one-click saves remember the folder and format, live segments, queue progress."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from desktop_asr.engine import audio
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.transcript.player import SegmentPlayer
from desktop_asr.ui.transcript.segment_table import TEXT
from desktop_asr.ui.transcription_queue import RUNNING, QueueItem
from desktop_asr.ui.widgets.queue_view import QueueRow
from desktop_asr.ui.widgets.transcript_view import TranscriptView
from tests import dtmf

SR = 16000


class FakePlayer(QObject):
    positionChanged = Signal(float)
    playingChanged = Signal(bool)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, float | None]] = []
        self.playing = False
        self.source: Path | None = None

    def set_source(self, path):
        self.source = path

    def play_from(self, seconds):
        self.asked.append(("play", seconds))
        self.playing = True

    def toggle_pause(self):
        self.asked.append(("toggle", None))
        self.playing = not self.playing

    def is_playing(self):
        return self.playing

    def stop(self):
        self.playing = False


@pytest.fixture
def talk(tmp_path) -> Transcript:
    path = dtmf.write_audio(tmp_path / "talk.wav", dtmf.synthesize("1 2 3", word_gap_ms=2000),
                            SR)
    return Transcript.from_segments(str(path), [
        Segment(0.3, 0.4, "Hello there.", "English"),
        Segment(2.4, 2.5, "General Kenobi.", "English"),
        Segment(4.5, 4.6, "You are a bold one.", "English"),
    ], duration=4.9)


@pytest.fixture
def view(qtbot):
    widget = TranscriptView()
    qtbot.addWidget(widget)
    return widget


def _click_row(qtbot, view, row: int) -> None:
    table = view.segment_table
    rect = table.visualRect(table.model().index(row, TEXT))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_segments_show_with_their_times_and_a_click_plays_from_there(view, talk, qtbot):
    fake = FakePlayer()
    view.segments_page.set_player(fake)
    view.show_transcript(talk, "home", None)
    view.show()
    table = view.segment_table
    assert view.pages.currentIndex() == 0  # timed segments: the segments page
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["0:00", "0:02", "0:04"]
    assert table.item(1, TEXT).text() == "General Kenobi."
    assert fake.source == Path(talk.source)

    _click_row(qtbot, view, 1)
    assert fake.asked == [("play", 2.4)]
    fake.positionChanged.emit(4.55)  # the player reports where it is
    assert table.playing_row() == 2
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert fake.asked[-1] == ("toggle", None)


def test_a_corrected_segment_reaches_the_saved_srt_and_the_history(view, talk, tmp_path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    entry_id = store.add_done(talk.source, "file", "home", talk)
    view.show_entry(store.get(entry_id))
    view.segmentsEdited.connect(lambda eid, segs: store.update_segments(eid, segs))
    view.segment_table.item(1, TEXT).setText("General Grievous.")  # as the editor commits it

    view.save_folder = tmp_path / "out"
    path = view.save_quick("srt")
    assert path == tmp_path / "out" / "talk.srt"
    # Written by hand: the three cues, the middle one corrected, the times kept.
    assert path.read_text(encoding="utf-8") == (
        "1\n00:00:00,300 --> 00:00:00,400\nHello there.\n\n"
        "2\n00:00:02,400 --> 00:00:02,500\nGeneral Grievous.\n\n"
        "3\n00:00:04,500 --> 00:00:04,600\nYou are a bold one.\n")
    kept = store.get(entry_id)
    assert kept.text == "Hello there. General Grievous. You are a bold one."
    assert [s.text for s in kept.segments][1] == "General Grievous."
    assert [(s.start, s.end) for s in kept.segments] == [(0.3, 0.4), (2.4, 2.5), (4.5, 4.6)]
    assert view.text() == kept.text
    store.close()


def test_one_click_saves_remember_the_folder_and_format(view, talk, tmp_path):
    view.show_transcript(talk, None, None)
    assert view.save_folder == Path(talk.source).parent  # at first beside the audio
    first = view.save_quick("text")
    assert first == Path(talk.source).with_suffix(".txt")
    assert first.read_text(encoding="utf-8").split() == talk.text.split()
    assert view.save_quick("text").name == "talk-2.txt"  # never replaces a file
    saved = []
    view.saved.connect(lambda *args: saved.append(args))
    elsewhere = tmp_path / "subs" / "mine.vtt"
    elsewhere.parent.mkdir()
    asked = []
    view.save_dialog = lambda *args: (asked.append(args), (str(elsewhere), ""))[1]
    view.save_as()
    assert saved == [(str(elsewhere), "vtt")]
    assert (view.save_folder, view.save_format) == (elsewhere.parent, "vtt")
    view.save_quick("srt")
    assert (elsewhere.parent / "talk.srt").is_file()
    view.save_as()  # the dialog opens where the last save went, with its format first
    assert asked[-1][2] == str(elsewhere.parent / "talk.srt")


def test_ctrl_f_finds_a_segment(view, talk, qtbot):
    view.show_transcript(talk, None, None)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.segment_table.setFocus()
    qtbot.keyClick(view.segment_table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_bar.isVisible()
    qtbot.keyClicks(view.find_bar.field, "bold")
    assert view.segment_table.currentRow() == 2
    qtbot.keyClicks(view.find_bar.field, "er")  # "bolder": nowhere
    assert view.find_bar.result_label.text() == "Not found"


def test_live_segments_arrive_in_their_place(view):
    view.show_live(7, "/talks/long.wav")
    view.add_live_segments(7, (Segment(10.0, 12.0, "third", "English"),))
    view.add_live_segments(7, (Segment(0.5, 2.0, "first", "English"),
                               Segment(4.0, 5.0, "second", "English")))
    view.add_live_segments(8, (Segment(1.0, 2.0, "another file", "English"),))
    table = view.segment_table
    assert [table.item(r, TEXT).text() for r in range(table.rowCount())] == [
        "first", "second", "third"]
    assert view.text() == "first second third"
    assert not view.save_srt_button.isEnabled()  # not finished yet


class FakeStream:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.started = self.closed = False

    def start(self):
        self.started = True

    def stop(self):
        pass

    def close(self):
        self.closed = True


class FakeSoundDevice:
    def __init__(self):
        self.streams: list[FakeStream] = []

    def OutputStream(self, **kwargs):
        self.streams.append(FakeStream(**kwargs))
        return self.streams[-1]


def test_the_player_plays_the_file_from_the_asked_time(qtbot, tmp_path):
    samples = (np.arange(SR * 3) % 1000).astype(np.int16)  # a ramp we can recognise
    path = tmp_path / "ramp.wav"
    path.write_bytes(audio.encode(samples, "wav"))
    sd = FakeSoundDevice()
    player = SegmentPlayer(sounddevice=lambda: sd)
    player.set_source(path)
    with qtbot.waitSignal(player.playingChanged, timeout=5000) as playing:
        player.play_from(1.5)
    assert playing.args == [True]
    (stream,) = sd.streams
    assert stream.started
    assert stream.kwargs["samplerate"] == SR
    assert stream.kwargs["channels"] == 1
    out = np.zeros((800, 1), dtype=np.int16)
    stream.kwargs["callback"](out, 800, None, None)
    # From 1.3 s on: 0.2 s before the asked time, so the first syllable is heard.
    assert np.array_equal(out[:, 0], samples[20800:21600])
    assert player.position() == pytest.approx(1.35)
    player.toggle_pause()
    assert stream.closed
    assert not player.is_playing()
    player.toggle_pause()  # goes on where it paused
    out2 = np.zeros((10, 1), dtype=np.int16)
    sd.streams[-1].kwargs["callback"](out2, 10, None, None)
    assert np.array_equal(out2[:, 0], samples[21600:21610])  # resumed with no lead-in
    player.stop()


def test_no_sound_output_is_said_in_words(qtbot, tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(audio.encode(np.zeros(SR, np.int16), "wav"))

    def missing():
        raise OSError("PortAudio library not found")

    player = SegmentPlayer(sounddevice=missing)
    player.set_source(path)
    with qtbot.waitSignal(player.failed, timeout=5000) as failed:
        player.play_from(0.0)
    # In words the user can act on, not the system's English.
    assert failed.args == ["Playback is not available: no sound output device could be opened."]


def test_a_file_gone_before_playing_is_said_in_the_interface_language(qtbot, tmp_path):
    """The core's error, worded by the interface (and so translated), not str(exception)."""
    from desktop_asr.ui import app as ui_app

    gone = tmp_path / "meeting.wav"
    player = SegmentPlayer(sounddevice=lambda: pytest.fail("nothing to play"))
    player.set_source(gone)
    translators = ui_app.install_translators(QApplication.instance(), "zh_CN")
    try:
        with qtbot.waitSignal(player.failed, timeout=5000) as failed:
            player.play_from(0.0)
    finally:
        ui_app.remove_translators(QApplication.instance(), translators)
    words = failed.args[0]
    assert "meeting.wav" in words
    prefix, _, reason = words.partition("：")  # 无法播放音频：<why, in Chinese too>
    assert prefix == "无法播放音频", words
    assert re.search(r"[\u4e00-\u9fff]", reason), words


def test_a_running_row_shows_parts_elapsed_time_and_an_estimate(qtbot):
    item = QueueItem(1, "/a.wav", "/a.wav", "file", status=RUNNING, progress=0.25,
                     chunks_done=3, chunks_total=12, started_at=time.monotonic() - 30)
    row = QueueRow(item)
    qtbot.addWidget(row)
    words = row.status.text()
    assert words.startswith("Transcribing… 25% · 3 of 12 parts · 0:30 elapsed")
    assert words.endswith("about 1:30 left")  # 30 s for a quarter: 90 s for the rest
