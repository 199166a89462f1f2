"""The Dictation page of Settings: keys checked as they are entered, refused with the
reason, and every dictation field saved; the other pages never reset them."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from tests.ui.test_settings_dialog import open_dialog


def set_key(field, text: str | None) -> None:
    field.set_text(text)


def test_the_defaults_are_shown_and_every_field_is_saved(qtbot, settings_path, history,
                                                         autostart):
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    page = dialog.dictation
    assert page.toggle_key.text() == "Ctrl+Alt+D"
    assert page.push_key.text() is None
    assert page.problem() == ""
    set_key(page.push_key, "F8")
    page.output_combo.setCurrentIndex(page.output_combo.findData("type"))
    page.ending_combo.setCurrentIndex(page.ending_combo.findData("space"))
    page.auto_stop_check.setChecked(True)
    page.auto_stop_spin.setValue(3.5)
    page.indicator_check.setChecked(True)
    page.sounds_check.setChecked(True)
    dialog.ok_button.click()
    saved = AppSettingsStore(settings_path).load()
    assert (saved.dictation_toggle, saved.dictation_push_to_talk, saved.dictation_output,
            saved.dictation_ending, saved.auto_stop_silence, saved.show_indicator,
            saved.play_sounds) == ("Ctrl+Alt+D", "F8", "type", "space", 3.5, True, True)


def test_refused_keys_say_why_and_nothing_is_saved(qtbot, settings_path, history,
                                                   autostart):
    AppSettingsStore(settings_path).save(AppSettings(dictation_toggle="Ctrl+Alt+D"))
    before = settings_path.read_bytes()
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    page = dialog.dictation
    set_key(page.toggle_key, "Ctrl+Shift")  # modifiers only: any Ctrl+Shift would fire
    assert page.problem()
    assert page.key_problem.isVisibleTo(page)
    dialog.ok_button.click()
    assert settings_path.read_bytes() == before
    assert dialog.tabs.currentWidget() is page
    assert dialog.message.message() == page.problem()

    set_key(page.toggle_key, "Ctrl+Alt+D")
    set_key(page.push_key, "Ctrl+Alt+D")  # the same keys for both
    assert page.problem()
    set_key(page.push_key, None)
    assert page.problem() == ""
    assert not page.key_problem.isVisibleTo(page)


def test_saving_other_pages_keeps_the_dictation_settings(qtbot, settings_path, history,
                                                         autostart):
    AppSettingsStore(settings_path).save(AppSettings(dictation_toggle="Ctrl+Shift+F9",
                                                     dictation_push_to_talk="F8",
                                                     dictation_output="clipboard"))
    dialog = open_dialog(qtbot, settings_path, history, autostart)
    dialog.auto_copy_check.setChecked(False)
    dialog.ok_button.click()
    saved = AppSettingsStore(settings_path).load()
    assert saved.auto_copy is False
    assert (saved.dictation_toggle, saved.dictation_push_to_talk, saved.dictation_output) == (
        "Ctrl+Shift+F9", "F8", "clipboard")


def test_the_key_field_reads_what_qt_records(qtbot):
    from desktop_asr.ui.dialogs.dictation_settings import KeyField

    field = KeyField()
    qtbot.addWidget(field)
    field.edit.setKeySequence(QKeySequence("Ctrl+Alt+F12"))
    assert field.text() == "Ctrl+Alt+F12"
    field.clear_button.click()
    assert field.text() is None


def test_a_desktop_without_global_keys_says_so(qtbot, settings_path, history, autostart):
    note = "Global keys cannot be grabbed on Wayland."
    dialog = open_dialog(qtbot, settings_path, history, autostart, hotkey_problem=note)
    assert dialog.dictation.environment_note.text() == note
    assert dialog.dictation.environment_note.isVisibleTo(dialog.dictation)


def test_refusal_reasons_are_the_core_sentences_and_are_translated(qapp):
    from desktop_asr.dictation.keys import MESSAGES, HotkeyError, KeyProblem
    from desktop_asr.ui import app as ui_app
    from desktop_asr.ui.dialogs import hotkey_messages

    english = hotkey_messages._templates()
    assert english == MESSAGES  # the same sentences as the Qt-free layer
    error = HotkeyError(KeyProblem.ONLY_MODIFIERS, combination="Ctrl+Shift")
    assert hotkey_messages.describe(error) == str(error)
    translators = ui_app.install_translators(qapp, "zh_CN")
    try:
        chinese = hotkey_messages.describe(error)
    finally:
        ui_app.remove_translators(qapp, translators)
    assert chinese != str(error)
    assert "Ctrl+Shift" in chinese
