"""Test audio with known word times, and how well subtitles fit it.

`generate` makes DTMF "speech" (see dtmf.py) like real talk: words of irregular length
spoken at an irregular rate, about one in four followed by a pause of 1-8 s, some by a
shorter pause, the rest by the short gap between words; over a faint noise floor. Each
word's start and end (first tone on, last tone off) is recorded while generating.

`score` matches cues (from SRT, VTT or JSON) to those words in order, character by
character, and measures how far each cue's start and end lie from the start of its first
word and the end of its last.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass

import numpy as np

from tests import dtmf
from tests.refserver.recognise import render_word

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class TimedWord:
    symbols: str  # the DTMF word
    text: str  # what the server writes for it
    start: float
    end: float


@dataclass(frozen=True)
class TimedSpeech:
    samples: np.ndarray  # int16
    words: tuple[TimedWord, ...]
    language: str  # "English" or "Chinese"

    @property
    def seconds(self) -> float:
        return self.samples.size / SAMPLE_RATE


def generate(seconds: float, language: str = "English", seed: int = 1, *,
             noise: float = 0.002, quietest: float = 0.2) -> TimedSpeech:
    """``noise``: the standard deviation of the white noise floor (0.002: about -54 dBFS);
    words are spoken at amplitudes from ``quietest`` to 0.5."""
    rng = np.random.default_rng(seed)
    parts: list[np.ndarray] = [np.zeros(int(0.8 * SAMPLE_RATE), dtype=np.float32)]
    t = parts[0].size / SAMPLE_RATE
    words: list[TimedWord] = []
    while t < seconds - 10:
        digits = "".join(rng.choice(list("0123456789"), size=int(rng.integers(1, 5))))
        symbols = ("*" + digits) if language == "Chinese" else digits
        tone_ms = float(rng.uniform(70, 140))  # the speaking rate varies word to word
        gap_ms = float(rng.uniform(35, 70))
        audio = dtmf.synthesize(symbols, SAMPLE_RATE, tone_ms=tone_ms, gap_ms=gap_ms,
                                lead_ms=0, tail_ms=0, amplitude=float(rng.uniform(quietest, 0.5)))
        words.append(TimedWord(symbols, render_word(symbols, [], None).text, round(t, 4),
                               round(t + audio.size / SAMPLE_RATE, 4)))
        parts.append(audio)
        t += audio.size / SAMPLE_RATE
        roll = rng.random()
        if roll < 0.25:
            pause = rng.uniform(1.0, 8.0)
        elif roll < 0.35:
            pause = rng.uniform(0.45, 0.9)
        else:
            pause = rng.uniform(0.27, 0.33)
        gap = np.zeros(int(pause * SAMPLE_RATE), dtype=np.float32)
        parts.append(gap)
        t += gap.size / SAMPLE_RATE
    rest = int(seconds * SAMPLE_RATE) - sum(p.size for p in parts)
    parts.append(np.zeros(max(0, rest), dtype=np.float32))
    signal = np.concatenate(parts)
    signal += rng.normal(0.0, noise, signal.size).astype(np.float32)
    samples = (np.clip(signal, -1, 1) * 32767).astype(np.int16)
    return TimedSpeech(samples, tuple(words), language)


# --- reading subtitles -----------------------------------------------------------------------
@dataclass(frozen=True)
class TimedText:
    start: float
    end: float
    text: str


_TIME = r"(\d+):(\d\d):(\d\d)[,.](\d{3})"
_CUE_TIMES = re.compile(_TIME + r"\s*-->\s*" + _TIME)


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def read_cues(data: str, fmt: str) -> list[TimedText]:
    """Cues of an SRT or VTT file, or the segments of a JSON export."""
    if fmt == "json":
        return [TimedText(s["start"], s["end"], s["text"])
                for s in json.loads(data)["segments"]]
    cues = []
    for block in re.split(r"\n\s*\n", data.strip()):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            found = _CUE_TIMES.search(line)
            if found:
                g = found.groups()
                cues.append(TimedText(_seconds(*g[:4]), _seconds(*g[4:]),
                                      "\n".join(lines[i + 1:])))
                break
    return cues


# --- matching --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fit:
    start_errors: list[float]
    end_errors: list[float]
    longest_cue: float
    words_in_order: bool
    widest_line: int
    cues: int

    def percentile(self, values: list[float], q: float) -> float:
        return float(np.percentile(values, q)) if values else float("inf")

    @property
    def start_median(self) -> float:
        return statistics.median(self.start_errors) if self.start_errors else float("inf")

    @property
    def start_p90(self) -> float:
        return self.percentile(self.start_errors, 90)

    @property
    def end_median(self) -> float:
        return statistics.median(self.end_errors) if self.end_errors else float("inf")

    def meets_targets(self) -> bool:
        return (self.words_in_order and self.start_median <= 0.25 and self.start_p90 <= 0.6
                and self.end_median <= 0.35 and self.longest_cue <= 8.0)

    def line(self) -> str:
        return (f"start error median {self.start_median:5.2f} s, p90 {self.start_p90:5.2f} s;"
                f" end error median {self.end_median:5.2f} s; longest cue "
                f"{self.longest_cue:5.1f} s; {self.cues} cues; words "
                f"{'all present, in order' if self.words_in_order else 'MISSING OR OUT OF ORDER'}")


def _chars(text: str) -> str:
    return re.sub(r"\s+", "", text)


def score(cues: list[TimedText], words: tuple[TimedWord, ...]) -> Fit:
    """Match the cues' characters to the words' in order (whitespace ignored)."""
    owner: list[int] = []
    for i, word in enumerate(words):
        owner += [i] * len(_chars(word.text))
    spoken = "".join(_chars(w.text) for w in words)
    written = "".join(_chars(c.text) for c in cues)
    in_order = written == spoken
    starts, ends = [], []
    position = 0
    for cue in cues:
        n = len(_chars(cue.text))
        if n == 0:
            continue
        if position + n > len(owner):
            break
        first, last = words[owner[position]], words[owner[position + n - 1]]
        starts.append(abs(cue.start - first.start))
        ends.append(abs(cue.end - last.end))
        position += n
    widest = max((len(line) for c in cues for line in c.text.splitlines()), default=0)
    longest = max((c.end - c.start for c in cues), default=0.0)
    return Fit(starts, ends, longest, in_order, widest, len(cues))
