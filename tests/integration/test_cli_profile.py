"""The real ``desktop-asr profile ...`` in a subprocess: the real profiles file under a
private XDG_CONFIG_HOME, the real Secret Service keyring (tests/run.sh starts one on a
private D-Bus session), keyring's failing backend, and the reference server.

API keys here are random throwaway values; assertions about them never print them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.vocabulary_store import VocabularyStore
from tests.integration.clitools import NO_KEYRING, ROOT, new_key, refused_url, unique
from tests.integration.conftest import assert_one_clean_error_line

pytestmark = pytest.mark.integration

# The Cli runner, RealKeyring and their fixtures are in clitools.py / conftest.py.


# --- the real keyring ---------------------------------------------------------------------------
def test_the_api_key_lives_in_the_keyring_and_follows_the_profile(cli, real_keyring,
                                                                  refserver):
    key, home = cli.watch(new_key()), unique("home")
    added = cli("profile", "add", home, "--server", refserver.url, "--api-key-stdin",
                stdin=key + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout == (f"Added profile '{home}' for {refserver.url} (the default); API "
                            "key stored in the system keyring (SecretService Keyring).\n")
    assert real_keyring.holds(home, key), "the keyring does not hold the key sent on stdin"

    shown = cli("profile", "show", home)
    assert shown.returncode == 0, shown.stderr
    assert "API key:           stored in the system keyring (SecretService Keyring)\n" \
        in shown.stdout
    listed = json.loads(cli("profile", "list", "--json").stdout)
    assert [(p["name"], p["default"], p["api_key"]) for p in listed] == [(home, True,
                                                                          "keyring")]
    cli.assert_key_nowhere(key)

    house = unique("house")
    renamed = cli("profile", "rename", home, house)
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stdout == f"Renamed profile '{home}' to '{house}'; its API key moved " \
                             "with it.\n"
    assert not real_keyring.has(home)
    assert real_keyring.holds(house, key), "the key did not move with the rename"
    assert cli.store().default_name() == house

    removed = cli("profile", "remove", house)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == f"Removed profile '{house}' and its API key.\n"
    assert not real_keyring.has(house)
    assert cli.store().names() == []
    cli.assert_key_nowhere(key)


def test_profile_test_authenticates_with_the_key_from_the_keyring(cli, real_keyring,
                                                                  refserver):
    key, lab = cli.watch(new_key()), unique("lab")
    refserver.configure(api_key=key)
    cli("profile", "add", lab, "--server", refserver.url, "--api-key-stdin", stdin=key)
    tested = cli("profile", "test", lab)
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.startswith(f"OK: {refserver.url} serves qwen3-asr")
    assert all(r["auth"] for r in refserver.requests())

    other = cli.watch(new_key())
    edited = cli("profile", "edit", lab, "--api-key-stdin", stdin=other + "\n")
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout == (f"Updated profile '{lab}'; API key stored in the system keyring "
                             "(SecretService Keyring).\n")
    assert real_keyring.holds(lab, other), "edit --api-key-stdin did not replace the key"
    cli.assert_key_nowhere(key)
    cli.assert_key_nowhere(other)


# --- no keyring ---------------------------------------------------------------------------------
def test_without_a_keyring_the_key_is_not_stored_and_the_cli_says_why(cli):
    key = cli.watch(new_key())
    added = cli("profile", "add", "home", "--server", "10.0.0.5:30101", "--api-key-stdin",
                stdin=key + "\n", env=NO_KEYRING)
    assert added.returncode == 1
    assert added.stdout == ("Added profile 'home' for http://10.0.0.5:30101 (the default); "
                            "the API key was NOT stored.\n")
    line = assert_one_clean_error_line(added.stderr)
    assert line == ("desktop-asr: No system keyring is available (no Secret Service on "
                    "D-Bus), so the API key was not stored anywhere. To use a key, put it in "
                    "an environment variable and run: desktop-asr profile edit home "
                    "--api-key-env VAR.")
    assert cli.store().names() == ["home"]  # the profile itself was saved
    shown = cli("profile", "show", "home", env=NO_KEYRING)
    assert "API key:           none stored\n" in shown.stdout
    cli.assert_key_nowhere(key)


def test_without_a_keyring_the_key_comes_from_an_environment_variable(cli, refserver):
    key = cli.watch(new_key())
    refserver.configure(api_key=key)
    added = cli("profile", "add", "lab", "--server", refserver.url, "--api-key-env", "MYKEY",
                env=NO_KEYRING)
    assert added.returncode == 0, added.stderr
    assert added.stdout == (f"Added profile 'lab' for {refserver.url} (the default); API key "
                            "read from $MYKEY when used.\n")
    assert cli.store().get("lab").api_key_env == "MYKEY"

    tested = cli("profile", "test", "lab", env={**NO_KEYRING, "MYKEY": key})
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.startswith(f"OK: {refserver.url} serves qwen3-asr")

    wrong = cli("profile", "test", "lab", env={**NO_KEYRING, "MYKEY": "sk-wrong"})
    assert wrong.returncode == 1
    assert assert_one_clean_error_line(wrong.stderr) == (
        "desktop-asr: profile test lab: 401 unauthorized: the server rejected the API key, "
        "check the API key.")

    unset = cli("profile", "test", "lab", env=NO_KEYRING)
    assert unset.returncode == 1
    assert assert_one_clean_error_line(unset.stderr) == (
        "desktop-asr: profile test lab: The profile 'lab' reads its API key from $MYKEY, "
        "which is not set.")
    cli.assert_key_nowhere(key)


# --- profile test -------------------------------------------------------------------------------
def test_profile_test_reports_the_round_trip(cli, refserver):
    cli.store().add(Profile(name="home", server=refserver.url + "/v1", model="qwen3-asr",
                            language="en"))
    result = cli("profile", "test", "home")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        re.escape(f"OK: {refserver.url} serves qwen3-asr (models: qwen3-asr); a 1-second "
                  "test tone took ") + r"\d+\.\d\d s; reply: '.*'\n", result.stdout), \
        result.stdout
    (request,) = refserver.requests()
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "qwen3-asr"
    # The profile's language is forced as a transcription would force it.
    assert request["body"]["messages"][-1] == {"role": "assistant",
                                               "content": "language English<asr_text>"}


def test_profile_test_names_the_served_models_when_the_model_is_missing(cli, refserver):
    cli.store().add(Profile(name="home", server=refserver.url, model="qwen3-asr-0.6b"))
    result = cli("profile", "test", "home")
    assert result.returncode == 1
    assert assert_one_clean_error_line(result.stderr) == (
        "desktop-asr: profile test home: Model not found: the server does not serve "
        "'qwen3-asr-0.6b'; available: qwen3-asr.")


def test_profile_test_on_a_closed_port(cli):
    url = refused_url()
    cli.store().add(Profile(name="home", server=url))
    result = cli("profile", "test", "home")
    assert result.returncode == 1
    line = assert_one_clean_error_line(result.stderr)
    host_port = url.removeprefix("http://")
    assert line == (f"desktop-asr: profile test home: Server unreachable at {host_port}: "
                    "connection refused (is the server running on that port?).")


# --- the command line's contract ----------------------------------------------------------------
def test_add_edit_list_show_round_trip(cli, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here\n")
    added = cli("profile", "add", "home", "--server", "gpu.lan:30101", "--model", "qwen3-asr",
                "--language", "zh", "--vocab-list", "tech", "--vocab-list", "names",
                "--api-style", "transcriptions", "--context", "不二家", "--transport", "url",
                "--max-chunk-seconds", "60", "--concurrency", "8", "--connect-timeout", "2",
                "--read-timeout", "90", "--no-asr-options", "--ca-bundle", str(bundle),
                "--header", "X-Gateway: lab", "--header", "X-Tenant:asr", env=NO_KEYRING)
    assert added.returncode == 0, added.stderr
    edited = cli("profile", "edit", "home", "--model", "", "--add-vocab-list", "extra",
                 "--remove-vocab-list", "tech", "--remove-header", "x-tenant",
                 "--asr-options", "--no-verify-tls", "--chinese", "taiwan", env=NO_KEYRING)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout == "Updated profile 'home'; no API key.\n"
    shown = json.loads(cli("profile", "show", "home", "--json", env=NO_KEYRING).stdout)
    assert shown == {
        "name": "home", "server": "http://gpu.lan:30101", "model": None,
        "api_style": "transcriptions", "language": "zh", "vocab_lists": ["names", "extra"],
        "context": "不二家", "transport": "url", "max_chunk_seconds": 60.0, "concurrency": 8,
        "connect_timeout": 2.0, "read_timeout": 90.0, "send_asr_options": True,
        "verify_tls": False, "ca_bundle": str(bundle), "headers": {"X-Gateway": "lab"},
        "api_key_env": None, "chinese": "taiwan", "default": True, "api_key": "none",
        "servers": ["http://gpu.lan:30101"],
    }
    lab = cli("profile", "add", "lab", "--server", "http://lab:8000", "--api-key-env",
              "LAB_KEY", "--default", env=NO_KEYRING)
    assert lab.stdout == ("Added profile 'lab' for http://lab:8000 (the default); API key "
                          "read from $LAB_KEY when used.\n")
    listed = json.loads(cli("profile", "list", "--json", env=NO_KEYRING).stdout)
    assert [(p["name"], p["default"], p["api_key"]) for p in listed] == [
        ("home", False, "none"), ("lab", True, "env:LAB_KEY")]
    table = cli("profile", "list", env=NO_KEYRING)
    assert table.stdout.splitlines() == [
        "   NAME  SERVER                MODEL           LANGUAGE",
        "   home  http://gpu.lan:30101  (first served)  zh",
        "*  lab   http://lab:8000       (first served)  auto",
    ]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--concurrency", "0"), "The concurrency must be a whole number from 1 to 64, not 0."),
        (("--api-key-stdin",), "No API key came on standard input"),
    ],
)
def test_bad_options_are_usage_errors_and_save_nothing(cli, args, words):
    result = cli("profile", "add", "home", "--server", "h:1", *args, env=NO_KEYRING)
    assert result.returncode == 2
    assert words in assert_one_clean_error_line(result.stderr)
    assert not cli.profiles_file.exists()


def test_a_broken_profiles_file_is_explained_and_left_alone(cli):
    cli.profiles_file.parent.mkdir(parents=True)
    broken = b'{\n  "schema_version": 1,\n  "profiles": [\n    {"name": "home",,}\n  ]\n}\n'
    cli.profiles_file.write_bytes(broken)
    for args in (("profile", "list"), ("profile", "add", "lab", "--server", "h:1")):
        result = cli(*args, env=NO_KEYRING)
        assert result.returncode == 1
        line = assert_one_clean_error_line(result.stderr)
        assert line.startswith(f"desktop-asr: The profiles file {cli.profiles_file} is not "
                               "valid JSON: line 4, column")
    assert cli.profiles_file.read_bytes() == broken


# --- two processes at once ------------------------------------------------------------------------
# Each process runs the real command line (desktop_asr.cli.main) 15 times for profiles and 15
# times for words, in one process so that both loops really overlap; both start together.
_ADDER = """
import pathlib, sys
from desktop_asr.cli import main
tag, folder = sys.argv[1], pathlib.Path(sys.argv[2])
files = []
for i in range(15):
    files.append(folder / f"{tag}{i}.txt")
    files[-1].write_text(f"{tag}imported{i}", encoding="utf-8")
