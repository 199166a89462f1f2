"""Typed errors of the core. Every message is written for the user, in words.

Secrets never reach a message: every AsrError's message and details pass through
``scrub``, which hides the API keys registered with ``register_secret`` (the stores register
every key they hand out), any ``Authorization``/``Bearer`` value and the user-info of URLs.
Code that turns an arbitrary exception into text for the user calls ``scrub`` itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

HIDDEN = "<hidden>"
# Shorter values would hide ordinary words (a key that short is no secret anyway; the
# Authorization and Bearer patterns still hide it where it is sent).
MIN_SECRET_LENGTH = 8
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_AUTH_SCHEME = r"(?:bearer|basic|digest|token|negotiate)"
_PATTERNS = (
    # Authorization: Bearer x / 'authorization': 'x' / b'Authorization', b'Basic x'
    (re.compile(r"""(?i)(\b(?:proxy-)?authorization\b['"]?\s*[:=,]\s*(?:b?['"])?\s*)"""
                rf"(?:({_AUTH_SCHEME})\s+)?([^\s'\",;}}\])]+)"),
     lambda m: f"{m[1]}{m[2] + ' ' if m[2] else ''}{HIDDEN}"),
    # Bearer x (e.g. httpx's "Illegal header value b'Bearer x'")
    (re.compile(r"(?i)\b(bearer)\s+(?!<hidden>)[^\s'\",;]+"), lambda m: f"{m[1]} {HIDDEN}"),
    # http://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]+@"), lambda m: f"{m[1]}{HIDDEN}@"),
)


def register_secret(value: str | None) -> None:
    """Hide ``value`` from every message and details from now on (in this process)."""
    if not value:
        return
    forms = {value, value.strip(), repr(value)[1:-1], repr(value.encode("utf-8"))[2:-1]}
    with _secrets_lock:
        _secrets.update(f for f in forms if len(f.strip()) >= MIN_SECRET_LENGTH)


def scrub(text: str) -> str:
    """``text`` without registered secrets, Authorization/Bearer values or URL user-info."""
    if not text:
        return text
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    for pattern, hide in _PATTERNS:
        text = pattern.sub(hide, text)
    return text


class AsrError(Exception):
    """Base of every error the core raises on purpose.

    ``str(error)`` is a complete English sentence a user can act on (the command line and
    the logs show it); ``details`` holds what a "Details" expander may show (the server's
    raw answer, the original exception). Both are scrubbed (see ``scrub``) when set and
    again when read.

    ``code`` names what went wrong ("server_refused", "not_audio", ...) and ``params`` holds
    the facts the sentence is made of (``where``, ``name``, ``seconds``...): the UI builds
    its own sentence from them in the user's language (ui/status/error_text.py). An error
    without a code is shown by its kind.
    """

    retryable = False
    code = ""

    def __init__(self, message: str, *, details: str = "", code: str = "",
                 params: Mapping[str, object] | None = None) -> None:
        message = scrub(message)
        super().__init__(message)
        self._message = message
        self._details = scrub(details)
        if code:
            self.code = code
        self.params: dict[str, object] = dict(params or {})

    @property
    def message(self) -> str:
        return scrub(self._message)

    @message.setter
    def message(self, value: str) -> None:
        self._message = scrub(value)
        self.args = (self._message,)

    @property
    def details(self) -> str:
        return scrub(self._details)

    @details.setter
    def details(self, value: str) -> None:
        self._details = scrub(value)

    def __str__(self) -> str:
        return scrub(super().__str__())


# --- input -----------------------------------------------------------------------------
class InputError(AsrError):
    """The file or URL given cannot be used."""


class UnsupportedMediaError(InputError):
    """Not an audio or video file, corrupt, empty, or without an audio track."""


# --- server ----------------------------------------------------------------------------
class ServerError(AsrError):
    """The server answered with an error. ``status`` is the HTTP status (0 if none)."""

    def __init__(self, message: str, *, status: int = 0, server_message: str = "",
                 details: str = "", code: str = "",
                 params: Mapping[str, object] | None = None) -> None:
        super().__init__(message, details=details, code=code, params=params)
        self.status = status
        self.server_message = server_message


class ServerUnreachableError(AsrError):
    retryable = True


class ServerTimeoutError(AsrError):
    retryable = True


class AuthenticationError(ServerError):
    """401/403: the API key is missing or wrong."""

    code = "key_rejected"


class ModelNotFoundError(ServerError):
    code = "model_not_found"

    def __init__(self, message: str, *, model: str, available: list[str] | None = None,
                 status: int = 404, server_message: str = "", where: str = "") -> None:
        super().__init__(message, status=status, server_message=server_message,
                         params={"model": model, "available": ", ".join(available or []),
                                 "where": where})
        self.model = model
        self.available = list(available or [])


class AudioTooLongError(ServerError):
    """The server's encoder budget cannot take this much audio in one request."""

    code = "audio_too_long"


class RetryableServerError(ServerError):
    """429 and 502/503/504: worth trying again after a pause."""

    retryable = True

    def __init__(self, message: str, *, status: int, server_message: str = "",
                 retry_after: float | None = None, details: str = "", code: str = "",
                 params: Mapping[str, object] | None = None) -> None:
        super().__init__(message, status=status, server_message=server_message,
                         details=details, code=code, params=params)
        self.retry_after = retry_after


class BadResponseError(ServerError):
    """The server answered something that is not a transcription reply."""


class CancelledError(AsrError):
    code = "cancelled"

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


# --- configuration and stores ----------------------------------------------------------
class ConfigFileError(InputError):
    """A settings file cannot be read or parsed; the message names the file and line."""

    def __init__(self, message: str, *, path: str = "", line: int = 0,
                 details: str = "", code: str = "",
                 params: Mapping[str, object] | None = None) -> None:
        super().__init__(message, details=details, code=code,
                         params={"path": path, "line": line, **(params or {})})
        self.path = path
        self.line = line


class NotFoundError(InputError):
    """A named profile, vocabulary list or history entry does not exist."""


class KeyringUnavailableError(AsrError):
    """No usable OS keyring: the message says why and what to do instead."""


class CodedText(str):
    """A sentence in English that also carries a code and its facts, for callbacks that
    take text (the recorder's ``on_error``): the UI shows it in the user's language."""

    code: str
    params: dict[str, object]

    def __new__(cls, message: str, code: str,
                params: Mapping[str, object] | None = None) -> CodedText:
        text = super().__new__(cls, scrub(message))
        text.code = code
        text.params = dict(params or {})
        return text
