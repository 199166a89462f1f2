"""The main window's flows with real parts: real drop events carrying file URLs, the real
queue and history, the reference server (stopped mid-queue and started again), and the
event loop kept responsive while an hour of audio is transcribed."""

from __future__ import annotations

import statistics
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.run_plan import plan_run
from desktop_asr.ui.controller import AppController, Services
from desktop_asr.ui.main_window import MainWindow
from desktop_asr.ui.transcription_queue import DONE, WAITING, TranscriptionQueue
from tests import dtmf


def drop_files(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    zone = window.drop_zone
    centre = QPointF(zone.rect().center())
    # QDragEnterEvent takes a QPoint up to PySide6 6.11, QDropEvent a QPointF.
    enter = QDragEnterEvent(zone.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, enter)
    assert enter.isAccepted()
    drop = QDropEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, drop)
    assert drop.isAccepted()


@pytest.fixture
def make_window(stores, history, tmp_path, qtbot):
    made = []

    def make(settings: AppSettings | None = None, retry_delays=(5.0,)):
        store = AppSettingsStore(tmp_path / "settings.json")
        store.save(settings or AppSettings())
        clipboard: list[str] = []
        services = Services(stores=stores, history=history, settings=store, recorder=None,
                            recording_problem="Recording is unavailable here.",
                            clipboard=clipboard.append)
        queue = TranscriptionQueue(lambda name: plan_run(stores, profile_name=name), history,
                                   retry_delays=retry_delays)
        controller = AppController(services, queue=queue)
        window = MainWindow(controller)
        qtbot.addWidget(window)
        window.show()
        made.append(controller)
        return window, clipboard

    yield make
    for controller in made:
        controller.shutdown()


def test_three_dropped_files_are_transcribed_and_saved_as_srt(make_window, stores, history,
                                                              refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    folder = tmp_path / "srt"
    window, clipboard = make_window(AppSettings(auto_save_dir=str(folder),
                                                auto_save_format="srt"))
    words = {"standup.wav": "123", "review.flac": "456 789", "retro.ogg": "*12"}
    paths = [dtmf.write_audio(tmp_path / name, dtmf.synthesize(text), 16000)
             for name, text in words.items()]
    drop_files(window, paths)
    qtbot.waitUntil(lambda: len(window.queue_view.rows) == 3)  # looked at off the UI thread
    qtbot.waitUntil(lambda: all(i.status == DONE for i in window.controller.queue.items()),
                    timeout=30000)
    # The controller saves each one when it hears it finished (on this thread).
    qtbot.waitUntil(lambda: len(clipboard) == 3, timeout=10000)

    expected = {"standup": "123", "review": "456 789", "retro": "一二"}
    for stem, text in expected.items():
        srt = (folder / f"{stem}.srt").read_text(encoding="utf-8")
        assert srt.startswith("1\n00:00:00,300 --> ")  # where the first tone starts
        cues = [block.split("\n", 2)[2] for block in srt.strip().split("\n\n")]
        assert " ".join(cues) == text
    assert sorted(clipboard) == sorted(expected.values())  # each copied when done
    assert sorted(e.text for e in history.list()) == sorted(expected.values())
    qtbot.waitUntil(lambda: window.transcript_view.text() in expected.values())
    # The history tab finds them too.
    assert window.history_panel is not None
    window.history_panel.refresh()
    qtbot.waitUntil(lambda: len(window.history_panel.entry_ids()) == 3)


def test_a_server_stopped_mid_queue_leaves_entries_pending_until_it_is_back(
        make_window, stores, history, make_refserver, tmp_path, qtbot):
    server = make_refserver()
    server.configure(min_latency_s=0.4)
    stores.profiles.add(Profile(name="home", server=server.url, concurrency=1))
    window, _ = make_window(retry_delays=(1.0, 1.0, 1.0, 1.0))
    paths = [dtmf.write_audio(tmp_path / f"part{n}.wav", dtmf.synthesize(str(n)), 16000)
             for n in range(1, 5)]
    drop_files(window, paths)
    queue = window.controller.queue
    qtbot.waitUntil(lambda: any(i.status == DONE for i in queue.items()), timeout=30000)
    server.stop()
    qtbot.waitUntil(lambda: any(i.status == WAITING for i in queue.items()), timeout=30000)
    waiting = [i for i in queue.items() if i.status == WAITING]
    for item in waiting:
        assert history.get(item.history_id).status == "pending"
    # (What a waiting row says is checked in test_queue_view.py.)

    server.restart()
    qtbot.waitUntil(lambda: all(i.status == DONE for i in queue.items()), timeout=60000)
    assert sorted(e.text for e in history.list()) == ["1", "2", "3", "4"]
    assert history.pending() == []


def write_hour(path: Path) -> Path:
    """An hour of 16 kHz audio: DTMF words every ~50 s over quiet noise, written a minute
    at a time (never the whole hour in memory)."""
    rng = np.random.default_rng(3)
    word = dtmf.synthesize("42", 16000, lead_ms=0, tail_ms=0)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        for minute in range(60):
            block = rng.normal(0, 0.002, 60 * 16000).astype(np.float32)
            block[16000:16000 + word.size] += word
            out.writeframes((np.clip(block, -1, 1) * 32767).astype("<i2").tobytes())
            del minute
    return path


def test_the_event_loop_never_stalls_while_an_hour_is_transcribed(
        make_window, stores, refserver, tmp_path, qtbot):
    stores.profiles.add(Profile(name="home", server=refserver.url))
    source = write_hour(tmp_path / "hour.wav")
    window, _ = make_window()
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    started = time.monotonic()
    window.controller.transcribe_paths([str(source)])
    queue = window.controller.queue
    qtbot.waitUntil(lambda: all(i.finished for i in queue.items()), timeout=110000)
    heartbeat.stop()
    (item,) = queue.items()
    assert item.status == DONE
    assert item.transcript.text == " ".join(["42"] * 60)
    assert len(item.transcript.segments) >= 30  # 120-second chunks
    assert time.monotonic() - started > 1.0  # it did take a while, with beats throughout
    assert len(gaps) > 50
    # The work is off the UI thread: the 10 ms beat keeps its pace (median), no chunk's
    # decoding, encoding or reply handling holds the loop (a 120-second chunk's work on the
    # UI thread is 150+ ms, so it would show as a stall per chunk: 30 or more), and nothing
    # holds it for the whole file (seconds). The figure itself (longest gap, 99th
    # percentile) is measured by benchmarks/bench_event_loop.py, not asserted here: on 2
    # busy cores one or two scheduling delays can pass any tight limit.
    assert statistics.median(gaps) <= 15, f"the beat slowed to {statistics.median(gaps)} ms"
    stalls = [gap for gap in gaps if gap > 150]
    assert len(stalls) <= 2, f"the event loop stalled {len(stalls)} times: {stalls}"
    assert max(gaps) <= 1000, f"the event loop stopped for {max(gaps)} ms"
