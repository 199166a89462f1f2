"""The app's start after an unexpected exit (desktop_asr/ui/desktop.py): a recording the
killed run left unfinished is repaired, said once, transcribed into the history as
recovered, and neither pasted nor copied anywhere. (End to end, with a real kill -9 of the
real app: tests/e2e/test_recovery.py.)"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from desktop_asr.recording.wavfile import WavWriter
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.ui.desktop import DesktopApp
from desktop_asr.ui.services import Services
from tests import dtmf


def killed_mid_recording(history, text: str) -> tuple[int, object]:
    """What a run killed while recording leaves: the entry, and a WAV whose header
    stopped short of its audio."""
    path = history.new_recording_path(".wav")
    entry_id = history.add_recording("Recording 2025-03-14 09:26:53", "home", path)
    samples = (np.clip(dtmf.synthesize(text), -1, 1) * 32767).astype(np.int16)
    writer = WavWriter(path, 16000)
    writer.write(samples[:8000])
    writer.close()
    with open(path, "ab") as f:
        f.write(samples[8000:].astype("<i2").tobytes())
    return entry_id, path


def test_a_recording_left_by_a_crash_comes_back_into_the_history_only(
        qtbot, stores, history, tmp_path, refserver):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    entry_id, path = killed_mid_recording(history, "*123 456")
    settings = AppSettingsStore(tmp_path / "settings.json")
    settings.save(AppSettings(auto_copy=True))
    clipboard: list[str] = []
    services = Services(stores=stores, history=history, settings=settings, recorder=None,
                        recording_problem="Recording is unavailable here.",
                        clipboard=clipboard.append)
    desktop = DesktopApp(QApplication.instance(), services)
    qtbot.addWidget(desktop.window)
    delivered: list[str] = []
    desktop.dictation.delivered.connect(delivered.append)
    handled: list[object] = []
    desktop.controller.itemFinished.connect(handled.append)
    try:
        desktop.start()
        assert desktop.window.banner.message.text() == (
            "1 recording recovered after an unexpected exit; its text will be in the "
            "history.")
        qtbot.waitUntil(lambda: history.get(entry_id).status == "done", timeout=20000)
        entry = history.get(entry_id)
        assert (entry.text, entry.recovered, entry.audio_path) == ("一二三 456", True, path)
        qtbot.waitUntil(lambda: len(handled) == 1)  # the controller heard it finish
        assert clipboard == []  # not copied over whatever the user copied since
        assert delivered == []  # and never pasted
        assert desktop.window.history_panel is not None
        qtbot.waitUntil(lambda: desktop.window.history_panel.entry_ids() == [entry_id])
        assert desktop.recover() == 0  # said once: nothing more to recover
    finally:
        desktop.tray.hide()
        desktop.close()
