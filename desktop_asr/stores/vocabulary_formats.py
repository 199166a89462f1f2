"""The csv, txt and json vocabulary formats (described in vocabulary_files.py): parsing into
an EntryCollector, which reports problems by line, and rendering that reads back the same."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_asr.errors import InputError
from desktop_asr.text.vocabulary import VocabularyEntry, make_entry, merge_entries

TXT_HEADER = "# desktop-asr vocabulary"


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line of the file; 0 when it cannot be told
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class EntryCollector:
    """Entries in file order; a repeated word merges its hints into the first one."""

    def __init__(self) -> None:
        self.entries: dict[str, VocabularyEntry] = {}
        self.problems: list[ImportProblem] = []
        self._first_seen: dict[str, str] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ImportProblem(line, message))

    def add(self, word: str, hints: Iterable[str], line: int, where: str, *,
            report_repeat: bool = True) -> None:
        try:
            entry = make_entry(word, hints)
        except InputError as exc:
            self.problem(line, f"{exc.message.rstrip('.')}; skipped")
            return
        known = self.entries.get(entry.word)
        if known is None:
            self.entries[entry.word] = entry
            self._first_seen[entry.word] = where
            return
        merged = merge_entries(known, entry)
        self.entries[entry.word] = merged
        if report_repeat:
            outcome = "hints merged" if merged != known else "skipped"
            self.problem(line, f"{entry.word!r} repeats {self._first_seen[entry.word]}; "
                               f"{outcome}")


# --- escapes (csv, txt) ------------------------------------------------------------------
_ESCAPABLE = frozenset("\\:：,，;#=")


def _scan(text: str) -> list[tuple[str, bool]]:
    """Characters of ``text`` with backslash escapes resolved: (char, was_escaped)."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append((text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def _split(chars: Sequence[tuple[str, bool]], separators: str) -> list[str]:
    parts: list[list[str]] = [[]]
    for c, escaped in chars:
        if c in separators and not escaped:
            parts.append([])
        else:
            parts[-1].append(c)
    return ["".join(p) for p in parts]


def escape(text: str, must_escape: Callable[[str, int], bool]) -> str:
    """Backslash before every character of ``text`` for which must_escape(text, i) holds;
    backslashes themselves, a leading '#' and a '=' first or after a space (so that no
    ' = ' rule separator appears) always."""
    out: list[str] = []
    for i, c in enumerate(text):
        if (c == "\\" or (c == "#" and i == 0) or (c == "=" and (i == 0 or text[i - 1] == " "))
                or must_escape(text, i)):
            out.append("\\")
        out.append(c)
    return "".join(out)


def _nothing(text: str, i: int) -> bool:
    return False


# --- csv ---------------------------------------------------------------------------------
_HEADER_HINT_NAMES = {"", "sounds_like", "sounds like", "soundslike", "sounds-like", "hints"}


def parse_csv(text: str, path: Path, collector: EntryCollector) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    end_line = 0
    first_row = True
    try:
        for row in reader:
            line, end_line = end_line + 1, reader.line_num
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if first_row and row[0].strip().casefold() == "word" and all(
                    c.strip().casefold() in _HEADER_HINT_NAMES for c in row[1:]):
                first_row = False
                continue
            first_row = False
            word = "".join(c for c, _ in _scan(row[0].strip()))
            hints = [h for cell in row[1:] for h in _split(_scan(cell.strip()), ";")]
            if not word.strip():
                collector.problem(line, "no word before the hints; skipped")
                continue
            collector.add(word, hints, line, f"line {line}")
    except csv.Error as exc:
        raise InputError(f"Vocabulary file {path} is not valid CSV (line {reader.line_num}: "
                         f"{exc}).") from None


