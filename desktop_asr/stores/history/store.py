"""The transcript history: every transcription (CLI or app) in a SQLite database under the
user data dir, with the kept audio of recordings and full-text search.

Threads: one HistoryStore may be shared between threads (the app creates it on the main
thread and uses it from a worker); each call holds a lock for its duration. Several
processes (the app and a CLI run) may use the same file at once: WAL mode lets readers go
on during a write, and a write waits up to ten seconds for another process's write.
Schema, migrations and durability: schema.py. Query language: search.py.
"""

from __future__ import annotations

import builtins
import contextlib
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_asr.errors import AsrError, InputError, NotFoundError, scrub
from desktop_asr.stores.credentials import public_url
from desktop_asr.stores.history.audio_files import create_recording_file, remove_audio
from desktop_asr.stores.history.entry import (
    COLUMNS,
    SOURCE_KINDS,
    STATUSES,
    HistoryEntry,
    Retention,
    SearchHit,
    entry_from_row,
    iso,
    segments_from_json,
    segments_json,
    utc_now,
)
from desktop_asr.stores.history.schema import database_error, open_database
from desktop_asr.stores.history.search import make_snippet, parse_query, search_sql
from desktop_asr.stores.paths import data_dir
from desktop_asr.text.transcript import Segment, Transcript, join_texts

__all__ = ["HistoryEntry", "HistoryStore", "Retention", "SearchHit"]


