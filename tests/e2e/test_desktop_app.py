"""The real app as a user meets it: `desktop-asr` started under an X display with a tray,
recording from the (virtual) microphone when `desktop-asr --toggle-recording` is run (as a
desktop shortcut would), sending to the reference server, and leaving the exact
transcript on the X11 clipboard."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from tests import dtmf
from tests.e2e.conftest import wait_for
from tests.integration.clitools import ROOT

pytestmark = pytest.mark.e2e


def test_record_with_the_shortcut_command_and_find_the_text_on_the_clipboard(
        app, refserver, x_display, virtual_microphone, tmp_path):
    ProfileStore(app.config / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server=refserver.url))
    # Dictated text goes only to the clipboard here (the default pastes it into the
    # focused window: tests/e2e/test_dictation.py).
    AppSettingsStore(app.config / "desktop-asr" / "settings.json").save(
        AppSettings(dictation_output="clipboard"))
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
