"""A Transcript as text, JSON, SRT, VTT or Markdown."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from desktop_asr.text.transcript import Segment, Transcript

FORMATS = ("text", "json", "srt", "vtt", "md")
EXTENSIONS = {"text": "txt", "json": "json", "srt": "srt", "vtt": "vtt", "md": "md"}
MAX_CUE_CHARS = 84  # two subtitle lines of 42
MAX_CUE_CJK_CHARS = 32

# Latin sentence ends need a space after them ("3.5" is no end); CJK ones need none.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])\s*")


def to_text(t: Transcript) -> str:
    return t.text + "\n" if t.text else ""


def to_json(t: Transcript) -> str:
    data = {
        "source": t.source,
        "text": t.text,
        "language": t.language,
        "duration": None if t.duration is None else round(t.duration, 3),
        "segments": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text,
             "language": s.language}
            for s in t.segments
        ],
    }
    return json.dumps(data, ensure_ascii=False)


def _cues(t: Transcript) -> list[Segment]:
    """Subtitle cues: each segment's text cut at sentence ends (and then at a readable
    length), its time shared out in proportion to the characters."""
    cues: list[Segment] = []
    for seg in t.segments:
        pieces = _split_for_cues(seg.text)
        total = sum(len(p) for p in pieces) or 1
        start = seg.start
        span = max(0.0, seg.end - seg.start)
        for piece in pieces:
            end = start + span * len(piece) / total
            cues.append(Segment(start, end, piece, seg.language))
            start = end
    return cues


def _split_for_cues(text: str) -> list[str]:
    pieces: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        cjk = not re.search(r"\s", sentence)
        limit = MAX_CUE_CJK_CHARS if cjk else MAX_CUE_CHARS
        if cjk:
            pieces.extend(sentence[i : i + limit] for i in range(0, len(sentence), limit))
            continue
        line = ""
        for word in sentence.split():
            if line and len(line) + 1 + len(word) > limit:
                pieces.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            pieces.append(line)
    return pieces


def _timestamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(t: Transcript) -> str:
    blocks = [
        f"{i}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n{c.text}\n"
        for i, c in enumerate(_cues(t), start=1)
    ]
    return "\n".join(blocks)


def to_vtt(t: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    blocks += [
        f"{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n{c.text}\n" for c in _cues(t)
    ]
    return "\n".join(blocks)


def to_markdown(t: Transcript) -> str:
    name = t.source.rsplit("/", 1)[-1] or t.source
    lines = [f"# {name}", ""]
    facts = []
    if t.language:
        facts.append(f"**Language:** {t.language}")
    if t.duration is not None:
        facts.append(f"**Duration:** {_timestamp(t.duration, '.')[:-4]}")
    if facts:
        lines += [" · ".join(facts), ""]
    if len(t.segments) > 1:
        for seg in t.segments:
            if seg.text:
                lines += [f"**[{_timestamp(seg.start, '.')[:-4]}]** {seg.text}", ""]
    else:
        lines += [t.text or "_(no speech)_", ""]
    return "\n".join(lines)


EXPORTERS: dict[str, Callable[[Transcript], str]] = {
    "text": to_text, "json": to_json, "srt": to_srt, "vtt": to_vtt, "md": to_markdown,
}


def export(t: Transcript, fmt: str) -> str:
    try:
        return EXPORTERS[fmt](t)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}") from None
