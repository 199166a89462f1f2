"""The profile editor (desktop_asr/ui/dialogs/profile_dialog.py): what is entered reaches the
stores exactly (read back with fresh store objects), wrong fields save nothing, keys follow
renames and removals, and Test connection / Fetch models talk to the real reference server."""

from __future__ import annotations

import re
import socket

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SERVICE, SecretStore
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.text.languages import SUPPORTED_LANGUAGES
from desktop_asr.text.vocabulary import VocabularyList
from desktop_asr.ui.dialogs import language_names
from desktop_asr.ui.dialogs.profile_dialog import ProfileDialog
from tests import dtmf
from tests.keyrings import MemoryKeyring

KEY = "sk-profile-dialog-test-0123"


@pytest.fixture
def memory() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def paths(tmp_path):
    return {"profiles": tmp_path / "profiles.json", "vocabulary": tmp_path / "vocab.json"}


def open_dialog(qtbot, paths, secrets, **kwargs) -> ProfileDialog:
    dialog = ProfileDialog(ProfileStore(paths["profiles"]), secrets,
                           VocabularyStore(paths["vocabulary"]), environ=kwargs.pop("environ", {}),
                           **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    asked: list[str] = []
    dialog.asked = asked

    def ask(question: str) -> bool:
        asked.append(question)
        return dialog.answer

    dialog.answer = True
    dialog.ask = ask
    return dialog


def select_profile(dialog: ProfileDialog, name: str) -> None:
    items = dialog.profile_list.findItems(name, Qt.MatchFlag.MatchStartsWith)
    dialog.profile_list.setCurrentItem(items[0])


def check_vocab(dialog: ProfileDialog, name: str) -> None:
    for i in range(dialog.form.vocab_list.count()):
        item = dialog.form.vocab_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == name:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"no vocabulary list {name!r} offered")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- adding, every field ----------------------------------------------------------------------
def test_a_new_profile_with_every_field_reaches_the_store_exactly(qtbot, paths, memory):
    VocabularyStore(paths["vocabulary"]).save(VocabularyList("medical"))
    VocabularyStore(paths["vocabulary"]).save(VocabularyList("names"))
    ca = paths["profiles"].parent / "ca.pem"
    dialog = open_dialog(qtbot, paths, SecretStore(memory), choose_file=lambda parent: str(ca))
    assert dialog.heading.text() == "A new profile (not saved yet)"  # no profile: a new one
    form = dialog.form
    form.name_edit.setText("Lab GPU")
    form.server_edit.setText("10.0.0.5:30101/v1")
    form.model_combo.setEditText("qwen3-asr-1.7b")
    form.api_style_combo.setCurrentIndex(form.api_style_combo.findData("transcriptions"))
    form.language_combo.setCurrentIndex(form.language_combo.findData("Cantonese"))
    check_vocab(dialog, "names")
    form.context_edit.setPlainText("Dr. Wong, Kowloon")
    form.transport_combo.setCurrentIndex(form.transport_combo.findData("url"))
    form.chunk_spin.setValue(300)
    form.concurrency_spin.setValue(9)
    form.connect_timeout_spin.setValue(2.5)
    form.read_timeout_spin.setValue(75)
    form.asr_options_check.setChecked(False)
    form.verify_tls_check.setChecked(True)
    form.ca_bundle_button.click()  # the injected chooser answers
    form.add_header_button.click()
    form.headers_table.item(0, 0).setText("X-Team")
    form.headers_table.item(0, 1).setText("asr lab")
    dialog.key_box.key_edit.setText(KEY)
    with qtbot.waitSignal(dialog.profilesChanged, timeout=1000):
        dialog.save_button.click()

    store = ProfileStore(paths["profiles"])
    assert store.list() == [Profile(
        name="Lab GPU", server="http://10.0.0.5:30101", model="qwen3-asr-1.7b",
        api_style="transcriptions", language="Cantonese", vocab_lists=("names",),
        context="Dr. Wong, Kowloon", transport="url", max_chunk_seconds=300.0, concurrency=9,
        connect_timeout=2.5, read_timeout=75.0, send_asr_options=False, verify_tls=True,
        ca_bundle=str(ca), headers=(("X-Team", "asr lab"),), api_key_env=None)]
    assert store.default_name() == "Lab GPU"
    assert memory.entries == {(SERVICE, "profile:Lab GPU"): KEY}
    assert "Saved the profile Lab GPU." in dialog.message.message()
    assert "stored in the system keyring" in dialog.message.message()
    assert dialog.key_box.key_edit.text() == ""  # the key never stays in the field
    assert dialog.names() == ["Lab GPU"]
    assert dialog.profile_list.item(0).text() == "Lab GPU (default)"
    assert "stored in the system keyring" in dialog.key_box.status_label.text()


