"""The history store on real SQLite files in tmp_path: entries and their statuses, search
(Chinese and English), retention of recordings' audio, the schema and its migrations, a
damaged or newer database, threads, and a writer process killed mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_asr.errors import AsrError, ConfigFileError, InputError, NotFoundError
from desktop_asr.stores.history.entry import Retention
from desktop_asr.stores.history.schema import MIGRATIONS, SCHEMA_VERSION, open_database
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Segment, Transcript
from tests.history_writer import entry_text

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)
HELLO = "您好,请问有什么可以帮到您?"


@contextmanager
def raw_db(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, committed and closed at the end."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    with HistoryStore(tmp_path / "history.sqlite3", clock=clock) as s:
        yield s


def transcript(text: str, *, duration: float | None = 2.0, language: str = "Chinese",
               segments: tuple[Segment, ...] | None = None) -> Transcript:
    if segments is None:
        segments = (Segment(0.0, duration or 0.0, text, language),)
    return Transcript(source="x", text=text, language=language, duration=duration,
                      segments=segments)


def add(store: HistoryStore, clock: Clock, text: str, source: str = "a.wav") -> int:
    clock.advance(minutes=1)
    return store.add_done(source, "file", None, transcript(text))


# --- entries ----------------------------------------------------------------------------------
def test_an_entry_reads_back_with_every_field(store, tmp_path):
    segments = (Segment(0.0, 1.25, HELLO, "Chinese"),
                Segment(1.25, 4.0, "Deploy Kubernetes now.", "English"))
    t = Transcript("ignored", HELLO + "Deploy Kubernetes now.", "Chinese", 4.0, segments)
    entry_id = store.add_done("/home/me/a.wav", "file", "home", t)
    entry = store.get(entry_id)
    assert entry.id == entry_id
    assert entry.source == "/home/me/a.wav"
    assert entry.source_kind == "file"
    assert entry.profile == "home"
    assert entry.created_at == T0
    assert entry.created_at.tzinfo is not None
    assert entry.duration == 4.0
    assert entry.language == "Chinese"
    assert entry.text == HELLO + "Deploy Kubernetes now."
    assert entry.segments == segments
    assert entry.status == "done"
    assert entry.error == ""
    assert entry.audio_path is None
    assert entry.to_transcript().segments == segments
    # The database file is private.
    assert stat.S_IMODE(os.stat(tmp_path / "history.sqlite3").st_mode) == 0o600


def test_a_missing_entry_is_an_error_in_words(store):
    with pytest.raises(NotFoundError) as caught:
        store.get(42)
    assert str(caught.value) == "No history entry 42."
    for call in (lambda: store.delete(42), lambda: store.mark_failed(42, "x"),
                 lambda: store.mark_done(42, transcript("x")),
                 lambda: store.update_text(42, "x")):
        with pytest.raises(NotFoundError, match="No history entry 42"):
            call()


def test_list_is_newest_first_with_limit_offset_and_status(store, clock):
    first = add(store, clock, "one")
    clock.advance(minutes=1)
    failed = store.add_failed("http://h/b.mp3", "url", "lab", "The server refused.")
    second = add(store, clock, "two")
    assert [e.id for e in store.list()] == [second, failed, first]
    assert [e.id for e in store.list(limit=2)] == [second, failed]
    assert [e.id for e in store.list(limit=2, offset=2)] == [first]
    assert [e.id for e in store.list(status="done")] == [second, first]
    assert [e.id for e in store.list(status="failed")] == [failed]
    assert store.count() == 3
    assert store.count("failed") == 1
    entry = store.get(failed)
    assert (entry.status, entry.error, entry.source_kind) == ("failed", "The server refused.",
                                                             "url")


def test_pending_then_done_or_failed(store, clock, tmp_path):
    audio = store.new_recording_path()
    a = store.add_pending(audio.name, "recording", "home", audio_path=audio)
    clock.advance(minutes=1)
    b = store.add_pending("b.wav", "file", None)
    assert [e.id for e in store.pending()] == [a, b]  # oldest first: the retry order
    store.mark_done(a, transcript("明天的会议改到三点", duration=3.0), profile="lab")
    store.mark_failed(b, "The server at 10.0.0.5:30101 refused the connection.")
    assert store.pending() == []
    done = store.get(a)
    assert (done.status, done.text, done.profile, done.duration) == (
        "done", "明天的会议改到三点", "lab", 3.0)
    assert done.audio_path == audio
    failed = store.get(b)
    assert failed.status == "failed"
    assert failed.error == "The server at 10.0.0.5:30101 refused the connection."
    # mark_done without a profile keeps the entry's; a rerun that works clears the error.
    store.mark_done(b, transcript("rerun"))
    assert (store.get(b).profile, store.get(b).error, store.get(b).status) == (None, "", "done")


def test_a_recording_has_an_entry_from_its_first_second(store, clock, tmp_path):
    """Status recording while its file is written; pending once stopped; a recording the
    user cancels while it waits stays cancelled: never offered for resuming again."""
    audio = store.new_recording_path(".wav")
    entry_id = store.add_recording("Recording 09:26", "home", audio)
    entry = store.get(entry_id)
    assert (entry.status, entry.source_kind, entry.audio_path, entry.profile,
            entry.recovered) == ("recording", "recording", audio, "home", False)
    assert [e.id for e in store.unfinished_recordings()] == [entry_id]
    assert store.pending() == []  # not sent while it is being recorded
    store.mark_pending(entry_id, 12.5)
    assert (store.get(entry_id).status, store.get(entry_id).duration) == ("pending", 12.5)
    assert store.unfinished_recordings() == []
    assert [e.id for e in store.pending()] == [entry_id]
    store.mark_cancelled(entry_id)
    assert store.get(entry_id).status == "cancelled"
    assert store.pending() == []
    assert store.count("cancelled") == 1
    assert audio.exists()  # a cancel keeps the audio; the retention never takes it
    store.set_retention(Retention.NONE)
    assert store.apply_retention() == 0
    assert store.audio_paths() == {audio.absolute()}


def test_recovered_entries_are_marked_and_wait_or_fail(store, clock, tmp_path):
    audio = store.new_recording_path(".wav")
    lost = store.add_recording("Recording a", None, tmp_path / "gone.wav")
    kept = store.add_recording("Recording b", None, audio)
    store.mark_recovered(kept, 61.25)
    store.mark_recovered(lost, None, "Its audio file is gone.")
    assert [(e.status, e.recovered, e.duration) for e in store.pending()] == [
        ("pending", True, 61.25)]
    assert (store.get(lost).status, store.get(lost).error, store.get(lost).recovered) == (
        "failed", "Its audio file is gone.", True)
    store.mark_done(kept, transcript("back again", duration=61.25))
    assert (store.get(kept).status, store.get(kept).recovered) == ("done", True)
    orphan = store.add_recovered("Recording c", tmp_path / "c.wav", 3.0)
    assert (store.get(orphan).status, store.get(orphan).recovered,
            store.get(orphan).duration) == ("pending", True, 3.0)
    assert store.get(orphan).to_dict()["recovered"] is True


def test_a_closed_history_says_so_in_words(tmp_path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    entry_id = store.add_pending("a.wav", "file", None)
    store.close()
    store.close()  # twice is fine
    for call in (lambda: store.get(entry_id), lambda: store.list(),
                 lambda: store.mark_done(entry_id, transcript("late")),
                 lambda: store.apply_retention()):
        with pytest.raises(AsrError, match="is closed"):
            call()


def test_unknown_kinds_and_statuses_are_refused(store):
    with pytest.raises(ValueError, match="source kind"):
        store.add_done("a", "ftp", None, transcript("x"))
    with pytest.raises(ValueError, match="status"):
        store.list(status="lost")


def test_editing_the_text_keeps_the_search_in_step_and_the_segments_true(store, clock):
    segments = (Segment(1.0, 2.0, "teh cat", "English"), Segment(2.0, 5.5, "sat", "English"))
    entry_id = store.add_done("a.wav", "file", None,
                              Transcript("a", "teh cat sat", "English", 6.0, segments))
    store.update_text(entry_id, "the cat sat down")
    entry = store.get(entry_id)
    assert entry.text == "the cat sat down"
    assert entry.segments == (Segment(1.0, 5.5, "the cat sat down", "English"),)
    assert store.search("teh cat") == []
    assert [h.entry.id for h in store.search("sat down")] == [entry_id]


def test_delete_removes_the_row_its_index_entry_and_its_audio(store, clock, tmp_path):
    audio = store.new_recording_path()
    audio.write_bytes(b"fLaC...")
    gone = store.add_done(audio.name, "recording", None, transcript("Deploy Kubernetes now"),
                          audio_path=audio)
    kept = add(store, clock, "Kubernetes stays")
    assert len(store.search("kubernetes")) == 2
    store.delete(gone)
    assert not audio.exists()
    assert [h.entry.id for h in store.search("kubernetes")] == [kept]
    assert [h.entry.id for h in store.search("deploy")] == []
    with pytest.raises(NotFoundError):
        store.get(gone)
    with pytest.raises(NotFoundError):
        store.delete(gone)


def test_delete_never_removes_a_file_outside_the_audio_folder(store, tmp_path):
    users_file = tmp_path / "my-talk.flac"
    users_file.write_bytes(b"mine")
    entry_id = store.add_pending(users_file.name, "recording", None, audio_path=users_file)
    store.delete(entry_id)
    assert users_file.read_bytes() == b"mine"


# --- search -----------------------------------------------------------------------------------
@pytest.fixture
def corpus(store, clock):
    ids = {
        "hello": add(store, clock, HELLO),
        "deploy": add(store, clock, "Deploy Kubernetes now"),
        "meeting": add(store, clock, "明天的会议改到三点", source="/rec/standup-0412.wav"),
        "syntax": add(store, clock, 'Use C++ (beta): x-ray* "quoted" NEAR/2 col:val ^start'),
        "percent": add(store, clock, "5% off, a_b and ok"),
        "plain": add(store, clock, "55 off, axb"),
    }
    return ids


def found(store: HistoryStore, query: str) -> list[int]:
    return [h.entry.id for h in store.search(query)]


def test_chinese_text_is_found_inside_a_sentence(store, corpus):
    assert found(store, "可以帮到") == [corpus["hello"]]
    hit = store.search("可以帮到")[0]
    assert hit.snippet.marked() == "您好,请问有什么[可以帮到]您?"


@pytest.mark.parametrize("query", ["kubernetes", "KUBERNETES", "Kubernetes", "ubernete"])
def test_english_is_found_ignoring_case(store, corpus, query):
    assert found(store, query) == [corpus["deploy"]]


@pytest.mark.parametrize("query", ["会议", "三点", "会"])
def test_short_chinese_queries_are_found_without_the_index(store, corpus, query):
    assert found(store, query) == [corpus["meeting"]]


def test_the_source_name_is_searched_too(store, corpus):
    assert found(store, "standup") == [corpus["meeting"]]
    assert found(store, "0412") == [corpus["meeting"]]


def test_every_word_must_occur(store, corpus):
    assert found(store, "deploy now") == [corpus["deploy"]]
    assert found(store, "deploy 会议") == []
    assert found(store, "会议 standup") == [corpus["meeting"]]  # short term + source
    assert found(store, '"kubernetes now"') == [corpus["deploy"]]  # a quoted phrase
    assert found(store, '"now kubernetes"') == []


@pytest.mark.parametrize(
    "query",
    ["C++", "(beta):", "x-ray*", '"quoted"', "NEAR/2", "col:val", "^start", "(beta", ")",
     ":", "*", "^", "Use NEAR"],
)
def test_fts_syntax_is_searched_for_literally(store, corpus, query):
    assert found(store, query) == [corpus["syntax"]]


@pytest.mark.parametrize("query", ["NOT", "AND", "OR", "*", "x OR", "NEAR(a b)", "a:b",
                                   "{col}", "'", "\\", "Use OR zzz", "-x", "a - b"])
def test_no_query_raises_a_database_error(store, corpus, query):
    store.search(query)  # whatever it finds, never an sqlite error


@pytest.mark.parametrize(("query", "key"), [("5%", "percent"), ("a_", "percent"),
                                            ("ok", "percent")])
def test_like_wildcards_are_literal_in_short_queries(store, corpus, query, key):
    assert found(store, query) == [corpus[key]]


def test_search_is_newest_first_and_limited(store, clock):
    ids = [add(store, clock, f"report number {n}") for n in range(5)]
    assert found(store, "report") == ids[::-1]
    assert [h.entry.id for h in store.search("report", limit=2)] == ids[::-1][:2]


def test_an_entry_finished_later_becomes_searchable(store):
    entry_id = store.add_pending("a.wav", "file", None)
    assert found(store, "kubernetes") == []
    store.mark_done(entry_id, transcript("Kubernetes at last"))
    assert found(store, "kubernetes") == [entry_id]


def test_an_empty_query_is_an_error(store):
    with pytest.raises(InputError, match="empty"):
        store.search("  ")


# --- recordings and retention -----------------------------------------------------------------
def test_new_recording_paths_are_unique_private_files(store, tmp_path):
    first, second = store.new_recording_path(), store.new_recording_path(".wav")
    assert first != second
    assert first.parent == second.parent == tmp_path / "recordings"
    assert first.suffix == ".flac"
    assert second.suffix == ".wav"
    assert first.exists()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_keep_recording_moves_it_into_the_audio_folder(store, tmp_path):
    src = tmp_path / "captured.flac"
    src.write_bytes(b"fLaC audio")
    kept = store.keep_recording(src)
    assert not src.exists()
    assert kept.parent == tmp_path / "recordings"
    assert kept.read_bytes() == b"fLaC audio"


def test_keep_recording_of_a_missing_file_is_an_error_in_words(store, tmp_path):
    with pytest.raises(InputError, match="Cannot keep the recording"):
        store.keep_recording(tmp_path / "nothing.flac")
    assert list((tmp_path / "recordings").iterdir()) == []


def _recording(store: HistoryStore, status: str) -> tuple[int, Path]:
    audio = store.new_recording_path()
    audio.write_bytes(b"audio")
    if status == "done":
        entry_id = store.add_done(audio.name, "recording", None, transcript("hi"),
                                  audio_path=audio)
    elif status == "failed":
        entry_id = store.add_failed(audio.name, "recording", None, "no server",
                                    audio_path=audio)
    else:
        entry_id = store.add_pending(audio.name, "recording", None, audio_path=audio)
    return entry_id, audio


def test_retention_is_keep_all_until_set_and_survives_reopening(store, tmp_path):
    assert store.get_retention() == Retention.ALL
    store.set_retention(Retention(30))
    with HistoryStore(tmp_path / "history.sqlite3") as again:
        assert again.get_retention() == Retention(30)


def test_keep_all_deletes_nothing(store, clock):
    entry_id, audio = _recording(store, "done")
    clock.advance(days=10_000)
    assert store.apply_retention() == 0
    assert audio.exists()
    assert store.get(entry_id).audio_path == audio


def test_retention_of_n_days_deletes_older_done_audio_only(store, clock):
    old_done, old_done_audio = _recording(store, "done")
    old_pending, old_pending_audio = _recording(store, "pending")
    old_failed, old_failed_audio = _recording(store, "failed")
    clock.advance(days=20)
    new_done, new_done_audio = _recording(store, "done")
    store.set_retention(Retention(30))
    assert store.apply_retention(now=T0 + timedelta(days=29)) == 0
    assert old_done_audio.exists()
    assert store.apply_retention(now=T0 + timedelta(days=31)) == 1
    assert not old_done_audio.exists()
    assert store.get(old_done).audio_path is None
    assert store.get(old_done).text == "hi"  # the entry stays
    for entry_id, audio in ((old_pending, old_pending_audio), (old_failed, old_failed_audio),
                            (new_done, new_done_audio)):
        assert audio.exists()
        assert store.get(entry_id).audio_path == audio


def test_retention_none_deletes_all_done_audio_but_never_a_pending_recording(store, clock):
    done, done_audio = _recording(store, "done")
    pending, pending_audio = _recording(store, "pending")
    store.set_retention(Retention.NONE)
    assert store.apply_retention() == 1  # the clock has not moved: age 0 is enough
    assert not done_audio.exists()
    assert pending_audio.exists()
    assert store.get(pending).audio_path == pending_audio
    store.mark_done(pending, transcript("sent at last"))
    assert store.apply_retention() == 1
    assert not pending_audio.exists()
    assert store.get(done).audio_path is None


def test_audio_shared_by_a_rerun_goes_with_the_last_entry_using_it(store, clock):
    first, audio = _recording(store, "done")
    clock.advance(days=20)
    rerun = store.add_done(audio.name, "recording", "lab", transcript("again"),
                           audio_path=audio)
    store.set_retention(Retention(30))
    assert store.apply_retention(now=T0 + timedelta(days=31)) == 1
    assert store.get(first).audio_path is None
    assert audio.exists()  # the rerun, 11 days old, keeps it
    assert store.get(rerun).audio_path == audio
    again = store.add_done(audio.name, "recording", "lab", transcript("third"),
                           audio_path=audio)
    store.delete(rerun)
    assert audio.exists()  # still used by the third
    store.delete(again)
    assert not audio.exists()


def test_an_unreadable_retention_setting_deletes_nothing(store, tmp_path):
    _, audio = _recording(store, "done")
    with raw_db(tmp_path / "history.sqlite3") as raw:
        raw.execute("INSERT INTO meta (key, value) VALUES ('retention', 'whenever')")
    assert store.get_retention() == Retention.ALL
    assert store.apply_retention() == 0
    assert audio.exists()


# --- the database file ------------------------------------------------------------------------
def test_wal_mode_and_the_schema_version(store, tmp_path):
    with raw_db(tmp_path / "history.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_migrations_run_in_order_from_an_empty_file(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    steps = (("CREATE TABLE log (step INTEGER)", "INSERT INTO log VALUES (1)"),
             ("INSERT INTO log VALUES (2)",),
             ("INSERT INTO log VALUES (3)",))
    conn = open_database(path, steps)
    assert [r[0] for r in conn.execute("SELECT step FROM log ORDER BY rowid")] == [1, 2, 3]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()
    conn = open_database(path, (*steps, ("INSERT INTO log VALUES (4)",)))  # only the new one
    assert [r[0] for r in conn.execute("SELECT step FROM log ORDER BY rowid")] == [1, 2, 3, 4]
    conn.close()


def test_a_failing_migration_changes_nothing(tmp_path):
    path = tmp_path / "h.sqlite3"
    steps = (("CREATE TABLE a (x)",), ("CREATE TABLE b (x)", "THIS IS NOT SQL"))
    with pytest.raises(AsrError):
        open_database(path, steps)
    with raw_db(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
        assert raw.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_a_version_1_database_is_migrated_and_its_rows_become_searchable(tmp_path):
    path = tmp_path / "history.sqlite3"
    with raw_db(path) as raw:  # as desktop-asr with schema 1 left it
        for statement in MIGRATIONS[0]:
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 1")
        raw.execute(
            "INSERT INTO entries (source, source_kind, profile, created_at, duration, "
            "language, text, segments, status) VALUES ('old.wav', 'file', NULL, "
            "'2024-01-02T03:04:05.000000+00:00', 2.5, 'Chinese', ?, '[]', 'done')", (HELLO,))
    with HistoryStore(path) as store:
        (hit,) = store.search("可以帮到")
        assert hit.entry.source == "old.wav"
        assert hit.entry.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        new_id = store.add_done("new.wav", "file", None, transcript("帮到您了"))
        assert [h.entry.id for h in store.search("帮到")] == [new_id, hit.entry.id]
    with raw_db(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_version_2_database_migrates_to_the_recording_and_cancelled_statuses(tmp_path):
    """Schema 3 rebuilds the entries table (a CHECK cannot change in place): every row, its
    id, its search and the id counter survive; the new statuses and flag work."""
    path = tmp_path / "history.sqlite3"
    audio = tmp_path / "recordings" / "old.wav"
    with raw_db(path) as raw:  # as desktop-asr with schema 2 left it
        for statement in (*MIGRATIONS[0], *MIGRATIONS[1]):
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 2")
        for n, (status, text) in enumerate([("done", HELLO), ("pending", ""),
                                            ("failed", ""), ("done", "gone soon")]):
            raw.execute(
                "INSERT INTO entries (source, source_kind, created_at, duration, text, status,"
                " error, audio_path) VALUES (?, 'recording', ?, 2.0, ?, ?, ?, ?)",
                (f"rec{n}", f"2024-01-0{n + 1}T00:00:00.000000+00:00", text, status,
                 "The server refused." if status == "failed" else "", str(audio)))
        raw.execute("DELETE FROM entries WHERE id = 4")  # the newest: its id is never reused
    with HistoryStore(path) as store:
        old = [(e.id, e.status, e.error, e.audio_path, e.recovered)
               for e in store.list()]
        assert old == [(3, "failed", "The server refused.", audio, False),
                       (2, "pending", "", audio, False), (1, "done", "", audio, False)]
        assert [h.entry.id for h in store.search("可以帮到")] == [1]
        assert [e.id for e in store.pending()] == [2]
        new = store.add_recording("Recording now", "home", tmp_path / "new.wav")
        assert new == 5
        assert store.get(new).status == "recording"
        store.mark_cancelled(2)
        assert store.get(2).status == "cancelled"
        store.mark_recovered(3, 4.5)
        assert (store.get(3).status, store.get(3).recovered) == ("pending", True)
        store.update_text(1, "edited and still found")
        assert [h.entry.id for h in store.search("still found")] == [1]
        assert store.search("可以帮到") == []
    with raw_db(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw.execute("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("UPDATE entries SET status = 'lost' WHERE id = 1")


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "history.sqlite3"
    with raw_db(path) as raw:
        raw.execute("PRAGMA user_version = 99")
    before = path.read_bytes()
    with pytest.raises(ConfigFileError) as caught:
        HistoryStore(path)
    message = str(caught.value)
    assert str(path) in message
    assert "newer version of desktop-asr" in message
    assert "99" in message
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 16,  # random-looking bytes
    b"SQLite format 3\x00" + b"\xff" * 84,  # a header and nothing sane behind it
    b"hello, I am a text file\n",
])
def test_a_damaged_file_is_an_error_naming_it_and_is_left_alone(tmp_path, content):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(content)
    with pytest.raises(ConfigFileError) as caught:
        HistoryStore(path)
    assert str(path) in str(caught.value)
    assert "damaged or is not a SQLite database" in str(caught.value)
    assert path.read_bytes() == content


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "history.sqlite3"
    with raw_db(path) as raw:
        raw.execute("CREATE TABLE bookmarks (url TEXT)")
    before = path.read_bytes()
    with pytest.raises(ConfigFileError, match="another program"):
        HistoryStore(path)
    assert path.read_bytes() == before


def test_a_folder_that_cannot_be_created_is_an_error_in_words(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigFileError, match="Cannot create the history database"):
        HistoryStore(blocker / "history.sqlite3")


# --- threads and processes --------------------------------------------------------------------
def test_one_store_shared_by_threads(store):
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(20):
                entry_id = store.add_pending(f"{n}-{i}.wav", "file", None)
                store.mark_done(entry_id, transcript(f"thread {n} item {i}"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count("done") == 80
    assert len(store.search('"thread 3 item"', limit=100)) == 20


def test_two_stores_on_one_file_see_each_others_rows(tmp_path):
    path = tmp_path / "history.sqlite3"
    with HistoryStore(path) as app, HistoryStore(path) as cli:
        entry_id = cli.add_done("a.wav", "file", None, transcript("from the CLI"))
        assert app.get(entry_id).text == "from the CLI"
        app.delete(entry_id)
        assert cli.count() == 0


def test_a_write_waits_for_another_process_write(store, tmp_path):
    other = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        errors: list[BaseException] = []

        def write() -> None:
            try:
                store.add_done("a.wav", "file", None, transcript("waited"))
            except BaseException as exc:  # reported below
                errors.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(0.5)  # sleep-ok: long enough to meet the lock and fail if it did not wait
        other.execute("COMMIT")
        writer.join()
    finally:
        other.close()
    assert errors == []
    assert [e.text for e in store.list()] == ["waited"]


def test_a_killed_writer_loses_no_committed_row(tmp_path):
    """A writer process is SIGKILLed in the middle of writing an entry (it says so from
    inside the INSERT, see tests/history_writer.py), three times over the same file; every
    entry it reported committed is there, whole, and the file and its index are intact."""
    path = tmp_path / "history.sqlite3"
    committed: dict[int, int] = {}
    killed_while_writing: list[int] = []

    def record(line: str) -> None:
        kind, *numbers = line.split()
        if kind == "ID":
            committed[int(numbers[0])] = int(numbers[1])

    for round_ in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.history_writer", str(path), str(round_ * 1000)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert writer.stdout is not None
            reported = 0
            while True:  # wait by reading the pipe
                line = writer.stdout.readline()
                assert line, f"the writer stopped: {writer.communicate()[1]}"
                record(line)
                reported += line.startswith("ID ")
                if line.startswith("writing ") and reported >= 2:
                    killed_while_writing.append(int(line.split()[1]))
                    break
        finally:
            writer.send_signal(signal.SIGKILL)
            rest, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        for line in rest.splitlines():  # printed before the kill arrived
            record(line)
    with HistoryStore(path) as store:
        for entry_id, n in committed.items():
            entry = store.get(entry_id)
            assert entry.text == entry_text(n)
            assert entry.segments[0].text == entry.text
        # An entry killed while being written is there whole or not at all.
        for n in killed_while_writing:
            hits = store.search(f'"entry {n}:"')
            assert [h.entry.text for h in hits] in ([], [entry_text(n)])
        assert len(committed) <= store.count() <= len(committed) + 3
        assert store._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # Raises if the full-text index disagrees with the rows.
        store._conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        last = max(committed)
        assert [h.entry.id for h in store.search(f'"entry {committed[last]}:"')] == [last]
