"""The first-run dialog (desktop_asr/ui/dialogs/first_run_dialog.py): prefilled as the seed
deploys the server, HOST selected for typing over, Save creates the default profile."""

from __future__ import annotations

import re

import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication, QDialog

from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SERVICE, SecretStore
from desktop_asr.ui.dialogs.first_run_dialog import FirstRunDialog
from tests.keyrings import MemoryKeyring

KEY = "sk-first-run-0123456789"


@pytest.fixture
def memory() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def profiles_path(tmp_path):
    return tmp_path / "profiles.json"


def open_dialog(qtbot, profiles_path, secrets) -> FirstRunDialog:
    dialog = FirstRunDialog(ProfileStore(profiles_path), secrets, environ={})
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_prefilled_as_the_seed_deploys_it_with_host_selected(qtbot, profiles_path, memory):
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    assert dialog.server_edit.text() == "http://HOST:30101"
    assert dialog.server_edit.selectedText() == "HOST"
    assert dialog.model_combo.currentText() == "qwen3-asr"
    assert dialog.name_edit.text() == "My server"
    assert dialog.key_box.typed_key() == ""
    assert not profiles_path.exists()


def test_typing_the_address_and_saving_creates_the_default_profile(qtbot, profiles_path, memory):
    store = ProfileStore(profiles_path)
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    qtbot.keyClicks(dialog.server_edit, "192.168.1.20")  # replaces the selected HOST
    assert dialog.server_edit.text() == "http://192.168.1.20:30101"
    dialog.key_box.key_edit.setText(KEY)
    with qtbot.waitSignal(dialog.profileCreated, timeout=1000) as created:
        dialog.save_button.click()
    assert created.args == ["My server"]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created_name == "My server"
    fresh = ProfileStore(profiles_path)
    assert fresh.list() == [Profile("My server", "http://192.168.1.20:30101", model="qwen3-asr")]
    assert fresh.default_name() == "My server"
    assert store.default() == fresh.default()
    assert memory.entries == {(SERVICE, "profile:My server"): KEY}


def test_host_left_in_place_is_refused_and_nothing_saved(qtbot, profiles_path, memory):
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    dialog.save_button.click()
    assert dialog.message.message() == ("Type your server's address in place of HOST, for "
                                        "example http://192.168.1.20:30101.")
    assert dialog.message.kind == "error"
    assert dialog.isVisible()
    assert dialog.created_name is None
    assert not profiles_path.exists()


def test_an_empty_name_is_refused(qtbot, profiles_path, memory):
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    dialog.server_edit.setText("http://10.0.0.5:30101")
    dialog.name_edit.clear()
    dialog.save_button.click()
    assert dialog.message.message() == "The profile name is empty."
    assert not profiles_path.exists()


def test_without_a_keyring_the_key_is_kept_for_the_session_and_said(qtbot, profiles_path):
    secrets = SecretStore(fail.Keyring())
    dialog = open_dialog(qtbot, profiles_path, secrets)
    assert dialog.key_box.warning.isHidden()  # the keyring is asked once a key is typed
    dialog.server_edit.setText("http://10.0.0.5:30101")
    dialog.key_box.key_edit.setText(KEY)
    assert not dialog.key_box.warning.isHidden()
    assert "No system keyring is available" in dialog.key_box.warning.message()
    dialog.save_button.click()
    assert ProfileStore(profiles_path).names() == ["My server"]
    assert secrets.get("My server") == KEY
    assert dialog.isVisible()  # stays up to say where the key went
    assert dialog.message.kind == "warning"
    assert dialog.message.message().startswith("The API key is kept for this session only")
    assert not dialog.save_button.isEnabled()
    dialog.cancel_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created_name == "My server"


def test_test_connection_against_the_reference_server(qtbot, profiles_path, memory, refserver):
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    dialog.server_edit.setText(refserver.url)
    with qtbot.waitSignal(dialog.tester.finished, timeout=10_000) as done:
        dialog.tester.test_button.click()
    assert done.args == [True]
    assert re.fullmatch(r"Connected: serves qwen3-asr; a 1-second test tone took \d+\.\d\d s\.",
                        dialog.tester.result.message())
    assert not profiles_path.exists()  # testing saves nothing


def test_test_connection_with_host_left_says_so(qtbot, profiles_path, memory):
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    with qtbot.waitSignal(dialog.tester.finished, timeout=1000) as done:
        dialog.tester.test_button.click()
    assert done.args == [False]
    assert "in place of HOST" in dialog.tester.result.message()


def test_the_first_profile_never_inherits_a_key_left_under_its_name(qtbot, profiles_path,
                                                                      memory):
    memory.entries[(SERVICE, "profile:My server")] = "sk-left-by-an-old-profile-0000"
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    dialog.server_edit.setText("http://10.0.0.5:30101")
    assert dialog.save()
    assert ProfileStore(profiles_path).names() == ["My server"]
    assert memory.entries == {}


def test_a_pasted_key_is_cleaned_or_refused_in_words(qtbot, profiles_path, memory,
                                                     make_refserver):
    server = make_refserver(api_key=KEY)
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    dialog.server_edit.setText(server.url)
    QApplication.clipboard().setText(KEY[:9] + "\u00a0" + KEY[9:])
    dialog.key_box.key_edit.paste()
    with qtbot.waitSignal(dialog.tester.finished, timeout=1000) as done:
        dialog.tester.test_button.click()
    assert done.args == [False]
    assert dialog.tester.result.message().startswith(
        "The API key typed in the box contains a non-breaking or other special space")
    assert not dialog.save()
    assert dialog.message.message() == dialog.tester.result.message()
    assert KEY[:9] not in dialog.message.message()
    assert not profiles_path.exists()
    assert server.requests() == []

    dialog.key_box.key_edit.clear()
    QApplication.clipboard().setText(KEY + " \n")
    dialog.key_box.key_edit.paste()
    with qtbot.waitSignal(dialog.tester.finished, timeout=10_000) as done:
        dialog.tester.test_button.click()
    assert done.args == [True], dialog.tester.result.message()
    assert [r["auth"] for r in server.requests()] == [True]
    assert dialog.save()
    assert memory.entries == {(SERVICE, "profile:My server"): KEY}


def test_a_server_address_with_a_password_is_refused(qtbot, profiles_path, memory):
    dialog = open_dialog(qtbot, profiles_path, SecretStore(memory))
    dialog.server_edit.setText("http://me:pw-Secret-1234@10.0.0.5:30101")
    assert not dialog.save()
    assert "must not contain a user name or password" in dialog.message.message()
    assert "pw-Secret-1234" not in dialog.message.message()
    assert not profiles_path.exists()
