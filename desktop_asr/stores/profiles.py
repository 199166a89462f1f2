"""Server profiles: one dataclass that validates itself, and a store that keeps them in a
human-readable JSON file under the config dir (atomic, private, schema-versioned).

API keys never reach this file: see ``desktop_asr.core.secrets``.

Names compare exactly (case-sensitive), but a new name that differs from an existing one
only by case is refused, because ``Home`` next to ``home`` is a trap for the user.
"""

from __future__ import annotations

import builtins
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop_asr.core.client import ServerConfig, normalize_base_url
from desktop_asr.core.errors import ConfigFileError, InputError, NotFoundError
from desktop_asr.core.jsonfile import (
    backup,
    json_flag,
    json_number,
    json_text,
    json_whole,
    read_json,
    write_json,
)
from desktop_asr.core.languages import resolve_language
from desktop_asr.core.paths import config_dir

SCHEMA_VERSION = 1
API_STYLES = ("chat", "transcriptions")
TRANSPORTS = ("inline", "url")
# OpenCC conversions of dictated text (desktop_asr.dictation.chinese has the same names).
CHINESE_SCRIPTS = ("none", "simplified", "traditional", "taiwan", "hongkong")
MAX_NAME_LENGTH = 64
MIN_CHUNK_SECONDS = 5.0
MAX_CHUNK_SECONDS = 1200.0  # Qwen3-ASR's MAX_ASR_INPUT_SECONDS
MAX_CONCURRENCY = 64
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

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("name", check_name(self.name, "profile name"))
        try:
            put("server", normalize_base_url(self.server))
        except ValueError as exc:
            raise InputError(str(exc)) from None
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

    def server_config(self, api_key: str | None) -> ServerConfig:
        """How the HTTP client reaches this profile's server, with ``api_key`` if any."""
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
        return data

    @classmethod
    def from_dict(cls, data: object, *, path: Path | str, index: int) -> Profile:
        """The profile number ``index`` (from 0) of the file ``path``. Unknown keys are
        ignored; null means the default; a wrong type or value raises ConfigFileError
        naming the file, the profile and (when it can be found) the line."""
        name = data.get("name") if isinstance(data, dict) else None
        label = f"profile {index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")

        def problem(text: str) -> ConfigFileError:
            line = _line_of_profile(path, name) if isinstance(name, str) else 0
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
}


def _line_of_profile(path: Path | str, name: str) -> int:
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


def _line_of_key(path: Path, key: str) -> int:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


# --- migrations ---------------------------------------------------------------------------
def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file's data up to SCHEMA_VERSION, one version at a time."""
    data = dict(data)
    version = data.get("schema_version", 0)
    if version == 0:
        # Version 0 (development builds) kept the base URL under "url".
        profiles = data.get("profiles")
        if isinstance(profiles, list):
            data["profiles"] = [
                {**{k: v for k, v in p.items() if k != "url"}, "server": p["url"]}
                if isinstance(p, dict) and "url" in p and "server" not in p else p
                for p in profiles
            ]
        version = 1
    # The next migration goes here: if version == 1: ...; version = 2
    data["schema_version"] = version
    return data


# --- the store ------------------------------------------------------------------------------
@dataclass
class _Document:
    version_read: int
    default: str | None
    profiles: builtins.list[Profile] = field(default_factory=builtins.list)

    def find(self, name: str) -> int | None:
        for i, profile in enumerate(self.profiles):
            if profile.name == name:
                return i
        return None

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "default": self.default,
                "profiles": [p.to_dict() for p in self.profiles]}


