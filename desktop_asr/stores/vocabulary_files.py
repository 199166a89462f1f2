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

import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_asr.errors import InputError
from desktop_asr.stores.vocabulary_capswriter import (
    CAPSWRITER_HEADER,
    parse_capswriter,
    render_capswriter,
)
from desktop_asr.stores.vocabulary_formats import (
    TXT_HEADER,
    EntryCollector,
    ImportProblem,
    parse_csv,
    parse_json,
    parse_txt,
    render_csv,
    render_json,
    render_txt,
)
from desktop_asr.text.vocabulary import VocabularyEntry, make_entry

FORMATS = ("csv", "json", "txt", "capswriter")
_EXTENSIONS = {".csv": "csv", ".json": "json", ".txt": "txt", ".text": "txt"}
_CAPSWRITER_NAME = re.compile(r"hot(-[\w-]+)?\.txt", re.IGNORECASE)  # hot.txt, hot-rule.txt
_MAX_FILE_BYTES = 50_000_000


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
    if first.startswith(CAPSWRITER_HEADER):
        return "capswriter"
    if first.startswith(TXT_HEADER):
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
    collector = EntryCollector()
    if chosen == "csv":
        parse_csv(text, path, collector)
    elif chosen == "json":
        parse_json(text, path, collector)
    elif chosen == "txt":
        parse_txt(text, collector)
    else:
        parse_capswriter(text, collector)
    return ImportResult(list(collector.entries.values()), collector.problems, chosen)


def _read_text(path: Path) -> str:
    """The file's text. Only a regular file is read, and at most the size cap: a named
    pipe, a device (/dev/zero) or a socket is refused at once, never waited on."""
    try:
        _check_regular(path, os.stat(path).st_mode)
        # O_NONBLOCK: a pipe swapped in after the check must not block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            _check_regular(path, os.fstat(f.fileno()).st_mode)
            data = f.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"Vocabulary file {path} does not exist.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a vocabulary file.") from None
    except OSError as exc:
        raise InputError(f"Cannot read vocabulary file {path}: {exc.strerror or exc}.") from None
    if len(data) > _MAX_FILE_BYTES:
        raise InputError(f"Vocabulary file {path} is larger than 50 MB; that is not a "
                         "word list.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"Vocabulary file {path} is not UTF-8 text (line {line}); save it "
                         "as UTF-8 and try again.") from None


def _check_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise InputError(f"{path} is {kind}, not a vocabulary file: import a saved file.")


# --- export ------------------------------------------------------------------------------
_RENDERERS: dict[str, Callable[[Sequence[VocabularyEntry]], str]] = {
    "csv": render_csv, "json": render_json, "txt": render_txt,
    "capswriter": render_capswriter,
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


def read_vocabulary_file(path: str | Path) -> list[VocabularyEntry]:
    """The words of a CSV, JSON or TXT vocabulary file; lines that cannot be used are
    skipped. InputError when the file cannot be read or has no word."""
    result = import_vocabulary(Path(path))
    if not result.entries:
        reason = f": {result.problems[0]}" if result.problems else ""
        raise InputError(f"Vocabulary file {path} holds no usable words{reason}.")
    return result.entries