def render_csv(entries: Sequence[VocabularyEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", "sounds_like"])
    for entry in entries:
        word = escape(entry.word, _nothing)
        if entry.sounds_like:
            hints = [escape(h, lambda t, i: t[i] == ";") for h in entry.sounds_like]
            writer.writerow([word, ";".join(hints)])
        else:
            writer.writerow([word])
    return out.getvalue()


# --- txt ---------------------------------------------------------------------------------
def _is_separator(chars: Sequence[tuple[str, bool]], i: int) -> bool:
    c, escaped = chars[i]
    if escaped:
        return False
    return c == "：" or (c == ":" and (i + 1 == len(chars) or chars[i + 1][0].isspace()))


def parse_txt(text: str, collector: EntryCollector) -> None:
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        chars = _scan(line)
        sep = next((i for i in range(len(chars)) if _is_separator(chars, i)), None)
        if sep is None:
            collector.add("".join(c for c, _ in chars), (), number, f"line {number}")
            continue
        word = "".join(c for c, _ in chars[:sep]).strip()
        if not word:
            collector.problem(number, "no word before the ':'; skipped")
            continue
        collector.add(word, _split(chars[sep + 1:], ",，"), number, f"line {number}")


def _txt_word_escape(text: str, i: int) -> bool:
    c = text[i]
    return c == "：" or (c == ":" and (i + 1 == len(text) or text[i + 1].isspace()))


def render_txt(entries: Sequence[VocabularyEntry]) -> str:
    lines = [f'{TXT_HEADER}: one word per line, or "word: hint1, hint2".']
    for entry in entries:
        word = escape(entry.word, _txt_word_escape)
        if entry.sounds_like:
            hints = ", ".join(escape(h, lambda t, i: t[i] in ",，") for h in entry.sounds_like)
            lines.append(f"{word}: {hints}")
        else:
            lines.append(word)
    return "\n".join(lines) + "\n"


# --- json --------------------------------------------------------------------------------
def parse_json(text: str, path: Path, collector: EntryCollector) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"Vocabulary file {path} is not valid JSON (line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg}).") from None
    except RecursionError:
        raise InputError(f"Vocabulary file {path} is nested too deeply to be a word "
                         "list.") from None
    base: tuple[str | int, ...] = ()
    if isinstance(data, dict):
        key = next((k for k in ("custom_vocabulary_word", "words") if k in data), None)
        if key is None:
            raise InputError(f"Vocabulary file {path} holds no words: expected a list, or "
                             'an object with a "custom_vocabulary_word" or "words" list.')
        data, base = data[key], (key,)
    if not isinstance(data, list):
        raise InputError(f"Vocabulary file {path} must hold a list of words.")
    lines = json_lines(text)
    for index, item in enumerate(data):
        line = lines.get((*base, index), 0)
        label = f"item {index + 1}"
        where = f"{label} (line {line})" if line else label
        hints: list[str] = []
        if isinstance(item, str):
            word = item
        elif isinstance(item, dict) and isinstance(item.get("word"), str):
            word = item["word"]
            hints = _json_hints(item.get("sounds_like"), label, line, collector)
        else:
            collector.problem(line, f'{label} is neither a word nor a {{"word": ...}} object; '
                                    "skipped")
            continue
        collector.add(word, hints, line, where)


def _json_hints(value: Any, label: str, line: int, collector: EntryCollector) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        collector.problem(line, f'{label}: "sounds_like" is not a list of text; its hints '
                                "were skipped")
        return []
    hints = [h for h in value if isinstance(h, str)]
    if len(hints) < len(value):
        collector.problem(line, f'{label}: a "sounds_like" value that is not text was skipped')
    return hints


def json_lines(text: str, max_depth: int = 4) -> dict[tuple[str | int, ...], int]:
    """Line (1-based) where each value of a valid JSON document starts, by its path of keys
    and indexes: ``{(): 1, ("lists",): 2, ("lists", 0): 3, ...}``, down to ``max_depth``."""
    found: dict[tuple[str | int, ...], int] = {}
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")

    def skip(i: int) -> int:
        match = space.match(text, i)
        return match.end() if match else i

    def value(i: int, path: tuple[str | int, ...]) -> int:
        i = skip(i)
        found[path] = text.count("\n", 0, i) + 1
        opener = text[i:i + 1]
        if len(path) >= max_depth or opener not in ("[", "{"):
            return int(decoder.raw_decode(text, i)[1])
        closer = "]" if opener == "[" else "}"
        i = skip(i + 1)
        if text[i:i + 1] == closer:
            return i + 1
        index = 0
        while True:
            if opener == "[":
                i = value(i, (*path, index))
                index += 1
            else:
                key, i = decoder.raw_decode(text, skip(i))
                i = value(skip(i) + 1, (*path, str(key)))  # past the ':'
            i = skip(i)
            if text[i:i + 1] != ",":
                return i + 1
            i += 1

    value(0, ())
    return found


def render_json(entries: Sequence[VocabularyEntry]) -> str:
    return json.dumps([e.as_seed_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"
