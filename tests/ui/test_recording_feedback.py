"""Feedback while recording: the always-on-top indicator (never taking the focus) and the
start/stop sounds, both as the settings say."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.ui.controller import AppController, Services
from desktop_asr.ui.widgets.recording_indicator import RecordingIndicator
from tests.ui.test_controller import StandInRecorder


def make(stores, history, tmp_path, settings: AppSettings):
    store = AppSettingsStore(tmp_path / "settings.json")
    store.save(settings)
    speech = tmp_path / "speech.wav"
    speech.write_bytes(b"")
    cues: list[str] = []
    services = Services(stores=stores, history=history, settings=store,
                        recorder=StandInRecorder(speech), clipboard=lambda t: None,
                        play_cue=cues.append)
    return AppController(services), cues


def test_sounds_play_at_start_and_stop_only_when_chosen(stores, history, tmp_path, qtbot):
    controller, cues = make(stores, history, tmp_path, AppSettings(play_sounds=True))
    controller.toggle_file_recording()
    controller.toggle_file_recording()  # stop: the file goes to the queue
    assert cues == ["start", "stop"]
    controller.shutdown()
    quiet, silent = make(stores, history, tmp_path, AppSettings(play_sounds=False))
    quiet.toggle_file_recording()
    quiet.cancel_recording()
    assert silent == []
    quiet.shutdown()


def test_the_indicator_stays_on_top_without_taking_the_focus(qtbot):
    indicator = RecordingIndicator()
    qtbot.addWidget(indicator)
    flags = indicator.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus
    assert indicator.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    indicator.show_recording()
    assert indicator.isVisible()
    indicator.set_elapsed(75)
    assert indicator.elapsed.text() == "1:15"
    indicator.meter.set_level(0.1, 0.2)
    assert indicator.meter.level() > 0
