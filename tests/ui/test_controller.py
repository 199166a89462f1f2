"""The app controller with real stores, a real history database, the real transcription
queue and the reference server; the microphone is a stand-in that "captures" a DTMF file
(the real one is exercised end to end in tests/e2e)."""

from __future__ import annotations

import errno
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from desktop_asr.recording.recorder import Recorder, Recording
from desktop_asr.recording.wavfile import WavWriter
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.history.entry import HistoryEntry, Retention
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.text.vocabulary import VocabularyList
from desktop_asr.ui.controller import ERROR, IDLE, RECORDING, AppController, Services
from tests import dtmf
from tests.ui.conftest import closed_port_url
from tests.unit.test_recorder import FakeSoundDevice


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
    srt = saved.read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,300 --> ")  # where the first tone starts
    cues = [block.split("\n", 2)[2] for block in srt.strip().split("\n\n")]
    assert cues == ["一二三", "456"]  # the words, each on its own speech
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


# --- nothing lost: an entry from the first second, failures said and what was recorded kept ---
def pcm(text: str) -> np.ndarray:
    return (np.clip(dtmf.synthesize(text), -1, 1) * 32767).astype(np.int16)


def test_a_recording_has_its_entry_from_the_first_second(make_controller, stores, history,
                                                         refserver, speech, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    controller = make_controller(StandInRecorder(speech))
    controller.toggle_file_recording()
    (entry,) = history.list()
    assert (entry.status, entry.source_kind, entry.profile) == ("recording", "recording",
                                                                "home")
    assert entry.audio_path == controller.services.recorder.path  # found by the next start
    assert history.unfinished_recordings() == [entry]
    controller.toggle_file_recording()
    qtbot.waitUntil(lambda: history.get(entry.id).status == "done", timeout=20000)
    assert history.count() == 1  # the same entry, now with its text
    assert history.get(entry.id).text == "一二三 456"


def test_a_microphone_that_dies_stops_the_recording_says_so_and_sends_what_was_recorded(
        make_controller, stores, history, refserver, qtbot):
    """The PortAudio stream ends under the recorder (a USB microphone pulled out): the
    window must not keep saying "Recording" with a frozen timer."""
    stores.profiles.add(Profile(name="home", server=refserver.url))
    fake = FakeSoundDevice(pcm("*123 456"))
    fake.die_after_source = True
    controller = make_controller(Recorder(fake), settings=AppSettings(auto_copy=False))
    errors, ready = [], []
    controller.errorRaised.connect(lambda message, details: errors.append(message))
    controller.transcriptReady.connect(ready.append)
    controller.toggle_file_recording()
    qtbot.waitUntil(lambda: errors != [], timeout=10000)
    assert errors[0] == ("The recording stopped: the microphone “default” stopped working "
                         "(was it unplugged?). What was recorded until then is kept.")
    qtbot.waitUntil(lambda: controller.state != RECORDING)
    assert not controller.services.recorder.is_recording
    qtbot.waitUntil(lambda: len(ready) == 1, timeout=20000)
    (entry,) = history.list()
    assert (entry.status, entry.text) == ("done", "一二三 456")
    assert entry.audio_path.exists()
    assert controller.error_message == errors[0]  # still said after the text arrived


def test_a_full_disk_stops_the_recording_says_so_and_sends_what_was_written(
        make_controller, stores, history, refserver, qtbot, monkeypatch):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    real_write = WavWriter.write

    def write(self: WavWriter, block: np.ndarray) -> None:
        if self.frames >= 16000:  # one second fits on the disk
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, block)

    monkeypatch.setattr(WavWriter, "write", write)
    fake = FakeSoundDevice(pcm("12 34"))  # "12" in the first second, "34" after it
    fake.allow(60)  # 3 s, then the stream stays open: only the disk stops it
    controller = make_controller(Recorder(fake))
    errors, ready = [], []
    controller.errorRaised.connect(lambda message, details: errors.append(message))
    controller.transcriptReady.connect(ready.append)
    controller.toggle_file_recording()
    qtbot.waitUntil(lambda: errors != [], timeout=10000)
    (entry,) = history.list()
    assert errors[0] == (f"The disk is full: the recording could not be written to "
                         f"{entry.audio_path}. What was recorded until then is kept.")
    qtbot.waitUntil(lambda: controller.state != RECORDING)
    qtbot.waitUntil(lambda: len(ready) == 1, timeout=20000)
    entry = history.get(entry.id)
    assert (entry.status, entry.text, entry.duration) == ("done", "12", 1.0)
    assert controller.clipboard == ["12"]


