"""Vocabulary files: import and export in four formats.

- ``csv``: ``word,sounds_like`` rows, the hints separated by ``;``; an optional header row
  ``word,sounds_like``; further columns are more hints; rows starting with ``#`` are comments.
- ``json``: the seed's shape ``[{"word": "不二家", "sounds_like": ["bu er jia"]}]``; also
  ``{"custom_vocabulary_word": [...]}``, ``{"words": [...]}`` and a list of strings.
- ``txt``: one word per line, or ``word: hint1, hint2``. The word ends at the first ``:``
  followed by a space (or ending the line) or at the first full-width ``：``, so
  "std::vector" and "10:30" stay whole words; hints are separated by ``,`` or ``，``.
  Lines starting with ``#`` are comments; blank lines are ignored.
- ``capswriter``: CapsWriter-Offline's hot-word files: ``hot.txt`` (one hot word per line)
  and ``hot-rule.txt`` (``heard = word`` lines: a regular expression, a space-surrounded
  ``=``, the replacement). A rule whose left side is plain text (regex metacharacters
  escaped with a backslash) becomes a hint of its right side; other regex rules and rules
  with an empty replacement are reported and skipped. A line is split at its first " = ".

In csv and txt a backslash escapes a character that would otherwise mean something
(``\\:`` ``\\,`` ``\\;`` ``\\#`` ``\\=`` ``\\\\``); a backslash before any other character is
kept as written. Export escapes only what needs it, so every format round-trips.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_asr.core.errors import InputError
from desktop_asr.core.vocabulary import VocabularyEntry, make_entry, merge_entries

FORMATS = ("csv", "json", "txt", "capswriter")
_EXTENSIONS = {".csv": "csv", ".json": "json", ".txt": "txt", ".text": "txt"}
_CAPSWRITER_NAME = re.compile(r"hot(-[\w-]+)?\.txt", re.IGNORECASE)  # hot.txt, hot-rule.txt
_TXT_HEADER = "# desktop-asr vocabulary"
_CAPSWRITER_HEADER = "# CapsWriter-Offline hot words"
_MAX_FILE_BYTES = 50_000_000


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line of the file; 0 when it cannot be told
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportResult:
    entries: list[VocabularyEntry] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    format: str = ""


# --- choosing the format -----------------------------------------------------------------
def format_for_path(path: Path, fmt: str | None = None) -> str:
    """``fmt`` checked, or the format the file name implies (``hot*.txt`` -> capswriter)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"Unknown vocabulary format {fmt!r}: use one of "
                             f"{', '.join(FORMATS)}.")
        return fmt
    if _CAPSWRITER_NAME.fullmatch(path.name):
        return "capswriter"
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(f"Cannot tell the vocabulary format of {path} from its name: use a "
                         ".csv, .json or .txt file name, or give the format "
                         f"({', '.join(FORMATS)}).")
    return found


def _detect_text_format(text: str) -> str:
    """txt or capswriter for a .txt file: our own header first, else any ' = ' rule line."""
    lines = [line.strip() for line in text.split("\n")]
    first = next((line for line in lines if line), "")
    if first.startswith(_CAPSWRITER_HEADER):
        return "capswriter"
    if first.startswith(_TXT_HEADER):
        return "txt"
    if any(" = " in line and not line.startswith("#") for line in lines):
        return "capswriter"
    return "txt"


