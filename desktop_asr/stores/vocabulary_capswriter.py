"""CapsWriter-Offline's hot-word files (hot.txt words, hot-rule.txt ``heard = word`` rules),
read into an EntryCollector and written back (see vocabulary_files.py)."""

from __future__ import annotations

from collections.abc import Sequence

from desktop_asr.stores.vocabulary_formats import EntryCollector, escape
from desktop_asr.text.vocabulary import VocabularyEntry

CAPSWRITER_HEADER = "# CapsWriter-Offline hot words"


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


def parse_capswriter(text: str, collector: EntryCollector) -> None:
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


def render_capswriter(entries: Sequence[VocabularyEntry]) -> str:
    lines = [f"{CAPSWRITER_HEADER}, exported by desktop-asr.",
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
    return escape(text, lambda t, i: t[i] in _REGEX_SPECIAL)