def test_every_field_of_a_stored_profile_is_shown_and_saved_back_unchanged(qtbot, paths, memory):
    profile = Profile(name="home", server="http://192.168.1.20:30101", model="m",
                      language="zh", vocab_lists=("gone",), context="ctx", concurrency=2,
                      headers=(("X-A", "1"),), api_key_env="MY_KEY", verify_tls=False)
    ProfileStore(paths["profiles"]).add(profile)
    before = paths["profiles"].read_text()
    dialog = open_dialog(qtbot, paths, SecretStore(memory), environ={"MY_KEY": "x"})
    form = dialog.form
    assert form.name_edit.text() == "home"
    assert form.language_combo.currentData() == "Chinese"
    assert form.vocab_list.item(0).text() == "gone (missing: no such list)"
    assert dialog.key_box.env_radio.isChecked()
    assert dialog.key_box.status_label.text() == "The key is read from $MY_KEY."
    assert not dialog.dirty()
    dialog.save_button.click()
    assert ProfileStore(paths["profiles"]).get("home") == profile
    assert paths["profiles"].read_text() == before  # "zh" stays "zh", nothing reordered


# --- validation -------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value", "words"), [
    ("server", "", "The server URL is empty."),
    ("server", "ftp://x", "is not an http(s) server address"),
    ("name", "  ", "The profile name is empty."),
    ("header", "Authorization", "would put the API key into the profiles file"),
])
def test_a_wrong_field_is_shown_in_words_and_nothing_is_saved(qtbot, paths, memory, field,
                                                               value, words):
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    dialog.form.name_edit.setText("ok")
    dialog.form.server_edit.setText("http://10.0.0.5:30101")
    dialog.key_box.key_edit.setText(KEY)
    if field == "header":
        dialog.form.add_header("Authorization", "Bearer x")
    elif field == "name":
        dialog.form.name_edit.setText(value)
    else:
        dialog.form.server_edit.setText(value)
    dialog.save_button.click()
    assert words in dialog.message.message()
    assert dialog.message.kind == "error"
    assert not dialog.message.isHidden()
    assert not paths["profiles"].exists()
    assert memory.entries == {}


def test_a_duplicate_name_is_refused(qtbot, paths, memory):
    store = ProfileStore(paths["profiles"])
    store.add(Profile("home", "http://a:1"))
    store.add(Profile("lab", "http://b:2"))
    before = paths["profiles"].read_text()
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    select_profile(dialog, "lab")
    dialog.form.name_edit.setText("Home")
    dialog.save_button.click()
    assert "A profile named 'home' already exists" in dialog.message.message()
    assert paths["profiles"].read_text() == before


# --- rename, remove, default ------------------------------------------------------------------
def test_renaming_moves_the_key(qtbot, paths, memory):
    ProfileStore(paths["profiles"]).add(Profile("home", "http://a:1"))
    secrets = SecretStore(memory)
    secrets.set("home", KEY)
    dialog = open_dialog(qtbot, paths, secrets)
    dialog.form.name_edit.setText("office")
    dialog.save_button.click()
    store = ProfileStore(paths["profiles"])
    assert store.names() == ["office"]
    assert store.default_name() == "office"
    assert memory.entries == {(SERVICE, "profile:office"): KEY}


