"""The history panel: instant search (Chinese and English, off the UI thread, stale answers
dropped), the list newest first, open, copy, re-run and delete with confirmation."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication

from desktop_asr.stores.history.search import Snippet
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.widgets.history_panel import HistoryPanel
from desktop_asr.ui.widgets.history_rows import snippet_html

CHINESE = "您好,请问有什么可以帮到您?"
MEETING = "The meeting moved to three o'clock."
DEPLOY = "Deploy the cluster tomorrow, after the meeting notes are out."


class StepClock:
    """Each entry one minute after the previous one."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def transcript(source: str, text: str, language: str) -> Transcript:
    return Transcript.from_segments(source, [Segment(0.0, 4.0, text, language)], 4.0)


class Entries:
    def __init__(self, store: HistoryStore) -> None:
        self.chinese = store.add_done("/rec/客服.flac", "file", "office",
                                      transcript("/rec/客服.flac", CHINESE, "Chinese"))
        self.meeting = store.add_done("/rec/meeting.wav", "file", "home",
                                      transcript("/rec/meeting.wav", MEETING, "English"))
        self.failed = store.add_failed("/rec/broken.mp3", "file", "home",
                                       "The server at 10.0.0.5:30101 refused the connection.")
        self.deploy = store.add_done("/rec/deploy.ogg", "file", "home",
                                     transcript("/rec/deploy.ogg", DEPLOY, "English"))
        self.newest_first = [self.deploy, self.failed, self.meeting, self.chinese]


@pytest.fixture
def pool():
    threads = QThreadPool()
    threads.setMaxThreadCount(4)  # a blocked search must not hold up the next one
    yield threads
    threads.waitForDone(5000)


@pytest.fixture
def store(tmp_path):
    history = HistoryStore(tmp_path / "history.sqlite3", clock=StepClock())
    yield history
    history.close()


@pytest.fixture
def entries(store):
    return Entries(store)


@pytest.fixture
def panel(qtbot, store, entries, pool):
    widget = HistoryPanel(store, pool=pool)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.entry_ids() == entries.newest_first)
    return widget


def search(qtbot, panel, text: str) -> None:
    with qtbot.waitSignal(panel.resultsShown, timeout=3000,
                          check_params_cb=lambda query, _count: query == text.strip()):
        panel.search_box.setText(text)


def test_the_list_shows_everything_newest_first(panel, entries):
    assert panel.entry_ids() == entries.newest_first
    texts = [panel.entry_list.item(i).text() for i in range(panel.entry_list.count())]
    assert texts[0].endswith(DEPLOY)
    assert "Failed" in texts[1]
    assert texts[1].endswith("refused the connection.")
    assert "0:00:04" in texts[2]  # duration
    assert "home" in texts[2]  # profile
    assert texts[3].endswith(CHINESE)
    assert panel.summary_label.text() == "Transcripts: 4"


def test_chinese_search_finds_only_that_entry_with_the_match_highlighted(qtbot, panel,
                                                                         entries):
    search(qtbot, panel, "可以帮到")
    assert panel.entry_ids() == [entries.chinese]
    item_html = panel.entry_list.item(0).data(Qt.ItemDataRole.UserRole + 1)
    assert "<b>可以帮到</b>" in item_html


def test_an_english_word_search_typed_key_by_key(qtbot, panel, entries):
    with qtbot.waitSignal(panel.resultsShown, timeout=3000,
                          check_params_cb=lambda query, _count: query == "meeting"):
        qtbot.keyClicks(panel.search_box, "meeting")
    assert panel.entry_ids() == [entries.deploy, entries.meeting]  # newest first
    search(qtbot, panel, "MEETING three")  # every term, any case
    assert panel.entry_ids() == [entries.meeting]
    search(qtbot, panel, "zebra")
    assert panel.entry_ids() == []
    assert "zebra" in panel.summary_label.text()


