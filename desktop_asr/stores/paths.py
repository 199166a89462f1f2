"""Where desktop-asr keeps its files: platformdirs' per-user folders (XDG_CONFIG_HOME and
XDG_DATA_HOME are honoured on Linux). Stores take a path argument so tests and callers can
put them elsewhere; these are only the defaults."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import platformdirs

APP_NAME = "desktop-asr"


def config_dir() -> Path:
    """Profiles and vocabulary lists (small, human-readable files)."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """The history database and kept recordings."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def new_recording_file() -> Path:
    """A path for a new recording in the data folder's recordings/ (used when there is no
    history to keep it)."""
    folder = data_dir() / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / datetime.now().strftime("recording-%Y%m%d-%H%M%S.wav")