def test_forget_deletes_the_stored_key(qtbot, paths, memory):
    ProfileStore(paths["profiles"]).add(Profile("home", "http://a:1"))
    secrets = SecretStore(memory)
    dialog = open_dialog(qtbot, paths, secrets)
    assert not dialog.key_box.forget_button.isEnabled()  # nothing stored
    secrets.set("home", KEY)
    dialog.reload()
    assert dialog.key_box.forget_button.isEnabled()
    dialog.key_box.forget_button.click()
    assert memory.entries == {}
    assert dialog.key_box.result.message() == "The stored key was deleted."
    assert dialog.key_box.status_label.text() == ("No key stored (a server without an API key "
                                                  "needs none).")
    assert not dialog.key_box.forget_button.isEnabled()


def test_removing_asks_then_deletes_the_profile_and_its_key(qtbot, paths, memory):
    store = ProfileStore(paths["profiles"])
    store.add(Profile("home", "http://a:1"))
    store.add(Profile("lab", "http://b:2"))
    secrets = SecretStore(memory)
    secrets.set("home", KEY)
    secrets.set("lab", "lab-key")
    dialog = open_dialog(qtbot, paths, secrets)
    dialog.answer = False
    dialog.remove_button.click()
    assert dialog.asked == ["Remove the profile home? Its API key is deleted from the system "
                            "keyring too."]
    assert ProfileStore(paths["profiles"]).names() == ["home", "lab"]
    dialog.answer = True
    with qtbot.waitSignal(dialog.profilesChanged, timeout=1000):
        dialog.remove_button.click()
    assert ProfileStore(paths["profiles"]).names() == ["lab"]
    assert memory.entries == {(SERVICE, "profile:lab"): "lab-key"}
    assert dialog.names() == ["lab"]
    assert dialog.form.name_edit.text() == "lab"


def test_make_default(qtbot, paths, memory):
    store = ProfileStore(paths["profiles"])
    store.add(Profile("home", "http://a:1"))
    store.add(Profile("lab", "http://b:2"))
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    assert not dialog.default_button.isEnabled()  # home is the default already
    select_profile(dialog, "lab")
    assert dialog.form.name_edit.text() == "lab"
    with qtbot.waitSignal(dialog.profilesChanged, timeout=1000):
        dialog.default_button.click()
    assert ProfileStore(paths["profiles"]).default_name() == "lab"
    assert [dialog.profile_list.item(i).text() for i in range(2)] == ["home", "lab (default)"]


def test_leaving_unsaved_changes_asks_and_can_stay(qtbot, paths, memory):
    store = ProfileStore(paths["profiles"])
    store.add(Profile("home", "http://a:1"))
    store.add(Profile("lab", "http://b:2"))
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    dialog.form.context_edit.setPlainText("changed")
    assert dialog.revert_button.isEnabled()
    dialog.answer = False
    select_profile(dialog, "lab")
    assert dialog.asked == ["Discard the changes you made to this profile?"]
    assert dialog.form.name_edit.text() == "home"
    assert dialog.form.context_edit.toPlainText() == "changed"
    dialog.revert_button.click()
    assert dialog.form.context_edit.toPlainText() == ""
    assert ProfileStore(paths["profiles"]).get("home").context == ""


# --- no keyring -------------------------------------------------------------------------------
def test_without_a_keyring_the_warning_shows_and_the_key_is_kept_for_the_session(qtbot, paths):
    secrets = SecretStore(fail.Keyring())
    dialog = open_dialog(qtbot, paths, secrets)
    warning = dialog.key_box.warning
    assert not warning.isHidden()
    assert warning.kind == "warning"
    assert "cannot be stored in the system keyring: No system keyring is available" \
        in warning.message()
    assert "kept for this session only" in warning.message()
    assert dialog.key_box.stored_radio.text() == "Keep the key for this session only"
    dialog.form.name_edit.setText("home")
    dialog.form.server_edit.setText("http://a:1")
    dialog.key_box.key_edit.setText(KEY)
    dialog.save_button.click()
    assert ProfileStore(paths["profiles"]).names() == ["home"]
    assert secrets.get("home") == KEY
    assert secrets.source("home") == "session"
    assert dialog.message.kind == "warning"
    assert "The API key is kept for this session only" in dialog.message.message()
    assert dialog.key_box.status_label.text() == "The key is kept for this session only."


