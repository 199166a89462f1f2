"""Vocabulary entries (a word and what it sounds like), named lists of them, and the context
text sent to the server. Files: vocabulary_files.py; the store: vocabulary_store.py;
post-correction: correction.py."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from desktop_asr.errors import InputError

MAX_TEXT_LENGTH = 200  # a word or a hint longer than this is a sentence, not vocabulary


@dataclass(frozen=True)
class VocabularyEntry:
    word: str
    sounds_like: tuple[str, ...] = field(default_factory=tuple)

    def as_seed_dict(self) -> dict[str, object]:
        """The shape the seed's ``asr_options.custom_vocabulary_word`` uses."""
        return {"word": self.word, "sounds_like": list(self.sounds_like)}


@dataclass(frozen=True)
class VocabularyList:
    """A named list; ``correct`` = post-correct transcripts with it (on by default)."""

    name: str
    entries: tuple[VocabularyEntry, ...] = ()
    correct: bool = True


# --- words and hints ---------------------------------------------------------------------
def clean_text(text: str) -> str:
    """``text`` with its whitespace (newlines and tabs too) collapsed to single spaces."""
    return " ".join(text.split())


def text_problem(text: str) -> str:
    """Why ``text`` (already cleaned) cannot be a word or hint; "" when it can."""
    if not text:
        return "it is empty"
    if len(text) > MAX_TEXT_LENGTH:
        return f"it is longer than {MAX_TEXT_LENGTH} characters"
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        return "it contains control characters"
    return ""


def make_entry(word: str, sounds_like: Iterable[str] = ()) -> VocabularyEntry:
    """A clean entry: whitespace collapsed, empty and repeated hints dropped, and a hint equal
    to the word dropped (it would change nothing). InputError for an unusable word or hint."""
    clean_word = clean_text(word)
    problem = text_problem(clean_word)
    if problem:
        raise InputError(f"The word {clean_word or word!r} cannot be used: {problem}.")
    hints: list[str] = []
    for hint in sounds_like:
        clean_hint = clean_text(hint)
        if not clean_hint or clean_hint == clean_word or clean_hint in hints:
            continue
        problem = text_problem(clean_hint)
        if problem:
            raise InputError(f"The sounds-like hint {clean_hint!r} of {clean_word!r} cannot "
                             f"be used: {problem}.")
        hints.append(clean_hint)
    return VocabularyEntry(clean_word, tuple(hints))


def merge_entries(first: VocabularyEntry, second: VocabularyEntry) -> VocabularyEntry:
    """``first`` with the hints of ``second`` it lacks appended (same word assumed)."""
    hints = list(first.sounds_like)
    hints.extend(h for h in second.sounds_like if h not in hints and h != first.word)
    return VocabularyEntry(first.word, tuple(hints))


def dedupe(entries: Iterable[VocabularyEntry]) -> list[VocabularyEntry]:
    """Keep the first entry of each word (case-sensitive), merging later hints into it."""
    merged: dict[str, VocabularyEntry] = {}
    for entry in entries:
        known = merged.get(entry.word)
        merged[entry.word] = entry if known is None else merge_entries(known, entry)
    return list(merged.values())


# --- context text ------------------------------------------------------------------------
# The context goes into the system message of every request. 2000 characters is at most
# ~2000 prompt tokens for Chinese (about one token per character; Latin text needs fewer),
# small next to the audio of one chunk (~13 tokens per second, ~1560 for a 120 s chunk) and
# far below the model's context window; the official examples use a handful of terms, and
# the longer the context, the more likely the model echoes it on silence (PROTOCOL.md).
DEFAULT_CONTEXT_BUDGET = 2000


@dataclass(frozen=True)
class ContextText:
    text: str
    words_used: int
    words_dropped: int

    @property
    def warning(self) -> str:
        """A sentence for the user when words did not fit; "" when all were sent."""
        if not self.words_dropped:
            return ""
        total = self.words_used + self.words_dropped
        return (f"The vocabulary is too long for one request: {self.words_used:,} of "
                f"{total:,} words were sent.")


def build_context(entries: Sequence[VocabularyEntry], extra: str = "",
                  budget: int = DEFAULT_CONTEXT_BUDGET) -> ContextText:
    """The system-message context: the words, space-separated as the official examples do
    ("交易 停滞"), then the free text ``extra``.

    Words are de-duplicated ignoring case (the first spelling is kept). ``budget`` caps the
    length in characters: the user's free text is always kept whole, and the words fill
    what is left in list order; the first word that does not fit and all after it are
    dropped (counted in ``words_dropped`` so the caller can warn).
    """
    extra = extra.strip()
    seen: set[str] = set()
    words: list[str] = []
    for entry in entries:
        key = entry.word.casefold()
        if entry.word and key not in seen:
            seen.add(key)
            words.append(entry.word)
    if extra.casefold() in seen:
        extra = ""
    room = budget - (len(extra) + 1 if extra else 0)
    used: list[str] = []
    length = 0
    for word in words:
        added = len(word) + (1 if used else 0)
        if length + added > room:
            break
        used.append(word)
        length += added
    text = " ".join([*used, extra] if extra else used)
    return ContextText(text, len(used), len(words) - len(used))


def context_text(entries: Sequence[VocabularyEntry], extra: str = "") -> str:
    """``build_context(entries, extra).text``."""
    return build_context(entries, extra).text
