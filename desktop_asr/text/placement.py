"""Text placed on the speech: a request's text shared out over the spans of speech found
in its audio, never over silence.

The server returns a chunk's text with no times. The text is cut into units (a Latin word
with its punctuation, one CJK character), each weighing about as long as it takes to say
(a CJK character or a digit about three letters); the units are then shared out, in order, over the
chunk's spans of speech so that each span gets about as much text as its length holds at
the chunk's own speaking rate (least squares, by dynamic programming), preferring to end a
span at a sentence or clause end. Each span with text becomes a Segment with the span's
start and end, so every segment starts and ends where speech does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from desktop_asr.text.transcript import Segment, is_cjk_char

_UNIT = re.compile(r"\s*(?:[^\s]|$)")
_SENTENCE_END = frozenset(".!?。！？…")
_CLAUSE_END = frozenset(",;:，；：、")
_SENTENCE_BONUS = 0.09  # s²: a sentence end is worth ~0.3 s of misfit
_CLAUSE_BONUS = 0.04
_CLOSING = frozenset("\"')]}”’」』）》】,.!?;:，。！？；：、…")


@dataclass(frozen=True)
class Unit:
    text: str  # with the whitespace before it
    weight: float


def char_weight(ch: str) -> float:
    """About how long a character takes to say, in letters: a CJK character or a digit
    (read out as a number word) about a syllable, three letters."""
    if is_cjk_char(ch):
        return 0.0 if ch in _CLOSING or not ch.isalnum() else 3.0
    if ch.isdigit():
        return 3.0
    return 1.0 if ch.isalnum() else 0.0


def units(text: str) -> list[Unit]:
    """``text`` as units in order: a CJK character (with the punctuation after it), or a
    run of other non-space characters; ``"".join(u.text for u in units(t)) == t`` once
    stripped."""
    out: list[tuple[str, bool]] = []  # text, may take more characters
    i = 0
    n = len(text)
    while i < n:
        j = i
        while j < n and text[j].isspace():
            j += 1
        if j == n:
            break
        k = j
        if is_cjk_char(text[k]) and text[k] not in _CLOSING:
            k += 1
        else:
            while k < n and not text[k].isspace() and not (
                    is_cjk_char(text[k]) and text[k] not in _CLOSING and k > j):
                k += 1
        while k < n and text[k] in _CLOSING and not text[k].isspace():
            k += 1
        piece = text[i:k]
        if out and j == i and not piece.strip("".join(_CLOSING)):
            out[-1] = (out[-1][0] + piece, False)  # punctuation alone joins the unit before
        else:
            out.append((piece, True))
        i = k
    return [Unit(t, max(0.2, sum(char_weight(c) for c in t))) for t, _ in out]


def join_units(parts: Sequence[Unit]) -> str:
    return "".join(u.text for u in parts).strip()


def _end_bonus(unit: Unit) -> float:
    last = unit.text.rstrip()[-1:]
    if last in _SENTENCE_END:
        return _SENTENCE_BONUS
    if last in _CLAUSE_END:
        return _CLAUSE_BONUS
    return 0.0


def share_out(weights: Sequence[float], durations: Sequence[float],
              bonus: Sequence[float] = ()) -> list[int]:
    """Cut ``weights`` (in order) into ``len(durations)`` consecutive groups, some maybe
    empty, so that each group's weight at the overall rate fits its duration best.
    Returns the end index of each group (the last is ``len(weights)``)."""
    n, k = len(weights), len(durations)
    if k == 0:
        return []
    if k == 1 or n == 0:
        return [n] * k if n == 0 else [0] * (k - 1) + [n]
    total_w = float(sum(weights))
    total_d = float(sum(durations)) or 1.0
    seconds = np.concatenate(([0.0], np.cumsum(weights))) * (total_d / total_w)
    ends_bonus = np.zeros(n + 1)
    if bonus:
        ends_bonus[1:] = bonus
    # fit[i, j]: cost of units i..j-1 in one span, before the span's duration is known
    diff = seconds[None, :] - seconds[:, None]  # [i, j] = time of units i..j-1
    invalid = np.tril(np.ones((n + 1, n + 1), dtype=bool), k=-1)  # j < i
    best = np.full(n + 1, np.inf)
    best[0] = 0.0
    back = np.zeros((k, n + 1), dtype=np.int64)
    for s, duration in enumerate(durations):
        cost = best[:, None] + (diff - duration) ** 2
        cost[invalid] = np.inf
        cost -= ends_bonus[None, :] * (np.arange(n + 1) > np.arange(n + 1)[:, None])
        back[s] = np.argmin(cost, axis=0)
        best = cost[back[s], np.arange(n + 1)]
    ends = [n]
    j = n
    for s in range(k - 1, 0, -1):
        j = int(back[s][j])
        ends.append(j)
    return ends[::-1]


def place_on_speech(text: str, language: str, spans: Sequence[tuple[float, float]],
                    offset: float = 0.0) -> list[Segment]:
    """``text`` shared out over the ``spans`` of speech (start, end in seconds, in order);
    one Segment per span that gets text, its times plus ``offset``. No spans: one segment
    over nothing (0, 0) plus ``offset``."""
    text = text.strip()
    if not text:
        return []
    if not spans:
        return [Segment(offset, offset, text, language)]
    parts = units(text)
    ends = share_out([u.weight for u in parts], [b - a for a, b in spans],
                     [_end_bonus(u) for u in parts])
    segments: list[Segment] = []
    start = 0
    for (a, b), end in zip(spans, ends, strict=True):
        piece = join_units(parts[start:end])
        if piece:
            segments.append(Segment(round(offset + a, 3), round(offset + b, 3), piece, language))
        start = end
    return segments