def test_a_recordings_folder_that_cannot_be_made_is_said_in_words(make_controller, history,
                                                                  speech, qtbot):
    history.audio_dir.parent.mkdir(parents=True, exist_ok=True)
    history.audio_dir.write_text("a file where the folder should be")
    recorder = StandInRecorder(speech)
    controller = make_controller(recorder)
    errors = []
    controller.errorRaised.connect(lambda message, details: errors.append(message))
    controller.toggle_file_recording()
    assert errors == [f"Cannot create a recording file in {history.audio_dir}: it is a "
                      "file, not a folder."]
    assert controller.state == ERROR
    assert not recorder.is_recording
    assert history.list() == []


def test_retention_none_deletes_the_recording_once_it_is_transcribed(make_controller, stores,
                                                                    history, refserver,
                                                                    speech, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    history.set_retention(Retention.NONE)
    recorder = StandInRecorder(speech)
    controller = make_controller(recorder)
    ready = []
    controller.transcriptReady.connect(ready.append)
    controller.toggle_file_recording()
    controller.toggle_file_recording()
    qtbot.waitUntil(lambda: len(ready) == 1, timeout=20000)
    assert ready[0].text == "一二三 456"
    assert ready[0].audio_path is None
    assert not recorder.path.exists()  # gone now, not at the next start


def test_a_users_cancel_is_final_and_a_shutdown_leaves_the_rest_pending(
        make_controller, stores, history, refserver, speech, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=closed_port_url()))
    controller = make_controller(StandInRecorder(speech))
    files = [shutil.copyfile(speech, tmp_path / name) for name in ("a.wav", "b.wav")]
    controller.transcribe_paths([str(f) for f in files])
    controller.toggle_file_recording()
    controller.toggle_file_recording()
    queue = controller.queue
    qtbot.waitUntil(lambda: len(queue.items()) == 3
                    and all(i.status == "waiting" for i in queue.items()), timeout=30000)
    by_kind = {(i.kind, Path(i.source).name): i for i in queue.items()}
    a, b = by_kind[("file", "a.wav")], by_kind[("file", "b.wav")]
    (recording,) = [i for i in queue.items() if i.kind == "recording"]
    queue.cancel(a.id)
    queue.cancel(recording.id)
    assert history.get(a.history_id).status == "cancelled"
    assert history.get(recording.history_id).status == "cancelled"
    assert recording.audio_path.exists()  # cancelled, not thrown away
    controller.shutdown()  # quitting interrupts b: it stays pending
    assert history.get(b.history_id).status == "pending"

    # The next start, with the server back, sends b only.
    stores.profiles.update(Profile(name="home", server=refserver.url))
    again = make_controller(StandInRecorder(speech))
    ready = []
    again.transcriptReady.connect(ready.append)
    assert again.resume_pending() == 1
    qtbot.waitUntil(lambda: len(ready) == 1, timeout=20000)
    assert ready[0].id == b.history_id
    assert history.get(a.history_id).status == "cancelled"
    assert history.get(recording.history_id).status == "cancelled"


def test_items_finishing_during_the_shutdown_never_reach_a_closed_history(
        stores, tmp_path, refserver, speech, qtbot):
    """The queue's last signals are handled (or dropped) by the controller's shutdown:
    none reaches it after the app closed the history (it once failed a test's teardown
    with "Cannot operate on a closed database")."""
    stores.profiles.add(Profile(name="home", server=refserver.url))
    history = HistoryStore(tmp_path / "own-history.sqlite3")
    store = AppSettingsStore(tmp_path / "settings.json")
    controller = AppController(Services(stores=stores, history=history, settings=store,
                                        recorder=None, clipboard=lambda text: None))
    finished_on_loop = threading.Event()
    controller.queue.itemFinished.connect(lambda item: finished_on_loop.set(),
                                          Qt.ConnectionType.DirectConnection)
    handled = []
    controller.itemFinished.connect(handled.append)
    controller.transcribe_paths([str(speech)])
    # The item finishes on the queue's thread; its signal waits for this (blocked) thread.
    assert finished_on_loop.wait(20)
    assert handled == []
    controller.shutdown()
    assert [i.status for i in handled] == ["done"]  # its last signal, handled in order
    history.close()
    seen = []
    QTimer.singleShot(0, lambda: seen.append(True))
    qtbot.waitUntil(lambda: seen == [True])  # every posted event has been delivered
    assert len(handled) == 1  # and nothing after the history closed
    with HistoryStore(tmp_path / "own-history.sqlite3") as reopened:
        (entry,) = reopened.list()
    assert (entry.status, entry.text) == ("done", "一二三 456")
