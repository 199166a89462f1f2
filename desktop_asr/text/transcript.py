"""The result of a transcription: text, language, duration and timed segments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop_asr.text.languages import merge_languages


@dataclass(frozen=True)
class Segment:
    start: float  # seconds
    end: float
    text: str
    language: str = ""


@dataclass(frozen=True)
class Transcript:
    source: str
    text: str
    language: str
    duration: float | None
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    @classmethod
    def from_segments(cls, source: str, segments: Iterable[Segment],
                      duration: float | None, text: str | None = None) -> Transcript:
        """``text``: the whole text when it is known better than the segments' joined
        (the server's spacing inside a request that was shared out over its speech)."""
        ordered = tuple(sorted(segments, key=lambda s: s.start))
        return cls(
            source=source,
            text=join_texts(s.text for s in ordered) if text is None else text,
            language=merge_languages([s.language for s in ordered if s.text]),
            duration=duration,
            segments=ordered,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["segments"] = [asdict(s) for s in self.segments]
        return data


def _is_cjk(ch: str) -> bool:
    """Scripts written without spaces between words (Han, kana, Thai...), and full-width
    punctuation."""
    code = ord(ch)
    if 0x3130 <= code <= 0x318F:  # Hangul jamo: Korean puts spaces between words
        return False
    return (
        0x2E80 <= code <= 0x9FFF  # CJK radicals and punctuation, kana, Han
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
        or 0x0E00 <= code <= 0x0EFF  # Thai, Lao
        or 0x1000 <= code <= 0x109F  # Myanmar
    )


is_cjk_char = _is_cjk  # the public name


def join_texts(parts: Iterable[str]) -> str:
    """Join chunk texts: nothing between CJK text, a single space between Latin words."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(part[0])):
            out += " "
        out += part
    return out
