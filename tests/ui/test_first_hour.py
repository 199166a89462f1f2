"""The app as a first-time user meets it: no server yet (a set-up banner, Record and drops
disabled), the server's status next to the profile (against the reference server started,
stopped and started again), "Save anyway?" after a failed test, the keyring left alone
until a key is needed, banners that clear, notices that are not errors, and the window
that does not switch tabs under the user."""

from __future__ import annotations

import keyring.backend
import pytest
from PySide6.QtCore import Qt

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.run_plan import Stores, plan_run
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.ui.controller import AppController, Services
from desktop_asr.ui.dialogs.first_run_dialog import FirstRunDialog
from desktop_asr.ui.main_window import MainWindow
from desktop_asr.ui.status.server_status import CONNECTED, PROBLEM, UNREACHABLE
from desktop_asr.ui.transcription_queue import DONE, FAILED, TranscriptionQueue
from desktop_asr.ui.tray import Tray
from tests import dtmf
from tests.ui.conftest import closed_port_url
from tests.ui.test_controller import StandInRecorder


class CountingKeyring(keyring.backend.KeyringBackend):
    """A keyring that counts every question asked of it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        self.calls += 1
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.calls += 1
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.calls += 1
        self.store.pop((service, username), None)


@pytest.fixture
def make_window(stores, history, tmp_path, qtbot, speech_file):
    made = []

    def make(the_stores: Stores | None = None, recorder=None):
        the_stores = the_stores or stores
        store = AppSettingsStore(tmp_path / "settings.json")
        store.save(AppSettings(auto_copy=False))
        services = Services(stores=the_stores, history=history, settings=store,
                            recorder=recorder or StandInRecorder(speech_file),
                            recording_problem="", clipboard=lambda _t: None)
        queue = TranscriptionQueue(lambda name: plan_run(the_stores, profile_name=name),
                                   history, retry_delays=(3600.0,))
        controller = AppController(services, queue=queue)
        window = MainWindow(controller)
        qtbot.addWidget(window)
        window.show()
        made.append(controller)
        return window, controller

    yield make
    for controller in made:
        controller.shutdown()


@pytest.fixture
def speech_file(tmp_path):
    return dtmf.write_audio(tmp_path / "speech.wav", dtmf.synthesize("123"), 16000)


def test_without_a_server_the_window_offers_set_up_and_sends_nothing(
        make_window, stores, refserver, qtbot):
    window, controller = make_window()
    assert window.setup_banner.isVisible()
    assert not window.record_panel.button.isEnabled()
    assert not window.drop_zone.isEnabled()
    assert not window.server_pill.isVisible()
    asked: list[bool] = []
    window.setupRequested.connect(lambda: asked.append(True))
    qtbot.mouseClick(window.setup_banner.button, Qt.MouseButton.LeftButton)
    assert asked == [True]

    stores.profiles.add(Profile(name="home", server=refserver.url), make_default=True)
    controller.storesChanged.emit()
    assert not window.setup_banner.isVisible()
    assert window.record_panel.button.isEnabled()
    assert window.drop_zone.isEnabled()
    assert window.windowTitle() == "desktop-asr — Transcribe"


def test_the_status_follows_the_server_started_stopped_and_started(
        make_window, stores, make_refserver, qtbot):
    server = make_refserver()
    stores.profiles.add(Profile(name="home", server=server.url))
    window, _controller = make_window()
    status = window.server_status
    qtbot.waitUntil(lambda: status.state == CONNECTED, timeout=15000)
    assert window.server_pill.text().startswith("● Connected · qwen3-asr · ")
    assert window.server_pill.text().endswith(" ms")

    server.stop()
    status.check()
    qtbot.waitUntil(lambda: status.state == UNREACHABLE, timeout=15000)
    assert window.server_pill.text() == "● Unreachable — retrying"
    assert "refused" in window.server_pill.toolTip()
    assert status.timer.isActive()  # it tries again by itself

    server.start()
    status.check()
    qtbot.waitUntil(lambda: status.state == CONNECTED, timeout=15000)


def test_the_status_says_a_key_is_rejected_and_a_model_is_missing(
        make_window, stores, make_refserver, qtbot):
    server = make_refserver(api_key="the-right-key-0123")
    stores.profiles.add(Profile(name="home", server=server.url))
    stores.secrets.keep_for_session("home", "a-wrong-key-98765")
    stores.profiles.add(Profile(name="other", server=server.url, model="nope"))
    stores.secrets.keep_for_session("other", "the-right-key-0123")
    window, controller = make_window()
    status = window.server_status
    qtbot.waitUntil(lambda: status.state == PROBLEM, timeout=15000)
    assert window.server_pill.text() == "● API key rejected"
    controller.set_active_profile("other")
    qtbot.waitUntil(lambda: window.server_pill.text() == "● Model not found", timeout=15000)


def test_the_first_run_dialog_asks_before_saving_an_untested_server(qtbot, stores):
    dialog = FirstRunDialog(stores.profiles, stores.secrets)
    qtbot.addWidget(dialog)
    questions: list[str] = []
    answer = [False]
    dialog.ask = lambda question: questions.append(question) or answer[0]
    dialog.server_edit.setText(closed_port_url())
    # The result arrives after the task is done: wait for the signal the dialog hears.
    with qtbot.waitSignal(dialog.tester.finished, timeout=15000) as result:
        dialog.tester.start()
    assert result.args == [False]
    assert dialog.test_failed
    assert dialog.save() is False
    assert questions
    assert "anyway" in questions[0]
    assert stores.profiles.names() == []
    answer[0] = True
    assert dialog.save() is True
    assert stores.profiles.names() == ["My server"]


def test_the_keyring_is_not_asked_until_a_key_is_needed(make_window, tmp_path, refserver,
                                                        qtbot):
    from desktop_asr.stores.profile_store import ProfileStore
    from desktop_asr.stores.vocabulary_store import VocabularyStore

    backend = CountingKeyring()
    stores = Stores(ProfileStore(tmp_path / "p.json"), SecretStore(backend=backend),
                    VocabularyStore(tmp_path / "v.json"))
    dialog = FirstRunDialog(stores.profiles, stores.secrets)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server_edit.setText(refserver.url)
    with qtbot.waitSignal(dialog.tester.finished, timeout=15000) as result:
        dialog.tester.start()
    assert result.args == [True]
    assert backend.calls == 0  # no key typed: nothing asked of the keyring
    assert dialog.save()  # (saving clears a key a removed profile may have left)
    backend.calls = 0

    window, _controller = make_window(stores)  # the status check needs no key here
    qtbot.waitUntil(lambda: window.server_status.state == CONNECTED, timeout=15000)
    assert backend.calls == 0

    other = FirstRunDialog(stores.profiles, SecretStore(backend=backend))
    qtbot.addWidget(other)
    other.key_box.key_edit.setText("a-typed-key-12345")
    assert backend.calls > 0  # a key is typed: now it is needed


def test_an_error_banner_clears_when_the_next_job_succeeds(make_window, stores, refserver,
                                                           tmp_path, speech_file, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, controller = make_window()
    tray = Tray(controller)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF nonsense")
    controller.transcribe_paths([str(broken)])
    qtbot.waitUntil(lambda: controller.queue.items()[-1].status == FAILED, timeout=15000)
    qtbot.waitUntil(window.banner.isVisible)
    assert controller.state == "error"
    controller.transcribe_paths([str(speech_file)])
    qtbot.waitUntil(lambda: controller.queue.items()[-1].status == DONE, timeout=15000)
    qtbot.waitUntil(lambda: not window.banner.isVisible())
    assert controller.state == "idle"
    assert not tray.icon.toolTip().startswith("Error")
    tray.icon.hide()


def test_nothing_heard_is_a_short_notice_not_an_error(make_window, stores, qtbot):
    window, controller = make_window()
    controller.report_notice("Nothing heard.")
    assert window.banner.isVisible()
    assert controller.state == "idle"  # no warning badge on the tray
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=8000)


def test_a_finished_rerun_does_not_switch_away_from_the_history(
        make_window, stores, refserver, speech_file, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, controller = make_window()
    window.tabs.setCurrentWidget(window.history_panel)
    controller.transcribe_paths([str(speech_file)])
    qtbot.waitUntil(lambda: controller.queue.items()[-1].status == DONE, timeout=15000)
    qtbot.waitUntil(lambda: window.tabs.tabText(0) == "Transcript (new)")
    assert window.tabs.currentWidget() is window.history_panel
    window.tabs.setCurrentWidget(window.transcript_view)
    assert window.tabs.tabText(0) == "Transcript"
    assert "123" in window.transcript_view.text()


def test_the_queue_row_says_done_in_and_show_is_disabled_once_deleted(
        make_window, stores, history, refserver, speech_file, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, controller = make_window()
    controller.transcribe_paths([str(speech_file)])
    qtbot.waitUntil(lambda: controller.queue.items()[-1].status == DONE, timeout=15000)
    item = controller.queue.items()[-1]
    row = window.queue_view.rows[item.id]
    qtbot.waitUntil(lambda: row.status.text().startswith("Done ✓ in "))
    assert row.open_button.isEnabled()
    panel = window.history_panel
    questions: list[str] = []
    panel.confirm = lambda question: questions.append(question) or True
    qtbot.waitUntil(lambda: item.history_id in panel.entry_ids())
    panel.select_entry(item.history_id)
    panel.delete_current()
    qtbot.waitUntil(lambda: not row.open_button.isEnabled())
    assert "Your file is not touched" in questions[0]


def test_the_recording_timer_starts_again_at_zero(make_window, stores, refserver, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, controller = make_window()
    panel = window.record_panel
    panel.button.click()
    controller.recordingTick.emit(7.0)
    assert panel.elapsed.text() == "0:07"
    panel.button.click()  # stop and transcribe
    assert panel.elapsed.text() == "0:00"


def test_dictation_is_named_for_what_it_does_and_shows_its_key(make_window, stores,
                                                               refserver, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, controller = make_window()
    assert "Ctrl+Alt+D" in window.record_panel.dictation_hint.text()
    assert window.record_panel.button.text().endswith("Record and transcribe here")
    tray = Tray(controller)
    tray.rebuild_menu()
    texts = [a.text() for a in tray.menu.actions()]
    assert "Dictate into the active app (Ctrl+Alt+D)" in texts
    menus = {a.text(): a.menu() for a in tray.menu.actions() if a.menu() is not None}
    for title in ("Profile", "Vocabulary"):
        assert menus[title].actions()[-1].text() == "Manage…"
    asked: list[str] = []
    tray.manageProfilesRequested.connect(lambda: asked.append("profiles"))
    menus["Profile"].actions()[-1].trigger()
    assert asked == ["profiles"]
    assert AppSettings().show_indicator  # the small indicator is on by default
    tray.icon.hide()


def test_ctrl_f_searches_the_history(make_window, stores, refserver, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    window, _controller = make_window()
    window.activateWindow()
    window.search_history()
    assert window.tabs.currentWidget() is window.history_panel
    keys = {s.key().toString() for s in window.shortcuts}
    assert {"Ctrl+O", "Ctrl+F", "Ctrl+S", "Ctrl+Shift+C", "Ctrl+R"} <= keys


def test_a_new_list_is_used_with_the_default_profile_and_says_who_uses_it(qtbot, stores):
    from desktop_asr.text.vocabulary import VocabularyList
    from desktop_asr.ui.dialogs.vocabulary_dialog import VocabularyDialog

    stores.profiles.add(Profile(name="home", server="http://10.0.0.5:30101"))
    stores.profiles.add(Profile(name="lab", server="http://10.0.0.6:30101"))
    stores.vocabulary.save(VocabularyList("Old", ()))
    dialog = VocabularyDialog(stores.vocabulary, profiles=stores.profiles)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ask_text = lambda _title, _label: "Medicine"
    dialog.new_list()
    assert stores.profiles.get("home").vocab_lists == ("Medicine",)  # sent from now on
    assert dialog.usage.label.text() == "Used with: home"
    assert not dialog.usage.use_button.isVisible()

    dialog.reload(select="Old")
    assert dialog.usage.label.text().startswith("No profile uses this list yet")
    assert dialog.usage.use_button.text() == "Use with home"
    dialog.usage.use_button.click()
    assert stores.profiles.get("home").vocab_lists == ("Medicine", "Old")
    assert stores.profiles.get("lab").vocab_lists == ()
    assert dialog.usage.label.text() == "Used with: home"
