"""Vocabulary entries (a word and what it sounds like), vocabulary files, context text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_asr.core.errors import InputError


@dataclass(frozen=True)
class VocabularyEntry:
    word: str
    sounds_like: tuple[str, ...] = field(default_factory=tuple)

    def as_seed_dict(self) -> dict[str, object]:
        """The shape the seed's ``asr_options.custom_vocabulary_word`` uses."""
        return {"word": self.word, "sounds_like": list(self.sounds_like)}


def read_vocabulary_file(path: str | Path) -> list[VocabularyEntry]:
    """Read CSV (``word,sounds_like`` with hints split by ``;``), JSON (the seed's
    ``[{"word": ..., "sounds_like": [...]}]``) or TXT (one word per line)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"Vocabulary file {p} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read vocabulary file {p}: {exc}.") from None
    suffix = p.suffix.lower()
    if suffix == ".json":
        return _parse_json(text, p)
    if suffix == ".csv":
        return _parse_csv(text)
    return _parse_txt(text)


def _parse_json(text: str, path: Path) -> list[VocabularyEntry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"Vocabulary file {path} is not valid JSON (line {exc.lineno}: {exc.msg})."
        ) from None
    if isinstance(data, dict):  # {"custom_vocabulary_word": [...]} or {"words": [...]}
        key = next((k for k in ("custom_vocabulary_word", "words") if k in data), None)
        if key is None:
            raise InputError(f"Vocabulary file {path} holds no words: expected a list, or "
                             'an object with a "custom_vocabulary_word" or "words" list.')
        data = data[key]
    if not isinstance(data, list):
        raise InputError(f"Vocabulary file {path} must hold a list of words.")
    entries: list[VocabularyEntry] = []
    for item in data:
        if isinstance(item, str):
            entries.append(VocabularyEntry(item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("word"), str):
            hints = item.get("sounds_like") or []
            if isinstance(hints, str):
                hints = [hints]
            entries.append(VocabularyEntry(item["word"].strip(),
                                           tuple(str(h).strip() for h in hints if str(h).strip())))
    entries = [e for e in entries if e.word]
    if data and not entries:
        raise InputError(f"Vocabulary file {path} holds no words: expected a list of "
                         '{"word": ..., "sounds_like": [...]} entries or of strings.')
    return dedupe(entries)


def _parse_csv(text: str) -> list[VocabularyEntry]:
    entries: list[VocabularyEntry] = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        word = row[0].strip()
        if word.lower() == "word" and not entries:  # header row
            continue
        hints = tuple(h.strip() for cell in row[1:] for h in cell.split(";") if h.strip())
        entries.append(VocabularyEntry(word, hints))
    return dedupe(entries)


def _parse_txt(text: str) -> list[VocabularyEntry]:
    words = [line.strip() for line in text.splitlines()]
    return dedupe([VocabularyEntry(w) for w in words if w and not w.startswith("#")])


def dedupe(entries: Iterable[VocabularyEntry]) -> list[VocabularyEntry]:
    """Keep the first entry of each word (case-sensitive), merging later hints into it."""
    merged: dict[str, list[str]] = {}
    for entry in entries:
        hints = merged.setdefault(entry.word, [])
        hints.extend(h for h in entry.sounds_like if h not in hints)
    return [VocabularyEntry(word, tuple(hints)) for word, hints in merged.items()]


def context_text(entries: Sequence[VocabularyEntry], extra: str = "") -> str:
    """The system-message context: the words, space-separated (as the official examples
    do), followed by free text. Duplicates are dropped."""
    seen: set[str] = set()
    parts: list[str] = []
    for word in (e.word for e in entries):
        if word not in seen:
            seen.add(word)
            parts.append(word)
    extra = extra.strip()
    if extra and extra not in seen:
        parts.append(extra)
    return " ".join(parts)
