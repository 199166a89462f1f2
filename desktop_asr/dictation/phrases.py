"""Cut a recording into phrases while it is being made.

A phrase ends at a pause of at least ``pause_seconds`` after speech, or is cut at the
quietest moment once it reaches ``max_phrase_seconds``. Each phrase keeps
``margin_seconds`` of what surrounds its speech (so no word is clipped) and never overlaps
the one before; a phrase that, judged against the settled noise floor, holds no speech
(noise that looked loud before the floor was learnt) is dropped.

    cutter = PhraseCutter()
    for phrase in cutter.feed(block): send(phrase.padded())
    last = cutter.finish()                  # the rest, or None when nothing was said
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from desktop_asr.dictation.vad import (
    DEFAULT_MARGIN_SECONDS,
    SAMPLE_RATE,
    Pcm,
    VadEvent,
    VadSettings,
    VoiceActivity,
)
from desktop_asr.engine.chunking import MIN_INPUT_SECONDS, WINDOW_SECONDS, quietest_cut


@dataclass(frozen=True)
class PhraseSettings:
    pause_seconds: float = 0.5  # a pause this long after speech ends a phrase
    max_phrase_seconds: float = 20.0  # a longer phrase is cut at its quietest moment
    margin_seconds: float = DEFAULT_MARGIN_SECONDS
    min_seconds: float = MIN_INPUT_SECONDS  # shorter phrases are zero-padded when sent

    def __post_init__(self) -> None:
        if self.pause_seconds <= 0 or self.max_phrase_seconds <= 2 * self.pause_seconds:
            raise ValueError("pause_seconds must be positive and well below "
                             "max_phrase_seconds")


@dataclass(frozen=True)
class Phrase:
    """A stretch of the recording: samples ``start`` to ``end`` (absolute positions)."""

    index: int
    start: int
    end: int
    samples: Pcm
    forced: bool = False  # cut at the length limit rather than at a pause
    sample_rate: int = SAMPLE_RATE

    @property
    def start_seconds(self) -> float:
        return self.start / self.sample_rate

    @property
    def end_seconds(self) -> float:
        return self.end / self.sample_rate

    @property
    def duration(self) -> float:
        return self.samples.size / self.sample_rate

    def padded(self, min_seconds: float = MIN_INPUT_SECONDS) -> Pcm:
        """The samples, zero-padded at the end to ``min_seconds`` (the model's minimum)."""
        return pad(self.samples, round(min_seconds * self.sample_rate))


def pad(samples: Pcm, minimum: int) -> Pcm:
    if samples.size >= minimum:
        return samples
    return np.pad(samples, (0, minimum - samples.size))


class SampleBuffer:
    """The recent part of a recording, addressed by absolute sample positions."""

    def __init__(self) -> None:
        self._blocks: deque[Pcm] = deque()
        self.start = 0  # absolute position of the first sample held
        self.end = 0  # samples appended in all

    def append(self, block: Pcm) -> None:
        if block.size:
            self._blocks.append(block)
            self.end += block.size

    def slice(self, start: int, end: int) -> Pcm:
        """Samples ``start`` to ``end``; ValueError if some were discarded already."""
        if start < self.start or end > self.end or start > end:
            raise ValueError(f"samples {start}-{end} are not held ({self.start}-{self.end})")
        out: list[Pcm] = []
        position = self.start
        for block in self._blocks:
            block_end = position + block.size
            if block_end > start and position < end:
                out.append(block[max(0, start - position):min(block.size, end - position)])
            if block_end >= end:
                break
            position = block_end
        return np.concatenate(out) if out else np.empty(0, dtype=np.int16)

    def discard_before(self, position: int) -> None:
        """Forget whole blocks that end at or before ``position``."""
        while self._blocks and self.start + self._blocks[0].size <= position:
            self.start += self._blocks.popleft().size


class PhraseCutter:
    """Fed with the recording's blocks in order (one thread); returns finished phrases."""

    def __init__(self, settings: PhraseSettings | None = None, *,
                 sample_rate: int = SAMPLE_RATE,
                 vad_settings: VadSettings | None = None) -> None:
        self.settings = settings or PhraseSettings()
        self.sample_rate = sample_rate
        self.vad = VoiceActivity(sample_rate, vad_settings)
        self.buffer = SampleBuffer()
        self._pause = round(self.settings.pause_seconds * sample_rate)
        self._margin = round(self.settings.margin_seconds * sample_rate)
        self._max = round(self.settings.max_phrase_seconds * sample_rate)
        self._bound = 0  # the end of the last phrase: the next one starts no earlier
        self._open_start: int | None = None  # first speech of the phrase being spoken
        self._open_end: int | None = None  # end of its last speech (None while speaking)
        self._index = 0
        self.dropped = 0  # phrases dropped as silent on a second look

    @property
    def position(self) -> int:
        return self.buffer.end

    @property
    def needed_from(self) -> int:
        """The earliest sample a phrase still to come may hold."""
        if self._open_start is not None:
            return max(self._bound, self._open_start - self._margin)
        lookback = self._margin + self.sample_rate  # a speech start is dated back a little
        return max(self._bound, self.vad.analysed - lookback)

    def feed(self, block: Pcm) -> list[Phrase]:
        block = np.asarray(block, dtype=np.int16).reshape(-1)
        self.buffer.append(block)
        phrases = self._events(self.vad.feed(block))
        open_start = self._open_start
        if open_start is None:
            return phrases
        if (self._open_end is not None and not self.vad.in_speech
                and self.vad.analysed - self._open_end >= self._pause):
            phrases += self._cut(open_start, self._open_end)
        elif self.position - max(self._bound, open_start - self._margin) >= self._max:
            phrases += self._force_cut(open_start)
        return phrases

    def finish(self) -> Phrase | None:
        """The last phrase (speech still going on included), or None."""
        phrases = self._events(self.vad.flush())
        if self._open_start is not None:
            phrases += self._cut(self._open_start, self._open_end or self.position)
        return phrases[-1] if phrases else None

    def discard_before(self, position: int) -> None:
        """Free the audio before ``position`` (never what a phrase to come needs)."""
        self.buffer.discard_before(min(position, self.needed_from))

    def audio_from(self, position: int) -> Pcm:
        """The recording from ``position`` to now (as far as it is still held)."""
        return self.buffer.slice(max(position, self.buffer.start), self.position)

    # --- cutting ----------------------------------------------------------------------
    def _events(self, events: list[VadEvent]) -> list[Phrase]:
        phrases: list[Phrase] = []
        for event in events:
            if event.kind == "end":
                self._open_end = event.sample
                continue
            if self._open_start is None:
                self._open_start = event.sample
            elif self._open_end is not None and event.sample - self._open_end >= self._pause:
                phrases += self._cut(self._open_start, self._open_end)
                self._open_start = event.sample
            self._open_end = None
        return phrases

    def _cut(self, speech_start: int, speech_end: int) -> list[Phrase]:
        self._open_start = self._open_end = None
        return self._make(speech_start - self._margin, speech_end + self._margin, forced=False)

    def _force_cut(self, speech_start: int) -> list[Phrase]:
        start = max(self._bound, speech_start - self._margin)
        end = self.position
        window = round(WINDOW_SECONDS * self.sample_rate)
        lo = start + self._max // 2
        cut = quietest_cut(self.buffer.slice(start, end), lo - start, end - start, window)
        cut += start
        phrases = self._make(start, cut, forced=True)
        if self.vad.in_speech or (self._open_end is not None and self._open_end > cut):
            self._open_start = cut  # the phrase goes on after the cut
        else:
            self._open_start = self._open_end = None
        return phrases

    def _make(self, start: int, end: int, *, forced: bool) -> list[Phrase]:
        start = max(start, self._bound, self.buffer.start)
        end = min(end, self.position)
        if end <= start:
            return []
        self._bound = end
        samples = self.buffer.slice(start, end)
        if not self.vad.has_speech(samples):
            self.dropped += 1
            return []
        phrase = Phrase(self._index, start, end, samples, forced, self.sample_rate)
        self._index += 1
        return [phrase]
