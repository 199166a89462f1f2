"""``desktop-asr transcribe`` driven by the stores: a profile's key from the real keyring
(or an environment variable), the profile's settings and vocabulary lists in the requests,
post-correction of the transcript, and every run kept in the history, where search and
rerun work. Real subprocesses, the real Secret Service keyring, the reference server."""

from __future__ import annotations

import json
import sqlite3

import pytest

from desktop_asr.stores.history.store import HistoryStore
from tests import dtmf
from tests.integration.clitools import NO_KEYRING, new_key, unique
from tests.integration.conftest import assert_one_clean_error_line

pytestmark = pytest.mark.integration


def history(cli) -> HistoryStore:
    return HistoryStore(cli.data / "desktop-asr" / "history.sqlite3")


# --- API keys ------------------------------------------------------------------------------
def test_a_key_added_from_stdin_authenticates_transcribe_and_is_in_no_file(
        cli, real_keyring, refserver, make_audio):
    key, home = cli.watch(new_key()), unique("home")
    refserver.configure(api_key=key)
    audio = make_audio("hello.wav", "123 456")

    added = cli("profile", "add", home, "--server", refserver.url, "--api-key-stdin",
                stdin=key + "\n")
    assert added.returncode == 0, added.stderr
    assert real_keyring.holds(home, key)

    by_name = cli("transcribe", str(audio), "--profile", home)
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == "123 456\n"
    by_default = cli("transcribe", str(audio))  # the only profile is the default one
    assert by_default.returncode == 0, by_default.stderr
    assert by_default.stdout == "123 456\n"
    requests = refserver.requests()
    assert len(requests) == 2
    assert all(r["auth"] for r in requests)  # the server checked the key and let them in

    # The key is in the keyring only: not in the profiles file, the history database (and
    # its WAL), nor in anything printed.
    assert (cli.data / "desktop-asr" / "history.sqlite3").exists()
    cli.assert_key_nowhere(key)


def test_a_profile_without_its_key_is_refused_in_words(cli, refserver, make_audio):
    refserver.configure(api_key=new_key())
    cli("profile", "add", "home", "--server", refserver.url, env=NO_KEYRING)
    result = cli("transcribe", str(make_audio("a.wav", "1")), env=NO_KEYRING)
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    assert "401" in line
    assert "API key" in line


def test_without_a_keyring_transcribe_reads_the_key_from_the_environment(
        cli, refserver, make_audio):
    key = cli.watch(new_key())
    refserver.configure(api_key=key)
    added = cli("profile", "add", "lab", "--server", refserver.url, "--api-key-stdin",
                stdin=key, env=NO_KEYRING)
    assert added.returncode == 1  # no keyring: it says so and stores nothing
    assert "keyring" in added.stderr
    edited = cli("profile", "edit", "lab", "--api-key-env", "LAB_KEY", env=NO_KEYRING)
    assert edited.returncode == 0, edited.stderr

    result = cli("transcribe", str(make_audio("a.wav", "42")), "--profile", "lab",
                 env={**NO_KEYRING, "LAB_KEY": key})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "42\n"
    unset = cli("transcribe", str(make_audio("b.wav", "42")), "--profile", "lab",
                env=NO_KEYRING)
    assert unset.returncode == 1
    assert "$LAB_KEY" in assert_one_clean_error_line(unset.stderr)
    cli.assert_key_nowhere(key)