print("ready", flush=True)
sys.stdin.readline()  # go
codes = []
for i in range(15):
    codes.append(main(["profile", "add", f"{tag}-{i}", "--server", f"http://10.0.0.{i}:30101"]))
    codes.append(main(["vocab", "add", "shared", f"{tag}word{i}"]))
    codes.append(main(["vocab", "import", "shared", str(files[i])]))
sys.exit(max(codes))
"""


def test_two_processes_adding_at_once_lose_nothing(cli, tmp_path):
    assert cli("vocab", "create", "shared").returncode == 0
    env = {**os.environ, **NO_KEYRING, "XDG_CONFIG_HOME": str(cli.config),
           "XDG_DATA_HOME": str(cli.data), "XDG_CACHE_HOME": str(cli.cache)}
    adders = [subprocess.Popen([sys.executable, "-c", _ADDER, tag, str(tmp_path)], cwd=ROOT,
                               env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    try:
        for adder in adders:  # both have started up: nothing is left to delay one
            assert adder.stdout is not None
            assert adder.stdout.readline() == "ready\n"
        for adder in adders:
            assert adder.stdin is not None
            adder.stdin.write("go\n")
            adder.stdin.flush()
        results = [adder.communicate(timeout=120) for adder in adders]
    finally:
        for adder in adders:
            adder.kill()
    assert [a.returncode for a in adders] == [0, 0], results
    names = set(cli.store().names())
    assert names == {f"{tag}-{i}" for tag in "ab" for i in range(15)}
    vocabulary = VocabularyStore(cli.config / "desktop-asr" / "vocabulary.json")
    words = {entry.word for entry in vocabulary.get("shared").entries}
    assert words == {f"{tag}{kind}{i}" for tag in "ab" for kind in ("word", "imported")
                     for i in range(15)}


def test_a_profile_keeps_several_servers_and_edit_replaces_them(cli):
    added = cli("profile", "add", "gpus", "--server", "gpu.lan:30101", "--server",
                "http://gpu.lan:30102/v1", env=NO_KEYRING)
    assert added.returncode == 0, added.stderr
    shown = json.loads(cli("profile", "show", "gpus", "--json", env=NO_KEYRING).stdout)
    assert shown["servers"] == ["http://gpu.lan:30101", "http://gpu.lan:30102"]
    assert shown["server"] == "http://gpu.lan:30101"
    text = cli("profile", "show", "gpus", env=NO_KEYRING).stdout
    assert "servers:" in text
    assert "http://gpu.lan:30102" in text
    edited = cli("profile", "edit", "gpus", "--server", "http://other:1", env=NO_KEYRING)
    assert edited.returncode == 0, edited.stderr
    shown = json.loads(cli("profile", "show", "gpus", "--json", env=NO_KEYRING).stdout)
    assert shown["servers"] == ["http://other:1"]
