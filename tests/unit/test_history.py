"""The pure parts of the history: the search query language, snippets, the retention
setting, the entry's conversions, and the CLI's duration format. The database itself is
tested with real SQLite in tests/integration/test_history_store.py."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from desktop_asr.cli.history_cmd import format_duration
from desktop_asr.errors import AsrError, ConfigFileError, InputError
from desktop_asr.stores.history.entry import HistoryEntry, Retention
from desktop_asr.stores.history.schema import database_error
from desktop_asr.stores.history.search import (
    Snippet,
    fts_string,
    like_escape,
    make_snippet,
    parse_query,
    search_sql,
)
from desktop_asr.text.export import export
from desktop_asr.text.transcript import Segment


# --- the query language -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("kubernetes", ["kubernetes"]),
        ("  deploy   now ", ["deploy", "now"]),
        ('"new york" city', ["new york", "city"]),
        ("会议 三点", ["会议", "三点"]),
        ("now now NOW", ["now", "NOW"]),  # repeats dropped; case is the matcher's business
        ('say"hi', ["sayhi"]),  # a stray quote (one being typed) is dropped
        ('"unfinished phrase', ["unfinished", "phrase"]),
        ("C++ (beta): x-ray*", ["C++", "(beta):", "x-ray*"]),  # no other syntax
    ],
)
def test_queries_split_into_terms(query, terms):
    assert parse_query(query) == terms


@pytest.mark.parametrize("query", ["", "   ", '"', '""', '" "'])
def test_an_empty_query_is_an_error_in_words(query):
    with pytest.raises(InputError, match="empty"):
        parse_query(query)


def test_fts_strings_double_their_quotes():
    assert fts_string("kubernetes") == '"kubernetes"'
    assert fts_string('say "hi"') == '"say ""hi"""'
    assert fts_string("a OR b*") == '"a OR b*"'


def test_like_patterns_match_percent_and_underscore_literally():
    assert like_escape("5%") == "5\\%"
    assert like_escape("a_b") == "a\\_b"
    assert like_escape("c:\\x") == "c:\\\\x"


def test_long_terms_use_the_index_and_short_ones_a_scan():
    sql = search_sql(["deploy", "会议", 'say "x"', "5%"])
    assert sql.where.count("MATCH ?") == 1
    assert sql.where.count("LIKE ?") == 4  # text and source for each short term
    assert sql.params == ('"deploy" "say ""x"""', "%会议%", "%会议%", "%5\\%%", "%5\\%%")


def test_only_short_terms_need_no_index():
    sql = search_sql(["ok"])
    assert "MATCH" not in sql.where
    assert sql.params == ("%ok%", "%ok%")


# --- snippets ---------------------------------------------------------------------------------
def test_snippet_highlights_every_match_ignoring_case():
    snippet = make_snippet("Deploy Kubernetes now, kubernetes later", ["KUBERNETES"])
    assert snippet.highlights == ((7, 17), (23, 33))
    assert snippet.marked() == "Deploy [Kubernetes] now, [kubernetes] later"


def test_snippet_of_chinese_text():
    snippet = make_snippet("您好,请问有什么可以帮到您?", ["可以帮到"])
    assert snippet.marked("<b>", "</b>") == "您好,请问有什么<b>可以帮到</b>您?"


def test_snippet_cuts_a_long_text_around_the_first_match():
    text = "a" * 100 + " needle " + "b" * 100
    snippet = make_snippet(text, ["needle"], width=40)
    # The window starts a quarter of its width (10) before the match at 101.
    assert snippet.text == "…" + "a" * 9 + " needle " + "b" * 23 + "…"
    assert snippet.highlights == ((11, 17),)
    assert snippet.text[11:17] == "needle"


def test_snippet_puts_several_lines_on_one():
    snippet = make_snippet("first line\nsecond\tline", ["second"])
    assert snippet == Snippet("first line second line", ((11, 17),))


def test_snippet_without_a_match_is_the_start_of_the_text():
    snippet = make_snippet("x" * 50, ["zzz"], width=10)
    assert snippet == Snippet("x" * 10 + "…", ())


