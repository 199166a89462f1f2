"""The rows of the history as dataclasses: an entry, a search hit, the retention setting,
and their conversion to and from the database's columns."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

from desktop_asr.errors import InputError
from desktop_asr.stores.history.search import Snippet
from desktop_asr.text.transcript import Segment, Transcript

SOURCE_KINDS = ("file", "url", "recording")
# pending: waiting for the server; recording: its audio is still being written (or the app
# ended before it was: the next start recovers it); cancelled: by the user, never resumed.
STATUSES = ("done", "failed", "pending", "recording", "cancelled")
MAX_RETENTION_DAYS = 36500
COLUMNS = ("id, source, source_kind, profile, created_at, duration, language, text, "
            "segments, status, error, audio_path, recovered")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    source: str  # a path, a URL, or a recording's file name
    source_kind: str  # "file" | "url" | "recording"
    profile: str | None
    created_at: datetime  # UTC, aware
    duration: float | None  # seconds of audio
    language: str
    text: str
    segments: tuple[Segment, ...]
    status: str  # "done" | "failed" | "pending" | "recording" | "cancelled"
    error: str  # why it failed, in words
    audio_path: Path | None  # the kept audio of a recording (None: not kept, or deleted)
    recovered: bool = False  # a recording brought back after an unexpected exit

    def to_transcript(self) -> Transcript:
        return Transcript(source=self.source, text=self.text, language=self.language,
                          duration=self.duration, segments=self.segments)

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the time as ISO 8601 UTC, paths as strings."""
        return {
            "id": self.id, "source": self.source, "source_kind": self.source_kind,
            "profile": self.profile, "created_at": self.created_at.isoformat(),
            "duration": self.duration, "language": self.language, "text": self.text,
            "segments": [segment_dict(s) for s in self.segments], "status": self.status,
            "error": self.error,
            "audio_path": None if self.audio_path is None else str(self.audio_path),
            "recovered": self.recovered,
        }


@dataclass(frozen=True)
class SearchHit:
    entry: HistoryEntry
    snippet: Snippet  # the text around the first match, with the matches highlighted


@dataclass(frozen=True)
class Retention:
    """How long the audio of recordings is kept: ``days=None`` forever, ``0`` not at all
    (deleted once transcribed), N: for N days after the recording."""

    days: int | None = None

    ALL: ClassVar[Retention]
    NONE: ClassVar[Retention]

    def __post_init__(self) -> None:
        if self.days is not None and self.days < 0:
            raise ValueError("retention days must be 0 or more")

    @classmethod
    def parse(cls, text: str) -> Retention:
        """``all``, ``none`` or a number of days (``30`` or ``30d``)."""
        word = text.strip().lower()
        if word in ("all", "forever"):
            return cls(None)
        if word == "none":
            return cls(0)
        digits = word.removesuffix("days").removesuffix("day").removesuffix("d").strip()
        if re.fullmatch(r"[0-9]{1,5}", digits) and int(digits) <= MAX_RETENTION_DAYS:
            return cls(int(digits))
        raise InputError(f"Unknown retention {text!r}: use all, none, or a number of days "
                         f"(at most {MAX_RETENTION_DAYS}).")

    def setting(self) -> str:
        """The stored and parseable form: ``all``, ``none`` or the number of days."""
        return "all" if self.days is None else "none" if self.days == 0 else str(self.days)

    def describe(self) -> str:
        if self.days is None:
            return "kept forever"
        if self.days == 0:
            return "not kept (deleted once transcribed)"
        return f"kept for {self.days} day{'s' if self.days != 1 else ''}"


Retention.ALL = Retention(None)
Retention.NONE = Retention(0)


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the history clock must give aware datetimes (UTC)")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def segment_dict(s: Segment) -> dict[str, Any]:
    return {"start": s.start, "end": s.end, "text": s.text, "language": s.language}


def segments_json(segments: tuple[Segment, ...]) -> str:
    return json.dumps([segment_dict(s) for s in segments], ensure_ascii=False)


def segments_from_json(text: str) -> tuple[Segment, ...]:
    return tuple(Segment(float(s["start"]), float(s["end"]), str(s["text"]),
                         str(s.get("language", ""))) for s in json.loads(text))


def entry_from_row(row: tuple[Any, ...]) -> HistoryEntry:
    (entry_id, source, kind, profile, created_at, duration, language, text, segments,
     status, error, audio_path, recovered) = row
    return HistoryEntry(
        id=entry_id, source=source, source_kind=kind, profile=profile,
        created_at=datetime.fromisoformat(created_at), duration=duration, language=language,
        text=text, segments=segments_from_json(segments), status=status, error=error,
        audio_path=None if audio_path is None else Path(audio_path),
        recovered=bool(recovered))