# --- the profile's settings --------------------------------------------------------------
def test_the_profile_settings_shape_the_requests_and_options_override_them(
        cli, refserver, tmp_path):
    words = ["123"] * 20
    samples = dtmf.synthesize(" ".join(words), 16000, word_gap_ms=800)
    audio = dtmf.write_audio(tmp_path / "talk.flac", samples, 16000)
    (tmp_path / "tech.csv").write_text("word,sounds_like\nKubernetes,kuber netes\n")
    assert cli("vocab", "import", "tech", str(tmp_path / "tech.csv")).returncode == 0
    added = cli("profile", "add", "gpu", "--server", refserver.url, "--model", "qwen3-asr",
                "--language", "zh", "--vocab-list", "tech", "--context", "季度会议",
                "--max-chunk-seconds", "10", "--no-asr-options", env=NO_KEYRING)
    assert added.returncode == 0, added.stderr

    result = cli("transcribe", str(audio), env=NO_KEYRING)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "一二三" * 20 + "\n"  # forced Chinese: digits as Chinese numerals
    requests = refserver.requests()
    assert len(requests) >= 2  # cut into ~10 s chunks, not the default 120 s
    for request in requests:
        body = request["body"]
        assert body["model"] == "qwen3-asr"
        assert body["messages"][0] == {"role": "system", "content": "Kubernetes 季度会议"}
        assert body["messages"][-1] == {"role": "assistant",
                                        "content": "language Chinese<asr_text>"}
        assert "asr_options" not in body

    refserver.reset()
    result = cli("transcribe", str(audio), "--language", "en", "--context", "",
                 "--max-chunk-seconds", "120", "--concurrency", "1", env=NO_KEYRING)
    assert result.returncode == 0, result.stderr
    assert result.stdout == " ".join(words) + "\n"
    requests = refserver.requests()
    assert requests  # cut at the pauses now, not every 10 s
    for request in requests:
        body = request["body"]
        assert body["messages"][0] == {"role": "system", "content": "Kubernetes"}
        assert body["messages"][-1] == {"role": "assistant",
                                        "content": "language English<asr_text>"}


def test_an_unknown_profile_or_list_is_named(cli, refserver, make_audio):
    cli("profile", "add", "home", "--server", refserver.url, env=NO_KEYRING)
    audio = str(make_audio("a.wav", "1"))
    result = cli("transcribe", audio, "--profile", "office", env=NO_KEYRING)
    assert result.returncode == 1
    assert "office" in assert_one_clean_error_line(result.stderr)
    result = cli("transcribe", audio, "--vocab-list", "medicine", env=NO_KEYRING)
    assert result.returncode == 1
    assert "medicine" in assert_one_clean_error_line(result.stderr)
    assert refserver.requests() == []


# --- vocabulary: the system message and post-correction ----------------------------------
def test_list_words_reach_the_system_message_and_correct_the_transcript(
        cli, refserver, make_audio, tmp_path):
    # The reference server hears "*123" as 一二三 (yi er san) and "*124" as 一二四 (yi er si);
    # "456" as 456 and "4567" as 4567.
    (tmp_path / "brands.json").write_text(json.dumps([
        {"word": "不二家", "sounds_like": ["yi er san"]},
        {"word": "Kubernetes", "sounds_like": ["456"]},
    ], ensure_ascii=False), encoding="utf-8")
    imported = cli("vocab", "import", "brands", str(tmp_path / "brands.json"))
    assert imported.returncode == 0, imported.stderr
    cli("profile", "add", "home", "--server", refserver.url, env=NO_KEYRING)

    planted = make_audio("planted.wav", "*123 456")
    result = cli("transcribe", str(planted), "--vocab-list", "brands", env=NO_KEYRING)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "不二家 Kubernetes\n"
    body = refserver.requests()[-1]["body"]
    assert body["messages"][0] == {"role": "system", "content": "不二家 Kubernetes"}
    assert body["asr_options"]["custom_vocabulary_word"] == [
        {"word": "不二家", "sounds_like": ["yi er san"]},
        {"word": "Kubernetes", "sounds_like": ["456"]},
    ]

    lookalikes = make_audio("lookalikes.wav", "*124 4567")
    result = cli("transcribe", str(lookalikes), "--vocab-list", "brands", env=NO_KEYRING)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "一二四 4567\n"  # similar, not the same: left alone

    assert cli("vocab", "correct", "brands", "off").returncode == 0
    result = cli("transcribe", str(planted), "--vocab-list", "brands", env=NO_KEYRING)
    assert result.stdout == "一二三 456\n"  # the list still biases, but corrects nothing


