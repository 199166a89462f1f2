"""The history database file: opening it safely, its schema and the migrations between
schema versions, and SQLite errors turned into messages in words.

Durability: WAL journal with ``synchronous=FULL``. In WAL mode a commit is a write() of the
transaction's pages to the ``-wal`` file, so a process killed at any point keeps every
committed row with either NORMAL or FULL; FULL adds one fsync of the WAL per commit, which
also keeps the last rows through a power cut or an OS crash. Writes are rare (one per
transcription) and a transcript can be the only copy of what was said once the recording's
audio is gone (retention "none"), so the few milliseconds are worth it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from desktop_asr.errors import AsrError, ConfigFileError

BUSY_TIMEOUT_S = 10.0  # how long a write waits for another process's write to finish

# Each migration is applied in one transaction together with ``PRAGMA user_version = N``.
# Never edit a released migration: add a new one at the end.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the entries and a key/value table for settings (e.g. retention).
    (
        """CREATE TABLE meta (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )""",
        """CREATE TABLE entries (
               id          INTEGER PRIMARY KEY AUTOINCREMENT,
               source      TEXT NOT NULL,
               source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'url', 'recording')),
               profile     TEXT,
               created_at  TEXT NOT NULL,  -- ISO 8601, UTC, microseconds: sorts as text
               duration    REAL,
               language    TEXT NOT NULL DEFAULT '',
               text        TEXT NOT NULL DEFAULT '',
               segments    TEXT NOT NULL DEFAULT '[]',  -- JSON list of segment objects
               status      TEXT NOT NULL CHECK (status IN ('done', 'failed', 'pending')),
               error       TEXT NOT NULL DEFAULT '',
               audio_path  TEXT
           )""",
        "CREATE INDEX entries_by_time ON entries (created_at, id)",
        "CREATE INDEX entries_by_status ON entries (status, created_at)",
    ),
    # 2: full-text search over the text and the source, for Chinese as well as English:
    # the trigram tokenizer (SQLite 3.34+) matches any substring of 3+ characters, needs no
    # word boundaries, and folds case. An external-content index kept in step by triggers.
    (
        """CREATE VIRTUAL TABLE entries_fts USING fts5(
               text, source, content='entries', content_rowid='id', tokenize='trigram'
           )""",
        """CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
               INSERT INTO entries_fts (rowid, text, source) VALUES (new.id, new.text, new.source);
           END""",
        """CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
               INSERT INTO entries_fts (entries_fts, rowid, text, source)
                   VALUES ('delete', old.id, old.text, old.source);
           END""",
        """CREATE TRIGGER entries_fts_update AFTER UPDATE OF text, source ON entries BEGIN
               INSERT INTO entries_fts (entries_fts, rowid, text, source)
                   VALUES ('delete', old.id, old.text, old.source);
               INSERT INTO entries_fts (rowid, text, source) VALUES (new.id, new.text, new.source);
           END""",
        "INSERT INTO entries_fts (entries_fts) VALUES ('rebuild')",  # rows of version 1
    ),
    # 3: two more statuses and a flag, so that nothing is lost and nothing comes back:
    # 'recording' (a row from the first second of a recording, with its file, so that the
    # next start finds a recording the app never finished: killed, power cut), 'cancelled'
    # (the user's cancel is final: never sent again at the next start), and ``recovered``
    # (an entry brought back after an unexpected exit). SQLite cannot change a CHECK
    # constraint in place: the table is rebuilt with the same ids (the search index, keyed
    # by id, stays valid) and its AUTOINCREMENT counter, then its indexes and triggers.
    (
        """CREATE TABLE entries_v3 (
               id          INTEGER PRIMARY KEY AUTOINCREMENT,
               source      TEXT NOT NULL,
               source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'url', 'recording')),
               profile     TEXT,
               created_at  TEXT NOT NULL,  -- ISO 8601, UTC, microseconds: sorts as text
               duration    REAL,
               language    TEXT NOT NULL DEFAULT '',
               text        TEXT NOT NULL DEFAULT '',
               segments    TEXT NOT NULL DEFAULT '[]',  -- JSON list of segment objects
               status      TEXT NOT NULL CHECK (status IN
                               ('done', 'failed', 'pending', 'recording', 'cancelled')),
               error       TEXT NOT NULL DEFAULT '',
               audio_path  TEXT,
               recovered   INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1))
           )""",
        """INSERT INTO entries_v3 (id, source, source_kind, profile, created_at, duration,
                                   language, text, segments, status, error, audio_path)
           SELECT id, source, source_kind, profile, created_at, duration, language, text,
                  segments, status, error, audio_path FROM entries""",
        # The counter, so that the id of a deleted newest entry is never given again.
        "DELETE FROM sqlite_sequence WHERE name = 'entries_v3'",
        """INSERT INTO sqlite_sequence (name, seq)
           SELECT 'entries_v3', seq FROM sqlite_sequence WHERE name = 'entries'""",
        "DROP TRIGGER entries_fts_insert",
        "DROP TRIGGER entries_fts_delete",
        "DROP TRIGGER entries_fts_update",
        "DROP TABLE entries",
        "ALTER TABLE entries_v3 RENAME TO entries",
        "CREATE INDEX entries_by_time ON entries (created_at, id)",
        "CREATE INDEX entries_by_status ON entries (status, created_at)",
        """CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
               INSERT INTO entries_fts (rowid, text, source) VALUES (new.id, new.text, new.source);
           END""",
        """CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
               INSERT INTO entries_fts (entries_fts, rowid, text, source)
                   VALUES ('delete', old.id, old.text, old.source);
           END""",
        """CREATE TRIGGER entries_fts_update AFTER UPDATE OF text, source ON entries BEGIN
               INSERT INTO entries_fts (entries_fts, rowid, text, source)
                   VALUES ('delete', old.id, old.text, old.source);
               INSERT INTO entries_fts (rowid, text, source) VALUES (new.id, new.text, new.source);
           END""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def open_database(path: Path, migrations: tuple[tuple[str, ...], ...] = MIGRATIONS,
                  ) -> sqlite3.Connection:
    """A connection to the history database at ``path``, created and migrated as needed.

    Raises ConfigFileError (naming the file) for a file that is not a SQLite database, is
    damaged, belongs to another program, or was written by a newer desktop-asr; such a
    file is left exactly as it was.
    """
    _create_private_file(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise database_error(exc, path) from None
    try:
        # Reading first: a file of random bytes fails here, before anything is written.
        version = _user_version(conn)
        _check_version(conn, path, version, len(migrations))
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if version < len(migrations):
            _migrate(conn, path, migrations)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise database_error(exc, path) from None
        raise
    return conn


def _create_private_file(path: Path) -> None:
    """Create the folder (0700) and an empty database file (0600): transcripts are private."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
    except OSError as exc:
        raise ConfigFileError(
            f"Cannot create the history database {path}: {exc.strerror or exc}.",
            path=str(path)) from None
    os.close(fd)


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _check_version(conn: sqlite3.Connection, path: Path, version: int, latest: int) -> None:
    if version > latest:
        raise ConfigFileError(
            f"The history database {path} was written by a newer version of desktop-asr "
            f"(schema {version}; this version knows schemas up to {latest}). Update "
            "desktop-asr to use it; the file was left unchanged.", path=str(path))
    if version == 0:
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]
        if tables:
            raise ConfigFileError(
                f"The file {path} is a SQLite database of another program, not a "
                "desktop-asr history. Move it away; it was left unchanged.", path=str(path))


def _migrate(conn: sqlite3.Connection, path: Path,
             migrations: tuple[tuple[str, ...], ...]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _user_version(conn)  # another process may have migrated meanwhile
        _check_version(conn, path, version, len(migrations))
        for number in range(version + 1, len(migrations) + 1):
            for statement in migrations[number - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def database_error(exc: sqlite3.Error, path: Path) -> AsrError:
    """An error in words for a SQLite failure on the history database at ``path``."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return AsrError(
            f"The history database {path} is busy: another program kept it locked for more "
            f"than {BUSY_TIMEOUT_S:g} seconds. Try again.", details=text,
            code="history_busy", params={"path": str(path)})
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return ConfigFileError(
            f"The history database {path} is damaged or is not a SQLite database "
            f"({text}). Move it away to start a new history; it was left unchanged.",
            path=str(path), details=text, code="history_damaged")
    if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        return ConfigFileError(
            f"Cannot open the history database {path} for writing ({text}). Check that "
            "the file and its folder exist and are yours.", path=str(path), details=text,
            code="history_cannot_open")
    if "tokenizer" in lowered:
        return AsrError(
            f"The history needs SQLite 3.34 or newer for its search; this Python has "
            f"SQLite {sqlite3.sqlite_version}.", details=text)
    if "full" in lowered or "disk i/o" in lowered:
        return AsrError(f"Cannot write the history database {path}: {text}. Is the disk "
                        "full?", details=text, code="disk_full", params={"path": str(path)})
    return AsrError(f"The history database {path} failed: {text}.", details=text)
