"""The transcript view in the app's window, with the real queue and reference server: a
file's text appears segment by segment while it is transcribed; corrections reach the
history; the last save folder and format are kept in the settings."""

from __future__ import annotations

from desktop_asr.stores.app_settings import AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.ui.transcript.segment_table import TEXT
from desktop_asr.ui.transcription_queue import DONE
from tests import dtmf
from tests.ui.test_main_window_flows import make_window  # noqa: F401  (a fixture)

WORDS = "111 222 333 444 555 666"


def _rows(view) -> list[str]:
    table = view.segment_table
    return [table.item(r, TEXT).text() for r in range(table.rowCount())]


def test_a_files_text_appears_part_by_part_then_in_full(make_window, stores, refserver,  # noqa: F811
                                                        tmp_path, qtbot):
    refserver.configure(min_latency_s=0.6)  # each part takes a while
    stores.profiles.add(Profile(name="home", server=refserver.url, concurrency=1))
    window, _ = make_window()
    # 1.5 s pauses: a request holds two words (3 s at least), so three parts.
    path = dtmf.write_audio(tmp_path / "talk.wav", dtmf.synthesize(WORDS, word_gap_ms=1500),
                            16000)
    window.controller.transcribe_paths([str(path)])
    queue = window.controller.queue
    view = window.transcript_view
    qtbot.waitUntil(lambda: view.segment_table.rowCount() > 0, timeout=20000)
    (item,) = queue.items()
    assert not queue.item(item.id).finished  # shown before the end
    early = _rows(view)
    assert early == WORDS.split()[: len(early)]
    assert view.status_label.isVisibleTo(view)
    qtbot.waitUntil(lambda: queue.item(item.id).status == DONE, timeout=30000)
    assert queue.item(item.id).chunks_total == 3
    qtbot.waitUntil(lambda: view.entry_id() is not None)
    assert _rows(view) == WORDS.split()
    assert view.save_srt_button.isEnabled()


def test_corrections_and_save_places_are_kept(make_window, stores, history, refserver,  # noqa: F811
                                             tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, _ = make_window()
    path = dtmf.write_audio(tmp_path / "talk.wav", dtmf.synthesize("123 456",
                                                                   word_gap_ms=1500), 16000)
    window.controller.transcribe_paths([str(path)])
    view = window.transcript_view
    qtbot.waitUntil(lambda: view.entry_id() is not None and _rows(view) == ["123", "456"],
                    timeout=20000)
    view.segment_table.item(1, TEXT).setText("four five six")
    entry = history.get(view.entry_id())
    assert [s.text for s in entry.segments] == ["123", "four five six"]
    assert entry.text == "123 four five six"
    assert entry.segments[1].start > 1.5  # the times stay

    folder = tmp_path / "subtitles"
    folder.mkdir()
    view.save_folder = folder
    saved = view.save_quick("srt")
    assert saved is not None
    assert "four five six" in saved.read_text(encoding="utf-8")
    settings = AppSettingsStore(tmp_path / "settings.json").load()
    assert (settings.last_save_dir, settings.last_save_format) == (str(folder), "srt")
