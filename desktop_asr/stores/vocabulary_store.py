"""Named vocabulary lists in one human-readable JSON file under the config dir:

    {"schema_version": 1,
     "lists": [{"name": "tech", "correct": true,
                "entries": [{"word": "不二家", "sounds_like": ["bu er jia"]}]}]}

The file is re-read before every change and written atomically with mode 0600, the whole
change holding the file's lock (jsonfile.locked) so that two processes never undo each
other's change; a file that cannot be parsed is reported (file and line) and never
overwritten.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from desktop_asr.errors import ConfigFileError, InputError, NotFoundError
from desktop_asr.stores.jsonfile import backup, locked, read_json, write_json
from desktop_asr.stores.paths import config_dir
from desktop_asr.stores.vocabulary_formats import json_lines
from desktop_asr.text.vocabulary import (
    VocabularyEntry,
    VocabularyList,
    dedupe,
    make_entry,
    merge_entries,
)

SCHEMA_VERSION = 1
MAX_NAME_LENGTH = 80
_WHAT = "vocabulary file"


def check_list_name(name: str) -> str:
    """``name`` stripped; InputError when it cannot name a list."""
    clean = name.strip()
    if not clean:
        raise InputError("A vocabulary list needs a name.")
    if len(clean) > MAX_NAME_LENGTH:
        raise InputError(f"The list name {clean[:20]!r}... is longer than {MAX_NAME_LENGTH} "
                         "characters.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in clean):
        raise InputError(f"The list name {clean!r} contains control characters.")
    return clean


class VocabularyStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / "vocabulary.json"
        self._older_file = False  # the file read last has an older schema: back it up

    # --- reading -------------------------------------------------------------------------
    def lists(self) -> list[VocabularyList]:
        return self._load()

    def names(self) -> list[str]:
        return [vlist.name for vlist in self._load()]

    def get(self, name: str) -> VocabularyList:
        return self._find(self._load(), name)

    def entries_for(self, names: Iterable[str]) -> list[VocabularyEntry]:
        """The entries of the named lists, in that order, merged and de-duplicated: the
        vocabulary of a request. NotFoundError for an unknown name."""
        lists = self._load()
        return dedupe(e for name in names for e in self._find(lists, name).entries)

    def correction_entries(self, names: Iterable[str]) -> list[VocabularyEntry]:
        """Like entries_for, but only from the named lists whose post-correction is on."""
        lists = self._load()
        chosen = [self._find(lists, name) for name in names]
        return dedupe(e for vlist in chosen if vlist.correct for e in vlist.entries)

    # --- changing ------------------------------------------------------------------------
    def create(self, name: str) -> VocabularyList:
        with locked(self.path, _WHAT):
            name = check_list_name(name)
            lists = self._load()
            existing = next((v.name for v in lists if v.name.casefold() == name.casefold()), None)
            if existing is not None:
                raise InputError(f"A vocabulary list named {existing!r} already exists.")
            created = VocabularyList(name)
            self._save([*lists, created])
            return created

    def save(self, vlist: VocabularyList) -> VocabularyList:
        """Create ``vlist`` or replace the list of that name (entries cleaned, merged)."""
        with locked(self.path, _WHAT):
            name = check_list_name(vlist.name)
            entries = dedupe(make_entry(e.word, e.sounds_like) for e in vlist.entries)
            clean = VocabularyList(name, tuple(entries), vlist.correct)
            lists = self._load()
            index = next((i for i, v in enumerate(lists)
                          if v.name.casefold() == name.casefold()), None)
            if index is None:
                lists.append(clean)
            else:
                lists[index] = clean
            self._save(lists)
            return clean

    def import_entries(self, name: str, entries: Iterable[VocabularyEntry], *,
                       replace_all: bool = False) -> tuple[VocabularyList, bool]:
        """Add ``entries`` to list ``name`` (made when missing), or put them in place of its
        words with ``replace_all``, in one step under the lock: a change another process
        makes meanwhile is never undone. Returns the list as saved and whether it was made.
        """
        with locked(self.path, _WHAT):
            lists = self._load()
            try:
                current = self._find(lists, name)
                created = False
            except NotFoundError:
                current, created = VocabularyList(check_list_name(name)), True
            kept = () if replace_all else current.entries
            return self.save(VocabularyList(current.name, (*kept, *entries),
                                            current.correct)), created

    def delete(self, name: str) -> VocabularyList:
        with locked(self.path, _WHAT):
            lists = self._load()
            found = self._find(lists, name)
            self._save([v for v in lists if v.name != found.name])
            return found

    def add(self, name: str, entry: VocabularyEntry) -> VocabularyEntry:
        """Add ``entry`` to the list, or merge its hints into the word already there.
        Returns the entry as stored."""
        with locked(self.path, _WHAT):
            entry = make_entry(entry.word, entry.sounds_like)
            lists = self._load()
            found = self._find(lists, name)
            entries = list(found.entries)
            index = next((i for i, e in enumerate(entries) if e.word == entry.word), None)
            if index is None:
                entries.append(entry)
                stored = entry
            else:
                stored = entries[index] = merge_entries(entries[index], entry)
            self._replace(lists, replace(found, entries=tuple(entries)))
            return stored

    def remove_word(self, name: str, word: str) -> None:
        with locked(self.path, _WHAT):
            lists = self._load()
            found = self._find(lists, name)
            word = " ".join(word.split())
            kept = tuple(e for e in found.entries if e.word != word)
            if len(kept) == len(found.entries):
                raise NotFoundError(f"The vocabulary list {found.name!r} has no word {word!r}.")
            self._replace(lists, replace(found, entries=kept))

    def set_correct(self, name: str, on: bool) -> VocabularyList:
        with locked(self.path, _WHAT):
            lists = self._load()
            changed = replace(self._find(lists, name), correct=on)
            self._replace(lists, changed)
            return changed

    # --- the file ------------------------------------------------------------------------
    def _find(self, lists: list[VocabularyList], name: str) -> VocabularyList:
        for vlist in lists:
            if vlist.name == name:
                return vlist
        wanted = name.strip()
        for vlist in lists:  # forgive case and stray spaces when it is unambiguous
            if vlist.name.casefold() == wanted.casefold():
                return vlist
        if not lists:
            raise NotFoundError(f"There is no vocabulary list named {name!r}: there are no "
                                "lists yet.", code="vocab_list_missing", params={"name": name})
        known = ", ".join(repr(v.name) for v in lists)
        raise NotFoundError(f"There is no vocabulary list named {name!r}; the lists are: "
                            f"{known}.", code="vocab_list_missing", params={"name": name})

    def _replace(self, lists: list[VocabularyList], changed: VocabularyList) -> None:
        self._save([changed if v.name == changed.name else v for v in lists])

    def _load(self) -> list[VocabularyList]:
        data = read_json(self.path, _WHAT)
        if data is None:
            return []
        version = data.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self._fail(f"its schema_version {version!r} is not a version number",
                       ("schema_version",))
        if version > SCHEMA_VERSION:
            raise ConfigFileError(
                f"The {_WHAT} {self.path} was written by a newer desktop-asr (schema "
                f"version {version}; this one reads up to {SCHEMA_VERSION}). Update "
                "desktop-asr to use it.", path=str(self.path))
        self._older_file = version < SCHEMA_VERSION
        if self._older_file:
            data = self._migrate(data, version)
        return self._parse(data)

    def _migrate(self, data: dict[str, Any], version: int) -> dict[str, Any]:
        """Bring the data of an older file up to SCHEMA_VERSION (there is none yet: version
        1 is the first). The next save keeps a copy of the old file (jsonfile.backup)."""
        return {**data, "schema_version": SCHEMA_VERSION}

    def _parse(self, data: dict[str, Any]) -> list[VocabularyList]:
        raw_lists = data.get("lists", [])
        if not isinstance(raw_lists, list):
            self._fail('"lists" must be a list', ("lists",))
        lists: list[VocabularyList] = []
        seen: set[str] = set()
        for i, raw in enumerate(raw_lists):
            where = ("lists", i)
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
                self._fail(f"list {i + 1} has no name", where)
            try:
                name = check_list_name(raw["name"])
            except InputError as exc:
                self._fail(f"list {i + 1}: {exc.message.rstrip('.')}", where)
            if name.casefold() in seen:
                self._fail(f"the name {name!r} is used by two lists", where)
            seen.add(name.casefold())
            correct = raw.get("correct", True)
            if not isinstance(correct, bool):
                self._fail(f'list {name!r}: "correct" must be true or false', where)
            lists.append(VocabularyList(name, self._parse_entries(raw, name, where), correct))
        return lists

    def _parse_entries(self, raw: dict[str, Any], name: str,
                       where: tuple[str | int, ...]) -> tuple[VocabularyEntry, ...]:
        raw_entries = raw.get("entries", [])
        if not isinstance(raw_entries, list):
            self._fail(f'list {name!r}: "entries" must be a list', (*where, "entries"))
        entries: list[VocabularyEntry] = []
        for j, item in enumerate(raw_entries):
            at = (*where, "entries", j)
            hints = item.get("sounds_like", []) if isinstance(item, dict) else None
            if (not isinstance(item, dict) or not isinstance(item.get("word"), str)
                    or not isinstance(hints, list)
                    or not all(isinstance(h, str) for h in hints)):
                self._fail(f'list {name!r}, entry {j + 1}: expected {{"word": "...", '
                           '"sounds_like": ["...", ...]}', at)
            try:
                entries.append(make_entry(item["word"], hints))
            except InputError as exc:
                self._fail(f"list {name!r}, entry {j + 1}: {exc.message.rstrip('.')}", at)
        return tuple(dedupe(entries))

    def _fail(self, reason: str, where: tuple[str | int, ...]) -> NoReturn:
        try:
            line = json_lines(self.path.read_text(encoding="utf-8")).get(where, 0)
        except (OSError, ValueError, RecursionError):
            line = 0
        at = f" (line {line})" if line else ""
        raise ConfigFileError(
            f"The {_WHAT} {self.path} is not as expected{at}: {reason}. Fix it in a text "
            "editor, or move it away to start afresh.", path=str(self.path), line=line)

    def _save(self, lists: list[VocabularyList]) -> None:
        if self._older_file:
            backup(self.path)
            self._older_file = False
        write_json(self.path, {
            "schema_version": SCHEMA_VERSION,
            "lists": [{"name": v.name, "correct": v.correct,
                       "entries": [e.as_seed_dict() for e in v.entries]} for v in lists],
        })
