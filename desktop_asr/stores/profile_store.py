"""The store of server profiles: a human-readable JSON file under the config dir (atomic,
private, schema-versioned, migrated), read and written whole. The Profile itself and its
validation are in profiles.py; API keys never reach this file (see secrets.py).

Names compare exactly (case-sensitive), but a new name that differs from an existing one
only by case is refused, because ``Home`` next to ``home`` is a trap for the user.
"""

from __future__ import annotations

import builtins
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop_asr.errors import ConfigFileError, InputError, NotFoundError
from desktop_asr.stores.jsonfile import backup, locked, read_json, write_json
from desktop_asr.stores.paths import config_dir
from desktop_asr.stores.profiles import SCHEMA_VERSION, WHAT, Profile, check_name, line_of_profile


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
    if version == 1:
        # Version 1 kept one server; version 2 keeps a list ("server" stays the first).
        profiles = data.get("profiles")
        if isinstance(profiles, list):
            data["profiles"] = [
                {**p, "servers": [p["server"]]}
                if isinstance(p, dict) and isinstance(p.get("server"), str)
                and "servers" not in p else p
                for p in profiles
            ]
        version = 2
    # The next migration goes here: if version == 2: ...; version = 3
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
    and writes it back atomically while holding the file's lock (jsonfile.locked), so two
    windows or processes never work on stale state or undo each other's change. A file
    that cannot be read raises ConfigFileError on every call and is never overwritten."""

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
        with self._locked():
            doc = self._load()
            self._check_free(doc, profile.name)
            doc.profiles.append(profile)
            if make_default or doc.default is None:
                doc.default = profile.name
            self._save(doc)

    def update(self, profile: Profile) -> None:
        """Replace the profile of the same name."""
        with self._locked():
            doc = self._load()
            doc.profiles[self._index(doc, profile.name)] = profile
            self._save(doc)

    def rename(self, old: str, new: str) -> Profile:
        """Rename a profile (the default follows); the renamed profile."""
        with self._locked():
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
        with self._locked():
            doc = self._load()
            del doc.profiles[self._index(doc, name)]
            if doc.default == name:
                doc.default = doc.profiles[0].name if doc.profiles else None
            self._save(doc)

    def set_default(self, name: str) -> None:
        with self._locked():
            doc = self._load()
            self._index(doc, name)
            doc.default = name
            self._save(doc)

    # --- internals --------------------------------------------------------------------
    def _locked(self) -> AbstractContextManager[None]:
        return locked(self.path, WHAT)

    def _index(self, doc: _Document, name: str) -> int:
        index = doc.find(name)
        if index is not None:
            return index
        if not doc.profiles:
            raise NotFoundError("No profiles yet: add one with "
                                "desktop-asr profile add NAME --server URL.", code="no_server")
        names = [p.name for p in doc.profiles]
        hint = next((f" Did you mean {n!r}?" for n in names if n.lower() == name.lower()), "")
        raise NotFoundError(f"No profile named {name!r}.{hint} Profiles: {', '.join(names)}.",
                            code="profile_missing", params={"name": name})

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
                line = line_of_profile(self.path, profile.name)
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
