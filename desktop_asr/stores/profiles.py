"""Server profiles: one dataclass that validates itself, and reads itself from the values of
the profiles file with the right JSON types. The store that keeps them is profile_store.py.

API keys never reach a profile: see ``desktop_asr.stores.secrets``. A server address with a
user name or password in it is refused (credentials.check_server_url).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from desktop_asr.engine.client import ServerConfig
from desktop_asr.errors import ConfigFileError, InputError
from desktop_asr.stores.credentials import check_server_url, clean_api_key
from desktop_asr.stores.jsonfile import (
    json_flag,
    json_number,
    json_text,
    json_whole,
)
from desktop_asr.text.languages import resolve_language

SCHEMA_VERSION = 2  # 2: a list of servers ("servers") beside the first ("server")
API_STYLES = ("chat", "transcriptions")
TRANSPORTS = ("inline", "url")
# OpenCC conversions of dictated text (desktop_asr.dictation.chinese has the same names).
CHINESE_SCRIPTS = ("none", "simplified", "traditional", "taiwan", "hongkong")
MAX_NAME_LENGTH = 64
MIN_CHUNK_SECONDS = 5.0
MAX_CHUNK_SECONDS = 1200.0  # Qwen3-ASR's MAX_ASR_INPUT_SECONDS
MAX_CONCURRENCY = 64
MAX_SERVERS = 32
# Headers that would carry a credential in the (readable) profiles file.
KEY_HEADERS = frozenset({"authorization", "proxy-authorization"})
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
WHAT = "profiles file"


@dataclass(frozen=True)
class Profile:
    """One server and how to talk to it. Creating one normalises and validates every field
    (InputError, in words); ``dataclasses.replace`` validates again."""

    name: str
    server: str  # base URL, normalised: http://host:port
    model: str | None = None  # None: the first model the server lists
    api_style: str = "chat"  # "chat" | "transcriptions"
    language: str = "auto"  # as typed: auto, an ISO code or a name
    vocab_lists: tuple[str, ...] = ()
    context: str = ""
    transport: str = "inline"  # "inline" data URL | "url": the server fetches http(s) sources
    max_chunk_seconds: float = 120.0
    concurrency: int = 4
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    send_asr_options: bool = True
    verify_tls: bool = True
    ca_bundle: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    api_key_env: str | None = None  # read the key from this variable instead of the keyring
    chinese: str = "none"  # dictated Chinese in this script: simplified, traditional, ...
    # Every server of the profile, ``server`` first: chunks go to the one with the most
    # free capacity, each taking ``concurrency`` requests at once.
    servers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("name", check_name(self.name, "profile name"))
        put("server", check_server_url(self.server))
        # ``server`` is always the first; a new ``server`` (replace(p, server=...)) takes
        # the place of the old first one.
        others = [check_server_url(url) for url in self.servers]
        if self.server not in others:
            others = others[1:]
        put("servers", tuple(dict.fromkeys([self.server, *others])))
        if len(self.servers) > MAX_SERVERS:
            raise InputError(f"A profile keeps at most {MAX_SERVERS} servers.")
        model = (self.model or "").strip()
        if _has_control(model):
            raise InputError("The model name must not contain control characters.")
        put("model", model or None)
        if self.api_style not in API_STYLES:
            raise InputError(
                f"Unknown API style {self.api_style!r}: use chat (/v1/chat/completions) or "
                "transcriptions (the OpenAI /v1/audio/transcriptions upload).")
        language = self.language.strip() or "auto"
        try:
            resolve_language(language)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        put("language", language)
        put("vocab_lists", tuple(dict.fromkeys(
            check_name(v, "vocabulary list name") for v in self.vocab_lists)))
        if self.transport not in TRANSPORTS:
            raise InputError(
                f"Unknown transport {self.transport!r}: use inline (the audio goes in the "
                "request) or url (http(s) sources are passed on for the server to fetch).")
        chunk = float(self.max_chunk_seconds)
        if not MIN_CHUNK_SECONDS <= chunk <= MAX_CHUNK_SECONDS:
            raise InputError(
                f"The chunk length must be between {MIN_CHUNK_SECONDS:g} and "
                f"{MAX_CHUNK_SECONDS:g} seconds, not {self.max_chunk_seconds:g}.")
        put("max_chunk_seconds", chunk)
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int) \
                or not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise InputError(f"The concurrency must be a whole number from 1 to "
                             f"{MAX_CONCURRENCY}, not {self.concurrency}.")
        for attr, words in (("connect_timeout", "connect"), ("read_timeout", "read")):
            value = float(getattr(self, attr))
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"The {words} timeout must be a number of seconds above 0, "
                                 f"not {getattr(self, attr):g}.")
            put(attr, value)
        ca_bundle = (self.ca_bundle or "").strip()
        put("ca_bundle", ca_bundle or None)
        put("headers", _check_headers(self.headers))
        env = (self.api_key_env or "").strip().removeprefix("$")
        if env and not _ENV_NAME.fullmatch(env):
            raise InputError(f"{self.api_key_env!r} is not an environment variable name "
                             "(letters, digits and _, not starting with a digit).")
        put("api_key_env", env or None)
        if self.chinese not in CHINESE_SCRIPTS:
            raise InputError(f"Unknown Chinese script {self.chinese!r}: use one of "
                             f"{', '.join(CHINESE_SCRIPTS)}.")

    def with_servers(self, urls: Sequence[str]) -> Profile:
        """The profile with these servers (the first becomes ``server``)."""
        if not urls:
            raise InputError("A profile needs at least one server.")
        return replace(self, server=urls[0], servers=tuple(urls))

    def server_config(self, api_key: str | None) -> ServerConfig:
        """How the HTTP client reaches this profile's server, with ``api_key`` if any
        (cleaned; InputError in words for a key that cannot be sent)."""
        api_key = clean_api_key(api_key) if api_key else None
        verify: bool | str = self.verify_tls
        if self.verify_tls and self.ca_bundle:
            verify = self.ca_bundle
        return ServerConfig(base_url=self.server, api_key=api_key,
                            connect_timeout=self.connect_timeout,
                            read_timeout=self.read_timeout, verify=verify,
                            headers=dict(self.headers))

    def to_dict(self) -> dict[str, Any]:
        """The profile as stored in the file (every field; never a key)."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["vocab_lists"] = list(self.vocab_lists)
        data["headers"] = dict(self.headers)
        data["servers"] = list(self.servers)
        return data

    @classmethod
    def from_dict(cls, data: object, *, path: Path | str, index: int) -> Profile:
        """The profile number ``index`` (from 0) of the file ``path``. Unknown keys are
        ignored; null means the default; a wrong type or value raises ConfigFileError
        naming the file, the profile and (when it can be found) the line."""
        name = data.get("name") if isinstance(data, dict) else None
        label = f"profile {index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")

        def problem(text: str) -> ConfigFileError:
            line = line_of_profile(path, name) if isinstance(name, str) else 0
            at = f", line {line}" if line else ""
            return ConfigFileError(
                f"The {WHAT} {path}{at}: {label}: {text} Fix it in a text editor.",
                path=str(path), line=line)

        if not isinstance(data, dict):
            raise problem("each profile must be a JSON object.")
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if value is None:
                if f.name in ("name", "server"):
                    raise problem(f"the field {f.name!r} is missing.")
                continue
            try:
                kwargs[f.name] = _READERS[f.name](value)
            except TypeError as exc:
                raise problem(f"{f.name!r} must be {exc}, not {json.dumps(value)}.") from None
        try:
            return cls(**kwargs)
        except InputError as exc:
            raise problem(exc.message) from None


