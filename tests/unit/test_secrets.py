"""API keys (core/secrets.py) with an in-memory keyring and with keyring's failing backend.

The real Secret Service keyring is exercised by tests/integration/test_cli_profile.py.
"""

from __future__ import annotations

import keyring.backend
import keyring.errors
import pytest
from keyring.backends import chainer, fail

from desktop_asr.errors import InputError, KeyringUnavailableError
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SERVICE, SecretStore, resolve_api_key
from tests.keyrings import MemoryKeyring

KEY = "sk-unit-test-0123456789"


class NoBackendsChainer(chainer.ChainerBackend):
    backends = ()
    viable = False


class ZeroPriorityKeyring(MemoryKeyring):
    priority = 0


@pytest.fixture
def memory() -> MemoryKeyring:
    return MemoryKeyring()


# --- a working keyring ------------------------------------------------------------------------
def test_keys_go_to_the_keyring_one_entry_per_profile(memory):
    secrets = SecretStore(memory)
    status = secrets.status()
    assert status.available
    assert status.reason == ""
    # keyring's display name: the module's name (tests/keyrings.py), then the class
    assert status.backend == "keyrings MemoryKeyring"
    secrets.set("home", KEY)
    secrets.set("lab", "other")
    assert memory.entries == {(SERVICE, "profile:home"): KEY,
                              (SERVICE, "profile:lab"): "other"}
    assert SERVICE == "desktop-asr"
    assert secrets.get("home") == KEY
    assert secrets.get("nobody") is None
    assert secrets.last_error == ""


def test_where_says_where_in_words(memory):
    secrets = SecretStore(memory)
    assert secrets.where("home") == "none stored"
    secrets.set("home", KEY)
    assert secrets.where("home") == ("stored in the system keyring "
                                     "(keyrings MemoryKeyring)")
    assert secrets.source("home") == "keyring"
    secrets.keep_for_session("lab", KEY)
    assert secrets.where("lab") == "kept for this session only"
    assert secrets.source("lab") == "session"
    assert (SERVICE, "profile:lab") not in memory.entries


def test_a_key_kept_for_the_session_wins_until_stored(memory):
    secrets = SecretStore(memory)
    secrets.set("home", "old")
    secrets.keep_for_session("home", "new")
    assert secrets.get("home") == "new"
    secrets.set("home", "newest")  # stored: one place for the key again
    assert secrets.get("home") == "newest"
    assert secrets.source("home") == "keyring"


def test_empty_keys_are_refused(memory):
    secrets = SecretStore(memory)
    with pytest.raises(InputError, match="empty"):
        secrets.set("home", "")
    with pytest.raises(InputError, match="empty"):
        secrets.keep_for_session("home", "")


def test_delete_forgets_the_key_everywhere(memory):
    secrets = SecretStore(memory)
    secrets.set("home", KEY)
    secrets.keep_for_session("home", "session")
    assert secrets.delete("home") is True
    assert memory.entries == {}
    assert secrets.get("home") is None
    assert secrets.delete("home") is False  # nothing left: not an error


def test_move_follows_a_rename(memory):
    secrets = SecretStore(memory)
    secrets.set("home", KEY)
    assert secrets.move("home", "house") is True
    assert memory.entries == {(SERVICE, "profile:house"): KEY}
    assert secrets.move("nothing", "else") is False
    assert memory.entries == {(SERVICE, "profile:house"): KEY}
    secrets.keep_for_session("a", "s")
    assert secrets.move("a", "b") is True
    assert secrets.get("b") == "s"
    assert secrets.get("a") is None


def test_a_move_that_fails_midway_keeps_the_old_entry(memory):
    secrets = SecretStore(memory)
    secrets.set("home", KEY)
    memory.broken.add("set")
    with pytest.raises(KeyringUnavailableError) as info:
        secrets.move("home", "house")
    assert "stays under the old name" in str(info.value)
    assert memory.entries == {(SERVICE, "profile:home"): KEY}
    memory.broken = {"delete"}
    with pytest.raises(KeyringUnavailableError, match="could not delete the old entry"):
        secrets.move("home", "house")
    assert memory.entries[(SERVICE, "profile:house")] == KEY  # copied, and not lost


