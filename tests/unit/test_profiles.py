"""Server profiles (core/profiles.py): validation, the JSON file, the store's rules."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import pytest

from desktop_asr.engine.client import ServerConfig
from desktop_asr.errors import ConfigFileError, InputError, NotFoundError
from desktop_asr.stores.profile_store import ProfileStore, _migrate
from desktop_asr.stores.profiles import Profile


def make(name: str = "home", server: str = "http://127.0.0.1:30101", **kw) -> Profile:
    return Profile(name=name, server=server, **kw)


# A profile where every field differs from its default.
EVERYTHING = {
    "name": "实验室 GPU", "server": "https://gpu.example.org:8443/v1/",
    "model": "qwen3-asr-1.7b", "api_style": "transcriptions", "language": "yue",
    "vocab_lists": ("tech", "人名"), "context": "Kubernetes vLLM 不二家", "transport": "url",
    "max_chunk_seconds": 90.5, "concurrency": 16, "connect_timeout": 2.5,
    "read_timeout": 120.0, "send_asr_options": False, "verify_tls": False,
    "ca_bundle": "/etc/ssl/lab.pem", "headers": (("X-Gateway", "lab"), ("X-Tenant", "asr")),
    "api_key_env": "LAB_KEY",
}


# --- validation ---------------------------------------------------------------------------
def test_defaults_and_normalisation():
    p = make(server=" 10.0.0.5:30101/v1/ ")
    assert p.server == "http://10.0.0.5:30101"
    assert (p.model, p.api_style, p.language, p.transport) == (None, "chat", "auto", "inline")
    assert (p.max_chunk_seconds, p.concurrency) == (120.0, 4)
    assert (p.connect_timeout, p.read_timeout) == (5.0, 30.0)
    assert p.send_asr_options is True
    assert p.verify_tls is True
    assert (p.vocab_lists, p.headers, p.ca_bundle, p.api_key_env) == ((), (), None, None)


def test_blank_optional_values_mean_the_default():
    p = make(name="  lab  ", model="  ", language=" ", ca_bundle="", api_key_env="$MY_KEY",
             vocab_lists=["a", " b ", "a"])
    assert p.name == "lab"
    assert p.model is None
    assert p.language == "auto"
    assert p.ca_bundle is None
    assert p.api_key_env == "MY_KEY"
    assert p.vocab_lists == ("a", "b")  # a tuple, in order, once each


def test_language_is_kept_as_typed_once_known():
    assert make(language="zh-CN").language == "zh-CN"
    assert make(language="Chinese").language == "Chinese"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"name": ""}, "profile name is empty"),
        ({"name": "   "}, "profile name is empty"),
        ({"name": "a\nb"}, "control characters"),
        ({"name": "tab\there"}, "control characters"),
        ({"name": "x" * 65}, "longer than 64"),
        ({"name": "-x"}, "starts with '-'"),
        ({"server": ""}, "server URL is empty"),
        ({"server": "ftp://h:1"}, "not an http(s) server address"),
        ({"api_style": "grpc"}, "Unknown API style 'grpc'"),
        ({"transport": "ftp"}, "Unknown transport 'ftp'"),
        ({"language": "klingon"}, "Unknown language 'klingon'"),
        ({"max_chunk_seconds": 4.9}, "chunk length must be between 5 and 1200"),
        ({"max_chunk_seconds": 1201}, "chunk length must be between 5 and 1200"),
        ({"concurrency": 0}, "concurrency must be a whole number from 1 to 64, not 0"),
        ({"concurrency": 65}, "from 1 to 64, not 65"),
        ({"concurrency": True}, "concurrency must be a whole number"),
        ({"connect_timeout": 0}, "connect timeout must be a number of seconds above 0"),
        ({"read_timeout": -1}, "read timeout must be a number of seconds above 0"),
        ({"read_timeout": float("nan")}, "read timeout"),
        ({"headers": (("Authorization", "Bearer x"),)}, "API key options"),
        ({"headers": (("proxy-authorization", "x"),)}, "API key options"),
        ({"headers": (("Bad Name", "x"),)}, "not a valid HTTP header name"),
        ({"headers": (("X:Y", "x"),)}, "not a valid HTTP header name"),
        ({"headers": (("X-A", "1\r\nX-B: 2"),)}, "control characters"),
        ({"headers": (("X-A", "1"), ("x-a", "2"))}, "given twice"),
        ({"api_key_env": "MY-KEY"}, "not an environment variable name"),
        ({"api_key_env": "1KEY"}, "not an environment variable name"),
        ({"vocab_lists": ("",)}, "vocabulary list name is empty"),
        ({"model": "a\x00b"}, "model name must not contain control characters"),
    ],
)
def test_invalid_fields_are_refused_in_words(fields, words):
    with pytest.raises(InputError) as info:
        make(**fields)
    assert words in str(info.value)


def test_edge_values_are_accepted():
    p = make(max_chunk_seconds=5, concurrency=64, connect_timeout=0.1, name="x" * 64)
    assert (p.max_chunk_seconds, p.concurrency, len(p.name)) == (5.0, 64, 64)


def test_replace_validates_again():
    with pytest.raises(InputError, match="concurrency"):
        dataclasses.replace(make(), concurrency=0)


def test_server_config_carries_the_connection_settings():
    p = make(connect_timeout=1.5, read_timeout=7, headers=(("X-Gateway", "lab"),))
    config = p.server_config("k-123")
    assert isinstance(config, ServerConfig)
    assert config.base_url == "http://127.0.0.1:30101"
    assert config.api_key == "k-123"
    assert (config.connect_timeout, config.read_timeout) == (1.5, 7.0)
    assert config.verify is True
    assert dict(config.headers) == {"X-Gateway": "lab"}
    assert make().server_config(None).api_key is None


def test_tls_verification_settings():
    assert make(ca_bundle="/etc/ca.pem").server_config(None).verify == "/etc/ca.pem"
    assert make(verify_tls=False).server_config(None).verify is False
    # Turning verification off wins over a CA bundle left in the profile.
    off = make(verify_tls=False, ca_bundle="/etc/ca.pem")
    assert off.server_config(None).verify is False


# --- the file ---------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "cfg" / "profiles.json")


def test_every_field_round_trips_through_the_file(store):
    original = make(**EVERYTHING)
    assert original.server == "https://gpu.example.org:8443"
    store.add(original)
    again = ProfileStore(store.path).get("实验室 GPU")
    assert again == original
    for f in dataclasses.fields(Profile):  # field by field, so a failure names it
        assert getattr(again, f.name) == getattr(original, f.name), f.name


def test_the_file_is_readable_json_of_the_documented_shape(store):
    store.add(make(headers=(("X-Gateway", "lab"),), vocab_lists=("tech",)))
    text = store.path.read_text(encoding="utf-8")
    assert "\n  " in text  # indented for people
    data = json.loads(text)
    assert data["schema_version"] == 2
    assert data["default"] == "home"
    (entry,) = data["profiles"]
    assert entry["name"] == "home"
    assert entry["server"] == "http://127.0.0.1:30101"
    assert entry["servers"] == ["http://127.0.0.1:30101"]
    assert entry["headers"] == {"X-Gateway": "lab"}
    assert entry["vocab_lists"] == ["tech"]
    assert entry["model"] is None
    assert "api_key" not in entry


def test_the_file_is_private_and_replaced_atomically(store):
    store.add(make())
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.path.parent).st_mode) == 0o700
    before = os.stat(store.path).st_ino
    store.add(make("lab"))
    assert os.stat(store.path).st_ino != before  # a new file renamed over the old one
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    # no temporary file left behind; the (empty, private) lock file stays
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "profiles.json", "profiles.json.lock"]
    lock = store.path.with_name("profiles.json.lock")
    assert stat.S_IMODE(os.stat(lock).st_mode) == 0o600
    assert lock.read_bytes() == b""


def test_a_missing_file_is_no_profiles(store):
    assert store.list() == []
    assert store.names() == []
    assert store.default_name() is None
    assert store.default() is None
    assert not store.path.exists()  # reading never creates it


def test_unknown_keys_are_ignored_and_null_means_default(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({
        "schema_version": 1, "default": "home", "future": {"x": 1},
        "profiles": [{"name": "home", "server": "h:1", "colour": "blue", "model": None,
                      "concurrency": None}],
    }), encoding="utf-8")
    (p,) = store.list()
    assert p == make(server="http://h:1")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("concurrency", "four", "'concurrency' must be a whole number, not \"four\""),
        ("concurrency", 2.5, "'concurrency' must be a whole number, not 2.5"),
        ("verify_tls", "yes", "'verify_tls' must be true or false"),
        ("max_chunk_seconds", True, "'max_chunk_seconds' must be a number"),
        ("vocab_lists", "tech", "'vocab_lists' must be a list of names"),
        ("headers", [["X-A", "1"]], "'headers' must be an object"),
        ("model", 3, "'model' must be text"),
        ("api_style", "grpc", "Unknown API style"),
    ],
)
def test_wrong_values_in_the_file_name_the_file_the_profile_and_the_line(
        store, field, value, words):
    store.path.parent.mkdir(parents=True)
    good = {"name": "good", "server": "h:1"}
    bad = {"name": "lab", "server": "h:2", field: value}
    store.path.write_text(json.dumps({"schema_version": 1, "profiles": [good, bad]},
                                     indent=2), encoding="utf-8")
    lines = store.path.read_text().splitlines()
    name_line = next(i for i, line in enumerate(lines, 1) if '"name": "lab"' in line)
    with pytest.raises(ConfigFileError) as info:
        store.list()
    message = str(info.value)
    assert str(store.path) in message
    assert "profile 2 ('lab')" in message
    assert f"line {name_line}" in message
    assert words in message
    assert info.value.line == name_line
    assert info.value.path == str(store.path)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"schema_version": 1, "profiles": [{"server": "h:1"}]}, "'name' is missing"),
        ({"schema_version": 1, "profiles": [{"name": "x"}]}, "'server' is missing"),
        ({"schema_version": 1, "profiles": ["x"]}, "must be a JSON object"),
        ({"schema_version": 1, "profiles": {"x": {}}}, "'profiles' must be a list"),
        ({"schema_version": "1", "profiles": []}, "'schema_version' must be a whole number"),
        ({"schema_version": 1, "default": 3, "profiles": []}, "'default' must be a profile"),
        ({"schema_version": 1, "profiles": [{"name": "a", "server": "h:1"},
                                            {"name": "a", "server": "h:2"}]},
         "two profiles named 'a'"),
    ],
)
def test_malformed_documents_are_explained(store, data, words):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(ConfigFileError) as info:
        store.list()
    assert words in str(info.value)
    assert str(store.path) in str(info.value)


def test_a_default_naming_no_profile_means_no_default(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"schema_version": 1, "default": "gone",
                                      "profiles": [{"name": "a", "server": "h:1"}]}))
    assert store.default_name() is None
    assert store.default() is None


BROKEN = '{\n  "schema_version": 1,\n  "profiles": [\n    {"name": "home",,}\n  ]\n}\n'


def test_a_corrupt_file_is_an_error_naming_file_and_line_and_is_never_overwritten(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(BROKEN.encode())
    for call in (store.list, store.names, store.default, store.default_name,
                 lambda: store.get("home")):
        with pytest.raises(ConfigFileError) as info:
            call()
        assert str(store.path) in str(info.value)
        assert "line 4" in str(info.value)  # the doubled comma is on line 4
        assert info.value.line == 4
    for change in (lambda: store.add(make("new")), lambda: store.update(make("home")),
                   lambda: store.remove("home"), lambda: store.rename("home", "x"),
                   lambda: store.set_default("home")):
        with pytest.raises(ConfigFileError, match="line 4"):
            change()
        assert store.path.read_bytes() == BROKEN.encode()
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "profiles.json", "profiles.json.lock"]


def test_a_file_from_a_newer_version_is_refused_and_kept(store):
    store.path.parent.mkdir(parents=True)
    text = json.dumps({"schema_version": 99, "profiles": []}, indent=2)
    store.path.write_text(text)
    with pytest.raises(ConfigFileError) as info:
        store.list()
    assert "newer desktop-asr" in str(info.value)
    assert str(store.path) in str(info.value)
    assert info.value.line == 2
    with pytest.raises(ConfigFileError, match="newer desktop-asr"):
        store.add(make())
    assert store.path.read_text() == text


VERSION_0 = {"default": "old", "profiles": [
    {"name": "old", "url": "10.0.0.5:30101", "model": "qwen3-asr"},
    {"name": "new-style", "server": "h:1"},
]}


def test_migration_from_version_0():
    data = _migrate(VERSION_0)
    assert data["schema_version"] == 2
    assert data["profiles"][0] == {"name": "old", "server": "10.0.0.5:30101",
                                   "model": "qwen3-asr", "servers": ["10.0.0.5:30101"]}
    assert data["profiles"][1] == {"name": "new-style", "server": "h:1", "servers": ["h:1"]}
    assert "server" not in VERSION_0["profiles"][0]  # the input is left alone


def test_a_version_0_file_is_read_and_upgraded_on_the_first_change_with_a_backup(store):
    store.path.parent.mkdir(parents=True)
    original = json.dumps(VERSION_0, indent=2)
    store.path.write_text(original)
    assert store.get("old").server == "http://10.0.0.5:30101"
    assert store.default_name() == "old"
    assert store.path.read_text() == original  # reading does not rewrite
    store.add(make("third"))
    data = json.loads(store.path.read_text())
    assert data["schema_version"] == 2
    assert data["profiles"][0]["server"] == "http://10.0.0.5:30101"
    assert "url" not in data["profiles"][0]
    backup = store.path.with_name("profiles.json.bak")
    assert backup.read_text() == original
    store.add(make("fourth"))  # already version 1: no more backups
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "profiles.json", "profiles.json.bak", "profiles.json.lock"]


# --- the store's rules ------------------------------------------------------------------------
def test_the_first_profile_becomes_the_default(store):
    store.add(make("a"))
    store.add(make("b"))
    assert store.default_name() == "a"
    store.add(make("c"), make_default=True)
    assert store.default_name() == "c"
    assert store.default() == make("c")
    assert store.names() == ["a", "b", "c"]


def test_duplicate_names_are_refused_even_by_case(store):
    store.add(make("home"))
    with pytest.raises(InputError, match="A profile named 'home' already exists"):
        store.add(make("home", server="h:2"))
    with pytest.raises(InputError, match="differ only in case"):
        store.add(make("HOME"))
    assert [p.server for p in store.list()] == ["http://127.0.0.1:30101"]


def test_get_is_exact_and_missing_names_are_explained(store):
    with pytest.raises(NotFoundError) as info:
        store.get("home")
    assert str(info.value) == ("No profiles yet: add one with desktop-asr profile add NAME "
                               "--server URL.")
    store.add(make("a"))
    store.add(make("Home"))
    with pytest.raises(NotFoundError) as info:
        store.get("home")
    assert str(info.value) == "No profile named 'home'. Did you mean 'Home'? Profiles: a, Home."
    with pytest.raises(NotFoundError) as info:
        store.get("x")
    assert str(info.value) == "No profile named 'x'. Profiles: a, Home."


def test_update_replaces_by_name(store):
    store.add(make("a"))
    store.add(make("b"))
    store.update(make("a", model="m2", concurrency=8))
    assert store.get("a").model == "m2"
    assert store.get("a").concurrency == 8
    assert store.names() == ["a", "b"]  # order kept
    with pytest.raises(NotFoundError):
        store.update(make("zzz"))


def test_rename_keeps_the_settings_and_the_default_follows(store):
    store.add(make("a", model="m"))
    store.add(make("b"))
    renamed = store.rename("a", "lab")
    assert renamed == make("lab", model="m")
    assert store.names() == ["lab", "b"]
    assert store.default_name() == "lab"
    store.rename("b", "B")  # changing only the case of its own name is fine
    assert store.names() == ["lab", "B"]
    assert store.default_name() == "lab"  # a non-default rename leaves the default alone


def test_rename_refusals(store):
    store.add(make("a"))
    store.add(make("b"))
    with pytest.raises(InputError, match="'b' already exists"):
        store.rename("a", "b")
    with pytest.raises(InputError, match="differ only in case"):
        store.rename("a", "B")
    with pytest.raises(InputError, match="empty"):
        store.rename("a", " ")
    with pytest.raises(NotFoundError):
        store.rename("zzz", "c")
    assert store.names() == ["a", "b"]


def test_removing_the_default_passes_it_to_the_first_remaining(store):
    for name in ("a", "b", "c"):
        store.add(make(name))
    store.set_default("b")
    store.remove("a")  # not the default: it stays
    assert store.default_name() == "b"
    store.remove("b")
    assert store.default_name() == "c"
    store.remove("c")
    assert store.default_name() is None
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.remove("c")


def test_set_default_needs_an_existing_profile(store):
    store.add(make("a"))
    with pytest.raises(NotFoundError, match="No profile named 'b'"):
        store.set_default("b")
    assert store.default_name() == "a"


def test_every_change_reads_the_file_again(store):
    other = ProfileStore(store.path)  # another window or process
    store.add(make("a"))
    other.add(make("b"))
    store.add(make("c"))
    assert other.names() == ["a", "b", "c"]


def test_a_version_1_file_with_one_server_loads_and_keeps_a_list_from_then_on(store):
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps({"schema_version": 1, "default": "home", "profiles": [
        {"name": "home", "server": "10.0.0.5:30101", "concurrency": 8}]}), encoding="utf-8")
    profile = store.get("home")
    assert profile.servers == ("http://10.0.0.5:30101",)
    store.update(profile.with_servers(["10.0.0.5:30101", "http://10.0.0.6:30101/v1"]))
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert data["profiles"][0]["servers"] == ["http://10.0.0.5:30101", "http://10.0.0.6:30101"]
    assert store.get("home").server == "http://10.0.0.5:30101"


def test_a_new_first_server_takes_the_old_first_ones_place():
    profile = Profile(name="lab", server="h:1", servers=("h:1", "h:2"))
    moved = dataclasses.replace(profile, server="h:3")
    assert moved.servers == ("http://h:3", "http://h:2")