def check_name(value: str, what: str = "profile name") -> str:
    """A profile or list name as the user typed it, stripped; InputError if unusable."""
    name = value.strip()
    if not name:
        raise InputError(f"The {what} is empty.")
    if len(name) > MAX_NAME_LENGTH:
        raise InputError(f"The {what} {name[:20]!r}... is longer than {MAX_NAME_LENGTH} "
                         "characters.")
    if _has_control(name):
        raise InputError(f"The {what} {name!r} contains control characters.")
    if name.startswith("-"):
        raise InputError(f"The {what} {name!r} starts with '-', which would read as an "
                         "option on the command line.")
    return name


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def _check_headers(headers: Iterable[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pair in headers:
        if len(pair) != 2:
            raise InputError("Each header needs a name and a value.")
        name, value = pair[0].strip(), pair[1].strip()
        if not _HEADER_NAME.fullmatch(name):
            raise InputError(f"{name!r} is not a valid HTTP header name (letters, digits and "
                             "-, no spaces or colons).")
        if name.lower() in KEY_HEADERS:
            raise InputError(f"The {name} header would put the API key into the profiles "
                             "file: give the key with the API key options instead (it is "
                             "kept in the system keyring, or read from an environment "
                             "variable).")
        if _has_control(value):
            raise InputError(f"The value of the header {name} contains control characters.")
        if name.lower() in seen:
            raise InputError(f"The header {name} is given twice.")
        seen.add(name.lower())
        result.append((name, value))
    return tuple(result)


# --- reading values of the file with the right JSON types --------------------------------
def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a list of names")
    return tuple(value)


def _urls(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a list of server addresses")
    return tuple(value)


def _header_map(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError('an object of "Header-Name": "value" pairs')
    return tuple((str(k), v) for k, v in value.items())


_READERS: dict[str, Callable[[object], Any]] = {
    "name": json_text, "server": json_text, "model": json_text, "api_style": json_text,
    "language": json_text,
    "vocab_lists": _names, "context": json_text, "transport": json_text,
    "max_chunk_seconds": json_number, "concurrency": json_whole, "connect_timeout": json_number,
    "read_timeout": json_number, "send_asr_options": json_flag, "verify_tls": json_flag,
    "ca_bundle": json_text, "headers": _header_map, "api_key_env": json_text, "chinese": json_text,
    "servers": _urls,
}


def line_of_profile(path: Path | str, name: str) -> int:
    """The line of ``"name": "<name>"`` in the file, or 0 (best effort, for messages)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    for ascii_only in (False, True):  # written as is, or \u-escaped by hand
        quoted = re.escape(json.dumps(name, ensure_ascii=ascii_only))
        found = re.search(r'"name"\s*:\s*' + quoted, text)
        if found:
            return text.count("\n", 0, found.start()) + 1
    return 0