def test_clearing_the_box_lists_all_again(qtbot, panel, entries):
    search(qtbot, panel, "cluster")
    assert panel.entry_ids() == [entries.deploy]
    search(qtbot, panel, "")
    assert panel.entry_ids() == entries.newest_first


def test_a_stale_answer_is_dropped(qtbot, tmp_path, pool):
    release = threading.Event()
    started = threading.Event()

    class SlowFirstSearch(HistoryStore):
        def search(self, query, limit=50, **kwargs):
            if query == "meeting":
                started.set()
                release.wait(10)
            return super().search(query, limit, **kwargs)

    store = SlowFirstSearch(tmp_path / "slow.sqlite3", clock=StepClock())
    entries = Entries(store)
    panel = HistoryPanel(store, pool=pool)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.entry_ids() == entries.newest_first)

    panel.search_box.setText("meeting")  # its search blocks until released
    qtbot.waitUntil(started.is_set)
    search(qtbot, panel, "cluster")
    assert panel.entry_ids() == [entries.deploy]

    release.set()  # the old answer arrives now, too late
    qtbot.waitUntil(lambda: panel.ignored_results == 1)
    assert panel.entry_ids() == [entries.deploy]
    assert panel.search_box.text() == "cluster"
    pool.waitForDone(5000)
    store.close()


def test_open_on_double_click_and_enter(qtbot, panel, entries):
    panel.show()
    qtbot.waitExposed(panel)
    rect = panel.entry_list.visualItemRect(panel.entry_list.item(2))
    viewport = panel.entry_list.viewport()
    with qtbot.waitSignal(panel.openRequested) as opened:
        # QTest's double click is the double-click event alone; a real one starts with
        # a click.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [entries.meeting]

    panel.select_entry(entries.chinese)
    with qtbot.waitSignal(panel.openRequested) as opened:
        qtbot.keyClick(panel.entry_list, Qt.Key.Key_Return)
    assert opened.args == [entries.chinese]


def test_down_from_the_search_box_moves_into_the_list(qtbot, panel, entries):
    panel.show()
    qtbot.waitExposed(panel)
    panel.search_box.setFocus()
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Down)
    assert panel.current_entry().id == entries.deploy
    qtbot.waitUntil(panel.entry_list.hasFocus)


def test_copy_puts_the_entry_text_on_the_clipboard(qtbot, panel, entries):
    panel.select_entry(entries.chinese)
    with qtbot.waitSignal(panel.copied) as copied:
        panel.copy_button.click()
    assert copied.args == [CHINESE]
    assert QGuiApplication.clipboard().text() == CHINESE
    panel.select_entry(entries.failed)
    assert not panel.copy_button.isEnabled()  # nothing to copy


def test_rerun_submenu_offers_the_profiles(qtbot, panel, entries):
    panel.profile_names = lambda: ["home", "office GPU"]
    menu = panel.context_menu(entries.meeting)
    rerun = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert rerun.title() == "Re-run with profile"
    assert [a.text() for a in rerun.actions()] == ["home", "office GPU"]
    with qtbot.waitSignal(panel.rerunRequested) as signal:
        rerun.actions()[1].trigger()
    assert signal.args == [entries.meeting, "office GPU"]


def test_rerun_button_menu_is_built_when_it_opens(qtbot, panel, entries):
    panel.profile_names = lambda: ["fast"]
    panel.select_entry(entries.deploy)
    menu = panel.rerun_button.menu()
    menu.aboutToShow.emit()
    with qtbot.waitSignal(panel.rerunRequested) as signal:
        menu.actions()[0].trigger()
    assert signal.args == [entries.deploy, "fast"]


def test_a_recording_without_its_audio_cannot_be_rerun(qtbot, store, entries, pool):
    gone = store.add_done("recording-1.flac", "recording", "home",
                          transcript("recording-1.flac", "hello", "English"))
    panel = HistoryPanel(store, pool=pool)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: gone in panel.entry_ids())
    panel.select_entry(gone)
    assert not panel.rerun_button.isEnabled()
    panel.select_entry(entries.meeting)
    assert panel.rerun_button.isEnabled()


