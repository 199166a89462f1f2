"""The real app as a user meets it: `desktop-asr` started under an X display with a tray,
recording from the (virtual) microphone when `desktop-asr --toggle-recording` is run (as a
desktop shortcut would), sending to the reference server, and leaving the exact
transcript on the X11 clipboard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_asr.core.history import HistoryStore
from desktop_asr.core.profiles import Profile, ProfileStore
from tests import dtmf
from tests.e2e.conftest import VirtualMicrophone, XDisplay
from tests.integration.clitools import ROOT

pytestmark = pytest.mark.e2e


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # sleep-ok: polling another process (the app, the X clipboard)


class App:
    """`python -m desktop_asr` with private folders, a display, the microphone."""

    def __init__(self, tmp_path: Path, display: XDisplay, microphone: VirtualMicrophone,
                 ) -> None:
        self.config = tmp_path / "config"
        self.data = tmp_path / "data"
        self.env = {
            **os.environ, **display.env, **microphone.env,
            "XDG_CONFIG_HOME": str(self.config), "XDG_DATA_HOME": str(self.data),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "DESKTOP_ASR_INSTANCE_NAME": f"e2e-{os.getpid()}-{tmp_path.name}",
            "DESKTOP_ASR_LANG": "en",
        }
        self.env.pop("DESKTOP_ASR_DEBUG", None)
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop_asr"], cwd=ROOT, env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        wait_for(self.is_running, 20, "the app to start")

    def command(self, *flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop_asr", *flags], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=30,
                              check=False)

    def is_running(self) -> bool:
        code = ("import sys; from desktop_asr.ui.single_instance import is_running; "
                "sys.exit(0 if is_running() else 1)")
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=self.env,
                              capture_output=True, timeout=30, check=False).returncode == 0

    def stop(self) -> tuple[int, str]:
        assert self.process is not None
        if self.process.poll() is None:
            self.command("--quit")
        try:
            _, stderr = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        return self.process.returncode, stderr


@pytest.fixture
def app(tmp_path, x_display, virtual_microphone):
    running = App(tmp_path, x_display, virtual_microphone)
    yield running
    if running.process is not None and running.process.poll() is None:
        running.stop()


def test_record_with_the_shortcut_command_and_find_the_text_on_the_clipboard(
        app, refserver, x_display, virtual_microphone, tmp_path):
    ProfileStore(app.config / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server=refserver.url))
    speech = dtmf.write_audio(tmp_path / "speech.wav",
                              dtmf.synthesize("2468 1357", lead_ms=800, tail_ms=600), 16000)
    app.start()
    x_display.screenshot(tmp_path / "started.png")

    started = app.command("--toggle-recording")
    assert started.returncode == 0, started.stderr
    player = virtual_microphone.play(speech)
    assert player.wait(timeout=30) == 0
    stopped = app.command("--toggle-recording")
    assert stopped.returncode == 0, stopped.stderr

    wait_for(lambda: x_display.clipboard() == "2468 1357", 30,
             "the transcript on the clipboard")
    code, stderr = app.stop()
    assert code == 0
    assert "Traceback" not in stderr

    with HistoryStore(app.data / "desktop-asr" / "history.sqlite3") as history:
        (entry,) = history.list()
    assert entry.source_kind == "recording"
    assert entry.text == "2468 1357"
    assert entry.audio_path is not None
    assert entry.audio_path.exists()  # the recording is kept beside the history


def test_files_dropped_on_the_window_come_back_as_transcripts(app, refserver, tmp_path):
    ProfileStore(app.config / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server=refserver.url))
    files = {"one.wav": "111", "two.mp3": "*22", "three.m4a": "333 444"}
    paths = [str(dtmf.write_audio(tmp_path / name, dtmf.synthesize(text), 16000))
             for name, text in files.items()]
    broken = tmp_path / "notes.mp3"
    broken.write_text("not audio")
    result = subprocess.run([sys.executable, "-m", "tests.e2e.drop_app", *paths, str(broken)],
                            cwd=ROOT, env=app.env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["tray"] is True  # trayer is the tray host
    assert report["accepted"] is True
    assert "timeout" not in report
    by_name = {Path(i["label"]).name: i for i in report["items"]}
    assert {n: (i["status"], i["text"]) for n, i in by_name.items()} == {
        "one.wav": ("done", "111"), "two.mp3": ("done", "二二"),
        "three.m4a": ("done", "333 444"), "notes.mp3": ("failed", None)}
    assert "not an audio or video file" in by_name["notes.mp3"]["error"]
    assert report["shown"] in {"111", "二二", "333 444"}
