"""Cut long audio into chunks at quiet moments, streaming, without losing a sample.

Like QwenLM's ``split_audio_into_chunks``: each cut falls at the quietest 100 ms window
within +-5 s of the chunk limit; there is no overlap, so the chunks laid end to end are
exactly the input. Chunks shorter than the model's 0.5 s minimum are zero-padded when sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from desktop_asr.engine.audio import SAMPLE_RATE, Pcm

MIN_INPUT_SECONDS = 0.5
DEFAULT_MAX_CHUNK_SECONDS = 120.0
SEARCH_SECONDS = 5.0
WINDOW_SECONDS = 0.1


class _Place:
    """Where a chunk lies in the whole, from its first sample and its length."""

    start: int  # in samples
    size: int

    @property
    def start_seconds(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def duration(self) -> float:
        return self.size / SAMPLE_RATE

    @property
    def end_seconds(self) -> float:
        return (self.start + self.size) / SAMPLE_RATE


@dataclass(frozen=True)
class Chunk(_Place):
    """A stretch of 16 kHz mono audio and where it starts in the whole."""

    index: int
    start: int  # in samples
    samples: Pcm
    # Where the speech is (seconds from the chunk's start), when the planner found it.
    speech: tuple[tuple[float, float], ...] | None = None

    @property
    def size(self) -> int:  # type: ignore[override]
        return int(self.samples.size)

    @property
    def info(self) -> ChunkInfo:
        """The chunk without its samples: what a job keeps of a chunk once it is encoded."""
        return ChunkInfo(self.index, self.start, self.size, self.speech)

    def padded(self) -> Pcm:
        """The samples, zero-padded at the end to at least 0.5 s."""
        minimum = int(MIN_INPUT_SECONDS * SAMPLE_RATE)
        if self.samples.size >= minimum:
            return self.samples
        return np.pad(self.samples, (0, minimum - self.samples.size))


@dataclass(frozen=True)
class ChunkInfo(_Place):
    """A chunk's place, length and speech, without its samples (they went into its
    encoding)."""

    index: int
    start: int
    size: int
    speech: tuple[tuple[float, float], ...] | None = None


def quietest_cut(samples: Pcm, lo: int, hi: int, window: int) -> int:
    """The cut point in [lo, hi): the quietest sample inside the quietest ``window``-long
    stretch (by summed absolute amplitude). Returns ``(lo + hi) // 2`` if the range is too
    short to hold a window."""
    lo, hi = max(0, lo), min(samples.size, hi)
    if hi - lo <= window:
        return (lo + hi) // 2
    seg = np.abs(samples[lo:hi].astype(np.int32))
    sums = np.cumsum(seg, dtype=np.int64)
    window_sums = sums[window - 1 :] - np.concatenate(([0], sums[:-window]))
    start = int(np.argmin(window_sums))
    inner = int(np.argmin(seg[start : start + window]))
    return lo + start + inner


class ChunkPlanner:
    """Turns a stream of PCM blocks into chunks of at most about ``max_seconds``
    (+ up to 5 s where the quietest cut lies beyond the limit).

    ``max_seconds`` may be lowered while chunks are being produced (after the server said a
    chunk was too long); later cuts follow the new limit.
    """

    def __init__(self, max_seconds: float = DEFAULT_MAX_CHUNK_SECONDS,
                 search_seconds: float = SEARCH_SECONDS,
                 window_seconds: float = WINDOW_SECONDS) -> None:
        if max_seconds <= 0:
            raise ValueError("max_seconds must be positive")
        self.max_seconds = max_seconds
        self.search = int(search_seconds * SAMPLE_RATE)
        self.window = max(4, int(window_seconds * SAMPLE_RATE))

    @property
    def max_samples(self) -> int:
        return max(1, int(self.max_seconds * SAMPLE_RATE))

    def chunks(self, blocks: Iterable[Pcm]) -> Iterator[Chunk]:
        pending: list[Pcm] = []
        pending_len = 0
        offset = 0
        index = 0
        source = iter(blocks)
        exhausted = False

        def fill(want: int) -> None:
            nonlocal pending_len, exhausted
            while not exhausted and pending_len < want:
                block = next(source, None)
                if block is None:
                    exhausted = True
                elif block.size:
                    pending.append(block)
                    pending_len += block.size

        while True:
            limit = self.max_samples
            search = min(self.search, limit // 2)
            whole = limit + search
            look = min(whole, self._first_look(limit, search))
            fill(look)
            if pending_len == 0:
                return
            buffer = np.concatenate(pending) if len(pending) > 1 else pending[0]
            pending[:] = [buffer]
            # Whether the first look sees the whole window is decided by the rule and the
            # audio, never by how much happens to be read already: the same chunks whatever
            # the size of the blocks.
            chunk = self._next(index, offset, buffer, limit, search,
                               final=look >= whole or (exhausted and pending_len <= look))
            if chunk is None:  # nothing decided on the first look: plan on the whole window
                fill(whole)
                buffer = np.concatenate(pending) if len(pending) > 1 else pending[0]
                chunk = self._next(index, offset, buffer, limit, search, final=True)
                assert chunk is not None
            yield chunk
            cut = chunk.samples.size
            index += 1
            offset += cut
            rest = buffer[cut:]
            pending[:] = [rest] if rest.size else []
            pending_len = rest.size

    def _first_look(self, limit: int, search: int) -> int:
        """How much audio the next chunk is first planned on; ``_next`` may ask for the
        whole window (``limit + search``) by returning None."""
        return limit + search

    def _next(self, index: int, offset: int, buffer: Pcm, limit: int, search: int, *,
              final: bool) -> Chunk | None:
        """The chunk that starts ``buffer`` (all that is left when it is no longer than
        ``limit``): here cut at the quietest moment near the limit. ``final``: the buffer
        holds the whole window (or all that is left); else None asks for it."""
        if buffer.size <= limit:
            return Chunk(index, offset, buffer)
        cut = quietest_cut(buffer, limit - search, limit + search, self.window)
        return Chunk(index, offset, buffer[: min(max(cut, 1), buffer.size)])


def split_chunk(chunk: Chunk, window_seconds: float = WINDOW_SECONDS) -> tuple[Chunk, Chunk]:
    """Cut a chunk in two at the quietest point of its middle half (for a server that found
    it too long). Both halves keep their place in the whole."""
    n = chunk.samples.size
    window = max(4, int(window_seconds * SAMPLE_RATE))
    cut = quietest_cut(chunk.samples, n // 4, 3 * n // 4, window)
    cut = min(max(cut, 1), n - 1)
    return (Chunk(chunk.index, chunk.start, chunk.samples[:cut]),
            Chunk(chunk.index, chunk.start + cut, chunk.samples[cut:]))