# --- import ------------------------------------------------------------------------------
def import_vocabulary(path: str | Path, fmt: str | None = None) -> ImportResult:
    """Read a vocabulary file, importing every usable line and reporting the others.

    InputError when the file cannot be read at all (missing, not UTF-8, broken JSON).
    """
    path = Path(path)
    chosen = format_for_path(path, fmt)
    text = _read_text(path)
    if chosen == "txt" and fmt is None:
        chosen = _detect_text_format(text)
    collector = _Collector()
    if chosen == "csv":
        _parse_csv(text, path, collector)
    elif chosen == "json":
        _parse_json(text, path, collector)
    elif chosen == "txt":
        _parse_txt(text, collector)
    else:
        _parse_capswriter(text, collector)
    return ImportResult(list(collector.entries.values()), collector.problems, chosen)


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise InputError(f"Vocabulary file {path} is larger than 50 MB; that is not a "
                             "word list.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"Vocabulary file {path} does not exist.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a vocabulary file.") from None
    except OSError as exc:
        raise InputError(f"Cannot read vocabulary file {path}: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"Vocabulary file {path} is not UTF-8 text (line {line}); save it "
                         "as UTF-8 and try again.") from None


class _Collector:
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


def _escape(text: str, must_escape: Callable[[str, int], bool]) -> str:
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


def _parse_csv(text: str, path: Path, collector: _Collector) -> None:
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


def _render_csv(entries: Sequence[VocabularyEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", "sounds_like"])
    for entry in entries:
        word = _escape(entry.word, _nothing)
        if entry.sounds_like:
            hints = [_escape(h, lambda t, i: t[i] == ";") for h in entry.sounds_like]
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


def _parse_txt(text: str, collector: _Collector) -> None:
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


def _render_txt(entries: Sequence[VocabularyEntry]) -> str:
    lines = [f'{_TXT_HEADER}: one word per line, or "word: hint1, hint2".']
    for entry in entries:
        word = _escape(entry.word, _txt_word_escape)
        if entry.sounds_like:
            hints = ", ".join(_escape(h, lambda t, i: t[i] in ",，") for h in entry.sounds_like)
            lines.append(f"{word}: {hints}")
        else:
            lines.append(word)
    return "\n".join(lines) + "\n"


# --- CapsWriter-Offline ------------------------------------------------------------------
_REGEX_SPECIAL = frozenset(".^$*+?{}[]|()")


def _regex_literal(pattern: str) -> str | None:
    """The text a regular expression matches when it is a plain string; None otherwise."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 == len(pattern):
                return None
            nxt = pattern[i + 1]
            if nxt.isascii() and (nxt.isalnum() or nxt == "_"):  # \d \s \w \b \1 \n ...
                return None
            out.append(nxt)
            i += 2
            continue
        if c in _REGEX_SPECIAL:
            return None
        out.append(c)
        i += 1
    return "".join(out)


def _replacement_literal(replacement: str) -> str | None:
    """What re.sub inserts for ``replacement`` when it uses no group reference or escape."""
    out: list[str] = []
    i = 0
    while i < len(replacement):
        c = replacement[i]
        if c == "\\":
            if i + 1 == len(replacement):
                return None
            nxt = replacement[i + 1]
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            if nxt.isascii() and nxt.isalnum():  # \1, \g<name>, \n ...
                return None
        out.append(c)  # re.sub keeps the backslash of an unknown escape such as \&
        i += 1
    return "".join(out)


def _parse_capswriter(text: str, collector: _Collector) -> None:
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {number}"
        padded = f" {line} "  # "x =" and "= x" are rules with an empty side
        if " = " not in padded:
            collector.add(line, (), number, where)
            continue
        left_raw, right_raw = (part.strip() for part in padded.split(" = ", 1))
        left, right = _regex_literal(left_raw), _replacement_literal(right_raw)
        if not right_raw:
            collector.problem(number, "a rule with an empty replacement deletes text, which "
                                      "a vocabulary cannot do; skipped")
        elif not left_raw:
            collector.problem(number, "the rule has nothing before ' = '; skipped")
        elif left is None or right is None:
            collector.problem(number, "regular-expression rules are not supported; skipped")
        else:  # several rules for one word are how CapsWriter gives several hints
            collector.add(right, (left,), number, where, report_repeat=False)


def _render_capswriter(entries: Sequence[VocabularyEntry]) -> str:
    lines = [f"{_CAPSWRITER_HEADER}, exported by desktop-asr.",
             "# One hot word per line; a \"heard = word\" line (hot-rule.txt syntax) replaces "
             "what was heard with the word."]
    for entry in entries:
        word = entry.word.replace("\\", "\\\\")
        if entry.word.startswith("#") or " = " in f" {entry.word} ":  # not a plain line
            lines.append(f"{_regex_escape(entry.word)} = {word}")
        else:
            lines.append(entry.word)
        lines.extend(f"{_regex_escape(hint)} = {word}" for hint in entry.sounds_like)
    return "\n".join(lines) + "\n"


def _regex_escape(text: str) -> str:
    return _escape(text, lambda t, i: t[i] in _REGEX_SPECIAL)


# --- json --------------------------------------------------------------------------------
def _parse_json(text: str, path: Path, collector: _Collector) -> None:
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


def _json_hints(value: Any, label: str, line: int, collector: _Collector) -> list[str]:
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


def _render_json(entries: Sequence[VocabularyEntry]) -> str:
    return json.dumps([e.as_seed_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"


# --- export ------------------------------------------------------------------------------
_RENDERERS: dict[str, Callable[[Sequence[VocabularyEntry]], str]] = {
    "csv": _render_csv, "json": _render_json, "txt": _render_txt,
    "capswriter": _render_capswriter,
}


def format_vocabulary(entries: Iterable[VocabularyEntry], fmt: str) -> str:
    """The text of a vocabulary file in ``fmt``; import reads back the same entries."""
    if fmt not in _RENDERERS:
        raise InputError(f"Unknown vocabulary format {fmt!r}: use one of {', '.join(FORMATS)}.")
    clean = [make_entry(e.word, e.sounds_like) for e in entries]
    return _RENDERERS[fmt](clean)


def export_vocabulary(entries: Iterable[VocabularyEntry], path: str | Path,
                      fmt: str | None = None) -> str:
    """Write ``entries`` to ``path``; the format from ``fmt`` or the file name. Returns the
    format used."""
    path = Path(path)
    chosen = format_for_path(path, fmt)
    text = format_vocabulary(entries, chosen)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return chosen
