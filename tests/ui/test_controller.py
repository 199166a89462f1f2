"""The app controller with real stores, a real history database, the real transcription
queue and the reference server; the microphone is a stand-in that "captures" a DTMF file
(the real one is exercised end to end in tests/e2e)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_asr.recording.recorder import Recording
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.stores.profiles import Profile
from desktop_asr.text.vocabulary import VocabularyList
from desktop_asr.ui.controller import ERROR, IDLE, RECORDING, AppController, Services
from tests import dtmf
from tests.ui.conftest import closed_port_url


class StandInRecorder:
    """Writes a prepared WAV to the path it is given, as capture would."""

    def __init__(self, speech: Path) -> None:
        self.speech = speech
        self.is_recording = False
        self.path: Path | None = None
        self.elapsed = 0.0
        self.level = 0.3
        self.peak = 0.6
        self.devices: list[object] = []

    def start(self, path, device=None) -> None:
        self.path = Path(path)
        self.devices.append(device)
        shutil.copyfile(self.speech, self.path)
        self.is_recording = True
        self.elapsed = 1.5

    def stop(self) -> Recording:
        self.is_recording = False
        return Recording(self.path, 1.5, 16000)

    def cancel(self) -> None:
        self.is_recording = False
        self.path.unlink()


@pytest.fixture
def speech(tmp_path: Path) -> Path:
    return dtmf.write_audio(tmp_path / "speech.wav", dtmf.synthesize("*123 456"), 16000)


@pytest.fixture
def make_controller(stores, history, tmp_path, qtbot):
    made = []

    def make(recorder=None, problem="", settings: AppSettings | None = None):
        store = AppSettingsStore(tmp_path / "settings.json")
        if settings is not None:
            store.save(settings)
        clipboard: list[str] = []
        services = Services(stores=stores, history=history, settings=store,
                            recorder=recorder, recording_problem=problem,
                            clipboard=clipboard.append)
        controller = AppController(services)
        controller.clipboard = clipboard  # for the test to read
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown()


def test_a_recording_is_kept_then_transcribed_and_copied(make_controller, stores, history,
                                                         refserver, speech, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    recorder = StandInRecorder(speech)
    controller = make_controller(recorder, settings=AppSettings(input_device="USB Mic"))
    states = []
    controller.stateChanged.connect(states.append)
    ready = []
    controller.transcriptReady.connect(ready.append)

    controller.toggle_recording()
    assert controller.state == RECORDING
    assert recorder.devices == ["USB Mic"]
    assert recorder.path.parent == history.audio_dir  # kept beside the history
    controller.toggle_recording()
    qtbot.waitUntil(lambda: len(ready) > 0, timeout=20000)

    entry = ready[0]
    assert isinstance(entry, HistoryEntry)
    assert entry.text == "一二三 456"
    assert entry.source_kind == "recording"
    assert entry.status == "done"
    assert entry.profile == "home"
    assert entry.audio_path == recorder.path
    assert entry.audio_path.exists()
    assert controller.clipboard == ["一二三 456"]  # copied automatically when done
    qtbot.waitUntil(lambda: controller.state == IDLE)
    assert states[0] == RECORDING
    assert "transcribing" in states


def test_a_recording_survives_a_server_that_is_down(make_controller, stores, history,
                                                    refserver, speech, qtbot, tmp_path):
    stores.profiles.add(Profile(name="home", server=closed_port_url()))
    controller = make_controller(StandInRecorder(speech))
    controller.toggle_recording()
    controller.toggle_recording()
    qtbot.waitUntil(lambda: any(i.status == "waiting" for i in controller.queue.items()),
                    timeout=20000)
    (pending,) = history.pending()
    assert pending.source_kind == "recording"
    assert pending.audio_path.exists()  # on disk before anything was sent
    controller.shutdown()

    # The app starts again; the server is back: the pending recording is sent.
    stores.profiles.update(Profile(name="home", server=refserver.url))
    again = make_controller(StandInRecorder(speech))
    ready = []
    again.transcriptReady.connect(ready.append)
    assert again.resume_pending() == 1
    qtbot.waitUntil(lambda: len(ready) > 0, timeout=20000)
    assert ready[0].id == pending.id
    assert history.get(pending.id).status == "done"
    assert history.get(pending.id).text == "一二三 456"


def test_files_are_transcribed_and_saved_in_the_auto_save_folder(
        make_controller, stores, refserver, speech, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    folder = tmp_path / "transcripts"
    controller = make_controller(settings=AppSettings(auto_save_dir=str(folder),
                                                      auto_save_format="srt",
                                                      auto_copy=False))
    done = []
    controller.itemFinished.connect(done.append)
    progress = []
    controller.progressChanged.connect(lambda d, t: progress.append((d, t)))
    controller.transcribe_paths([str(speech)])
    qtbot.waitUntil(lambda: len(done) > 0, timeout=20000)
    saved = folder / "speech.srt"
    assert saved.read_text(encoding="utf-8").startswith("1\n00:00:00,000 --> ")
    assert "一二三 456" in saved.read_text(encoding="utf-8")
    assert controller.clipboard == []  # auto-copy off
    assert progress[0] == (0, 1)
    assert progress[-1] == (1, 1)


def test_profile_and_vocabulary_switches_reach_the_stores(make_controller, stores, qtbot):
    stores.profiles.add(Profile(name="home", server="http://a:1"))
    stores.profiles.add(Profile(name="lab", server="http://b:2"))
    stores.vocabulary.save(VocabularyList("work"))
    stores.vocabulary.save(VocabularyList("names"))
    controller = make_controller()
    changed = []
    controller.storesChanged.connect(lambda: changed.append(True))

    assert controller.active_profile() == "home"
    controller.set_active_profile("lab")
    assert stores.profiles.default_name() == "lab"
    assert sorted(controller.vocabulary_lists()) == [("names", False), ("work", False)]
    controller.set_list_active("work", True)
    assert stores.profiles.get("lab").vocab_lists == ("work",)
    assert ("work", True) in controller.vocabulary_lists()
    assert stores.profiles.get("home").vocab_lists == ()
    controller.set_list_active("work", False)
    assert stores.profiles.get("lab").vocab_lists == ()
    assert len(changed) == 3


def test_without_a_microphone_recording_says_why(make_controller, qtbot):
    problem = "Recording is unavailable: the PortAudio library is missing."
    controller = make_controller(None, problem=problem)
    errors = []
    controller.errorRaised.connect(lambda message, details: errors.append(message))
    assert not controller.recording_available
    controller.toggle_recording()
    assert errors == [problem]
    assert controller.state == ERROR