def test_the_key_can_come_from_an_environment_variable(qtbot, paths):
    dialog = open_dialog(qtbot, paths, SecretStore(fail.Keyring()), environ={})
    dialog.form.name_edit.setText("ci")
    dialog.form.server_edit.setText("http://a:1")
    dialog.key_box.env_radio.setChecked(True)
    dialog.key_box.env_edit.setText("ASR_KEY")
    assert "not set in this session" in dialog.key_box.status_label.text()
    dialog.save_button.click()
    assert ProfileStore(paths["profiles"]).get("ci").api_key_env == "ASR_KEY"


# --- the server -------------------------------------------------------------------------------
def test_test_connection_against_the_reference_server(qtbot, paths, memory, refserver):
    ProfileStore(paths["profiles"]).add(
        Profile("ref", refserver.url, model="qwen3-asr", api_style="transcriptions"))
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    with qtbot.waitSignal(dialog.tester.finished, timeout=10_000) as done:
        dialog.tester.test_button.click()
    assert done.args == [True]
    result = dialog.tester.result
    assert result.kind == "success"
    assert re.fullmatch(r"Connected: serves qwen3-asr; a 1-second test tone took "
                        r"\d+\.\d\d s\.", result.message()), result.message()
    assert [r["path"] for r in refserver.requests()] == ["/v1/audio/transcriptions"]
    assert dialog.tester.test_button.isEnabled()


def test_test_connection_to_a_closed_port_says_refused(qtbot, paths, memory):
    port = free_port()
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    dialog.form.name_edit.setText("nothing")
    dialog.form.server_edit.setText(f"http://127.0.0.1:{port}")
    with qtbot.waitSignal(dialog.tester.finished, timeout=10_000) as done:
        dialog.tester.test_button.click()
    assert done.args == [False]
    message = dialog.tester.result.message()
    assert f"127.0.0.1:{port}" in message
    assert "refused the connection" in message
    assert "Traceback" not in message
    assert dialog.tester.result.kind == "error"


def test_test_connection_with_a_wrong_field_says_so_without_a_request(qtbot, paths, memory):
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    dialog.form.name_edit.setText("x")
    with qtbot.waitSignal(dialog.tester.finished, timeout=1000) as done:
        dialog.tester.test_button.click()
    assert done.args == [False]
    assert dialog.tester.result.message() == "The server URL is empty."


def test_fetch_models_fills_the_model_box(qtbot, paths, memory, make_refserver):
    server = make_refserver(model="asr-large", api_key="secret-key")
    ProfileStore(paths["profiles"]).add(Profile("ref", server.url))
    secrets = SecretStore(memory)
    secrets.set("ref", "secret-key")
    dialog = open_dialog(qtbot, paths, secrets)
    dialog.form.fetch_models_button.click()
    qtbot.waitUntil(lambda: dialog.form.models_result.kind in ("success", "error"),
                    timeout=10_000)
    assert dialog.form.models_result.message() == "The server serves: asr-large"
    combo = dialog.form.model_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["asr-large"]
    assert combo.currentText() == ""  # what was entered is kept: nothing
    assert dialog.form.fetch_models_button.isEnabled()


def test_the_language_names_match_the_model(qtbot):
    assert language_names.NAMES == SUPPORTED_LANGUAGES


