"""Subtitle cues people can read, from a transcript's segments.

A cue never spans a pause between segments that is longer than ``MERGE_GAP_SECONDS``,
and a new sentence starts a new cue; a cue lasts at most ``MAX_CUE_SECONDS`` and holds at
most two lines of ``LINE_WIDTH`` columns, a CJK character counting as ``CJK_WIDTH`` (so a
line holds 18 of them). A longer stretch is cut at a pause when it can be, else after a
clause, else between words; never inside a Latin word (a run of CJK characters may be cut
anywhere). Inside a segment a
cue's time is shared out by how long its words take to say (see placement.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_asr.text.placement import Unit, join_units, units
from desktop_asr.text.transcript import Segment, is_cjk_char

MAX_CUE_SECONDS = 7.0
LINE_WIDTH = 42.0
CJK_WIDTH = LINE_WIDTH / 18
MAX_LINES = 2
MERGE_GAP_SECONDS = 0.6  # shorter pauses may fall inside one cue
_SENTENCE_END = frozenset(".!?。！？…")
_CLAUSE_END = frozenset(",;:，；：、")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def text_width(text: str) -> float:
    return sum(CJK_WIDTH if is_cjk_char(c) else 1.0 for c in text)


@dataclass
class _Timed:
    unit: Unit
    start: float
    end: float
    last_in_segment: bool = False


def _timed_units(segments: Sequence[Segment]) -> list[list[_Timed]]:
    """Each segment's units with times shared out by weight; segments split where the
    pause before them is longer than the merge gap."""
    groups: list[list[_Timed]] = []
    previous_end: float | None = None
    for seg in segments:
        parts = units(seg.text)
        if not parts:
            continue
        total = sum(u.weight for u in parts)
        span = max(0.0, seg.end - seg.start)
        t = seg.start
        timed = []
        for u in parts:
            end = t + span * u.weight / total
            timed.append(_Timed(u, t, end))
            t = end
        timed[-1].end = seg.end
        timed[-1].last_in_segment = True
        if groups and previous_end is not None and seg.start - previous_end <= MERGE_GAP_SECONDS:
            before = groups[-1][-1].unit.text[-1:]
            first = timed[0].unit
            if not (is_cjk_char(before) or is_cjk_char(first.text[:1])):
                timed[0].unit = Unit(" " + first.text, first.weight)
            groups[-1].extend(timed)
        else:
            groups.append(timed)
        previous_end = seg.end
    return groups


def wrap_lines(parts: Sequence[Unit]) -> tuple[str, ...] | None:
    """``parts`` as at most two balanced lines of LINE_WIDTH, or None if they do not fit."""
    text = join_units(parts)
    if text_width(text) <= LINE_WIDTH:
        return (text,)
    best: tuple[float, tuple[str, str]] | None = None
    for cut in range(1, len(parts)):
        first, second = join_units(parts[:cut]), join_units(parts[cut:])
        w1, w2 = text_width(first), text_width(second)
        if w1 > LINE_WIDTH or w2 > LINE_WIDTH:
            continue
        score = max(w1, w2) - (3.0 if first[-1:] in _CLAUSE_END | _SENTENCE_END else 0.0)
        if best is None or score < best[0]:
            best = (score, (first, second))
    return best[1] if best else None


def _fits(group: Sequence[_Timed]) -> bool:
    if group[-1].end - group[0].start > MAX_CUE_SECONDS and len(group) > 1:
        return False
    parts = [t.unit for t in group]
    if text_width(join_units(parts)) > MAX_LINES * LINE_WIDTH:
        return False
    return wrap_lines(parts) is not None


def _cut_score(group: Sequence[_Timed], i: int) -> float:
    """How good a cue end after ``group[i]`` is: pauses and sentence ends first, and a
    later cut beats an earlier one of the same kind."""
    text = group[i].unit.text.rstrip()
    score = i / len(group)  # 0..1: fuller cues
    if group[i].last_in_segment:
        score += 3.0 + min(2.0, group[i + 1].start - group[i].end if i + 1 < len(group)
                           else 0.0)
    if text[-1:] in _SENTENCE_END:
        score += 2.5
    elif text[-1:] in _CLAUSE_END:
        score += 1.2
    return score


def _split(group: list[_Timed]) -> list[list[_Timed]]:
    out: list[list[_Timed]] = []
    rest = group
    while rest:
        if _fits(rest):
            out.append(rest)
            break
        longest = 1
        while longest < len(rest) and _fits(rest[: longest + 1]):
            longest += 1
        # the best place to end the cue among the ends that keep it readable
        lowest = max(1, longest // 2)
        end = max(range(lowest - 1, longest), key=lambda i: _cut_score(rest, i)) + 1
        out.append(rest[:end])
        rest = rest[end:]
    return out


def _sentences(group: list[_Timed]) -> list[list[_Timed]]:
    """A group cut after every sentence end: a new sentence starts a new cue."""
    out: list[list[_Timed]] = [[]]
    for timed in group:
        out[-1].append(timed)
        if timed.unit.text.rstrip()[-1:] in _SENTENCE_END:
            out.append([])
    return [g for g in out if g]


def build_cues(segments: Sequence[Segment]) -> list[Cue]:
    cues: list[Cue] = []
    for group in _timed_units(segments):
        for piece in (p for sentence in _sentences(group) for p in _split(sentence)):
            lines = wrap_lines([t.unit for t in piece])
            if lines is None:  # one unit too wide for a line: it stands alone
                lines = (join_units([t.unit for t in piece]),)
            cues.append(Cue(piece[0].start, piece[-1].end, lines))
    return cues