class ProfileStore:
    """The profiles file. Every call reads the file again, and every change reads, changes
    and writes it back atomically, so two windows or processes never work on stale state.
    A file that cannot be read raises ConfigFileError on every call and is never
    overwritten."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / "profiles.json"

    def __repr__(self) -> str:
        return f"ProfileStore({str(self.path)!r})"

    # --- reading ----------------------------------------------------------------------
    def list(self) -> builtins.list[Profile]:
        return self._load().profiles

    def names(self) -> builtins.list[str]:
        return [p.name for p in self._load().profiles]

    def get(self, name: str) -> Profile:
        doc = self._load()
        return doc.profiles[self._index(doc, name)]

    def default_name(self) -> str | None:
        return self._load().default

    def default(self) -> Profile | None:
        doc = self._load()
        index = doc.find(doc.default) if doc.default is not None else None
        return doc.profiles[index] if index is not None else None

    # --- changing ---------------------------------------------------------------------
    def add(self, profile: Profile, make_default: bool = False) -> None:
        """Add a new profile; the first one becomes the default."""
        doc = self._load()
        self._check_free(doc, profile.name)
        doc.profiles.append(profile)
        if make_default or doc.default is None:
            doc.default = profile.name
        self._save(doc)

    def update(self, profile: Profile) -> None:
        """Replace the profile of the same name."""
        doc = self._load()
        doc.profiles[self._index(doc, profile.name)] = profile
        self._save(doc)

    def rename(self, old: str, new: str) -> Profile:
        """Rename a profile (the default follows); the renamed profile."""
        doc = self._load()
        index = self._index(doc, old)
        new = check_name(new)
        if new != old:
            self._check_free(doc, new, allow=old)
        renamed = replace(doc.profiles[index], name=new)
        doc.profiles[index] = renamed
        if doc.default == old:
            doc.default = new
        self._save(doc)
        return renamed

    def remove(self, name: str) -> None:
        """Remove a profile; if it was the default, the first remaining one (if any) is."""
        doc = self._load()
        del doc.profiles[self._index(doc, name)]
        if doc.default == name:
            doc.default = doc.profiles[0].name if doc.profiles else None
        self._save(doc)

    def set_default(self, name: str) -> None:
        doc = self._load()
        self._index(doc, name)
        doc.default = name
        self._save(doc)

    # --- internals --------------------------------------------------------------------
    def _index(self, doc: _Document, name: str) -> int:
        index = doc.find(name)
        if index is not None:
            return index
        if not doc.profiles:
            raise NotFoundError("No profiles yet: add one with "
                                "desktop-asr profile add NAME --server URL.")
        names = [p.name for p in doc.profiles]
        hint = next((f" Did you mean {n!r}?" for n in names if n.lower() == name.lower()), "")
        raise NotFoundError(f"No profile named {name!r}.{hint} Profiles: {', '.join(names)}.")

    @staticmethod
    def _check_free(doc: _Document, name: str, allow: str | None = None) -> None:
        for profile in doc.profiles:
            if profile.name == allow:
                continue
            if profile.name == name:
                raise InputError(f"A profile named {name!r} already exists.")
            if profile.name.lower() == name.lower():
                raise InputError(f"A profile named {profile.name!r} already exists; names "
                                 "that differ only in case would be confusing. Choose "
                                 "another name.")

    def _load(self) -> _Document:
        data = read_json(self.path, WHAT)
        if data is None:
            return _Document(version_read=SCHEMA_VERSION, default=None)
        version = data.get("schema_version", 0)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise self._problem("schema_version", "must be a whole number")
        if version > SCHEMA_VERSION:
            raise ConfigFileError(
                f"The {WHAT} {self.path} comes from a newer desktop-asr (schema version "
                f"{version}; this version reads up to {SCHEMA_VERSION}). Update desktop-asr, "
                "or move the file away to start afresh.", path=str(self.path),
                line=_line_of_key(self.path, "schema_version"))
        if version < SCHEMA_VERSION:
            data = _migrate(data)
        raw = data.get("profiles", [])
        if not isinstance(raw, builtins.list):
            raise self._problem("profiles", "must be a list of profiles")
        profiles = [Profile.from_dict(item, path=self.path, index=i)
                    for i, item in enumerate(raw)]
        seen: set[str] = set()
        for profile in profiles:
            if profile.name in seen:
                line = _line_of_profile(self.path, profile.name)
                raise ConfigFileError(
                    f"The {WHAT} {self.path} has two profiles named {profile.name!r}"
                    f"{f' (line {line})' if line else ''}: rename or remove one in a text "
                    "editor.", path=str(self.path), line=line)
            seen.add(profile.name)
        default = data.get("default")
        if default is not None and not isinstance(default, str):
            raise self._problem("default", "must be a profile name or null")
        if default not in seen:
            default = None  # a default naming no profile: there is none
        return _Document(version_read=version, default=default, profiles=profiles)

    def _problem(self, key: str, text: str) -> ConfigFileError:
        line = _line_of_key(self.path, key)
        at = f", line {line}" if line else ""
        return ConfigFileError(f"The {WHAT} {self.path}{at}: {key!r} {text}. Fix it in a "
                               "text editor.", path=str(self.path), line=line)

    def _save(self, doc: _Document) -> None:
        if doc.version_read < SCHEMA_VERSION:
            backup(self.path)  # the older file stays as it was, beside the new one
        write_json(self.path, doc.to_json())
