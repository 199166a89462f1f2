"""The real ``desktop-asr history ...`` in subprocesses, on a history seeded through the
store API in this process (the same file: XDG_DATA_HOME points both at tmp_path)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from desktop_asr.errors import NotFoundError
from desktop_asr.stores.history.entry import Retention
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.text.transcript import Segment, Transcript
from tests.integration.conftest import assert_one_clean_error_line

pytestmark = pytest.mark.integration

T0 = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)
HELLO = "您好,请问有什么可以帮到您?"
MEETING = "会议改到三点。"
UTC = {"TZ": "UTC"}  # local time = UTC, so the times printed are known


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def history(tmp_path):
    """A store on the file the CLI uses, with three entries: ids 1 (Chinese, two
    segments), 2 (English), 3 (failed); made at 09:27, 09:28 and 09:29 UTC."""
    path = tmp_path / "data" / "desktop-asr" / "history.sqlite3"
    with HistoryStore(path, clock=Clock()) as store:
        chinese = Transcript(
            "x", HELLO + MEETING, "Chinese", 4.0,
            (Segment(0.0, 1.25, HELLO, "Chinese"), Segment(1.25, 4.0, MEETING, "Chinese")))
        assert store.add_done("/home/me/call.wav", "file", "home", chinese) == 1
        english = Transcript("x", "Deploy Kubernetes now, then go home.", "English", 125.4,
                             (Segment(0.0, 125.4, "Deploy Kubernetes now, then go home.",
                                      "English"),))
        assert store.add_done("/home/me/ops.mp3", "file", "lab", english) == 2
        assert store.add_failed("http://files.lan/x.mp3", "url", None,
                                "The server at 10.0.0.5:30101 refused the connection.") == 3
        yield store


def fields(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def test_list_shows_the_newest_first(history, run_cli):
    result = run_cli("history", "list", env=UTC)
    assert result.returncode == 0, result.stderr
    assert [fields(line) for line in result.stdout.splitlines()] == [
        ["3", "2025-03-14 09:29", "failed", "-", "-",
         "The server at 10.0.0.5:30101 refused the connection."],
        ["2", "2025-03-14 09:28", "done", "2:05", "lab",
         "Deploy Kubernetes now, then go home."],
        ["1", "2025-03-14 09:27", "done", "0:04", "home", HELLO + MEETING],
    ]


def test_list_cuts_long_texts_and_honours_the_limit(history, run_cli):
    history.add_done("long.wav", "file", None, Transcript("x", "word " * 40, "English", 9.0))
    result = run_cli("history", "list", "--limit", "1", env=UTC)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert fields(line)[-1] == ("word " * 12).strip() + "…"  # the first 60 characters
    assert fields(line)[0] == "4"


def test_list_as_json(history, run_cli):
    result = run_cli("history", "list", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [e["id"] for e in data] == [3, 2, 1]
    assert data[2]["text"] == HELLO + MEETING
    assert data[2]["created_at"] == "2025-03-14T09:27:53+00:00"
    assert data[2]["segments"][1] == {"start": 1.25, "end": 4.0, "text": MEETING,
                                      "language": "Chinese"}
    assert data[0]["status"] == "failed"
    assert data[0]["error"] == "The server at 10.0.0.5:30101 refused the connection."


def test_an_empty_history_under_xdg_data_home(run_cli, tmp_path):
    result = run_cli("history", "list")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "The history is empty.\n"
    assert (tmp_path / "data" / "desktop-asr" / "history.sqlite3").is_file()


@pytest.mark.parametrize(
    ("query", "ids"),
    [("可以帮到", [1]), ("会议", [1]), ("KUBERNETES", [2]), ("deploy home", [2])],
)
def test_search(history, run_cli, query, ids):
    # "home" is in entry 2's text and in entry 1's source (/home/me/call.wav).
    result = run_cli("history", "search", query, "--json")
    assert result.returncode == 0, result.stderr
    assert [e["id"] for e in json.loads(result.stdout)] == ids


def test_search_lines_show_the_text_around_the_match(history, run_cli):
    result = run_cli("history", "search", "可以帮到", env=UTC)
    assert result.returncode == 0, result.stderr
    assert [fields(line) for line in result.stdout.splitlines()] == [
        ["1", "2025-03-14 09:27", "done", "0:04", "home", HELLO + MEETING]]


def test_search_without_a_match(history, run_cli):
    result = run_cli("history", "search", "nothing like this")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "No history entry matches nothing like this." in result.stderr


def test_show(history, run_cli):
    result = run_cli("history", "show", "1", env=UTC)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Entry:     1\n"
        "Status:    done\n"
        "Source:    /home/me/call.wav (file)\n"
        "Profile:   home\n"
        "Time:      2025-03-14 09:27:53 UTC\n"
        "Duration:  0:04 (4.0 s)\n"
        "Language:  Chinese\n"
        "Segments:  2\n"
        "Audio:     not kept\n"
        "\n"
        f"{HELLO}{MEETING}\n"
    )


def test_show_a_failure_gives_its_reason(history, run_cli):
    result = run_cli("history", "show", "3")
    assert result.returncode == 0, result.stderr
    assert "Error:     The server at 10.0.0.5:30101 refused the connection.\n" in result.stdout
    assert "Source:    http://files.lan/x.mp3 (url)\n" in result.stdout
    assert "Status:    failed\n" in result.stdout


def test_export_srt_to_a_file(history, run_cli, tmp_path):
    out = tmp_path / "call.srt"
    result = run_cli("history", "export", "1", "--format", "srt", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == (
        "1\n00:00:00,000 --> 00:00:01,250\n您好,请问有什么可以帮到您?\n\n"
        "2\n00:00:01,250 --> 00:00:04,000\n会议改到三点。\n"
    )


def test_export_to_stdout(history, run_cli):
    result = run_cli("history", "export", "2", "--format", "vtt")
    assert result.returncode == 0, result.stderr
    # One segment over 125.4 s (as kept before speech was found): cues of at most 7 s
    # where they can be, here one word each, timed by letters (6, 10, 3, 4, 2, 4 of 29).
    assert result.stdout == ("WEBVTT\n\n"
                             "00:00:00.000 --> 00:00:25.945\nDeploy\n\n"
                             "00:00:25.945 --> 00:01:09.186\nKubernetes\n\n"
                             "00:01:09.186 --> 00:01:22.159\nnow,\n\n"
                             "00:01:22.159 --> 00:01:39.455\nthen\n\n"
                             "00:01:39.455 --> 00:01:48.103\ngo\n\n"
                             "00:01:48.103 --> 00:02:05.400\nhome.\n")


def test_export_of_a_failed_entry_is_an_error(history, run_cli):
    result = run_cli("history", "export", "3", "--format", "srt")
    assert result.returncode == 1
    assert assert_one_clean_error_line(result.stderr) == (
        "desktop-asr: History entry 3 has no transcript: it failed: The server at "
        "10.0.0.5:30101 refused the connection.")


def test_delete(history, run_cli):
    result = run_cli("history", "delete", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Deleted history entry 2.\n"
    with pytest.raises(NotFoundError):
        history.get(2)  # the store open in this process sees it at once
    result = run_cli("history", "show", "2")
    assert result.returncode == 1
    assert assert_one_clean_error_line(result.stderr) == "desktop-asr: No history entry 2."


def test_retention_shows_sets_and_applies(history, run_cli):
    done_audio = history.new_recording_path()
    done_audio.write_bytes(b"audio")
    history.add_done(done_audio.name, "recording", None, Transcript("x", "hi", "English", 1.0),
                     audio_path=done_audio)
    pending_audio = history.new_recording_path()
    pending_audio.write_bytes(b"audio")
    history.add_pending(pending_audio.name, "recording", None, audio_path=pending_audio)

    result = run_cli("history", "retention")
    assert (result.returncode, result.stdout) == (0, "Recordings' audio is kept forever.\n")
    # The entries were made on 2025-03-14 (the fixture's clock); the CLI's clock is real.
    result = run_cli("history", "retention", "30")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("Recordings' audio is now kept for 30 days. "
                             "Deleted the audio of 1 recording.\n")
    assert history.get_retention() == Retention(30)
    assert not done_audio.exists()
    assert pending_audio.exists()  # not transcribed yet: the only copy

    result = run_cli("history", "retention", "none")
    assert result.stdout == "Recordings' audio is now not kept (deleted once transcribed).\n"
    assert pending_audio.exists()
    assert history.get_retention() == Retention.NONE


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("show", "x"), 2, "desktop-asr: history show: argument ID: ID must be an entry "
                           "number such as 12, not 'x' (see --help)"),
        (("retention", "soon"), 2, "desktop-asr: history retention: Unknown retention "
                                   "'soon': use all, none, or a number of days (at most "
                                   "36500)."),
        (("search", " "), 2, "desktop-asr: history search: The search query is empty: type "
                             "a word to look for."),
        (("delete", "99"), 1, "desktop-asr: No history entry 99."),
    ],
)
def test_errors_are_one_line(history, run_cli, args, status, message):
    result = run_cli("history", *args)
    assert result.returncode == status
    assert assert_one_clean_error_line(result.stderr) == message


def test_a_damaged_database_is_one_line_naming_it_and_left_alone(run_cli, tmp_path):
    path = tmp_path / "data" / "desktop-asr" / "history.sqlite3"
    path.parent.mkdir(parents=True)
    content = bytes(range(256)) * 8
    path.write_bytes(content)
    result = run_cli("history", "list")
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    assert line.startswith(f"desktop-asr: The history database {path} is damaged")
    assert path.read_bytes() == content


def test_the_history_lives_under_xdg_data_home(run_cli, tmp_path):
    assert run_cli("history", "list").returncode == 0
    assert (tmp_path / "data" / "desktop-asr" / "history.sqlite3").is_file()


def test_cancelled_and_recording_entries_say_what_they_are(history, run_cli, tmp_path):
    cancelled = history.add_pending("talk.wav", "file", None)
    history.mark_cancelled(cancelled)
    audio = history.new_recording_path(".wav")
    recording = history.add_recording("Recording now", None, audio)
    listed = run_cli("history", "list")
    assert "(cancelled) talk.wav" in listed.stdout
    assert "(recording) Recording now" in listed.stdout
    for entry_id, why in ((cancelled, "it was cancelled"),
                          (recording, "it is still being recorded")):
        result = run_cli("history", "export", str(entry_id))
        assert result.returncode != 0
        assert why in result.stderr
