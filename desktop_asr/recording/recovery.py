"""Recordings an earlier run never finished (the app was killed, the power went), found and
repaired at the next start so that they can be transcribed like any other recording.

Every recording has a history entry from its first second (status ``recording``, with its
file); a run that ends normally turns it into pending, done, cancelled or deletes it. At
start, `recover_recordings` takes the entries still marked ``recording``, repairs their
WAV files (`repair_wav`: the sizes in the header made to match what reached the disk)
and marks them recovered and pending: the app then transcribes them like any pending
entry, into the history only (never pasted anywhere). WAV files in the audio folder that
no entry knows (left by a version without those entries) are taken in the same way.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_asr.errors import AsrError
from desktop_asr.recording.devices import RecordingError
from desktop_asr.recording.wavfile import repair_wav
from desktop_asr.stores.history.store import HistoryStore

log = logging.getLogger(__name__)

WAV_HEADER_BYTES = 44  # a file shorter than this never got its header: nothing in it


@dataclass(frozen=True)
class Recovered:
    """One recording of an earlier run: ``problem`` is "" when it was repaired (its entry
    now waits for its transcript), else why it could not be (its entry failed)."""

    entry_id: int
    path: Path
    duration: float | None
    problem: str = ""


def default_label(moment: datetime) -> str:
    return f"Recording {moment:%Y-%m-%d %H:%M:%S}"


def recover_recordings(history: HistoryStore,
                       label: Callable[[datetime], str] = default_label) -> list[Recovered]:
    """Repair and mark recovered every recording an earlier run left unfinished; returns
    what was found (nothing when every recording ended normally). Recordings that hold no
    audio at all are deleted with their entries: there is nothing to recover. ``label``
    names an entry made for an unknown file from the file's time."""
    found: list[Recovered] = []
    for entry in history.unfinished_recordings():
        result = _recover_entry(history, entry.id, entry.audio_path)
        if result is not None:
            found.append(result)
    found.extend(_adopt_orphans(history, label))
    return found


def _recover_entry(history: HistoryStore, entry_id: int,
                   path: Path | None) -> Recovered | None:
    if path is None or not path.is_file():
        problem = ("The recording was interrupted by an unexpected exit and its audio "
                   f"file {path} is gone.")
        history.mark_recovered(entry_id, None, problem)
        return Recovered(entry_id, path or Path(), None, problem)
    if path.stat().st_size <= WAV_HEADER_BYTES:
        history.delete(entry_id)  # the file too: nothing was recorded
        return None
    try:
        duration = repair_wav(path)
    except RecordingError as exc:
        problem = f"The recording was interrupted by an unexpected exit and cannot be " \
                  f"recovered: {exc}"
        history.mark_recovered(entry_id, None, problem)
        return Recovered(entry_id, path, None, problem)
    if duration <= 0:
        history.delete(entry_id)
        return None
    history.mark_recovered(entry_id, duration)
    return Recovered(entry_id, path, duration)


def _adopt_orphans(history: HistoryStore,
                   label: Callable[[datetime], str]) -> list[Recovered]:
    """WAV files in the audio folder that no entry keeps: repaired and given an entry."""
    folder = history.audio_dir
    if not folder.is_dir():
        return []
    known = {p.absolute() for p in history.audio_paths()}
    found = []
    for path in sorted(folder.glob("*.wav")):
        if path.absolute() in known or not path.is_file():
            continue
        if path.stat().st_size <= WAV_HEADER_BYTES:
            with contextlib.suppress(OSError):
                path.unlink()  # created for a recording that never wrote a block
            continue
        try:
            duration = repair_wav(path)
        except RecordingError as exc:
            log.warning("left alone in the audio folder: %s", exc)
            continue
        if duration <= 0:
            continue
        moment = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        try:
            entry_id = history.add_recovered(label(moment), path, duration)
        except AsrError as exc:
            log.warning("%s", exc)
            continue
        found.append(Recovered(entry_id, path, duration))
    return found