def test_longer_terms_win_where_they_overlap():
    assert make_snippet("kubernetes", ["kube", "kubernetes"]).marked() == "[kubernetes]"


# --- retention --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "days"),
    [("all", None), ("ALL", None), ("forever", None), ("none", 0), ("0", 0), ("30", 30),
     ("30d", 30), ("30 days", 30), ("1 day", 1), (" 7 ", 7)],
)
def test_retention_parses(text, days):
    assert Retention.parse(text).days == days


@pytest.mark.parametrize("text", ["", "-1", "soon", "1.5", "٣", "99999999", "30 weeks"])
def test_retention_refuses_other_words(text):
    with pytest.raises(InputError, match="all, none, or a number of days"):
        Retention.parse(text)


@pytest.mark.parametrize("retention", [Retention.ALL, Retention.NONE, Retention(1),
                                       Retention(365)])
def test_retention_setting_reads_back(retention):
    assert Retention.parse(retention.setting()) == retention


def test_retention_in_words():
    assert Retention.ALL.describe() == "kept forever"
    assert Retention.NONE.describe() == "not kept (deleted once transcribed)"
    assert Retention(1).describe() == "kept for 1 day"
    assert Retention(30).describe() == "kept for 30 days"


# --- the entry --------------------------------------------------------------------------------
def _entry(**changes) -> HistoryEntry:
    fields = {
        "id": 7, "source": "/home/me/talk.wav", "source_kind": "file", "profile": "lab",
        "created_at": datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc),
        "duration": 3.5, "language": "English", "text": "Hello there. General Kenobi.",
        "segments": (Segment(0.0, 1.5, "Hello there.", "English"),
                     Segment(1.5, 3.5, "General Kenobi.", "English")),
        "status": "done", "error": "", "audio_path": None,
    }
    return HistoryEntry(**{**fields, **changes})


def test_an_entry_exports_like_a_transcript():
    srt = export(_entry().to_transcript(), "srt")
    assert srt == ("1\n00:00:00,000 --> 00:00:01,500\nHello there.\n\n"
                   "2\n00:00:01,500 --> 00:00:03,500\nGeneral Kenobi.\n")


def test_an_entry_as_json():
    data = json.loads(json.dumps(_entry(audio_path=Path("/data/rec.flac")).to_dict()))
    assert data["created_at"] == "2025-03-14T09:26:53+00:00"
    assert data["audio_path"] == "/data/rec.flac"
    assert data["segments"][1] == {"start": 1.5, "end": 3.5, "text": "General Kenobi.",
                                   "language": "English"}
    assert data["profile"] == "lab"
    assert data["status"] == "done"
    assert data["recovered"] is False
    assert _entry(recovered=True, status="pending").to_dict()["recovered"] is True


# --- SQLite errors in words -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (sqlite3.OperationalError("database is locked"), AsrError, "is busy"),
        (sqlite3.DatabaseError("file is not a database"), ConfigFileError, "is damaged"),
        (sqlite3.DatabaseError("database disk image is malformed"), ConfigFileError,
         "is damaged"),
        (sqlite3.OperationalError("database or disk is full"), AsrError, "Is the disk full?"),
        (sqlite3.OperationalError("unable to open database file"), ConfigFileError,
         "Cannot open the history database"),
        (sqlite3.OperationalError("no such tokenizer: trigram"), AsrError, "SQLite 3.34"),
    ],
)
def test_sqlite_errors_in_words(error, kind, words):
    converted = database_error(error, Path("/data/history.sqlite3"))
    assert isinstance(converted, kind)
    assert words in str(converted)
    assert "/data/history.sqlite3" in str(converted) or "SQLite 3.34" in words
    assert str(converted).endswith((".", "?"))


# --- the CLI's durations ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (5, "0:05"), (59.6, "1:00"), (754, "12:34"), (3723, "1:02:03"),
     (36000, "10:00:00")],
)
def test_durations(seconds, text):
    assert format_duration(seconds) == text