def test_a_keyring_that_refuses_to_store_says_so(memory):
    secrets = SecretStore(memory)
    memory.broken.add("set")
    with pytest.raises(KeyringUnavailableError) as info:
        secrets.set("home", KEY)
    assert "could not store the API key: the collection is read-only" in str(info.value)
    assert "--api-key-env" in str(info.value)
    assert secrets.last_error.startswith("The system keyring (keyrings MemoryKeyring)")
    assert memory.entries == {}


def test_read_errors_after_the_probe_give_none_and_a_reason(memory):
    secrets = SecretStore(memory)
    assert secrets.status().available
    memory.broken.add("get")  # e.g. the collection got locked after start-up
    assert secrets.get("home") is None
    assert "could not be read: Failed to unlock the collection" in secrets.last_error
    assert secrets.source("home") == "unknown"
    assert secrets.where("home").startswith("unknown: The system keyring")
    assert secrets.get("home") is None  # still no crash


# --- no usable keyring ------------------------------------------------------------------------
@pytest.mark.parametrize("backend", [fail.Keyring(), NoBackendsChainer(), ZeroPriorityKeyring()])
def test_no_usable_keyring_is_explained_and_the_session_still_works(backend):
    secrets = SecretStore(backend)
    status = secrets.status()
    assert not status.available
    assert status.reason.startswith("No system keyring is available")
    assert "for this session only" in status.reason
    assert "--api-key-env VAR" in status.reason
    with pytest.raises(KeyringUnavailableError) as info:
        secrets.set("home", KEY)
    assert str(info.value) == status.reason
    assert secrets.get("home") is None
    assert secrets.where("home") == "none stored"
    secrets.keep_for_session("home", KEY)
    assert secrets.get("home") == KEY
    assert secrets.where("home") == "kept for this session only"
    assert secrets.move("home", "house") is True
    assert secrets.get("house") == KEY
    assert secrets.delete("house") is True
    assert secrets.get("house") is None


