"""What a transcription job tells its listener while it runs: progress, and each chunk's
text (growing while streamed, then placed on the speech with times)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_asr.text.transcript import Segment


@dataclass(frozen=True)
class JobProgress:
    chunks_done: int
    chunks_total: int | None  # None while the file is still being cut
    seconds_done: float
    seconds_total: float | None


@dataclass(frozen=True)
class PartialText:
    """The text of one chunk so far (grows while streaming, final when ``done``)."""

    chunk_index: int
    start: float
    text: str
    done: bool
    # When done: the text placed on the speech, with times (empty for a URL the server
    # fetched, whose audio the app never sees).
    segments: tuple[Segment, ...] = ()


JobEvent = JobProgress | PartialText
Listener = Callable[[JobEvent], None]
