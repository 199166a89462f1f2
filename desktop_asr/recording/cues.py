"""Short sounds that tell a recording started or stopped (played through PortAudio, the
same library that records; no sound file to ship)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from desktop_asr.recording.devices import RecordingError, import_sounddevice

RATE = 44100
START, STOP = "start", "stop"


def cue(kind: str, rate: int = RATE) -> npt.NDArray[np.float32]:
    """A soft two-note chime: rising for start, falling for stop (~0.2 s, quiet)."""
    notes = (660.0, 880.0) if kind == START else (880.0, 660.0)
    length = round(0.09 * rate)
    t = np.arange(length) / rate
    envelope = np.sin(np.pi * np.arange(length) / length) ** 2  # no clicks
    parts = [0.15 * envelope * np.sin(2 * np.pi * f * t) for f in notes]
    return np.concatenate(parts).astype(np.float32)


def play_cue(kind: str, sd: Any = None) -> None:
    """Start playing the cue and return at once. RecordingError in words when there is no
    way to play sound."""
    try:
        module = sd if sd is not None else import_sounddevice()
        module.play(cue(kind), RATE, blocking=False)
    except RecordingError:
        raise
    except Exception as exc:  # PortAudio errors: no output device, device busy...
        raise RecordingError(f"The sound could not be played: {exc}.",
                             details=repr(exc)) from exc
