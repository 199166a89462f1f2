"""API keys with a stray character (a trailing space, line break or non-breaking space, as
pasted) given to the real ``desktop-asr`` command: cleaned and working against a reference
server that requires exactly that key, or refused in words; and afterwards the key is in no
output, no file under the config and data folders (profiles.json, the history database and
its WAL) and no history row. Real subprocesses, the real Secret Service keyring, the
reference server as a separate process."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_asr.stores.history.store import HistoryStore
from tests.integration.clitools import NO_KEYRING, new_key, unique
from tests.integration.conftest import assert_one_clean_error_line

pytestmark = pytest.mark.integration

NBSP = "\u00a0"
# How a key is mangled on its way in -> whether it can be cleaned (else it is refused).
STRAY = {
    "a trailing space": (lambda key: key + " ", True),
    "a trailing line break": (lambda key: key + "\n", True),
    "a trailing space and line break": (lambda key: key + " \r\n", True),
    "a pasted non-breaking space around it": (lambda key: NBSP + key + NBSP, True),
    "a non-breaking space inside": (lambda key: key[:10] + NBSP + key[10:], False),
}


def history_rows(cli) -> list[str]:
    """Every text of every history row (source, error, text, segments)."""
    db = cli.data / "desktop-asr" / "history.sqlite3"
    if not db.exists():
        return []
    with HistoryStore(db) as store:
        return [f"{e.source}\n{e.error}\n{e.text}\n{e.segments}" for e in store.list(500)]


def assert_nowhere(cli, key: str) -> None:
    cli.assert_key_nowhere(key)  # outputs, and every file (history -wal included)
    assert not any(key in row for row in history_rows(cli))
    wal = cli.data / "desktop-asr" / "history.sqlite3-wal"
    if wal.exists():
        assert key.encode() not in wal.read_bytes()


def test_keys_from_standard_input(cli, real_keyring, make_refserver, make_audio):
    key = cli.watch(new_key())
    server = make_refserver(api_key=key)
    audio = make_audio("a.wav", "123 456")
    for n, (how, (mangle, usable)) in enumerate(STRAY.items()):
        name = unique(f"stdin{n}")
        added = cli("profile", "add", name, "--server", server.url, "--api-key-stdin",
                    stdin=mangle(key))
        if not usable:
            assert added.returncode == 2, how
            line = assert_one_clean_error_line(added.stderr)
            assert "non-breaking" in line, line
            assert "standard input" in line, line
            assert not real_keyring.has(name)
            assert name not in cli("profile", "list").stdout  # nothing was added
            continue
        assert added.returncode == 0, (how, added.stderr)
        assert real_keyring.holds(name, key), how  # stored clean
        result = cli("transcribe", str(audio), "--profile", name)
        assert result.returncode == 0, (how, result.stderr)
        assert result.stdout == "123 456\n"
    requests = server.requests()
    assert len(requests) == 4
    assert all(r["auth"] for r in requests)
    assert_nowhere(cli, key)


def test_a_key_stored_earlier_with_a_stray_line_break_still_works(
        cli, real_keyring, make_refserver, make_audio):
    key = cli.watch(new_key())
    server = make_refserver(api_key=key)
    name = unique("old")
    assert cli("profile", "add", name, "--server", server.url).returncode == 0
    real_keyring.backend.set_password("desktop-asr", "profile:" + name, key + " \n")
    real_keyring.seen.add(name)
    result = cli("transcribe", str(make_audio("a.wav", "7")), "--profile", name)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "7\n"
    tested = cli("profile", "test", name)
    assert tested.returncode == 0, tested.stderr
    assert_nowhere(cli, key)


@pytest.mark.parametrize("with_profile", [True, False], ids=["profile", "server"])
def test_keys_from_an_environment_variable(cli, make_refserver, make_audio, with_profile):
    key = cli.watch(new_key())
    server = make_refserver(api_key=key)
    audio = str(make_audio("a.wav", "42"))
    if with_profile:
        added = cli("profile", "add", "lab", "--server", server.url, "--api-key-env", "LAB_KEY",
                    env=NO_KEYRING)
        assert added.returncode == 0, added.stderr
        args: tuple[str, ...] = ("--profile", "lab")
    else:
        args = ("--server", server.url, "--api-key-env", "LAB_KEY")
    for how, (mangle, usable) in STRAY.items():
        result = cli("transcribe", audio, *args, env={**NO_KEYRING, "LAB_KEY": mangle(key)})
        if usable:
            assert result.returncode == 0, (how, result.stderr)
            assert result.stdout == "42\n"
        else:
            assert result.returncode != 0, how
            line = assert_one_clean_error_line(result.stderr)
            assert "non-breaking" in line, line
            assert "$LAB_KEY" in line, line
    requests = server.requests()
    assert len(requests) == 4
    assert all(r["auth"] for r in requests)
    if not with_profile:
        cli("profile", "add", "x", "--server", server.url, env=NO_KEYRING)  # a profiles file
    assert_nowhere(cli, key)


def test_a_failing_request_keeps_the_key_out_of_the_message_and_the_history(
        cli, make_refserver, make_audio):
    """A key the server rejects: the failure is said in words and kept in the history,
    but neither shows the key."""
    key = cli.watch(new_key())
    server = make_refserver(api_key=new_key())
    cli("profile", "add", "lab", "--server", server.url, "--api-key-env", "LAB_KEY",
        env=NO_KEYRING)
    result = cli("transcribe", str(make_audio("a.wav", "1")), env={**NO_KEYRING,
                                                                  "LAB_KEY": key + " "})
    assert result.returncode == 1
    assert "API key" in assert_one_clean_error_line(result.stderr)
    rows = history_rows(cli)
    assert len(rows) == 1
    assert "401" in rows[0]
    assert_nowhere(cli, key)


def test_server_addresses_with_a_password_are_refused_in_words(cli, make_audio):
    password = cli.watch("pw-" + new_key())
    url = f"http://asr-user:{password}@10.0.0.5:30101"
    added = cli("profile", "add", "lab", "--server", url, env=NO_KEYRING)
    assert added.returncode == 2
    assert "user name or password" in assert_one_clean_error_line(added.stderr)
    assert not cli.profiles_file.exists()
    cli("profile", "add", "lab", "--server", "http://10.0.0.5:30101", env=NO_KEYRING)
    edited = cli("profile", "edit", "lab", "--server", url, env=NO_KEYRING)
    assert edited.returncode == 2
    assert "user name or password" in assert_one_clean_error_line(edited.stderr)
    result = cli("transcribe", str(make_audio("a.wav", "1")), "--server", url,
                 env=NO_KEYRING)
    assert result.returncode == 2
    assert "user name or password" in assert_one_clean_error_line(result.stderr)
    assert password not in Path(cli.profiles_file).read_text()
    assert_nowhere(cli, password)
