"""A Transcript as text, JSON, SRT, VTT or Markdown."""

from __future__ import annotations

import json
from collections.abc import Callable

from desktop_asr.text.cues import Cue, build_cues
from desktop_asr.text.transcript import Segment, Transcript, join_texts

FORMATS = ("text", "json", "srt", "vtt", "md")
EXTENSIONS = {"text": "txt", "json": "json", "srt": "srt", "vtt": "vtt", "md": "md"}
PARAGRAPH_PAUSE_SECONDS = 3.0  # a longer pause between segments starts a paragraph


def paragraphs(t: Transcript) -> list[tuple[float, str]]:
    """The transcript's text as paragraphs (start, text), a new one after each pause of
    PARAGRAPH_PAUSE_SECONDS or more; segments without times make one paragraph."""
    groups: list[list[Segment]] = []
    for seg in t.segments:
        if not seg.text.strip():
            continue
        if groups and seg.start - groups[-1][-1].end < PARAGRAPH_PAUSE_SECONDS:
            groups[-1].append(seg)
        else:
            groups.append([seg])
    if len(groups) <= 1:
        return [(groups[0][0].start if groups else 0.0, t.text)] if t.text else []
    # Cut the transcript's own text where each paragraph's first segment begins (it keeps
    # the server's spacing); segments that are not found in it (edited) are joined.
    cuts: list[int] = []
    at = 0
    for group in groups:
        for k, seg in enumerate(group):
            found = t.text.find(seg.text, at)
            if found < 0:
                return [(g[0].start, join_texts(s.text for s in g)) for g in groups]
            if k == 0:
                cuts.append(found)
            at = found + len(seg.text)
    ends = [*cuts[1:], len(t.text)]
    return [(g[0].start, t.text[a:b].strip())
            for g, a, b in zip(groups, cuts, ends, strict=True)]


def to_text(t: Transcript) -> str:
    if not t.text:
        return ""
    return "\n\n".join(text for _, text in paragraphs(t)) + "\n"


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


def _cues(t: Transcript) -> list[Cue]:
    return build_cues(t.segments)


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
        for start, text in paragraphs(t):
            lines += [f"**[{_timestamp(start, '.')[:-4]}]** {text}", ""]
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
