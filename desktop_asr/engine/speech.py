"""Where the speech is in a stretch of audio: spans of speech between pauses.

Offline and energy-based (like dictation/vad.py, but judging the whole stretch at once):
each 10 ms frame gets a level in dBFS; the noise floor is a low percentile of the levels;
a frame is loud when it is ``start_db`` above the floor (and above ``min_level_dbfs``).
Loud frames closer than ``min_pause_seconds`` join into one span, which then grows over
neighbouring frames still ``edge_db`` above the floor (soft onsets and endings); spans
shorter than ``min_speech_seconds`` (clicks) are dropped.

    find_speech(samples)  ->  [SpeechSpan(start=0.31, end=2.45), ...]   # seconds
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop_asr.engine.audio import SAMPLE_RATE, Pcm
from desktop_asr.engine.chunking import DEFAULT_MAX_CHUNK_SECONDS, Chunk, ChunkPlanner, quietest_cut

SILENCE_DBFS = -120.0  # the level of digital silence (log of zero)
FIRST_LOOK_SECONDS = 30.0  # where PausePlanner first looks for a pause to cut at


@dataclass(frozen=True)
class SpeechSettings:
    frame_seconds: float = 0.01
    start_db: float = 12.0  # above the floor: speech
    edge_db: float = 6.0  # above the floor: still the span's edge
    min_level_dbfs: float = -55.0  # quieter frames are never speech
    floor_percentile: float = 10.0
    min_pause_seconds: float = 0.35  # shorter gaps are inside a phrase
    min_speech_seconds: float = 0.08


@dataclass(frozen=True)
class SpeechSpan:
    start: float  # seconds from the first sample
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def frame_levels(samples: Pcm, frame: int) -> npt.NDArray[np.float64]:
    """The level in dBFS of each whole ``frame``-sample frame of ``samples`` (digital
    silence is SILENCE_DBFS); the dictation VAD measures with it too."""
    count = samples.size // frame
    if count == 0:
        return np.empty(0, dtype=np.float64)
    frames = samples[: count * frame].astype(np.float64).reshape(count, frame) / 32768.0
    power = np.einsum("ij,ij->i", frames, frames) / frame
    with np.errstate(divide="ignore"):
        levels = 10.0 * np.log10(power)
    clamped: npt.NDArray[np.float64] = np.maximum(levels, SILENCE_DBFS)
    return clamped


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, end) of every run of True."""
    if mask.size == 0:
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def find_speech(samples: Pcm, settings: SpeechSettings | None = None,
                sample_rate: int = SAMPLE_RATE, *,
                levels: npt.NDArray[np.float64] | None = None) -> list[SpeechSpan]:
    """The spans of speech in mono int16 ``samples``, in order, in seconds. ``levels``:
    their frame levels when the caller has them already (frame_levels of the samples)."""
    s = settings or SpeechSettings()
    frame = max(1, round(s.frame_seconds * sample_rate))
    if levels is None:
        levels = frame_levels(samples, frame)
    if levels.size == 0:
        return []
    floor = float(np.percentile(levels, s.floor_percentile))
    loud = (levels > floor + s.start_db) & (levels > s.min_level_dbfs)
    edge = (levels > floor + s.edge_db) & (levels > s.min_level_dbfs - s.start_db + s.edge_db)
    pause = max(1, round(s.min_pause_seconds / s.frame_seconds))
    spans: list[list[int]] = []
    for a, b in _runs(loud):
        if spans and a - spans[-1][1] < pause:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    out: list[SpeechSpan] = []
    minimum = max(1, round(s.min_speech_seconds / s.frame_seconds))
    previous_end = 0
    for i, (a, b) in enumerate(spans):
        limit = spans[i + 1][0] if i + 1 < len(spans) else levels.size
        while a > previous_end and edge[a - 1]:
            a -= 1
        while b < limit and edge[b]:
            b += 1
        previous_end = b
        if b - a < minimum:
            continue
        end_sample = min(samples.size, b * frame)
        out.append(SpeechSpan(a * frame / sample_rate, end_sample / sample_rate))
    return out