# --- the real Secret Service keyring (tests/run.sh starts a throwaway one) ---------------------
def test_with_the_real_keyring_the_key_is_stored_moved_and_deleted(qtbot, paths, real_keyring):
    from tests.integration.clitools import unique

    first, second = unique("ui-home"), unique("ui-office")
    dialog = open_dialog(qtbot, paths, SecretStore(real_keyring.backend))
    assert dialog.key_box.warning.isHidden()
    dialog.form.name_edit.setText(first)
    dialog.form.server_edit.setText("http://10.0.0.5:30101")
    dialog.key_box.key_edit.setText(KEY)
    dialog.save_button.click()
    assert real_keyring.holds(first, KEY)
    assert "stored in the system keyring (SecretService Keyring)" in \
        dialog.key_box.status_label.text()
    dialog.form.name_edit.setText(second)
    dialog.save_button.click()
    assert not real_keyring.has(first)
    assert real_keyring.holds(second, KEY)
    dialog.remove_button.click()
    assert ProfileStore(paths["profiles"]).names() == []
    assert not real_keyring.has(second)


# --- keys go only where they should, and show nowhere -----------------------------------------
NBSP = "\u00a0"


def paste_key(dialog: ProfileDialog, text: str) -> None:
    """Paste into the key box as a user would (the clipboard keeps every character)."""
    QApplication.clipboard().setText(text)
    dialog.key_box.key_edit.clear()
    dialog.key_box.key_edit.paste()
    assert dialog.key_box.key_edit.text() == text


def everything_shown(dialog: ProfileDialog) -> str:
    panels = [dialog.message, dialog.tester.result, dialog.form.models_result,
              dialog.key_box.result, dialog.key_box.warning]
    return "\n".join([*(f"{p.message()}\n{p.details_text.toPlainText()}" for p in panels),
                      dialog.key_box.status_label.text()])


def test_a_pasted_key_with_stray_characters_is_cleaned_or_refused_and_shows_nowhere(
        qtbot, tmp_path, real_keyring, make_refserver):
    from tests.integration.clitools import Cli, new_key, unique

    cli = Cli(tmp_path)
    key = cli.watch(new_key())
    server = make_refserver(api_key=key)
    paths = {"profiles": cli.profiles_file, "vocabulary": tmp_path / "vocab.json"}
    dialog = open_dialog(qtbot, paths, SecretStore())
    shown: list[str] = []
    for how in (key + " ", key + "\n", NBSP + key + NBSP + "\r\n"):
        name = unique("ui-stray")
        dialog.new_profile()
        dialog.form.name_edit.setText(name)
        dialog.form.server_edit.setText(server.url)
        paste_key(dialog, how)
        dialog.save_button.click()
        assert dialog.message.kind == "success", dialog.message.message()
        assert real_keyring.holds(name, key)  # stored clean
        with qtbot.waitSignal(dialog.tester.finished, timeout=10_000) as done:
            dialog.tester.test_button.click()
        assert done.args == [True], dialog.tester.result.message()
        shown.append(everything_shown(dialog))
    assert [r["auth"] for r in server.requests()] == [True] * 3

    dialog.new_profile()
    refused = unique("ui-nbsp")
    dialog.form.name_edit.setText(refused)
    dialog.form.server_edit.setText(server.url)
    paste_key(dialog, key[:12] + NBSP + key[12:])
    dialog.save_button.click()
    assert dialog.message.kind == "error"
    assert dialog.message.message().startswith(
        "The API key typed in the box contains a non-breaking or other special space at "
        "character 13 of")
    assert refused not in ProfileStore(paths["profiles"]).names()  # nothing saved
    assert not real_keyring.has(refused)
    shown.append(everything_shown(dialog))
    assert not any(key[:12] in text or key[12:] in text for text in shown)

    # The profile saved in the dialog works from the command line too, and afterwards the
    # key is in no output, no file and no history row.
    audio = dtmf.write_audio(tmp_path / "a.wav", dtmf.synthesize("9"), 16000)
    result = cli("transcribe", str(audio), "--profile", name)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "9\n"
    cli.assert_key_nowhere(key)
    with HistoryStore(cli.data / "desktop-asr" / "history.sqlite3") as history:
        assert not any(key in f"{e.source}{e.error}{e.text}" for e in history.list())


