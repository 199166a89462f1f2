"""The settings dialog (desktop_asr/ui/dialogs/settings_dialog.py): every field reaches the
settings file (read back with a fresh AppSettingsStore), retention reaches the history
database, start at login writes the real XDG autostart entry under tmp_path."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from desktop_asr.errors import InputError
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.history.entry import Retention
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.system.autostart import Autostart
from desktop_asr.text.transcript import Transcript
from desktop_asr.ui.dialogs.settings_dialog import SettingsDialog

DEVICES = [("Built-in Audio", True), ("USB Microphone", False)]


@pytest.fixture
def history(tmp_path):
    store = HistoryStore(tmp_path / "data" / "history.sqlite3")
    yield store
    store.close()


def open_dialog(qtbot, settings_path, history, autostart, devices=lambda: DEVICES,
                **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(AppSettingsStore(settings_path), history, devices, autostart,
                            **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_for_devices(qtbot, dialog: SettingsDialog) -> None:
    qtbot.waitUntil(lambda: dialog.devices_task is not None and dialog.devices_task.done
                    and dialog.device_combo.isEnabled(), timeout=5000)


def combo_texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_every_field_is_saved_and_retention_reaches_the_history(qtbot, tmp_path, settings_path,
                                                                history, autostart):
    folder = tmp_path / "transcripts"
    dialog = open_dialog(qtbot, settings_path, history, autostart,
                         choose_folder=lambda parent, current: str(folder))
    wait_for_devices(qtbot, dialog)
    assert combo_texts(dialog.device_combo) == [
        "System default", "Built-in Audio (the system default)", "USB Microphone"]
    dialog.device_combo.setCurrentIndex(2)
    dialog.auto_copy_check.setChecked(False)
    dialog.auto_save_check.setChecked(True)
    dialog.auto_save_button.click()
    dialog.auto_save_format.setCurrentIndex(dialog.auto_save_format.findData("srt"))
    dialog.retention_days.setChecked(True)
    dialog.retention_days_spin.setValue(14)
    dialog.start_at_login_check.setChecked(True)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))
    dialog.notify_check.setChecked(False)
    dialog.recent_spin.setValue(9)
    with qtbot.waitSignal(dialog.settingsChanged, timeout=1000) as changed:
        dialog.ok_button.click()
    expected = AppSettings(input_device="USB Microphone", auto_copy=False,
                           auto_save_dir=str(folder), auto_save_format="srt",
                           start_at_login=True, interface_language="zh_CN",
                           notify_when_hidden=False, recent_count=9)
    assert changed.args == [expected]
    assert AppSettingsStore(settings_path).load() == expected
    with HistoryStore(history.path) as fresh:
        assert fresh.get_retention() == Retention(14)
    entry = tmp_path / "config" / "autostart" / "desktop-asr.desktop"
    assert "Exec=/opt/desktop-asr/bin/desktop-asr\n" in entry.read_text()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_saved_settings_are_shown_and_saved_back_unchanged(qtbot, settings_path, history,
                                                           autostart):
    saved = AppSettings(input_device="USB Microphone", auto_copy=False, auto_save_dir="/tmp/t",
                        auto_save_format="vtt", interface_language="en",
                        notify_when_hidden=False, recent_count=0)
    AppSettingsStore(settings_path).save(saved)
    history.set_retention(Retention.NONE)
    before = settings_path.read_text()
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    wait_for_devices(qtbot, dialog)
    assert dialog.device_combo.currentText() == "USB Microphone"
    assert not dialog.auto_copy_check.isChecked()
    assert dialog.auto_save_edit.text() == "/tmp/t"
    assert dialog.auto_save_format.currentData() == "vtt"
    assert dialog.retention_none.isChecked()
    assert dialog.language_combo.currentText() == "English"
    assert dialog.recent_spin.value() == 0
    dialog.ok_button.click()
    assert settings_path.read_text() == before
    assert history.get_retention() == Retention.NONE


@pytest.mark.parametrize(("radio", "expected"), [("retention_all", Retention.ALL),
                                                 ("retention_none", Retention.NONE)])
def test_keep_all_and_keep_none_reach_the_history(qtbot, settings_path, history, autostart,
                                                  radio, expected):
    history.set_retention(Retention(3))
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    assert dialog.retention_days.isChecked()
    assert dialog.retention_days_spin.value() == 3
    getattr(dialog, radio).setChecked(True)
    dialog.ok_button.click()
    assert history.get_retention() == expected


def test_delete_once_transcribed_applies_when_it_is_chosen(qtbot, settings_path, history,
                                                          autostart):
    """Not at the next start: the audio of recordings already transcribed goes at OK;
    a recording still waiting for its transcript keeps its audio."""
    done_audio = history.new_recording_path(".wav")
    done_audio.write_bytes(b"RIFF")
    done = history.add_done("Recording 1", "recording", None,
                            Transcript("x", "hello", "English", 1.0), audio_path=done_audio)
    waiting_audio = history.new_recording_path(".wav")
    waiting_audio.write_bytes(b"RIFF")
    waiting = history.add_pending("Recording 2", "recording", None, audio_path=waiting_audio)
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    assert dialog.retention_all.isChecked()
    dialog.retention_none.setChecked(True)
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not done_audio.exists()
    assert history.get(done).audio_path is None
    assert waiting_audio.exists()
    assert history.get(waiting).audio_path == waiting_audio


def test_auto_save_without_a_folder_is_refused_and_nothing_saved(qtbot, settings_path, history,
                                                                 autostart):
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    dialog.auto_save_check.setChecked(True)
    dialog.retention_none.setChecked(True)
    dialog.ok_button.click()
    assert dialog.message.message() == ("Choose the folder to save transcripts in, or turn "
                                        "saving them off.")
    assert dialog.isVisible()
    assert not settings_path.exists()
    assert history.get_retention() == Retention.ALL


def test_devices_that_fail_to_list_say_recording_is_unavailable(qtbot, settings_path, history,
                                                                autostart):
    AppSettingsStore(settings_path).save(AppSettings(input_device="USB Microphone"))

    def no_portaudio():
        raise InputError("Recording is unavailable: PortAudio is not installed (apt install "
                         "libportaudio2).")

    dialog = open_dialog(qtbot, settings_path, history, autostart, devices=no_portaudio)
    qtbot.waitUntil(lambda: not dialog.device_problem.isHidden(), timeout=5000)
    assert dialog.device_problem.message() == (
        "Recording is unavailable: PortAudio is not installed (apt install libportaudio2).")
    assert not dialog.device_combo.isEnabled()
    assert dialog.device_combo.currentText() == "USB Microphone (not connected)"
    dialog.ok_button.click()
    assert AppSettingsStore(settings_path).load().input_device == "USB Microphone"


def test_a_recording_problem_given_is_shown_and_devices_are_not_asked(qtbot, settings_path,
                                                                      history, autostart):
    asked = []
    dialog = open_dialog(qtbot, settings_path, history, autostart,
                         devices=lambda: asked.append(1) or DEVICES,
                         recording_problem="Recording is unavailable: no input device "
                                           "was found.")
    # The reason is shown as the sentence it is (not wrapped in a second "unavailable").
    assert dialog.device_problem.message() == ("Recording is unavailable: no input device "
                                               "was found.")
    assert dialog.devices_task is None
    assert asked == []
    assert combo_texts(dialog.device_combo) == ["System default"]


def test_start_at_login_off_removes_the_entry(qtbot, settings_path, history, autostart):
    autostart.enable()
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    assert dialog.start_at_login_check.isChecked()
    dialog.start_at_login_check.setChecked(False)
    dialog.ok_button.click()
    assert not autostart.path.exists()
    assert AppSettingsStore(settings_path).load().start_at_login is False


def test_start_at_login_that_fails_is_said_in_words(qtbot, tmp_path, settings_path, history):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    autostart = Autostart(platform="linux", environ={"XDG_CONFIG_HOME": str(blocker)},
                          command=["desktop-asr"])
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    dialog.start_at_login_check.setChecked(True)
    dialog.ok_button.click()
    assert dialog.message.message().startswith("Cannot turn on starting at login: "
                                               f"{blocker}/autostart/desktop-asr.desktop")
    assert dialog.isVisible()
    assert not settings_path.exists()


def test_start_at_login_on_an_unsupported_system(qtbot, settings_path, history):
    dialog = open_dialog(qtbot, settings_path, history, Autostart(platform="aix"))
    assert not dialog.start_at_login_check.isEnabled()
    assert "not supported on this system" in dialog.autostart_note.message()
    dialog.ok_button.click()
    assert AppSettingsStore(settings_path).load() == AppSettings()


def test_a_broken_settings_file_is_reported_and_kept_as_a_copy(qtbot, settings_path, history,
                                                               autostart):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text('{"schema_version": 1,\n "recent_count": "five"}\n')
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    assert f"The settings file {settings_path}, line 2: 'recent_count' must be a whole " \
           "number" in dialog.message.message()
    assert dialog.recent_spin.value() == 5  # the default
    dialog.ok_button.click()
    assert AppSettingsStore(settings_path).load() == AppSettings()
    backup = settings_path.with_name("settings.json.bak")
    assert '"five"' in backup.read_text()


def test_without_a_history_retention_cannot_be_changed(qtbot, settings_path, autostart):
    dialog = open_dialog(qtbot, settings_path, None, autostart)
    assert not dialog.retention_days.isEnabled()
    assert dialog.retention_note.message() == ("The history is not available, so this cannot "
                                               "be changed now.")
    dialog.ok_button.click()
    assert settings_path.exists()
