"""Typed errors of the core. Every message is written for the user, in words."""

from __future__ import annotations


class AsrError(Exception):
    """Base of every error the core raises on purpose.

    ``str(error)`` is a complete sentence a user can act on; ``details`` holds what a
    "Details" expander may show (the server's raw answer, the original exception).
    """

    retryable = False

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


# --- input -----------------------------------------------------------------------------
class InputError(AsrError):
    """The file or URL given cannot be used."""


class UnsupportedMediaError(InputError):
    """Not an audio or video file, corrupt, empty, or without an audio track."""


# --- server ----------------------------------------------------------------------------
class ServerError(AsrError):
    """The server answered with an error. ``status`` is the HTTP status (0 if none)."""

    def __init__(self, message: str, *, status: int = 0, server_message: str = "",
                 details: str = "") -> None:
        super().__init__(message, details=details)
        self.status = status
        self.server_message = server_message


class ServerUnreachableError(AsrError):
    retryable = True


class ServerTimeoutError(AsrError):
    retryable = True


class AuthenticationError(ServerError):
    """401/403: the API key is missing or wrong."""


class ModelNotFoundError(ServerError):
    def __init__(self, message: str, *, model: str, available: list[str] | None = None,
                 status: int = 404, server_message: str = "") -> None:
        super().__init__(message, status=status, server_message=server_message)
        self.model = model
        self.available = list(available or [])


class AudioTooLongError(ServerError):
    """The server's encoder budget cannot take this much audio in one request."""


class RetryableServerError(ServerError):
    """429 and 502/503/504: worth trying again after a pause."""

    retryable = True

    def __init__(self, message: str, *, status: int, server_message: str = "",
                 retry_after: float | None = None, details: str = "") -> None:
        super().__init__(message, status=status, server_message=server_message,
                         details=details)
        self.retry_after = retry_after


class BadResponseError(ServerError):
    """The server answered something that is not a transcription reply."""


class CancelledError(AsrError):
    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


# --- configuration and stores ----------------------------------------------------------
class ConfigFileError(InputError):
    """A settings file cannot be read or parsed; the message names the file and line."""

    def __init__(self, message: str, *, path: str = "", line: int = 0,
                 details: str = "") -> None:
        super().__init__(message, details=details)
        self.path = path
        self.line = line


class NotFoundError(InputError):
    """A named profile, vocabulary list or history entry does not exist."""


class KeyringUnavailableError(AsrError):
    """No usable OS keyring: the message says why and what to do instead."""
