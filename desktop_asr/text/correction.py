"""Post-correction of transcripts with vocabulary entries.

- Latin script: an entry's sounds_like found in the transcript (ignoring case, on word
  boundaries; any run of whitespace where the hint has a space, none where it has none) is
  replaced by the word: "kuber netes" -> "Kubernetes". A hint never matches inside a longer
  word ("netes" in "kubernetes2", "reilly" in "O'Reilly", "netes" in "netes's"), and the
  word itself is never used as a hint, so "word" does not become "Word".
- Chinese, by pinyin: a run of Han characters whose toneless pinyin (pypinyin) equals the
  pinyin of a Chinese word, of a Han-character hint, or of a pinyin hint ("bu er jia")
  becomes the word: 不二家 catches 步二家 and 不耳家. The transcript side accepts every
  reading of a polyphonic character (pypinyin heteronyms), so a span that can be read like
  the word is not missed; the word side uses pypinyin's phrase-aware reading (add a pinyin
  hint for another one). Only two characters or more are matched this way: one syllable
  has too many homophones. Latin hints given to a Han word also match as written.
- Longer matches win; an exact occurrence of a word protects its span; nothing is replaced
  inside an already replaced span (nor in what a replacement produced). The hints are kept
  in tries of tokens and of syllables walked from each position of the transcript, so a
  3-hour transcript with a thousand entries takes well under a second.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

from desktop_asr.text.vocabulary import VocabularyEntry

_HAN_CHARS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_CHARS = _HAN_CHARS + "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\uac00-\ud7af"
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
_WORD_CHAR = rf"[^\W{_CJK_CHARS}]"  # a letter, digit or '_' of a non-CJK script
_TOKEN = re.compile(rf"{_WORD_CHAR}+(?:['’]{_WORD_CHAR}+)*|\S")
_SYLLABLE = re.compile(r"[a-z]+")
MIN_PINYIN_SYLLABLES = 2


@dataclass(frozen=True)
class Change:
    """``original`` at ``start:end`` of the input text became ``replacement``."""

    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    word: str
    priority: int  # the entry's position: the first entry wins a tie


@dataclass(frozen=True)
class _Target:
    word: str
    priority: int
    exact_only: bool = False  # the word itself: claims an exact occurrence, changes nothing


@dataclass
class _Node:
    """A trie over tokens (Latin) or syllables (Chinese)."""

    children: dict[Hashable, _Node] = field(default_factory=dict)
    targets: list[_Target] = field(default_factory=list)

    def insert(self, keys: Sequence[Hashable], target: _Target) -> None:
        node = self
        for key in keys:
            node = node.children.setdefault(key, _Node())
        if target not in node.targets:
            node.targets.append(target)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: tuple[bool, str]  # (whitespace before it, casefolded text)


class Corrector:
    """Applies the given entries (those of the lists with correction on) to transcripts."""

    def __init__(self, entries: Sequence[VocabularyEntry]) -> None:
        self._latin = _Node()
        self._han = _Node()
        for priority, entry in enumerate(entries):
            self._add_entry(entry, priority)

    def __bool__(self) -> bool:
        return bool(self._latin.children or self._han.children)

    def apply(self, text: str) -> str:
        return self.apply_with_changes(text)[0]

    def apply_with_changes(self, text: str) -> tuple[str, list[Change]]:
        """The corrected text and what was replaced (positions in the input text)."""
        matches = self._latin_matches(text) + self._han_matches(text)
        # longest first; at equal length an exact occurrence of a word (a no-op) first
        matches.sort(key=lambda m: (m.start - m.end, m.start, text[m.start:m.end] != m.word,
                                    m.priority))
        taken = bytearray(len(text))
        accepted: list[_Match] = []
        for match in matches:
            if any(taken[match.start:match.end]):
                continue
            taken[match.start:match.end] = b"\x01" * (match.end - match.start)
            accepted.append(match)
        accepted.sort(key=lambda m: m.start)
        pieces: list[str] = []
        changes: list[Change] = []
        position = 0
        for match in accepted:
            original = text[match.start:match.end]
            if original == match.word:
                continue
            pieces.append(text[position:match.start])
            pieces.append(match.word)
            changes.append(Change(match.start, match.end, original, match.word))
            position = match.end
        pieces.append(text[position:])
        return "".join(pieces), changes

    # --- building ------------------------------------------------------------------------
    def _add_entry(self, entry: VocabularyEntry, priority: int) -> None:
        word = entry.word
        word_is_han = bool(_HAN_RUN.fullmatch(word))
        if word_is_han:
            self._add_han(_han_syllables(word), _Target(word, priority))
        else:
            self._add_latin(word, _Target(word, priority, exact_only=True))
        for hint in entry.sounds_like:
            if _HAN_RUN.fullmatch(hint.replace(" ", "")):
                self._add_han(_han_syllables(hint.replace(" ", "")), _Target(word, priority))
                continue
            self._add_latin(hint, _Target(word, priority))
            if word_is_han:
                syllables = _pinyin_syllables(hint)
                if syllables is not None:
                    self._add_han(syllables, _Target(word, priority))

    def _add_latin(self, hint: str, target: _Target) -> None:
        keys = [token.key for token in _tokens(hint)]
        if keys:
            keys[0] = (False, keys[0][1])
            self._latin.insert(keys, target)

    def _add_han(self, syllables: tuple[str, ...], target: _Target) -> None:
        if len(syllables) >= MIN_PINYIN_SYLLABLES:
            self._han.insert(syllables, target)

    # --- matching ------------------------------------------------------------------------
    def _latin_matches(self, text: str) -> list[_Match]:
        found: list[_Match] = []
        if not self._latin.children:
            return found
        tokens = _tokens(text)
        for i, first in enumerate(tokens):
            node = self._latin.children.get((False, first.key[1]))
            k = i
            while node is not None:
                end = tokens[k].end
                for target in node.targets:
                    if not target.exact_only or text[first.start:end] == target.word:
                        found.append(_Match(first.start, end, target.word, target.priority))
                k += 1
                if k == len(tokens):
                    break
                node = node.children.get(tokens[k].key)
        return found

    def _han_matches(self, text: str) -> list[_Match]:
        found: list[_Match] = []
        if not self._han.children:
            return found
        for run in _HAN_RUN.finditer(text):
            readings = [_readings(c) for c in run.group()]
            for i in range(len(readings)):
                frontier = [self._han]
                k = i
                while frontier and k < len(readings):
                    following: list[_Node] = []
                    for node in frontier:
                        for syllable in readings[k]:
                            child = node.children.get(syllable)
                            if child is None:
                                continue
                            following.append(child)
                            found.extend(_Match(run.start() + i, run.start() + k + 1,
                                                t.word, t.priority) for t in child.targets)
                    frontier = following
                    k += 1
        return found


def _tokens(text: str) -> list[_Token]:
    """Latin words (letters and digits, inner apostrophes) and single other characters."""
    tokens: list[_Token] = []
    previous_end = -1
    for match in _TOKEN.finditer(text):
        spaced = 0 <= previous_end < match.start()
        tokens.append(_Token(match.start(), match.end(), (spaced, match.group().casefold())))
        previous_end = match.end()
    return tokens


@lru_cache(maxsize=65536)
def _readings(char: str) -> frozenset[str]:
    """Every toneless reading of one Han character."""
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _han_syllables(han: str) -> tuple[str, ...]:
    """The toneless pinyin of a Han string, one syllable per character (phrase-aware)."""
    syllables = lazy_pinyin(han, style=Style.NORMAL)
    if len(syllables) != len(han):  # a character pypinyin does not know: one by one
        syllables = [min(_readings(c)) for c in han]
    return tuple(syllables)


def _pinyin_syllables(hint: str) -> tuple[str, ...] | None:
    """"bu er jia", "bù èr jiā", "bu4 er4 jia1", "lü"/"lv" -> syllables; None when the hint
    is not pinyin written syllable by syllable."""
    text = hint.casefold().replace("ü", "v").replace("u:", "v")
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")
    parts = re.split(r"[\s'’-]+", text.strip())
    syllables = tuple(part.rstrip("012345") for part in parts)
    if not syllables or not all(_SYLLABLE.fullmatch(s) for s in syllables):
        return None
    return syllables
