"""API keys, kept only in the OS keyring (one entry per profile), or for this session only
when there is no usable keyring. Nothing here ever writes a key to a file or a log, and no
repr shows one. Keys are cleaned where they enter (credentials.clean_api_key): surrounding
whitespace goes, anything else an HTTP header cannot carry is refused in words; a key
stored earlier with stray whitespace is stripped when it is read."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail

from desktop_asr.errors import InputError, KeyringUnavailableError, register_secret
from desktop_asr.stores.credentials import clean_api_key
from desktop_asr.stores.profiles import Profile

SERVICE = "desktop-asr"
_PROBE_USER = "probe:desktop-asr"
_INSTEAD = ("The API key can be kept for this session only, or read from an environment "
            "variable named in the profile (--api-key-env VAR).")


class _Hidden:
    """A key held in memory; its repr never shows it (tracebacks with locals, debuggers)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<hidden>"


def keyring_username(profile_name: str) -> str:
    return "profile:" + profile_name


@dataclass(frozen=True)
class KeyringStatus:
    available: bool
    backend: str  # the backend's display name, e.g. "SecretService Keyring"
    problem: str = ""  # what is wrong, one sentence ("" when available)
    # what is wrong as a code: "keyring_none" (no keyring), "keyring_broken" (``why``)
    code: str = ""
    why: str = ""

    @property
    def reason(self) -> str:
        """What is wrong and what the user can do instead ("" when available)."""
        return f"{self.problem} {_INSTEAD}" if self.problem else ""