def test_test_and_fetch_with_an_unsaved_address_send_no_stored_key(qtbot, paths, memory,
                                                                   make_refserver):
    own = make_refserver(api_key=KEY)
    other = make_refserver()  # answers anyone: its log shows whether a key came
    needs_the_key = make_refserver(api_key=KEY)  # says 401 unless the key came
    ProfileStore(paths["profiles"]).add(Profile("ref", own.url))
    secrets = SecretStore(memory)
    secrets.set("ref", KEY)
    dialog = open_dialog(qtbot, paths, secrets)

    def test_connection() -> None:
        with qtbot.waitSignal(dialog.tester.finished, timeout=10_000):
            dialog.tester.test_button.click()

    def fetch_models() -> None:
        dialog.form.models_result.clear()
        dialog.form.fetch_models_button.click()
        qtbot.waitUntil(lambda: dialog.form.models_result.kind in ("success", "error",
                                                                   "warning"),
                        timeout=10_000)

    dialog.form.server_edit.setText(other.url)  # edited, not saved
    test_connection()
    assert [r["auth"] for r in other.requests()] == [False]
    assert dialog.tester.result.kind == "warning"
    assert dialog.tester.result.message().endswith(
        f"The stored API key of ref is only sent to its saved server ({own.url}), so no "
        f"key was sent to {other.url}. Type the key above to send it there, or save the "
        "profile first.")
    dialog.form.server_edit.setText(needs_the_key.url)
    fetch_models()
    assert dialog.form.models_result.kind == "error"
    assert "rejected the API key" in dialog.form.models_result.message()
    assert "only sent to its saved server" in dialog.form.models_result.message()

    dialog.form.server_edit.setText(own.url + "/v1")  # the saved server, written otherwise
    fetch_models()
    assert dialog.form.models_result.message() == "The server serves: qwen3-asr"

    paste_key(dialog, KEY)  # typed by the user for this server: it is sent
    dialog.form.server_edit.setText(other.url)
    test_connection()
    assert [r["auth"] for r in other.requests()] == [False, True]
    assert dialog.tester.result.kind == "success"
    dialog.form.server_edit.setText(needs_the_key.url)
    fetch_models()
    assert dialog.form.models_result.message() == "The server serves: qwen3-asr"
    assert KEY not in everything_shown(dialog)


def test_a_new_profile_never_inherits_a_key_left_under_its_name(qtbot, paths, memory):
    memory.entries[(SERVICE, "profile:lab")] = "sk-left-by-an-old-profile-named-lab"
    memory.entries[(SERVICE, "profile:office")] = "sk-left-by-an-old-profile-named-office"
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    dialog.form.name_edit.setText("lab")
    dialog.form.server_edit.setText("http://10.0.0.5:30101")
    dialog.save_button.click()
    assert ProfileStore(paths["profiles"]).names() == ["lab"]
    assert memory.entries == {(SERVICE, "profile:office"): "sk-left-by-an-old-profile-named-office"}
    assert dialog.key_box.status_label.text().startswith("No key stored")
    dialog.form.name_edit.setText("office")  # a rename onto a leftover entry
    dialog.save_button.click()
    assert ProfileStore(paths["profiles"]).names() == ["office"]
    assert memory.entries == {}


def test_a_server_address_with_a_password_is_refused_in_words(qtbot, paths, memory):
    dialog = open_dialog(qtbot, paths, SecretStore(memory))
    dialog.form.name_edit.setText("lab")
    dialog.form.server_edit.setText("http://asr:pw-Secret-0451@10.0.0.5:30101")
    dialog.save_button.click()
    assert dialog.message.kind == "error"
    assert "must not contain a user name or password" in dialog.message.message()
    assert not paths["profiles"].exists()
    with qtbot.waitSignal(dialog.tester.finished, timeout=1000) as done:
        dialog.tester.test_button.click()
    assert done.args == [False]
    assert "must not contain a user name or password" in dialog.tester.result.message()
    assert "pw-Secret-0451" not in everything_shown(dialog)
