"""How responsive the UI thread's event loop stays while an hour of audio is transcribed
through the real main window: a 10 ms QTimer heartbeat runs for the whole transcription and
the gaps between its beats are timed (QElapsedTimer). A free loop beats every 10 ms; work
held on the UI thread (decoding, encoding, reply handling) shows as a longer gap.

    .venv/bin/python -m benchmarks.bench_event_loop [--runs 3]

The flow of test_the_event_loop_never_stalls_while_an_hour_is_transcribed
(tests/ui/test_main_window_flows.py, which asserts only loose limits): its hour of DTMF words
over quiet noise is queued through a fresh window's controller in each run and sent to the
reference server (tests/refserver) running as a separate process. Every store is in a
temporary folder, the keyring an in-memory one. "worst" is each column's worst over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import wave
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.run_plan import Stores, plan_run
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.ui.controller import AppController
from desktop_asr.ui.main_window import MainWindow
from desktop_asr.ui.services import Services
from desktop_asr.ui.transcription_queue import DONE, TranscriptionQueue
from tests.keyrings import MemoryKeyring
from tests.refserver.fixture import RefServer
from tests.ui.test_main_window_flows import write_hour

BEAT_MS = 10
TIMEOUT_MS = 600_000
COLUMNS = ["", "audio", "wall s", "beats", "median ms", "p99 ms", "max ms", ">50 ms",
           ">100 ms", "result"]


def figures(wall: float, gaps: list[float]) -> list[float]:
    """wall s, beats, median, p99 and longest gap (ms), number of gaps over 50 and 100 ms."""
    p99 = statistics.quantiles(gaps, n=100)[98] if len(gaps) > 1 else gaps[0]
    return [wall, len(gaps), statistics.median(gaps), p99, max(gaps),
            sum(g > 50 for g in gaps), sum(g > 100 for g in gaps)]


def cells(name: str, audio: str, f: list[float], outcome: str) -> list[str]:
    return [name, audio, f"{f[0]:.2f}", f"{f[1]:.0f}", *(f"{v:.1f}" for v in f[2:5]),
            f"{f[5]:.0f}", f"{f[6]:.0f}", outcome]


def transcribe_once(folder: Path, source: Path, server_url: str) -> tuple[list[float], str]:
    """One window with its own stores, built as the test's make_window fixture builds them."""
    stores = Stores(ProfileStore(folder / "profiles.json"), SecretStore(backend=MemoryKeyring()),
                    VocabularyStore(folder / "vocabulary.json"))
    stores.profiles.add(Profile(name="home", server=server_url))
    history = HistoryStore(folder / "history.sqlite3")
    settings = AppSettingsStore(folder / "settings.json")
    settings.save(AppSettings())
    services = Services(stores=stores, history=history, settings=settings, recorder=None,
                        recording_problem="Recording is unavailable here.",
                        clipboard=lambda _text: None)
    queue = TranscriptionQueue(lambda name: plan_run(stores, profile_name=name), history,
                               retry_delays=(5.0,))
    controller = AppController(services, queue=queue)
    window = MainWindow(controller)
    window.show()
    gaps: list[float] = []
    clock = QElapsedTimer()
    last = [0]

    def beat() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    def finished() -> bool:
        return all(i.finished for i in queue.items())

    def item_finished(_item: object) -> None:
        if finished():
            loop.quit()

    loop = QEventLoop()
    queue.itemFinished.connect(item_finished)
    timeout, heartbeat = QTimer(singleShot=True, interval=TIMEOUT_MS), QTimer(interval=BEAT_MS)
    timeout.timeout.connect(loop.quit)
    heartbeat.timeout.connect(beat)
    try:
        clock.start()
        heartbeat.start()
        timeout.start()
        started = time.perf_counter()
        controller.transcribe_paths([str(source)])
        if not finished():
            loop.exec()
        wall = time.perf_counter() - started
        heartbeat.stop()
        timeout.stop()
        (item,) = queue.items()
        text = item.transcript
        done = item.status == DONE and text is not None
        return (figures(wall, gaps or [0.0]),
                f"done, {len(text.segments)} chunks" if text and done else str(item.status))
    finally:
        controller.shutdown()
        window.close()
        window.deleteLater()
        history.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp, RefServer() as server:
        root = Path(tmp)
        # Nothing reaches the user's own config or data, even by a default path.
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        os.environ["XDG_DATA_HOME"] = str(root / "data")
        app = QApplication.instance() or QApplication([])
        assert isinstance(app, QApplication)
        source = write_hour(root / "hour.wav")
        with wave.open(str(source)) as w:
            seconds = w.getnframes() / w.getframerate()
        audio = f"{seconds / 60:.0f} min"
        print(f"audio: {audio} ({seconds:.0f} s) of 16 kHz mono WAV; "
              f"heartbeat every {BEAT_MS} ms; {os.cpu_count()} cores; "
              f"Qt platform {app.platformName()}")
        runs: list[tuple[list[float], str]] = []
        for k in range(1, max(1, args.runs) + 1):
            server.reset()
            (root / f"run{k}").mkdir()
            runs.append(transcribe_once(root / f"run{k}", source, server.url))
            print(f"  run {k}: {runs[-1][0][0]:.1f} s", flush=True)
    rows = [cells(f"run {k}", audio, f, outcome) for k, (f, outcome) in enumerate(runs, 1)]
    # the worst of each column over the runs: the most time and gaps, the fewest beats
    per_column = list(zip(*(f for f, _ in runs), strict=True))
    worst = [min(v) if c == 1 else max(v) for c, v in enumerate(per_column)]
    rows.append(cells("worst", audio, worst, ""))
    widths = [max(len(r[c]) for r in [COLUMNS, *rows]) for c in range(len(COLUMNS))]
    for r in [COLUMNS, *rows]:
        print("  ".join(v.rjust(w) if 0 < c < len(r) - 1 else v.ljust(w)
                        for c, (v, w) in enumerate(zip(r, widths, strict=True))).rstrip())


if __name__ == "__main__":
    main()