class SecretStore:
    """Where API keys live. ``backend`` None means keyring.get_keyring(), looked up on
    first use. Keys kept for the session (``keep_for_session``) win over the keyring."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend
        self._session: dict[str, _Hidden] = {}
        self._status: KeyringStatus | None = None
        self.last_error = ""  # why the last keyring read failed, in words ("" if it did not)

    def __repr__(self) -> str:
        backend = type(self._backend).__name__ if self._backend is not None else "default"
        return f"SecretStore(backend={backend}, session_keys_for={sorted(self._session)})"

    # --- the keyring's state ----------------------------------------------------------
    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is None:
            self._backend = keyring.get_keyring()
        return self._backend

    def status(self, *, refresh: bool = False) -> KeyringStatus:
        """Whether keys can be stored; probed once (a read) and remembered."""
        if self._status is None or refresh:
            self._status = self._probe()
        return self._status

    def _probe(self) -> KeyringStatus:
        backend = self.backend
        name = _backend_name(backend)
        none_here = "No system keyring is available" + (
            " (no Secret Service on D-Bus)" if sys.platform.startswith("linux") else "")
        if isinstance(backend, fail.Keyring) or (
                isinstance(backend, chainer.ChainerBackend) and not backend.backends):
            return KeyringStatus(False, name, f"{none_here}.", "keyring_none")
        try:
            priority = float(backend.priority)
        except Exception as exc:  # a backend says it is unusable by raising here
            return KeyringStatus(False, name, f"The keyring {name} cannot be used: "
                                              f"{_words(exc)}.", "keyring_broken", _words(exc))
        if priority <= 0:
            return KeyringStatus(False, name, f"No system keyring is available: the keyring "
                                              f"{name} does not store passwords.", "keyring_none")
        try:
            backend.get_password(SERVICE, _PROBE_USER)
        except Exception as exc:  # D-Bus gone, collection locked, ...: all mean "not now"
            return KeyringStatus(False, name, f"The system keyring ({name}) cannot be used: "
                                              f"{_words(exc)}.", "keyring_broken", _words(exc))
        return KeyringStatus(True, name)

    # --- keys -------------------------------------------------------------------------
    def get(self, profile_name: str) -> str | None:
        """The key for the profile, or None. A keyring failure also gives None, and
        ``last_error`` says why."""
        self.last_error = ""
        if profile_name in self._session:
            return self._session[profile_name].value
        status = self.status()
        if not status.available:
            return None
        try:
            key = self.backend.get_password(SERVICE, keyring_username(profile_name))
        except Exception as exc:
            self.last_error = (f"The system keyring ({status.backend}) could not be read: "
                               f"{_words(exc)}.")
            return None
        if key is None:
            return None
        register_secret(key)
        return key.strip()  # stored by an older version with a stray space or line break

    def set(self, profile_name: str, key: str) -> None:
        """Store the key (cleaned) in the keyring; InputError for a key that cannot be
        sent, KeyringUnavailableError (in words) if the keyring cannot take it."""
        key = clean_api_key(key)
        self.last_error = ""
        status = self.status()
        if not status.available:
            self.last_error = status.problem
            raise KeyringUnavailableError(status.reason, code=status.code,
                                          params={"backend": status.backend,
                                                  "reason": status.why})
        try:
            self.backend.set_password(SERVICE, keyring_username(profile_name), key)
        except Exception as exc:
            self.last_error = (f"The system keyring ({status.backend}) could not store the "
                               f"API key: {_words(exc)}.")
            raise KeyringUnavailableError(f"{self.last_error} {_INSTEAD}",
                                          code="keyring_cannot_store",
                                          params={"backend": status.backend,
                                                  "reason": _words(exc)}) from None
        self._session.pop(profile_name, None)  # one place for the key

    def keep_for_session(self, profile_name: str, key: str) -> None:
        """Hold the key (cleaned) in memory only, until this process ends."""
        self._session[profile_name] = _Hidden(clean_api_key(key))

    def delete(self, profile_name: str) -> bool:
        """Forget the profile's key everywhere; whether there was one. Raises
        KeyringUnavailableError when a stored key cannot be deleted."""
        found = self._session.pop(profile_name, None) is not None
        status = self.status()
        if not status.available:
            return found
        username = keyring_username(profile_name)
        try:
            if self.backend.get_password(SERVICE, username) is None:
                return found
            self.backend.delete_password(SERVICE, username)
        except Exception as exc:
            raise KeyringUnavailableError(
                f"The system keyring ({status.backend}) could not delete the API key of "
                f"the profile {profile_name!r}: {_words(exc)}.", code="keyring_cannot_delete",
                params={"backend": status.backend, "reason": _words(exc)}) from None
        return True

    def forget_leftover(self, profile_name: str) -> None:
        """Delete a key left under the name of a new profile (by a profile of that name
        removed without its key): a new profile never inherits one. A keyring that cannot
        be asked has nothing to give either, so its failures are ignored."""
        with contextlib.suppress(KeyringUnavailableError):
            self.delete(profile_name)

    def move(self, old: str, new: str) -> bool:
        """Move the key to a renamed profile (copy, then delete); whether there was one.
        Without a key to move, a key left under the new name is deleted (never inherited).
        If the keyring fails midway the old entry stays, and KeyringUnavailableError says
        so."""
        moved = False
        if old in self._session:
            self._session[new] = self._session.pop(old)
            moved = True
        elif old != new:
            self._session.pop(new, None)
        status = self.status()
        if not status.available or old == new:
            return moved
        try:
            key = self.backend.get_password(SERVICE, keyring_username(old))
            if key is None:
                if not moved and self.backend.get_password(
                        SERVICE, keyring_username(new)) is not None:
                    self.backend.delete_password(SERVICE, keyring_username(new))
                return moved
            self.backend.set_password(SERVICE, keyring_username(new), key)
        except Exception as exc:
            raise KeyringUnavailableError(
                f"The system keyring ({status.backend}) could not move the API key from "
                f"{old!r} to {new!r}: {_words(exc)}. The key stays under the old name.",
                code="keyring_cannot_move",
                params={"backend": status.backend, "reason": _words(exc)}) from None
        try:
            self.backend.delete_password(SERVICE, keyring_username(old))
        except Exception as exc:
            raise KeyringUnavailableError(
                f"The API key was copied to {new!r}, but the system keyring "
                f"({status.backend}) could not delete the old entry for {old!r}: "
                f"{_words(exc)}.", code="keyring_cannot_move",
                params={"backend": status.backend, "reason": _words(exc)}) from None
        return True

    def source(self, profile_name: str) -> str:
        """Where the key is: "session", "keyring", "none" or "unknown" (keyring error)."""
        if profile_name in self._session:
            return "session"
        if self.get(profile_name) is not None:
            return "keyring"
        return "unknown" if self.last_error else "none"

    def where(self, profile_name: str) -> str:
        """Where the key is, as a phrase for the user."""
        source = self.source(profile_name)
        if source == "session":
            return "kept for this session only"
        if source == "keyring":
            return f"stored in the system keyring ({self.status().backend})"
        if source == "unknown":
            return f"unknown: {self.last_error}"
        return "none stored"


def resolve_api_key(profile: Profile, secrets: SecretStore,
                    environ: Mapping[str, str]) -> str | None:
    """The key to send for the profile, cleaned: from its environment variable if it names
    one (InputError when that is unset or empty), else the session or keyring, else None.
    InputError, in words, for a key that cannot be sent."""
    if profile.api_key_env:
        value = environ.get(profile.api_key_env, "")
        if not value.strip():
            raise InputError(f"The profile {profile.name!r} reads its API key from "
                             f"${profile.api_key_env}, which is not set.", code="key_env_unset",
                             params={"profile": profile.name, "variable": profile.api_key_env})
        return clean_api_key(value, f"in ${profile.api_key_env}")
    key = secrets.get(profile.name)
    if key is None:
        return None
    try:
        return clean_api_key(key, f"stored for the profile {profile.name!r}")
    except InputError as exc:
        raise InputError(f"{exc.message} (To store it again: desktop-asr profile edit "
                         f"{profile.name} --api-key-stdin, or Profiles... in the app.)"
                         ) from None


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    try:
        return str(backend.name)
    except Exception:  # a third-party backend's classproperty may raise
        return type(backend).__name__


def _words(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".!")
    return text or exc.__class__.__name__