# --- history -------------------------------------------------------------------------------
def test_history_keeps_runs_finds_them_and_reruns_with_another_profile(
        cli, refserver, make_refserver, make_audio, tmp_path):
    other = make_refserver()
    cli("profile", "add", "home", "--server", refserver.url, env=NO_KEYRING)
    cli("profile", "add", "lab", "--server", other.url, env=NO_KEYRING)
    english = make_audio("standup.wav", "123 4567")
    chinese = make_audio("meeting.flac", "*12345")
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"this is not audio at all" * 50)

    result = cli("transcribe", str(english), str(chinese), str(broken), env=NO_KEYRING)
    assert result.returncode == 1  # the broken file failed, the others were written
    assert "==> " in result.stdout

    failed = cli("transcribe", str(english), "--model", "whisper-9", env=NO_KEYRING)
    assert failed.returncode == 1

    with history(cli) as store:
        entries = {(e.source.rsplit("/", 1)[-1], e.status): e for e in store.list()}
    # The broken file never reached the server: it is reported, not kept.
    assert set(entries) == {("standup.wav", "done"), ("meeting.flac", "done"),
                            ("standup.wav", "failed")}
    assert result.stderr.startswith(f"desktop-asr: {broken}: ")
    done = entries["standup.wav", "done"]
    assert done.text == "123 4567"
    assert done.profile == "home"
    assert entries["meeting.flac", "done"].text == "一二三四五"
    assert entries["meeting.flac", "done"].language == "Chinese"
    reason = entries["standup.wav", "failed"].error
    assert "whisper-9" in reason  # the same reason in words that the command printed
    assert failed.stderr == f"desktop-asr: {english}: {reason}\n"

    found = cli("history", "search", "二三四", "--json")
    assert found.returncode == 0, found.stderr
    assert [e["text"] for e in json.loads(found.stdout)] == ["一二三四五"]
    found = cli("history", "search", "4567", "--json")
    assert [e["text"] for e in json.loads(found.stdout)] == ["123 4567"]

    assert other.requests() == []
    rerun = cli("history", "rerun", str(done.id), "--profile", "lab",
                env=NO_KEYRING)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout == "123 4567\n"
    assert len(other.requests()) == 1  # it went to the other profile's server
    with history(cli) as store:
        newest = store.list(limit=1)[0]
    assert newest.profile == "lab"
    assert newest.source == done.source
    assert newest.text == "123 4567"

    skipped = cli("transcribe", str(english), "--no-history", env=NO_KEYRING)
    assert skipped.returncode == 0
    with history(cli) as store:
        assert store.count() == 4  # two done, one failed, one rerun


def test_a_damaged_history_does_not_stop_a_transcription(cli, refserver, make_audio):
    db = cli.data / "desktop-asr" / "history.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database" * 100)
    result = cli("transcribe", str(make_audio("a.wav", "7")), "--server", refserver.url)
    assert result.returncode == 0
    assert result.stdout == "7\n"
    assert "warning" in result.stderr
    assert str(db) in result.stderr
    assert db.read_bytes() == b"not a database" * 100  # left as it was
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("select 1 from sqlite_master").fetchall()


def test_a_profiles_key_never_goes_to_another_server(cli, real_keyring, make_refserver,
                                                     make_audio):
    key = cli.watch(new_key())
    own = make_refserver(api_key=key)
    other = make_refserver()  # anyone's server on another port: it must not get the key
    home = unique("home")
    added = cli("profile", "add", home, "--server", own.url, "--api-key-stdin", stdin=key)
    assert added.returncode == 0, added.stderr
    audio = str(make_audio("a.wav", "5"))

    result = cli("transcribe", audio, "--profile", home, "--server", other.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "5\n"
    ((request,),) = [other.requests()]
    assert request["auth"] is False  # no Authorization header at all
    warning = assert_one_clean_error_line(result.stderr)
    assert warning.startswith("desktop-asr: warning: The API key of the profile")
    assert f"only sent to its own server ({own.url})" in warning
    assert f"no API key is sent to {other.url}" in warning

    # The same address written another way is the same server: the key goes there.
    result = cli("transcribe", audio, "--profile", home, "--server", own.url + "/v1/")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [r["auth"] for r in own.requests()] == [True]
    cli.assert_key_nowhere(key)