def test_the_fail_backend_message_names_the_secret_service(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    reason = SecretStore(fail.Keyring()).status().reason
    assert reason == (
        "No system keyring is available (no Secret Service on D-Bus). The API key can be "
        "kept for this session only, or read from an environment variable named in the "
        "profile (--api-key-env VAR).")


def test_a_probe_that_raises_makes_the_keyring_unavailable(memory):
    memory.broken.add("get")
    status = SecretStore(memory).status()
    assert not status.available
    assert status.reason.startswith("The system keyring (keyrings MemoryKeyring) cannot "
                                    "be used: Failed to unlock the collection.")


def test_the_default_backend_is_looked_up_lazily(monkeypatch, memory):
    calls = []
    monkeypatch.setattr(keyring, "get_keyring", lambda: calls.append(1) or memory)
    secrets = SecretStore()
    assert calls == []
    secrets.set("home", KEY)
    assert secrets.get("home") == KEY
    assert calls == [1]


# --- keys never show --------------------------------------------------------------------------
def test_reprs_never_show_a_key(memory):
    secrets = SecretStore(memory)
    secrets.set("home", KEY)
    secrets.keep_for_session("lab", KEY)
    secrets.get("home")
    for text in (repr(secrets), str(secrets), repr(secrets.status()), repr(vars(secrets))):
        assert KEY not in text


# --- which key a profile uses -----------------------------------------------------------------
def test_resolve_api_key(memory):
    secrets = SecretStore(memory)
    home = Profile(name="home", server="h:1")
    assert resolve_api_key(home, secrets, {}) is None
    secrets.set("home", KEY)
    assert resolve_api_key(home, secrets, {}) == KEY
    from_env = Profile(name="home", server="h:1", api_key_env="MY_KEY")
    assert resolve_api_key(from_env, secrets, {"MY_KEY": "from-env"}) == "from-env"
    for environ in ({}, {"MY_KEY": ""}):
        with pytest.raises(InputError) as info:
            resolve_api_key(from_env, secrets, environ)
        assert str(info.value) == ("The profile 'home' reads its API key from $MY_KEY, "
                                   "which is not set.")


# --- keys with stray characters ---------------------------------------------------------------
NBSP = "\u00a0"


@pytest.mark.parametrize("typed", [KEY + " ", KEY + "\n", " " + KEY + "\r\n", NBSP + KEY + NBSP,
                                   "\t" + KEY])
def test_surrounding_whitespace_is_stripped_before_a_key_is_kept(memory, typed):
    secrets = SecretStore(memory)
    secrets.set("home", typed)
    assert memory.entries == {(SERVICE, "profile:home"): KEY}
    secrets.keep_for_session("lab", typed)
    assert secrets.get("lab") == KEY


@pytest.mark.parametrize(("typed", "words"), [
    (KEY[:6] + NBSP + KEY[6:], "a non-breaking or other special space"),
    (KEY[:6] + "\n" + KEY[6:], "a line break"),
    (KEY[:6] + "\u200b" + KEY[6:], "an invisible formatting character"),
    (KEY[:6] + "\u2019" + KEY[6:], "a character outside ASCII"),
    (KEY[:6] + "\x1b" + KEY[6:], "a control character"),
])
def test_a_key_that_cannot_be_sent_is_refused_in_words_without_showing_it(memory, typed,
                                                                           words):
    secrets = SecretStore(memory)
    for keep in (secrets.set, secrets.keep_for_session):
        with pytest.raises(InputError) as info:
            keep("home", typed)
        text = f"{info.value} {info.value.details} {info.value!r}"
        assert f"contains {words}" in text
        assert f"at character 7 of {len(typed)}, which cannot be sent" in text
        assert KEY[:6] not in text
        assert KEY[7:] not in text
    assert memory.entries == {}
    assert secrets.get("home") is None


def test_a_key_stored_earlier_with_stray_whitespace_is_stripped_on_read(memory):
    memory.entries[(SERVICE, "profile:home")] = KEY + " \n"  # an older version kept it so
    secrets = SecretStore(memory)
    assert secrets.get("home") == KEY
    assert resolve_api_key(Profile("home", "http://h:1"), secrets, {}) == KEY


def test_a_stored_key_that_cannot_be_sent_is_refused_in_words(memory):
    memory.entries[(SERVICE, "profile:home")] = KEY[:6] + "\n" + KEY[6:]
    with pytest.raises(InputError) as info:
        resolve_api_key(Profile("home", "http://h:1"), SecretStore(memory), {})
    message = str(info.value)
    assert message.startswith("The API key stored for the profile 'home' contains a line "
                              "break")
    assert "profile edit home --api-key-stdin" in message
    assert KEY[:6] not in message
    assert KEY[7:] not in message


def test_a_key_from_the_environment_is_cleaned_or_refused_naming_the_variable(memory):
    profile = Profile("home", "http://h:1", api_key_env="ASR_KEY")
    secrets = SecretStore(memory)
    assert resolve_api_key(profile, secrets, {"ASR_KEY": KEY + "\n"}) == KEY
    with pytest.raises(InputError) as info:
        resolve_api_key(profile, secrets, {"ASR_KEY": KEY[:6] + NBSP + KEY[6:]})
    assert str(info.value).startswith("The API key in $ASR_KEY contains a non-breaking")
    assert KEY[:6] not in str(info.value)
    with pytest.raises(InputError, match=r"\$ASR_KEY, which is not set"):
        resolve_api_key(profile, secrets, {"ASR_KEY": " \n"})


def test_a_profile_never_inherits_a_key_left_under_its_name(memory):
    memory.entries[(SERVICE, "profile:house")] = "sk-left-behind-by-an-old-profile"
    secrets = SecretStore(memory)
    assert secrets.move("home", "house") is False  # home has no key: house keeps none
    assert memory.entries == {}
    memory.entries[(SERVICE, "profile:new")] = "sk-left-behind-by-an-old-profile"
    secrets.forget_leftover("new")
    assert memory.entries == {}
    memory.broken.add("delete")
    secrets.forget_leftover("nothing-there")  # a keyring that cannot delete: no error
