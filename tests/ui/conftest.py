"""Widget tests run headless unless the caller chose a platform (e.g. xcb under Xvfb).
Fixtures for the app's stores under tmp_path and its transcription queue."""

import os
import socket
from pathlib import Path

import pytest
from keyring.backends import fail

from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.run_plan import Stores, plan_run
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.system.autostart import Autostart
from desktop_asr.ui.transcription_queue import TranscriptionQueue

# Must happen before pytest-qt creates the QApplication (at the first qapp/qtbot use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def stores(tmp_path: Path) -> Stores:
    return Stores(ProfileStore(tmp_path / "profiles.json"), SecretStore(backend=fail.Keyring()),
                  VocabularyStore(tmp_path / "vocabulary.json"))


@pytest.fixture
def history(tmp_path: Path):
    store = HistoryStore(tmp_path / "history.sqlite3")
    yield store
    store.close()


@pytest.fixture
def make_queue(stores, history, qtbot):
    made = []

    def make(**kwargs) -> TranscriptionQueue:
        queue = TranscriptionQueue(lambda name: plan_run(stores, profile_name=name), history,
                                   **kwargs)
        made.append(queue)
        return queue

    yield make
    for queue in made:
        queue.shutdown()


@pytest.fixture
def autostart(tmp_path):
    return Autostart(platform="linux", environ={"XDG_CONFIG_HOME": str(tmp_path / "config")},
                     command=["/opt/desktop-asr/bin/desktop-asr"])


@pytest.fixture
def settings_path(tmp_path):
    return tmp_path / "config" / "desktop-asr" / "settings.json"