class PausePlanner(ChunkPlanner):
    """Chunks cut at pauses: a chunk ends in the middle of the first pause of at least
    ``cut_pause_seconds`` once it holds ``min_seconds`` of audio, so that each request
    carries a stretch of talk (a phrase or a few) and its text belongs to that stretch
    alone. Where talk goes on for ``max_seconds`` without such a pause, the cut falls at
    the quietest moment near the limit (as ChunkPlanner does). ``min_seconds`` joins short
    phrases so that the model hears a little context; longer joins make the text harder
    to place (see benchmarks/bench_subtitles.py). Chunks tile the audio: laid
    end to end they are the input. Each chunk carries the speech found in it."""

    def __init__(self, max_seconds: float = DEFAULT_MAX_CHUNK_SECONDS, *,
                 cut_pause_seconds: float = 0.6, min_seconds: float = 3.0,
                 settings: SpeechSettings | None = None) -> None:
        super().__init__(max_seconds)
        self.cut_pause_seconds = cut_pause_seconds
        self.min_seconds = min_seconds
        self.first_look_seconds = FIRST_LOOK_SECONDS
        self.settings = settings or SpeechSettings()

    def _cut(self, spans: list[SpeechSpan], limit: int) -> int | None:
        """Where to end the chunk that starts the buffer, at a pause (on a frame's edge);
        None: no pause."""
        frame = self._frame
        for before, after in itertools.pairwise(spans):
            if after.start - before.end < self.cut_pause_seconds:
                continue
            cut = frame * round((before.end + after.start) / 2 * SAMPLE_RATE / frame)
            if cut > limit:
                return None
            if cut >= self.min_seconds * SAMPLE_RATE:
                return cut
        return None

    @property
    def _frame(self) -> int:
        return max(1, round(self.settings.frame_seconds * SAMPLE_RATE))

    def chunks(self, blocks: Iterable[Pcm]) -> Iterator[Chunk]:
        self._levels_at, self._levels = -1, np.empty(0, dtype=np.float64)
        return super().chunks(blocks)

    def _first_look(self, limit: int, search: int) -> int:
        return min(limit + search, round(self.first_look_seconds * SAMPLE_RATE))

    def _next(self, index: int, offset: int, buffer: Pcm, limit: int, search: int, *,
              final: bool) -> Chunk | None:
        # The speech is looked for in the same stretch however the audio arrives (big
        # blocks in a decoder process, smaller ones on a thread): the same chunks. First in
        # the next FIRST_LOOK_SECONDS (a pause is nearly always there: the first chunk
        # leaves without two minutes being decoded first), else in the whole window.
        window = buffer[: limit + search] if final else buffer[: self._first_look(limit, search)]
        spans = find_speech(window, self.settings, levels=self._window_levels(offset, window))
        cut = self._cut(spans, min(limit, buffer.size))
        if cut is None and not final:
            return None
        if cut is None:
            if buffer.size <= limit:
                cut = buffer.size
            else:
                cut = quietest_cut(buffer, limit - search, limit + search, self.window)
        cut = min(max(cut, 1), buffer.size)
        seconds = cut / SAMPLE_RATE
        inside = tuple((s.start, min(s.end, seconds)) for s in spans if s.start < seconds)
        return Chunk(index, offset, buffer[:cut], speech=inside)

    def _window_levels(self, offset: int, window: Pcm) -> npt.NDArray[np.float64]:
        """frame_levels(window), where ``window`` starts at sample ``offset`` of the input.
        A chunk is a few seconds and the window two minutes: the levels measured for the
        last window are kept, and only the frames new to this one are measured (cuts at
        pauses fall on a frame's edge)."""
        frame = self._frame
        shift = offset - self._levels_at
        if self._levels_at < 0 or shift < 0 or shift % frame:
            kept = np.empty(0, dtype=np.float64)
        else:
            kept = self._levels[shift // frame:]
        count = window.size // frame
        kept = kept[:count]
        if kept.size < count:
            more = frame_levels(window[kept.size * frame: count * frame], frame)
            kept = np.concatenate((kept, more))
        self._levels_at, self._levels = offset, kept
        return kept
