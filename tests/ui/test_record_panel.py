"""The record panel: the device choice reaches the settings and the next recording; the
button follows the state; without recording it says why."""

from __future__ import annotations

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.ui.controller import AppController, Services
from desktop_asr.ui.widgets.record_panel import RecordPanel, format_elapsed
from tests.ui.test_controller import StandInRecorder


def make(stores, history, tmp_path, recorder, problem="", settings=None):
    store = AppSettingsStore(tmp_path / "settings.json")
    store.save(settings or AppSettings())
    services = Services(stores=stores, history=history, settings=store, recorder=recorder,
                        recording_problem=problem, clipboard=lambda text: None)
    return AppController(services), store


def test_choosing_a_device_saves_it_and_the_next_recording_uses_it(stores, history,
                                                                   tmp_path, qtbot):
    speech = tmp_path / "speech.wav"
    speech.write_bytes(b"")
    recorder = StandInRecorder(speech)
    controller, store = make(stores, history, tmp_path, recorder,
                             settings=AppSettings(input_device="Gone Mic"))
    panel = RecordPanel(controller, devices=lambda: [("USB Mic", False), ("Built-in", True)])
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.device_box.count() == 4)
    texts = [panel.device_box.itemText(i) for i in range(panel.device_box.count())]
    assert texts == ["System default", "USB Mic", "Built-in", "Gone Mic (not connected)"]
    assert panel.device_box.currentText() == "Gone Mic (not connected)"

    panel.device_box.activated.emit(1)
    assert store.load().input_device == "USB Mic"
    assert panel.button.text() == "●  Record and transcribe here"
    panel.button.click()
    assert recorder.devices == ["USB Mic"]
    assert panel.button.text() == "■  Stop and transcribe"
    assert not panel.device_box.isEnabled()
    controller.cancel_recording()
    panel.device_box.activated.emit(0)
    assert store.load().input_device is None
    controller.shutdown()


def test_without_recording_the_panel_says_why(stores, history, tmp_path, qtbot):
    problem = "Recording is unavailable: no microphone or other input device was found."
    controller, _ = make(stores, history, tmp_path, None, problem=problem)
    panel = RecordPanel(controller, devices=lambda: [])
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.button.isEnabled()
    assert panel.problem.text() == problem
    assert panel.problem.isVisible()
    assert not panel.device_box.isVisible()
    controller.shutdown()


def test_elapsed_time_format():
    assert format_elapsed(0) == "0:00"
    assert format_elapsed(61.9) == "1:01"
    assert format_elapsed(3725) == "1:02:05"