class HistoryStore:
    """The history database at ``path`` (default: ``data_dir()/history.sqlite3``) and the
    folder of kept recordings (default: ``recordings`` beside the database). Opening it
    creates and migrates the file; a damaged, foreign or newer file raises
    ConfigFileError naming it. Only files inside the recordings folder are ever deleted.
    ``clock`` gives the entries' times (aware datetimes, UTC)."""

    def __init__(self, path: Path | None = None, *, audio_dir: Path | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.path = path if path is not None else data_dir() / "history.sqlite3"
        self.audio_dir = audio_dir if audio_dir is not None else self.path.parent / "recordings"
        self._clock = clock
        self._lock = threading.Lock()
        self._closed = False
        self._conn = open_database(self.path)

    def close(self) -> None:
        """Close the database; later calls raise AsrError in words. Safe to call twice."""
        with self._lock:
            self._closed = True
            self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ----------------------------------------------------------------------------
    def add_pending(self, source: str, kind: str, profile: str | None,
                    audio_path: Path | None = None) -> int:
        """A transcription about to start (or a recording waiting for the server)."""
        return self._insert(source, kind, profile, "pending", audio_path=audio_path)

    def add_recording(self, source: str, profile: str | None, audio_path: Path) -> int:
        """A recording that starts now, writing into ``audio_path``: the row exists from its
        first second (status recording), so that the next start finds it if this run never
        finishes it (`unfinished_recordings`)."""
        return self._insert(source, "recording", profile, "recording", audio_path=audio_path)

    def add_recovered(self, source: str, audio_path: Path, duration: float) -> int:
        """A recording found on disk without an entry (left by an unexpected exit)."""
        return self._insert(source, "recording", None, "pending", audio_path=audio_path,
                            duration=duration, recovered=True)

    def add_done(self, source: str, kind: str, profile: str | None,
                 transcript: Transcript, audio_path: Path | None = None) -> int:
        return self._insert(source, kind, profile, "done", transcript=transcript,
                            audio_path=audio_path)

    def add_failed(self, source: str, kind: str, profile: str | None, reason: str,
                   audio_path: Path | None = None) -> int:
        return self._insert(source, kind, profile, "failed", error=reason,
                            audio_path=audio_path)

    def mark_done(self, entry_id: int, transcript: Transcript,
                  profile: str | None = None) -> None:
        """Store the transcript; ``profile`` replaces the entry's profile when given."""
        self._update(
            entry_id,
            "status = 'done', error = '', text = ?, language = ?, duration = ?, segments = ?,"
            " profile = coalesce(?, profile)",
            (transcript.text, transcript.language, transcript.duration,
             segments_json(transcript.segments), profile))

    def mark_failed(self, entry_id: int, reason: str) -> None:
        self._update(entry_id, "status = 'failed', error = ?", (scrub(reason),))

    def mark_pending(self, entry_id: int, duration: float | None = None) -> None:
        """A recording stopped: it waits for its transcript (resumed at the next start)."""
        self._update(entry_id, "status = 'pending', duration = coalesce(?, duration)",
                     (duration,))

    def mark_cancelled(self, entry_id: int) -> None:
        """The user cancelled it: final, never sent again (its audio, if any, is kept)."""
        self._update(entry_id, "status = 'cancelled'", ())

    def mark_recovered(self, entry_id: int, duration: float | None,
                       problem: str = "") -> None:
        """An unfinished recording of an earlier run, repaired: pending (to be transcribed,
        never pasted), or failed with ``problem`` when it could not be recovered."""
        self._update(entry_id, "recovered = 1, status = ?, error = ?, "
                     "duration = coalesce(?, duration)",
                     ("failed" if problem else "pending", problem, duration))

    def update_text(self, entry_id: int, text: str) -> None:
        """The user edited the transcript. The edited words can no longer be matched to
        times, so several segments become one spanning the same time (exports stay true to
        the text; SRT/VTT share that time out by length)."""
        with self._guard(transaction=True):
            row = self._conn.execute("SELECT segments FROM entries WHERE id = ?",
                                     (entry_id,)).fetchone()
            if row is None:
                raise _not_found(entry_id)
            segments = segments_from_json(row[0])
            if segments:
                segments = (Segment(segments[0].start, max(s.end for s in segments), text,
                                    segments[0].language),)
            self._conn.execute("UPDATE entries SET text = ?, segments = ? WHERE id = ?",
                               (text, segments_json(segments), entry_id))

    def update_segments(self, entry_id: int, segments: tuple[Segment, ...]) -> None:
        """The user corrected segments' texts, times kept: the text follows them."""
        text = join_texts(s.text for s in segments)
        with self._guard(transaction=True):
            found = self._conn.execute("UPDATE entries SET text = ?, segments = ? WHERE id = ?",
                                       (text, segments_json(segments), entry_id))
            if found.rowcount == 0:
                raise _not_found(entry_id)

    def delete(self, entry_id: int) -> None:
        """Forget an entry and delete its kept audio (unless another entry, e.g. a rerun,
        uses the same file)."""
        with self._guard(transaction=True):
            row = self._conn.execute("SELECT audio_path FROM entries WHERE id = ?",
                                     (entry_id,)).fetchone()
            self._conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
            shared = row is not None and row[0] is not None and self._conn.execute(
                "SELECT 1 FROM entries WHERE audio_path = ? LIMIT 1", (row[0],)).fetchone()
        if row is None:
            raise _not_found(entry_id)
        if row[0] and not shared:
            self._remove_audio(Path(row[0]))

    # --- reads -----------------------------------------------------------------------------
    def get(self, entry_id: int) -> HistoryEntry:
        with self._guard():
            row = self._conn.execute(f"SELECT {COLUMNS} FROM entries WHERE id = ?",
                                     (entry_id,)).fetchone()
        if row is None:
            raise _not_found(entry_id)
        return entry_from_row(row)

    def list(self, limit: int = 50, offset: int = 0,
             status: str | None = None) -> builtins.list[HistoryEntry]:
        """Newest first; only entries of ``status`` when given."""
        where, params = "", []
        if status is not None:
            _check(status, STATUSES, "status")
            where, params = "WHERE status = ?", [status]
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {COLUMNS} FROM entries {where} "
                "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset)).fetchall()
        return [entry_from_row(r) for r in rows]

    def pending(self) -> builtins.list[HistoryEntry]:
        """Entries still waiting for a transcript, oldest first (the app retries them)."""
        return self._oldest_first("pending")

    def unfinished_recordings(self) -> builtins.list[HistoryEntry]:
        """Recordings still marked as being recorded, oldest first: at the app's start,
        those an earlier run never finished (killed, a power cut)."""
        return self._oldest_first("recording")

    def audio_paths(self) -> set[Path]:
        """Every audio file an entry keeps."""
        with self._guard():
            rows = self._conn.execute("SELECT DISTINCT audio_path FROM entries "
                                      "WHERE audio_path IS NOT NULL").fetchall()
        return {Path(r[0]) for r in rows}

    def _oldest_first(self, status: str) -> builtins.list[HistoryEntry]:
        with self._guard():
            rows = self._conn.execute(f"SELECT {COLUMNS} FROM entries WHERE status = ? "
                                      "ORDER BY created_at, id", (status,)).fetchall()
        return [entry_from_row(r) for r in rows]

    def count(self, status: str | None = None) -> int:
        with self._guard():
            if status is None:
                row = self._conn.execute("SELECT count(*) FROM entries").fetchone()
            else:
                _check(status, STATUSES, "status")
                row = self._conn.execute("SELECT count(*) FROM entries WHERE status = ?",
                                         (status,)).fetchone()
        return int(row[0])

    def search(self, query: str, limit: int = 50, *,
               snippet_chars: int = 100) -> builtins.list[SearchHit]:
        """Entries whose text or source contains every term of ``query`` (ignoring case;
        see history_search.py), newest first. InputError for an empty query."""
        terms = parse_query(query)
        sql = search_sql(terms)
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {COLUMNS} FROM entries e WHERE {sql.where} "
                "ORDER BY created_at DESC, id DESC LIMIT ?", (*sql.params, limit)).fetchall()
        entries = [entry_from_row(r) for r in rows]
        return [SearchHit(e, make_snippet(e.text or e.source, terms, snippet_chars))
                for e in entries]

    # --- recordings and retention ----------------------------------------------------------
    def new_recording_path(self, suffix: str = ".flac") -> Path:
        """A new, empty, private file in the audio folder for the recorder to write into
        (its name synced to the disk); InputError in words when it cannot be made."""
        stem = self._clock().astimezone().strftime("recording-%Y%m%d-%H%M%S")
        return create_recording_file(self.audio_dir, stem, suffix)

    def keep_recording(self, src: Path) -> Path:
        """Move a recording into the audio folder (a unique name there); its new path."""
        target = self.new_recording_path(src.suffix or ".flac")
        try:
            shutil.move(src, target)  # a rename on the same file system
        except OSError as exc:
            with contextlib.suppress(OSError):
                target.unlink()
            raise InputError(f"Cannot keep the recording {src} in {self.audio_dir}: "
                             f"{exc.strerror or exc}.") from None
        return target

    def get_retention(self) -> Retention:
        with self._guard():
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'retention'"
                                     ).fetchone()
        if row is None:
            return Retention.ALL
        try:
            return Retention.parse(row[0])
        except InputError:
            return Retention.ALL  # an unreadable setting must never delete audio

    def set_retention(self, retention: Retention) -> None:
        with self._guard():
            self._conn.execute("INSERT INTO meta (key, value) VALUES ('retention', ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               (retention.setting(),))

    def apply_retention(self, now: datetime | None = None) -> int:
        """Delete the kept audio the retention setting no longer allows; the number of
        entries that lost their audio. Only entries with a transcript (status done) lose
        it: a pending or failed recording's audio is the only copy of what was said, and a
        file another entry still keeps (a newer rerun of the same recording) stays for it.
        The entries themselves stay. Call it at start and after each recording is done."""
        days = self.get_retention().days
        if days is None:
            return 0
        cutoff = iso((now or self._clock()) - timedelta(days=days))
        expired = "status = 'done' AND created_at <= ?"
        with self._guard():
            rows = self._conn.execute(
                f"SELECT id, audio_path FROM entries WHERE audio_path IS NOT NULL AND {expired}",
                (cutoff,)).fetchall()
        for entry_id, audio in rows:
            with self._guard():
                kept_by_another = self._conn.execute(
                    f"SELECT 1 FROM entries WHERE audio_path = ? AND NOT ({expired}) LIMIT 1",
                    (audio, cutoff)).fetchone()
            if not kept_by_another:
                self._remove_audio(Path(audio))  # first the file: never a file without a row
            with self._guard():
                self._conn.execute("UPDATE entries SET audio_path = NULL WHERE id = ?",
                                   (entry_id,))
        return len(rows)

    # --- inside ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _guard(self, *, transaction: bool = False) -> Iterator[None]:
        """One call at a time; SQLite errors in words. Each statement commits by itself
        (autocommit) unless ``transaction``: then the block is one write transaction
        (BEGIN IMMEDIATE takes the write lock first, so it waits for another writer
        instead of failing half-way), rolled back if the block raises."""
        with self._lock:
            if self._closed:
                raise AsrError(f"The history database {self.path} is closed (desktop-asr "
                               "is quitting).")
            try:
                if transaction:
                    self._conn.execute("BEGIN IMMEDIATE")
                yield
                if transaction:
                    self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise database_error(exc, self.path) from None
                raise

    def _insert(self, source: str, kind: str, profile: str | None, status: str, *,
                transcript: Transcript | None = None, error: str = "",
                audio_path: Path | None = None, duration: float | None = None,
                recovered: bool = False) -> int:
        _check(kind, SOURCE_KINDS, "source kind")
        # Never a key, password or URL token in the file (the URL's query is not kept).
        source, error = (public_url(source) if kind == "url" else source), scrub(error)
        t = transcript or Transcript(source=source, text="", language="", duration=duration)
        with self._guard():
            cursor = self._conn.execute(
                "INSERT INTO entries (source, source_kind, profile, created_at, duration, "
                "language, text, segments, status, error, audio_path, recovered) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source, kind, profile, iso(self._clock()), t.duration, t.language, t.text,
                 segments_json(t.segments), status, error,
                 None if audio_path is None else str(audio_path.absolute()), int(recovered)))
            return int(cursor.lastrowid or 0)

    def _update(self, entry_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        with self._guard():
            cursor = self._conn.execute(f"UPDATE entries SET {assignments} WHERE id = ?",
                                        (*params, entry_id))
        if cursor.rowcount == 0:
            raise _not_found(entry_id)

    def _remove_audio(self, path: Path) -> None:
        remove_audio(path, self.audio_dir)


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; use one of {', '.join(allowed)}")


def _not_found(entry_id: int) -> NotFoundError:
    return NotFoundError(f"No history entry {entry_id}.", code="history_entry_gone",
                         params={"id": entry_id})
