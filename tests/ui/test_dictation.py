"""Dictation in the app: keys start and stop, phrases go to the reference server while
"speaking", the text is delivered once, kept in the history, never the vocabulary on
silence, and a server that is away sends the recording to the queue instead."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from desktop_asr.engine.audio import decode_pcm
from desktop_asr.recording.recorder import Recording
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.text.vocabulary import VocabularyEntry, VocabularyList
from desktop_asr.ui.controller import RECORDING, AppController, Services
from desktop_asr.ui.dictation import Dictation
from tests import dtmf
from tests.ui.conftest import closed_port_url


class SpeakingRecorder:
    """Stands in for the microphone: on start it 'captures' a prepared file, block by
    block, through the on_block tap (as the real recorder's writer thread does)."""

    def __init__(self, speech: Path) -> None:
        self.speech = speech
        self.is_recording = False
        self.path: Path | None = None
        self.elapsed = self.level = self.peak = 0.0

    def start(self, path, device=None, *, on_block=None) -> None:
        self.path = Path(path)
        shutil.copyfile(self.speech, self.path)
        self.is_recording = True
        if on_block is not None:
            samples = np.concatenate(list(decode_pcm(self.speech)))
            for start in range(0, samples.size, 800):  # 50 ms blocks
                on_block(samples[start:start + 800])

    def stop(self) -> Recording:
        self.is_recording = False
        return Recording(self.path, 2.0, 16000)

    def cancel(self) -> None:
        self.is_recording = False

    def arm(self, device=None) -> None:
        self.armed_with = device
        self.is_armed = True

    def disarm(self) -> None:
        self.is_armed = False

    is_armed = False
    armed_with: object = "never armed"


class FakeHotkeys:
    made: ClassVar[list[FakeHotkeys]] = []

    def __init__(self, toggle, push, on_toggle, on_press, on_release) -> None:
        self.keys = (toggle, push)
        self.on_toggle, self.on_press, self.on_release = on_toggle, on_press, on_release
        self.running = False
        FakeHotkeys.made.append(self)

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False


@pytest.fixture
def make_dictation(stores, history, tmp_path, qtbot):
    made = []

    def make(speech: Path, settings: AppSettings | None = None, deliver=None, clipboard=None):
        store = AppSettingsStore(tmp_path / "settings.json")
        store.save(settings or AppSettings())
        services = Services(stores=stores, history=history, settings=store,
                            recorder=SpeakingRecorder(speech),
                            clipboard=clipboard or (lambda text: None))
        app = AppController(services)
        delivered: list[str] = []
        dictation = Dictation(app, deliver=deliver or (lambda text, s: delivered.append(text)),
                              hotkeys_factory=FakeHotkeys)
        dictation.apply_settings()
        made.append((app, dictation))
        return app, dictation, delivered

    yield make
    for app, dictation in made:
        dictation.shutdown()
        app.shutdown()


def speech_file(tmp_path: Path, text: str, name: str = "speech.wav") -> Path:
    samples = dtmf.synthesize(text, word_gap_ms=900)
    return dtmf.write_audio(tmp_path / name, samples, 16000)


def test_the_toggle_key_records_and_delivers_the_text_once(make_dictation, stores, history,
                                                          refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    app, _dictation, delivered = make_dictation(
        speech_file(tmp_path, "123 456 789"), AppSettings(dictation_ending="space"))
    hotkeys = FakeHotkeys.made[-1]
    assert hotkeys.keys == ("Ctrl+Alt+D", None)
    assert hotkeys.running
    recorder = app.services.recorder
    assert recorder.is_armed  # the stream is kept warm while the keys are active
    assert recorder.armed_with is None  # the default input device

    hotkeys.on_toggle()  # from pynput's thread in real life: queued to this thread
    qtbot.waitUntil(lambda: app.state == RECORDING)
    hotkeys.on_toggle()
    qtbot.waitUntil(lambda: len(delivered) == 1, timeout=20000)
    assert delivered == ["123 456 789"]  # the ending is the deliverer's job
    assert len(refserver.requests()) >= 2  # phrases went while "speaking"
    (entry,) = history.list()
    assert (entry.source_kind, entry.text, entry.profile) == ("recording", "123 456 789",
                                                              "home")
    assert entry.audio_path is not None
    assert entry.audio_path.exists()


def test_push_to_talk_records_while_held(make_dictation, stores, refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    _app, dictation, delivered = make_dictation(
        speech_file(tmp_path, "42"), AppSettings(dictation_toggle=None,
                                                 dictation_push_to_talk="F8"))
    hotkeys = FakeHotkeys.made[-1]
    assert hotkeys.keys == (None, "F8")
    hotkeys.on_press()
    qtbot.waitUntil(lambda: dictation.active)
    hotkeys.on_release()
    qtbot.waitUntil(lambda: delivered == ["42"], timeout=20000)


def test_silence_delivers_nothing_never_the_vocabulary(make_dictation, stores, history,
                                                       refserver, tmp_path, qtbot):
    stores.vocabulary.save(VocabularyList("work", (VocabularyEntry("Kubernetes"),)))
    stores.profiles.add(Profile(name="home", server=refserver.url, vocab_lists=("work",)))
    silence = dtmf.write_audio(tmp_path / "silence.wav",
                               np.zeros(3 * 16000, dtype=np.float32), 16000)
    app, dictation, delivered = make_dictation(silence)
    heard = []
    dictation.nothingHeard.connect(lambda: heard.append(True))
    errors, notices = [], []
    app.errorRaised.connect(lambda message, details: errors.append(message))
    app.noticeRaised.connect(notices.append)
    dictation.toggle()
    dictation.toggle()
    qtbot.waitUntil(lambda: heard == [True], timeout=20000)
    assert delivered == []
    assert notices == ["Nothing heard."]  # a short notice, not an error
    assert errors == []
    assert history.list() == []
    assert list(history.audio_dir.iterdir()) == []  # its audio is deleted at once


def test_a_server_that_is_away_sends_the_recording_to_the_queue(make_dictation, stores,
                                                               history, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=closed_port_url()))
    app, dictation, delivered = make_dictation(speech_file(tmp_path, "7 8"))
    dictation.toggle()
    dictation.toggle()
    qtbot.waitUntil(lambda: len(app.queue.items()) == 1, timeout=30000)
    assert delivered == []
    (pending,) = history.pending()
    assert pending.source_kind == "recording"
    assert pending.audio_path.exists()


def test_a_refused_key_is_reported_in_words(make_dictation, stores, tmp_path, qtbot):
    def refusing(*args):
        raise ValueError("Ctrl+Shift has no key besides the modifiers.")

    speech = speech_file(tmp_path, "1")
    store = AppSettingsStore(tmp_path / "settings.json")
    services = Services(stores=stores, history=None, settings=store,
                        recorder=SpeakingRecorder(speech), clipboard=lambda text: None)
    app = AppController(services)
    errors = []
    app.errorRaised.connect(lambda message, details: errors.append(message))
    dictation = Dictation(app, deliver=lambda text, s: None, hotkeys_factory=refusing)
    dictation.apply_settings()
    assert errors == ["The dictation keys are not active: Ctrl+Shift has no key besides "
                      "the modifiers."]
    assert dictation.hotkeys is None
    app.shutdown()


def test_the_profile_chinese_script_is_applied_to_dictated_text(make_dictation, stores,
                                                                history, refserver,
                                                                tmp_path, qtbot):
    # The reference server answers "#1" with the first word of the context: 汉字.
    stores.profiles.add(Profile(name="home", server=refserver.url, context="汉字 转换",
                                chinese="traditional"))
    _app, dictation, delivered = make_dictation(speech_file(tmp_path, "#1"))
    dictation.toggle()
    dictation.toggle()
    qtbot.waitUntil(lambda: len(delivered) == 1, timeout=20000)
    assert delivered == ["漢字"]
    assert history.list()[0].text == "漢字"


def test_a_dictation_has_its_entry_from_the_first_second(make_dictation, stores, history,
                                                        refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    app, dictation, delivered = make_dictation(speech_file(tmp_path, "42"))
    dictation.toggle()
    (entry,) = history.list()  # what an app killed now leaves for the next start
    assert (entry.status, entry.source_kind, entry.profile) == ("recording", "recording",
                                                                "home")
    assert entry.audio_path == app.services.recorder.path
    assert entry.source.startswith("Dictation ")
    dictation.toggle()
    qtbot.waitUntil(lambda: delivered == ["42"], timeout=20000)
    (done,) = history.list()
    assert (done.id, done.status, done.text) == (entry.id, "done", "42")


def test_a_recorder_error_stops_the_dictation_and_sends_what_was_recorded(
        make_dictation, stores, history, refserver, tmp_path, qtbot):
    """The microphone is unplugged mid-dictation: the recorder says so from its writer
    thread; the dictation stops, nothing is pasted, and the recording is transcribed into
    the history (and onto the clipboard, as a recording is)."""
    stores.profiles.add(Profile(name="home", server=refserver.url))
    app, dictation, delivered = make_dictation(speech_file(tmp_path, "7 8"))
    errors = []
    app.errorRaised.connect(lambda message, details: errors.append(message))
    dictation.toggle()
    recorder = app.services.recorder
    problem = ("The recording stopped: the microphone “default” stopped working (was it "
               "unplugged?). What was recorded until then is kept.")
    writer = threading.Thread(target=recorder.on_error, args=(problem,))
    writer.start()
    writer.join()
    qtbot.waitUntil(lambda: not dictation.active)
    assert errors == [problem]
    assert not recorder.is_recording
    qtbot.waitUntil(lambda: history.list()[0].status == "done", timeout=20000)
    (entry,) = history.list()
    assert (entry.text, entry.source.startswith("Dictation ")) == ("7 8", True)
    assert delivered == []  # never pasted into whatever window has the focus now
    assert app.state != RECORDING


def test_a_recordings_folder_that_cannot_be_made_is_said_in_words(make_dictation, stores,
                                                                  history, refserver,
                                                                  tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    app, dictation, _ = make_dictation(speech_file(tmp_path, "1"))
    history.audio_dir.write_text("in the way")
    errors = []
    app.errorRaised.connect(lambda message, details: errors.append(message))
    dictation.toggle()
    assert errors == [f"Cannot create a recording file in {history.audio_dir}: it is a "
                      "file, not a folder."]
    assert not dictation.active
    assert not app.services.recorder.is_recording


def test_the_record_button_during_a_dictation_ends_that_dictation(make_dictation, stores,
                                                                  history, refserver,
                                                                  tmp_path, qtbot):
    """One recording, one entry: the button stops the dictation (its text delivered), it
    does not take its file away as a second recording."""
    stores.profiles.add(Profile(name="home", server=refserver.url))
    app, dictation, delivered = make_dictation(speech_file(tmp_path, "42"))
    dictation.toggle()
    assert app.state == RECORDING
    app.toggle_file_recording()  # the window's "Stop and transcribe"
    assert not dictation.active
    qtbot.waitUntil(lambda: delivered == ["42"], timeout=20000)
    (entry,) = history.list()
    assert (entry.status, entry.text) == ("done", "42")
    assert app.queue.items() == []


def test_starting_a_dictation_reads_no_key_on_the_ui_thread(make_dictation, stores, refserver,
                                                            tmp_path, qtbot, monkeypatch):
    """The profile's key comes from the keyring over D-Bus, which can be slow: the plan is
    made on a pool thread before the key press, never on the UI thread at the press."""
    import threading

    stores.profiles.add(Profile(name="home", server=refserver.url))
    reads: list[bool] = []
    get = stores.secrets.get

    def recording_get(name: str):
        reads.append(threading.current_thread() is threading.main_thread())
        return get(name)

    monkeypatch.setattr(stores.secrets, "get", recording_get)
    app, dictation, delivered = make_dictation(speech_file(tmp_path, "42"))
    qtbot.waitUntil(lambda: dictation.plans._plan is not None)  # made ahead, off the thread
    reads.clear()
    FakeHotkeys.made[-1].on_toggle()
    qtbot.waitUntil(lambda: app.state == RECORDING)
    FakeHotkeys.made[-1].on_toggle()
    qtbot.waitUntil(lambda: delivered == ["42"], timeout=20000)
    assert True not in reads  # no key read on the UI thread for this dictation


def test_the_old_key_starts_nothing_while_a_new_one_is_being_set(make_dictation, stores,
                                                                 refserver, tmp_path, qtbot):
    """Pressing Ctrl+Alt+D in the push-to-talk key editor must not start a dictation behind
    the Settings dialog."""
    from desktop_asr.ui.dialogs.dictation_settings import DictationSettings

    stores.profiles.add(Profile(name="home", server=refserver.url))
    app, dictation, _delivered = make_dictation(speech_file(tmp_path, "42"))
    page = DictationSettings(app.settings)
    qtbot.addWidget(page)
    page.keysBeingEdited.connect(dictation.suspend_keys)
    page.show()
    qtbot.waitExposed(page)
    page.push_key.edit.setFocus()
    qtbot.waitUntil(lambda: dictation.keys_suspended)
    FakeHotkeys.made[-1].on_toggle()  # the old key, pressed to be recorded in the editor
    FakeHotkeys.made[-1].on_press()  # (emitted on this thread: handled before returning)
    assert not dictation.active
    assert app.state != RECORDING
    page.toggle_key.clear_button.setFocus()  # the editor is left: the keys work again
    qtbot.waitUntil(lambda: not dictation.keys_suspended)
    FakeHotkeys.made[-1].on_toggle()
    qtbot.waitUntil(lambda: app.state == RECORDING)
