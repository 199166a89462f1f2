"""The app's own settings (input device, auto-copy, auto-save, interface language, ...) in
one human-readable JSON file under the config dir:

    {"schema_version": 1, "input_device": null, "auto_copy": true, ...}

Not here: server profiles (profiles.py; the active profile is the ProfileStore's default),
API keys (secrets.py), vocabulary lists (vocabulary_store.py) and how long recordings are
kept (the history database: HistoryStore.get_retention/set_retention).

The file is written atomically with mode 0600. A file that cannot be read raises
ConfigFileError naming the file and line; saving over it keeps a copy of it first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from desktop_asr.errors import ConfigFileError, InputError
from desktop_asr.stores.jsonfile import (
    backup,
    json_flag,
    json_number,
    json_text,
    json_whole,
    read_json,
    write_json,
)
from desktop_asr.stores.paths import config_dir
from desktop_asr.text import export

SCHEMA_VERSION = 1
INTERFACE_LANGUAGES = ("system", "en", "zh_CN")
MAX_RECENT_COUNT = 20
WHAT = "settings file"
DICTATION_OUTPUTS = ("paste", "type", "clipboard")
# Fields whose default is a value but that the user can turn off: null in the file is off.
OFF_WHEN_NULL = frozenset({"dictation_toggle"})
DICTATION_ENDINGS = ("none", "space", "newline")


@dataclass(frozen=True)
class AppSettings:
    """Creating one normalises and validates every field (InputError, in words)."""

    input_device: str | None = None  # a device name; None: the system's default input
    auto_copy: bool = True  # copy each finished transcript to the clipboard
    auto_save_dir: str | None = None  # save each transcript into this folder; None: don't
    auto_save_format: str = "text"  # one of export.FORMATS
    start_at_login: bool = False
    interface_language: str = "system"  # "system" | "en" | "zh_CN"
    notify_when_hidden: bool = True  # a tray notification when a job ends, window hidden
    recent_count: int = 5  # transcripts shown in the tray menu
    # Dictation (the keys are checked by desktop_asr.dictation.keys when they are used).
    dictation_toggle: str | None = "Ctrl+Alt+D"  # press to start, press again to stop
    dictation_push_to_talk: str | None = None  # records while held; off until chosen
    dictation_output: str = "paste"  # "paste" | "type" (key by key) | "clipboard" (only)
    dictation_ending: str = "none"  # "none" | "space" | "newline" after the text
    auto_stop_silence: float | None = None  # stop after this many seconds of silence
    show_indicator: bool = True  # a small always-on-top window while recording
    play_sounds: bool = False  # a short sound when recording starts and stops
    last_save_dir: str | None = None  # where the transcript was last saved (one-click saves)
    last_save_format: str = "text"  # the format last saved, offered first by "Save as"

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        put("input_device", (self.input_device or "").strip() or None)
        put("auto_save_dir", (self.auto_save_dir or "").strip() or None)
        put("last_save_dir", (self.last_save_dir or "").strip() or None)
        if self.last_save_format not in export.FORMATS:
            put("last_save_format", "text")
        if self.auto_save_format not in export.FORMATS:
            raise InputError(f"Unknown auto-save format {self.auto_save_format!r}: use one of "
                             f"{', '.join(export.FORMATS)}.")
        if self.interface_language not in INTERFACE_LANGUAGES:
            raise InputError(f"Unknown interface language {self.interface_language!r}: use "
                             f"one of {', '.join(INTERFACE_LANGUAGES)}.")
        for name in ("dictation_toggle", "dictation_push_to_talk"):
            put(name, (getattr(self, name) or "").strip() or None)
        if self.dictation_output not in DICTATION_OUTPUTS:
            raise InputError(f"Unknown dictation output {self.dictation_output!r}: use one of "
                             f"{', '.join(DICTATION_OUTPUTS)}.")
        if self.dictation_ending not in DICTATION_ENDINGS:
            raise InputError(f"Unknown text ending {self.dictation_ending!r}: use one of "
                             f"{', '.join(DICTATION_ENDINGS)}.")
        silence = self.auto_stop_silence
        if silence is not None and (isinstance(silence, bool) or not 0.5 <= silence <= 60):
            raise InputError("The silence before an automatic stop must be from 0.5 to 60 "
                             f"seconds, not {silence}.")
        count = self.recent_count
        if isinstance(count, bool) or not isinstance(count, int) \
                or not 0 <= count <= MAX_RECENT_COUNT:
            raise InputError(f"The number of recent transcripts must be a whole number from 0 "
                             f"to {MAX_RECENT_COUNT}, not {count}.")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_READERS: dict[str, Callable[[object], Any]] = {
    "input_device": json_text, "auto_copy": json_flag, "auto_save_dir": json_text,
    "auto_save_format": json_text, "start_at_login": json_flag, "interface_language": json_text,
    "notify_when_hidden": json_flag, "recent_count": json_whole,
    "dictation_toggle": json_text, "dictation_push_to_talk": json_text,
    "dictation_output": json_text,
    "dictation_ending": json_text, "auto_stop_silence": json_number, "show_indicator": json_flag,
    "play_sounds": json_flag, "last_save_dir": json_text, "last_save_format": json_text,
}


class AppSettingsStore:
    """The settings file (default ``config_dir()/settings.json``). ``load`` reads it again on
    every call."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / "settings.json"

    def __repr__(self) -> str:
        return f"AppSettingsStore({str(self.path)!r})"

    def load(self) -> AppSettings:
        """The settings; the defaults when there is no file. Unknown keys are ignored and
        null means the default; a wrong type or value raises ConfigFileError."""
        data = read_json(self.path, WHAT)
        if data is None:
            return AppSettings()
        version = data.get("schema_version", SCHEMA_VERSION)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise self._problem("schema_version", "must be a whole number from 1")
        if version > SCHEMA_VERSION:
            raise ConfigFileError(
                f"The {WHAT} {self.path} comes from a newer desktop-asr (schema version "
                f"{version}; this version reads up to {SCHEMA_VERSION}). Update desktop-asr, "
                "or move the file away to start afresh.", path=str(self.path),
                line=self._line_of("schema_version"))
        kwargs: dict[str, Any] = {}
        for f in fields(AppSettings):
            value = data.get(f.name)
            if value is None:
                if f.name in data and f.name in OFF_WHEN_NULL:
                    kwargs[f.name] = None  # turned off, not "the default"
                continue
            try:
                kwargs[f.name] = _READERS[f.name](value)
            except TypeError as exc:
                raise self._problem(f.name, f"must be {exc}, not {json.dumps(value)}") from None
        for key, value in kwargs.items():  # the fields are independent: check each alone
            try:
                AppSettings(**{key: value})
            except InputError as exc:
                raise self._problem(key, f"is wrong: {exc.message.rstrip('.')}") from None
        return AppSettings(**kwargs)

    def save(self, settings: AppSettings) -> None:
        """Write ``settings``; a file that could not be read is kept as a .bak copy."""
        try:
            self.load()
        except ConfigFileError:
            backup(self.path)
        write_json(self.path, {"schema_version": SCHEMA_VERSION, **settings.to_dict()})

    def _line_of(self, key: str) -> int:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return 0
        at = text.find(json.dumps(key))
        return text.count("\n", 0, at) + 1 if at >= 0 else 0

    def _problem(self, key: str, text: str) -> ConfigFileError:
        line = self._line_of(key)
        at = f", line {line}" if line else ""
        return ConfigFileError(f"The {WHAT} {self.path}{at}: {key!r} {text}. Fix it in a "
                               "text editor, or move the file away to start afresh.",
                               path=str(self.path), line=line)
