"""What the app's controller works with: the stores, the history, the recorder, the clipboard
and the start/stop sound. The app builds the real ones; tests pass their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_asr.recording.recorder import Recorder
from desktop_asr.stores.app_settings import AppSettingsStore
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.run_plan import Stores


@dataclass
class Services:
    """What the controller works with; tests pass their own."""

    stores: Stores
    history: HistoryStore | None
    settings: AppSettingsStore
    recorder: Recorder | None  # None: recording unavailable (recording_problem says why)
    recording_problem: str = ""
    clipboard: Callable[[str], None] | None = None  # default: the system clipboard
    play_cue: Callable[[str], None] | None = None  # a start/stop sound; None: silent
