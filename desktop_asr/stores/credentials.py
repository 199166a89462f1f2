"""Credentials where they enter and where they may go: API keys cleaned and checked (they
must fit in an HTTP header, and a stray space or a pasted line break must not make a request
fail with the key in its error text); server addresses without a user name or password in
them; URL inputs shown and kept without their user-info and query; and whether a stored key
may go to a server (only to its own profile's scheme, host and port).

Every key that passes here is registered with ``desktop_asr.errors.register_secret``, so no
error message or details can show it afterwards.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import SplitResult, urlsplit, urlunsplit

from desktop_asr.engine.client import normalize_base_url
from desktop_asr.errors import InputError, register_secret


def clean_api_key(value: str, where: str = "") -> str:
    """The key without surrounding whitespace (spaces, line breaks, non-breaking spaces).

    InputError, in words and never showing the key, when it is empty or holds anything but
    printable ASCII (what an HTTP header can carry). ``where`` says where the key came from
    ("read from standard input", "in $ASR_KEY"), for the message.
    """
    register_secret(value)
    key = value.strip()
    register_secret(key)
    what = f"The API key {where}".rstrip() if where else "The API key"
    if not key:
        raise InputError(f"{what} is empty.")
    for position, ch in enumerate(key, start=1):
        if not " " <= ch <= "~":
            raise InputError(
                f"{what} contains {_describe(ch)} at character {position} of {len(key)}, "
                "which cannot be sent to a server: API keys are letters, digits and ASCII "
                "symbols only. Copy the key again, on its own, and enter it again.")
    return key


def _describe(ch: str) -> str:
    if ch in "\r\n":
        return "a line break"
    if ch == "\t":
        return "a tab"
    category = unicodedata.category(ch)
    if category == "Cc":
        return "a control character"
    if category.startswith("Z"):
        return "a non-breaking or other special space"
    if category == "Cf":
        return "an invisible formatting character (such as a zero-width space)"
    return "a character outside ASCII (such as a typographic quote or dash)"


# --- server addresses ----------------------------------------------------------------------
def check_server_url(url: str) -> str:
    """The server's base URL normalised (``normalize_base_url``); InputError in words for a
    URL that is not usable or that carries a user name, password, query or fragment (which
    would be written into the profiles file and shown). The message never repeats a URL
    holding a password."""
    parts = _split(url)
    if parts is not None and (parts.username is not None or parts.password is not None):
        if parts.password:
            register_secret(parts.password)
        raise InputError(
            "The server address must not contain a user name or password (user:pass@...): "
            "it would be kept in the profiles file and shown. Give the server's API key as "
            "the API key instead; it is kept in the system keyring.")
    if parts is not None and (parts.query or parts.fragment):
        raise InputError("The server address must not contain a query (?...) or a fragment "
                         "(#...): give only the scheme, host, port and path, e.g. "
                         "http://10.0.0.5:30101.")
    try:
        return normalize_base_url(url)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _split(url: str) -> SplitResult | None:
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        return urlsplit(text)
    except ValueError:
        return None


def public_url(url: str) -> str:
    """An http(s) URL input as it may be kept and shown: without user-info, query and
    fragment (``https://u:p@h/a.wav?token=x`` -> ``https://h/a.wav``). Other text comes
    back unchanged."""
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return url
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return url
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def register_url_secrets(url: str) -> None:
    """Hide the password and query of an URL input from every message from now on."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return
    register_secret(password)
    register_secret(parts.query)
    if parts.username and parts.password is not None:
        register_secret(f"{parts.username}:{parts.password}")


# --- where a stored key may go -------------------------------------------------------------
def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a server URL, the port filled in; None if it has none."""
    parts = _split(url)
    if parts is None:
        return None
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None
    return (scheme, (parts.hostname or "").lower(), port) if parts.hostname else None


def same_server(a: str, b: str) -> bool:
    """Whether two server URLs have the same scheme, host and port."""
    first = origin(a)
    return first is not None and first == origin(b)


def key_withheld_warning(profile_name: str, own_server: str, other_server: str) -> str:
    """The sentence said when a profile's stored key is not sent to another server."""
    return (f"The API key of the profile {profile_name!r} is only sent to its own server "
            f"({public_url(own_server)}), so no API key is sent to {public_url(other_server)}."
            " Give a key for that server yourself if it needs one.")
