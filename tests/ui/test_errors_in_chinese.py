"""Errors of the core, met through real parts (the reference server stopped, a corrupt file,
a wrong key, a missing model, TLS to a plain-HTTP port, no keyring), are shown in 简体中文 in
the Chinese interface: in the queue, the banner, the history, the first-run dialog and the
tray. The core keeps its English sentence for the command line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from keyring.backends import fail

from desktop_asr.engine.http_errors import deadline_error
from desktop_asr.errors import AsrError, CodedText, ServerUnreachableError
from desktop_asr.recording.devices import RecordingError, import_sounddevice
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.run_plan import plan_run
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.ui import app as ui_app
from desktop_asr.ui.controller import RECORDING, AppController, Services
from desktop_asr.ui.dialogs.first_run_dialog import FirstRunDialog
from desktop_asr.ui.main_window import MainWindow
from desktop_asr.ui.status import error_text
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.transcription_queue import FAILED, WAITING, TranscriptionQueue
from desktop_asr.ui.tray import Tray
from tests import dtmf
from tests.ui.conftest import closed_port_url
from tests.ui.test_dictation import FakeHotkeys, make_dictation, speech_file  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> bool:
    """A sentence a Chinese reader can read: it has Chinese in it (not ASCII only)."""
    return bool(text.strip()) and bool(CJK.search(text))


@pytest.fixture
def zh(qapp):
    translators = ui_app.install_translators(qapp, "zh_CN")
    assert translators, "the zh_CN translation did not load"
    yield
    ui_app.remove_translators(qapp, translators)


@pytest.fixture
def app_window(stores, history, tmp_path, qtbot, zh):
    settings = AppSettingsStore(tmp_path / "settings.json")
    settings.save(AppSettings(auto_copy=False))
    services = Services(stores=stores, history=history, settings=settings, recorder=None,
                        recording_problem="", clipboard=lambda _t: None)
    queue = TranscriptionQueue(lambda name: plan_run(stores, profile_name=name), history,
                               retry_delays=(3600.0,))
    controller = AppController(services, queue=queue)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    tray = Tray(controller)
    yield window, controller
    tray.icon.hide()
    queue.shutdown()


def sent_and_failed(window, controller, qtbot, source: str, status=FAILED):
    controller.transcribe_paths([source])
    item = controller.queue.items()[-1]
    qtbot.waitUntil(lambda: controller.queue.item(item.id).status == status, timeout=20000)
    row = window.queue_view.rows[item.id]
    # The row follows the queue through a queued signal: wait until it shows this status.
    qtbot.waitUntil(lambda: row.item.status == status and row.status.text() != "")
    return controller.queue.item(item.id), row


def test_a_stopped_server_is_said_in_chinese_in_the_queue(app_window, stores,
                                                          make_refserver, tmp_path, qtbot):
    window, controller = app_window
    server = make_refserver()
    stores.profiles.add(Profile(name="home", server=server.url))
    server.stop()
    path = dtmf.write_audio(tmp_path / "memo.wav", dtmf.synthesize("1"), 16000)
    item, row = sent_and_failed(window, controller, qtbot, str(path), WAITING)
    assert chinese(item.error)
    assert "127.0.0.1" in item.error
    assert chinese(row.status.text())
    assert "refused" not in row.status.text()


def test_a_corrupt_file_wrong_key_and_missing_model_are_chinese_everywhere(
        app_window, stores, history, make_refserver, tmp_path, qtbot):
    window, controller = app_window
    server = make_refserver(api_key="the-right-key-0123")
    stores.profiles.add(Profile(name="home", server=server.url))
    stores.secrets.keep_for_session("home", "a-wrong-key-98765")
    corrupt = tmp_path / "broken.mp3"
    corrupt.write_bytes(b"this is not audio at all" * 100)
    item, row = sent_and_failed(window, controller, qtbot, str(corrupt))
    assert chinese(item.error)
    assert "broken.mp3" in item.error
    assert not row.retry_button.isVisibleTo(row)  # no retry mends a file like this

    path = dtmf.write_audio(tmp_path / "memo.wav", dtmf.synthesize("2"), 16000)
    item, row = sent_and_failed(window, controller, qtbot, str(path))
    assert chinese(item.error)
    assert "API" in item.error
    assert row.retry_button.isVisibleTo(row)
    assert chinese(window.banner.message.text())
    failed = [e for e in history.list(limit=10) if e.status == "failed"]
    assert failed
    assert all(chinese(e.error) for e in failed)

    stores.profiles.add(Profile(name="other", server=server.url, model="no-such-model"))
    stores.secrets.keep_for_session("other", "the-right-key-0123")
    controller.set_active_profile("other")
    item, _row = sent_and_failed(window, controller, qtbot, str(path))
    assert chinese(item.error)
    assert "no-such-model" in item.error


def test_tls_to_a_plain_port_is_said_in_chinese(app_window, stores, refserver, tmp_path,
                                                qtbot):
    window, controller = app_window
    stores.profiles.add(Profile(name="home", server=refserver.url.replace("http:", "https:")))
    path = dtmf.write_audio(tmp_path / "memo.wav", dtmf.synthesize("3"), 16000)
    item, _row = sent_and_failed(window, controller, qtbot, str(path))
    assert chinese(item.error)
    assert "TLS" in item.error


def test_the_first_run_dialog_and_the_keyring_speak_chinese(qtbot, stores, zh):
    dialog = FirstRunDialog(stores.profiles, SecretStore(backend=fail.Keyring()))
    qtbot.addWidget(dialog)
    dialog.server_edit.setText(closed_port_url())
    with qtbot.waitSignal(dialog.tester.finished, timeout=15000) as result:
        dialog.tester.start()
    assert result.args == [False]  # the failure is shown, not "Testing…" any more
    assert chinese(dialog.tester.result.message())
    dialog.key_box.key_edit.setText("some-key-1234567")  # the keyring is asked now
    assert chinese(dialog.key_box.warning.message())
    assert "Secret Service" not in dialog.key_box.warning.message()


def test_the_tray_tooltip_says_the_error_in_chinese(app_window, stores, tmp_path, qtbot):
    window, controller = app_window
    tray = Tray(controller)
    stores.profiles.add(Profile(name="home", server=closed_port_url()))
    corrupt = tmp_path / "broken.wav"
    corrupt.write_bytes(b"RIFF")
    sent_and_failed(window, controller, qtbot, str(corrupt))
    qtbot.waitUntil(lambda: controller.state == "error")
    assert chinese(tray.icon.toolTip())
    tray.icon.hide()


def test_recording_keyring_timeout_and_disk_reasons_are_chinese(zh):
    def no_portaudio():
        raise OSError("PortAudio library not found")

    with pytest.raises(RecordingError) as missing:
        import_sounddevice(no_portaudio)
    reasons = [
        missing.value,
        deadline_error("10.0.0.5:30101", 30.0, 30.0),
        CodedText("The disk is full.", "rec_disk_full", {"path": "/tmp/r.wav"}),
        CodedText("The microphone “USB” stopped working.", "rec_device_died",
                  {"device": "USB"}),
        ServerUnreachableError("Something new."),  # no code: told by its kind
        AsrError("The audio could not be read: the process reading it stopped (exit code "
                 "-9).", code="reader_stopped", params={"exit_code": -9}),
    ]
    for reason in reasons:
        sentence, _details = error_words(reason)
        assert chinese(sentence), sentence
    assert str(missing.value).startswith("Recording is unavailable")  # the CLI's English


def test_every_code_the_core_raises_has_a_translated_sentence(zh):
    """The codes written at the raise sites are the ones the UI knows, each translated."""
    known = error_text._sentences()
    used: set[str] = set()
    for path in (REPO / "desktop_asr").rglob("*.py"):
        if "ui" in path.relative_to(REPO / "desktop_asr").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(
                    node.value, ast.Constant) and isinstance(node.value.value, str):
                used.add(node.value.value)
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in node.targets) and \
                    isinstance(node.value, ast.Constant) and node.value.value:
                used.add(node.value.value)
    assert used - set(known) == set()
    assert len(used) > 30
    for code, sentence in known.items():
        assert chinese(sentence()), code


def test_dictated_text_that_cannot_be_pasted_is_said_in_chinese(make_dictation,  # noqa: F811
                                                                stores,
                                                                refserver, tmp_path, qtbot,
                                                                zh):
    """The system's own English (an input tool's error) goes to Details, not the banner."""
    stores.profiles.add(Profile(name="home", server=refserver.url))

    def deliver(_text, _settings):
        raise OSError("xdotool: Can't open display")

    copied: list[str] = []
    app, _dictation, _ = make_dictation(speech_file(tmp_path, "123"), deliver=deliver,
                                        clipboard=copied.append)
    errors: list[tuple[str, str]] = []
    app.errorRaised.connect(lambda message, details: errors.append((message, details)))
    FakeHotkeys.made[-1].on_toggle()
    qtbot.waitUntil(lambda: app.state == RECORDING)
    FakeHotkeys.made[-1].on_toggle()
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    (message, details), = errors
    assert chinese(message)
    assert "xdotool" not in message
    assert "xdotool" in details
    assert copied == ["123"]  # the text is kept: on the clipboard
