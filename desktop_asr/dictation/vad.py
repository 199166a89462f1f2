"""Energy-based voice activity on 16 kHz mono int16 audio.

Every 20 ms frame gets a level in dBFS. The noise floor is a low percentile of the last
few seconds of levels, so it follows a fan turning on or off; until a second of audio has
been seen it is capped at a typical quiet-room level, so that a word spoken at the very
first sample still counts as speech. Speech starts when the level stays ``start_db`` above
the floor for ``min_speech_seconds`` (a click is too short), goes on while the level is
above the lower ``stop_db`` (hysteresis), and ends ``hangover_seconds`` after the last
loud frame. Levels below ``min_level_dbfs`` are never speech. Looking back at a whole
stretch (a phrase, a recording), a long loud stretch whose level hardly varies is steady
noise, not speech.

    vad = VoiceActivity()
    for event in vad.feed(block): ...        # VadEvent("start" | "end", sample index)
    start, end = trim(samples)                # speech with ~200 ms margins; (0, 0) if none
    is_silent(samples)                        # "nothing heard"
    stop = AutoStop(2.0); stop.feed(block)    # True once 2 s of silence followed speech
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from desktop_asr.engine.speech import frame_levels

Pcm = npt.NDArray[np.int16]

SAMPLE_RATE = 16000
DEFAULT_MARGIN_SECONDS = 0.2  # silence kept around speech so that no word is clipped


@dataclass(frozen=True)
class VadSettings:
    frame_seconds: float = 0.02
    start_db: float = 10.0  # above the floor: speech may start
    stop_db: float = 6.0  # above the floor: speech goes on (hysteresis)
    min_speech_seconds: float = 0.06  # shorter loud stretches (clicks) are not speech
    hangover_seconds: float = 0.2  # speech ends this long after the last loud frame
    min_level_dbfs: float = -65.0  # quieter frames are never speech
    floor_window_seconds: float = 5.0
    floor_percentile: float = 10.0
    warmup_seconds: float = 1.0  # until then the floor is at most initial_floor_dbfs
    initial_floor_dbfs: float = -50.0
    # Speech rises and falls; a loud stretch longer than steady_seconds whose level
    # varies less than min_modulation_db is a steady noise (a fan, a stream that woke up
    # from digital silence), not speech. Judged on whole stretches, not while streaming.
    steady_seconds: float = 0.5
    min_modulation_db: float = 6.0


@dataclass(frozen=True)
class VadEvent:
    kind: Literal["start", "end"]
    sample: int  # where speech starts, or ends (the end of its last loud frame)


class VoiceActivity:
    """Streaming detector: ``feed`` blocks of any size in order (from one thread)."""

    def __init__(self, sample_rate: int = SAMPLE_RATE,
                 settings: VadSettings | None = None) -> None:
        self.sample_rate = sample_rate
        self.settings = settings or VadSettings()
        s = self.settings
        self.frame = max(1, round(s.frame_seconds * sample_rate))
        self._min_frames = max(1, math.ceil(s.min_speech_seconds / s.frame_seconds - 1e-9))
        self._hangover_frames = max(0, round(s.hangover_seconds / s.frame_seconds))
        self._warmup_frames = max(1, round(s.warmup_seconds / s.frame_seconds))
        self._history: deque[float] = deque(
            maxlen=max(1, round(s.floor_window_seconds / s.frame_seconds)))
        self._seen = 0  # frames whose level went into the floor (primed ones too)
        self._pending = np.empty(0, dtype=np.int16)
        self._frames = 0  # frames analysed
        self._fed = 0  # samples fed
        self._floor = s.initial_floor_dbfs
        self._in_speech = False
        self._run_start: int | None = None  # frame where a loud run began (not yet speech)
        self._run_length = 0
        self._last_loud: int | None = None  # last loud frame of the current/last speech
        self.heard_speech = False

    # --- state ------------------------------------------------------------------------
    @property
    def position(self) -> int:
        """Samples fed so far."""
        return self._fed

    @property
    def analysed(self) -> int:
        """Samples analysed so far (whole frames)."""
        return self._frames * self.frame

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    @property
    def floor_dbfs(self) -> float:
        return self._floor

    @property
    def speech_end(self) -> int | None:
        """The end of the last loud frame of speech (None before any speech)."""
        return None if self._last_loud is None else (self._last_loud + 1) * self.frame

    @property
    def silence_seconds(self) -> float:
        """How long it has been quiet: since the last loud frame of speech, or since the
        start when nothing was heard yet (about 0 while speech goes on)."""
        end = self.speech_end or 0
        return max(0, self.analysed - end) / self.sample_rate

    # --- feeding ----------------------------------------------------------------------
    def prime(self, samples: Pcm) -> None:
        """Learn the noise floor from ``samples`` without judging them (offline use: the
        floor is then right from the first frame)."""
        for level in frame_levels(np.asarray(samples, dtype=np.int16).reshape(-1),
                                  self.frame):
            self._history.append(float(level))
            self._seen += 1
        self._update_floor()

    def feed(self, block: Pcm) -> list[VadEvent]:
        block = np.asarray(block, dtype=np.int16).reshape(-1)
        self._fed += block.size
        if self._pending.size:
            block = np.concatenate([self._pending, block])
        levels = frame_levels(block, self.frame)
        self._pending = block[levels.size * self.frame:].copy()
        events: list[VadEvent] = []
        for level in levels:
            self._frame(float(level), events)
        return events

    def flush(self) -> list[VadEvent]:
        """The end of the input: speech still going on ends at its last loud frame."""
        if not self._in_speech:
            self._run_start, self._run_length = None, 0
            return []
        self._in_speech = False
        end = self.speech_end
        assert end is not None
        return [VadEvent("end", end)]

    def has_speech(self, samples: Pcm) -> bool:
        """Whether ``samples`` hold speech judged against the current noise floor (used to
        check a phrase again once the floor has settled)."""
        levels = frame_levels(np.asarray(samples, dtype=np.int16).reshape(-1), self.frame)
        threshold = max(self._floor + self.settings.start_db, self.settings.min_level_dbfs)
        loud = levels >= threshold
        if longest_run(loud) < self._min_frames:
            return False
        where = np.flatnonzero(loud)
        return not self.is_steady(levels[where[0]:where[-1] + 1])

    def is_steady(self, levels: npt.NDArray[np.float64]) -> bool:
        """Whether frame ``levels`` of a loud stretch are too long and even for speech."""
        s = self.settings
        if levels.size * s.frame_seconds < s.steady_seconds:
            return False
        low, high = np.percentile(levels, [10.0, 90.0])
        return bool(high - low < s.min_modulation_db)

    # --- one frame ----------------------------------------------------------------------
    def _frame(self, level: float, events: list[VadEvent]) -> None:
        s = self.settings
        index = self._frames
        start = max(self._floor + s.start_db, s.min_level_dbfs)
        keep = max(self._floor + s.stop_db, s.min_level_dbfs)
        if self._in_speech:
            if level >= keep:
                self._last_loud = index
            elif self._last_loud is not None and index - self._last_loud >= self._hangover_frames:
                self._in_speech = False
                events.append(VadEvent("end", (self._last_loud + 1) * self.frame))
        elif level >= start:
            if self._run_start is None:
                self._run_start, self._run_length = index, 0
            self._run_length += 1
            if self._run_length >= self._min_frames:
                self._in_speech = True
                self.heard_speech = True
                self._last_loud = index
                events.append(VadEvent("start", self._run_start * self.frame))
                self._run_start, self._run_length = None, 0
        else:
            self._run_start, self._run_length = None, 0
        self._history.append(level)
        self._seen += 1
        self._frames += 1
        self._update_floor()

    def _update_floor(self) -> None:
        s = self.settings
        if not self._history:
            self._floor = s.initial_floor_dbfs
            return
        floor = float(np.percentile(np.fromiter(self._history, dtype=np.float64),
                                    s.floor_percentile))
        if self._seen < self._warmup_frames:
            floor = min(floor, s.initial_floor_dbfs)
        self._floor = floor


def longest_run(mask: npt.NDArray[np.bool_]) -> int:
    """The length of the longest stretch of True in ``mask``."""
    if not mask.any():
        return 0
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int((ends - starts).max())


# --- whole recordings ----------------------------------------------------------------------
def speech_segments(samples: Pcm, sample_rate: int = SAMPLE_RATE,
                    settings: VadSettings | None = None) -> list[tuple[int, int]]:
    """(start, end) sample ranges of speech in a whole recording, without margins."""
    samples = np.asarray(samples, dtype=np.int16).reshape(-1)
    vad = VoiceActivity(sample_rate, settings)
    vad.prime(samples[: round(vad.settings.floor_window_seconds * sample_rate)])
    events = vad.feed(samples) + vad.flush()
    levels = frame_levels(samples, vad.frame)
    return [(start, end) for start, end in _pairs(events, samples.size)
            if not vad.is_steady(levels[start // vad.frame:max(start + 1, end) // vad.frame])]


def _pairs(events: Sequence[VadEvent], length: int) -> list[tuple[int, int]]:
    segments: list[tuple[int, int]] = []
    start: int | None = None
    for event in events:
        if event.kind == "start":
            start = event.sample
        elif start is not None:
            segments.append((start, min(event.sample, length)))
            start = None
    if start is not None:
        segments.append((start, length))
    return segments


def trim(samples: Pcm, sample_rate: int = SAMPLE_RATE, *,
         margin_seconds: float = DEFAULT_MARGIN_SECONDS,
         settings: VadSettings | None = None) -> tuple[int, int]:
    """The (start, end) sample range to keep: from the first speech to the last, with
    ``margin_seconds`` of what surrounds it on each side. (0, 0) when there is no speech."""
    segments = speech_segments(samples, sample_rate, settings)
    if not segments:
        return 0, 0
    margin = round(margin_seconds * sample_rate)
    return max(0, segments[0][0] - margin), min(len(samples), segments[-1][1] + margin)


def is_silent(samples: Pcm, sample_rate: int = SAMPLE_RATE,
              settings: VadSettings | None = None) -> bool:
    """True when a recording holds no speech at all ("nothing heard")."""
    return not speech_segments(samples, sample_rate, settings)


class AutoStop:
    """Stop a recording after ``silence_seconds`` of silence that follows speech (and,
    when ``idle_seconds`` is given, after that long with no speech at all).

    Either ``feed`` it the blocks (it runs its own detector), or share a detector that is
    fed elsewhere and ask ``check(vad)``."""

    def __init__(self, silence_seconds: float, *, idle_seconds: float | None = None,
                 sample_rate: int = SAMPLE_RATE, settings: VadSettings | None = None) -> None:
        if silence_seconds <= 0:
            raise ValueError("silence_seconds must be positive")
        self.silence_seconds = silence_seconds
        self.idle_seconds = idle_seconds
        self.vad = VoiceActivity(sample_rate, settings)
        self.triggered = False

    def feed(self, block: Pcm) -> bool:
        self.vad.feed(block)
        return self.check(self.vad)

    def check(self, vad: VoiceActivity) -> bool:
        """True (and from then on) once the recording should stop."""
        if not self.triggered:
            if vad.heard_speech:
                self.triggered = not vad.in_speech and vad.silence_seconds >= self.silence_seconds
            elif self.idle_seconds is not None:
                self.triggered = vad.silence_seconds >= self.idle_seconds
        return self.triggered
