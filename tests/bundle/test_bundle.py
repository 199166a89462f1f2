"""Smoke tests of the built bundle (packaging/build.sh): the command runs with nothing from
the venv or the checkout, decodes an m4a with its own FFmpeg and transcribes it against the
reference server, and the app starts under X11 with its icon in the tray, records from the
microphone and leaves the transcript on the clipboard, then quits when told."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_asr import __version__
from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from tests import dtmf
from tests.bundle.conftest import clean_env, run_bundle
from tests.e2e.conftest import App, wait_for

pytestmark = pytest.mark.bundle

WORDS = "123 456 7890"


def check_version(command: Path, home: Path) -> None:
    result = run_bundle(command, "--version", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"desktop-asr {__version__}"


OTHER_WORDS = "555 0123 987"


def helpers_left() -> list[str]:
    """multiprocessing helpers (fork server, resource tracker) running as another program
    than this test's Python: a bundle's, left behind."""
    ours = os.path.realpath(sys.executable)
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            exe = os.path.realpath(proc / "exe")
        except OSError:
            continue
        if "from multiprocessing." in line and exe != ours:
            found.append(f"{proc.name}: {exe}: {line[:120]}")
    return found


def check_transcribes_m4a(command: Path, home: Path, server_url: str) -> None:
    """One m4a to stdout; then two in one run, into a folder: the second file's worker
    comes from the same fork server (Linux) or starts as the bundle (elsewhere). No
    helper process outlives the command."""
    home.mkdir(parents=True, exist_ok=True)
    path = dtmf.write_audio(home / "speech.m4a", dtmf.synthesize(WORDS, 44100), 44100,
                            channels=2)
    result = run_bundle(command, "transcribe", str(path), "--server", server_url,
                        "--model", "qwen3-asr", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == WORDS + "\n"
    assert "Traceback" not in result.stderr
    other = dtmf.write_audio(home / "other.m4a", dtmf.synthesize(OTHER_WORDS, 44100), 44100,
                             channels=2)
    result = run_bundle(command, "transcribe", str(path), str(other), "-o", "texts",
                        "--server", server_url, "--model", "qwen3-asr", home=home)
    assert result.returncode == 0, result.stderr
    assert (home / "texts" / "speech.txt").read_text(encoding="utf-8") == WORDS + "\n"
    assert (home / "texts" / "other.txt").read_text(encoding="utf-8") == OTHER_WORDS + "\n"
    assert "Traceback" not in result.stderr
    wait_for(lambda: not helpers_left(), 10, "the bundle's helper processes to exit",
             details=lambda: "\n".join(helpers_left()))


def tray_icons(display: str) -> list[str]:
    """The windows embedded in trayer's panel (one line of `xwininfo -tree` each)."""
    tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", display],
                          capture_output=True, text=True, timeout=10, check=True).stdout
    lines = tree.splitlines()
    panel = next((i for i, line in enumerate(lines) if '"panel"' in line), None)
    if panel is None:
        return []
    depth = len(lines[panel]) - len(lines[panel].lstrip())
    icons = []
    for line in lines[panel + 1:]:
        indent = len(line) - len(line.lstrip())
        if line.strip() and indent <= depth:
            break
        if re.search(r"0x[0-9a-f]+ .*\d+x\d+\+", line) and "desktop-asr" in line.lower():
            icons.append(line.strip())
    return icons


class BundleApp(App):
    """The bundle's app as a process (the e2e tests' App, started as the bundle's command),
    with a clean environment, a display, the microphone."""

    def __init__(self, command: Path, home: Path, display, microphone) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.env = clean_env(home, **display.env, **microphone.env,
                             XDG_RUNTIME_DIR=str(home / "runtime"),
                             DESKTOP_ASR_INSTANCE_NAME=f"bundle-{os.getpid()}-{home.name}",
                             DESKTOP_ASR_LANG="en")
        (home / "runtime").mkdir(mode=0o700, exist_ok=True)
        self.config = home / "config" / "desktop-asr"
        self.argv, self.cwd = [str(command)], home
        self.process = None

    def start(self) -> None:  # the test waits for the tray icon instead
        self.process = subprocess.Popen(
            self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_app_in_tray_records_and_quits(command: Path, home: Path, server_url: str,
                                        display, microphone) -> None:
    app = BundleApp(command, home, display, microphone)
    ProfileStore(app.config / "profiles.json").add(Profile(name="home", server=server_url))
    AppSettingsStore(app.config / "settings.json").save(
        AppSettings(dictation_output="clipboard"))
    speech = dtmf.write_audio(home / "speech.wav",
                              dtmf.synthesize("2468 1357", lead_ms=800, tail_ms=600), 16000)
    app.start()
    try:
        wait_for(lambda: tray_icons(display.name) or app.process.poll() is not None, 30,
                 "the app's icon in the tray")
        assert app.process.poll() is None, app.process.communicate()[1]

        started = app.command("--toggle-recording")
        assert started.returncode == 0, started.stderr
        player = microphone.play(speech)
        assert player.wait(timeout=30) == 0
        stopped = app.command("--toggle-recording")
        assert stopped.returncode == 0, stopped.stderr
        wait_for(lambda: display.clipboard() == "2468 1357", 30,
                 "the transcript on the clipboard")
    finally:
        code, stderr = app.stop()
        print(f"the app's stderr (exit status {code}):\n{stderr}")  # shown on failure
    assert code == 0, stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while tray_icons(display.name) and time.monotonic() < deadline:
        time.sleep(0.05)  # sleep-ok: the tray host removes the icon after the app is gone
    assert not tray_icons(display.name)


def test_version_with_a_clean_environment_from_another_folder(bundle, tmp_path):
    check_version(bundle, tmp_path / "home")


def test_an_m4a_file_is_transcribed_exactly(bundle, refserver, tmp_path):
    check_transcribes_m4a(bundle, tmp_path / "home", refserver.url)


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="the tray host (trayer), Xvfb and the virtual microphone are Linux's")
def test_the_app_shows_in_the_tray_records_to_the_clipboard_and_quits(
        bundle, refserver, x_display, virtual_microphone, tmp_path):
    check_app_in_tray_records_and_quits(bundle, tmp_path / "home", refserver.url, x_display,
                                        virtual_microphone)