def test_delete_with_yes_removes_the_entry(qtbot, panel, store, entries):
    questions = []
    panel.confirm = lambda question: questions.append(question) or True
    panel.select_entry(entries.meeting)
    with qtbot.waitSignal(panel.entryDeleted) as deleted:
        panel.delete_button.click()
    assert deleted.args == [entries.meeting]
    assert "meeting.wav" in questions[0]
    qtbot.waitUntil(lambda: entries.meeting not in panel.entry_ids())
    assert store.count() == 3
    assert panel.entry_ids() == [entries.deploy, entries.failed, entries.chinese]


def test_delete_with_no_keeps_it(qtbot, panel, store, entries):
    panel.confirm = lambda question: False
    panel.select_entry(entries.chinese)
    qtbot.keyClick(panel.entry_list, Qt.Key.Key_Delete)
    assert store.count() == 4
    assert panel.entry_ids() == entries.newest_first
    assert panel.current_entry().id == entries.chinese


def test_the_delete_key_asks_and_deletes(qtbot, panel, store, entries):
    panel.confirm = lambda question: True
    panel.select_entry(entries.failed)
    qtbot.keyClick(panel.entry_list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: entries.failed not in panel.entry_ids())
    assert store.count() == 4 - 1


def test_a_delete_error_is_shown_in_words(qtbot, panel, store, entries):
    panel.confirm = lambda question: True
    panel.select_entry(entries.deploy)
    store.delete(entries.deploy)  # already gone (e.g. deleted from the CLI)
    panel.delete_current()
    qtbot.waitUntil(lambda: not panel.error_panel.isHidden())
    assert "no longer in the history" in panel.error_panel.message()
    qtbot.waitUntil(lambda: entries.deploy not in panel.entry_ids())  # refreshed


def test_refresh_shows_a_new_entry(qtbot, panel, store):
    new = store.add_done("/rec/new.wav", "file", "home",
                         transcript("/rec/new.wav", "A brand new one.", "English"))
    with qtbot.waitSignal(panel.resultsShown):
        panel.refresh()
    assert panel.entry_ids()[0] == new


def test_snippet_html_escapes_and_bolds():
    snippet = Snippet("a <b> & 可以帮到 x", ((8, 12),))
    assert snippet_html(snippet) == "a &lt;b&gt; &amp; <b>可以帮到</b> x"


def test_context_menu_on_right_click_selects_the_entry(qtbot, panel, entries):
    rect = panel.entry_list.visualItemRect(panel.entry_list.item(1))
    panel.entry_list.customContextMenuRequested.emit(QPoint(rect.center()))
    assert panel.current_entry().id == entries.failed
    menus = [m for m in panel.findChildren(type(panel.rerun_button.menu()))
             if m.isVisible()]
    assert menus
    for menu in menus:
        menu.close()


def test_recovered_cancelled_and_unfinished_entries_say_so(qtbot, store, pool, tmp_path):
    recovered = store.add_recording("Recording 09:01", None, tmp_path / "a.wav")
    store.mark_recovered(recovered, 12.0)
    store.mark_done(recovered, transcript("a.wav", "back after the crash", "English"))
    cancelled = store.add_pending("/rec/long.mp3", "file", "home")
    store.mark_cancelled(cancelled)
    recording = store.add_recording("Recording 09:03", None, tmp_path / "b.wav")
    panel = HistoryPanel(store, pool=pool)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.entry_ids() == [recording, cancelled, recovered])
    rows = [panel.entry_list.item(i).text().split("\n") for i in range(3)]
    assert "Recording" in rows[0][0]
    assert rows[0][1] == "Being recorded"
    assert "Cancelled" in rows[1][0]
    assert rows[1][1] == "Cancelled"
    assert "Recovered after an unexpected exit" in rows[2][0]
    assert rows[2][1] == "back after the crash"
