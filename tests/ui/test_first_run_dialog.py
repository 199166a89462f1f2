"""The first-run dialog (desktop_asr/ui/dialogs/first_run_dialog.py): prefilled as the seed
deploys the server, HOST selected for typing over, Save creates the default profile."""

from __future__ import annotations

import re

import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QDialog

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
    assert not dialog.key_box.warning.isHidden()
    assert "No system keyring is available" in dialog.key_box.warning.message()
    dialog.server_edit.setText("http://10.0.0.5:30101")
    dialog.key_box.key_edit.setText(KEY)
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
