"""The Wayland harness itself, with the real parts: a headless sway run as an unprivileged
user, its virtual keyboard (wtype), clipboard (wl-clipboard), tray (swaybar hosting
StatusNotifierItems) and the test user's own install of the app."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tests import dtmf
from tests.e2e.wayland.session import REPO, Session, SessionApp, TextWindow, wait_for

pytestmark = pytest.mark.e2e


def test_sway_runs_as_the_user_with_its_sockets_and_a_headless_output(wayland: Session) -> None:
    assert (wayland.run_dir / wayland.wayland_display).is_socket()
    assert os.stat(wayland.run_dir / wayland.wayland_display).st_uid == wayland.user.uid
    outputs = json.loads(wayland.swaymsg("-t", "get_outputs", "--raw").stdout)
    assert [(o["name"], o["current_mode"]["width"], o["current_mode"]["height"])
            for o in outputs] == [("HEADLESS-1", 1280, 800)]
    assert wayland.tray_host_registered()


def test_the_focused_window_receives_text_typed_with_wtype(wayland: Session,
                                                          text_window: TextWindow) -> None:
    other = TextWindow(wayland)  # a new window takes the focus...
    try:
        wait_for(lambda: not text_window.state()["active"], "the first window to lose focus")
        text_window.focus()  # ...and the user gives it back
        # The other window hears of it in its own time (its own Wayland connection).
        wait_for(lambda: not other.state()["active"], "the other window to lose focus")
        wayland.type_text("text 你好")
        text_window.wait_for_text("text 你好")
        assert other.text() == ""
    finally:
        other.close()


@pytest.mark.sway_config("bindsym Ctrl+Alt+t exec wl-copy 'bound key'")
def test_a_key_binding_in_the_sway_config_fires_on_wtype_keys(wayland: Session) -> None:
    wayland.wtype("-M", "ctrl", "-M", "alt", "t", "-m", "alt", "-m", "ctrl")
    wait_for(lambda: wayland.clipboard() == "bound key", "the binding to set the clipboard",
             details=lambda: f"the clipboard holds {wayland.clipboard()!r}")


def test_push_to_talk_bindings_added_at_run_time_fire_on_press_and_release(
        wayland: Session) -> None:
    events = wayland.folder("events") / "events"
    wayland.bind("F9", f"echo pressed >> {events}", repeat=False)
    wayland.bind("F9", f"echo released >> {events}", release=True)

    def seen() -> list[str]:
        return events.read_text().split() if events.exists() else []

    key = wayland.hold("F9")
    wait_for(lambda: seen() == ["pressed"], "the press binding to run",
             details=lambda: f"seen: {seen()}")
    # Without --no-repeat sway runs it again 600 ms into the hold, 25 times a second.
    time.sleep(0.8)  # sleep-ok: holding the key past sway's repeat delay
    assert seen() == ["pressed"]
    key.release()
    wait_for(lambda: seen() == ["pressed", "released"], "the release binding to run",
             details=lambda: f"seen: {seen()}")
    timed = wayland.hold("F9", seconds=0.2)
    timed.release()
    wait_for(lambda: seen() == ["pressed", "released"] * 2,
             "the bindings to run for a key held 0.2 s", details=lambda: f"seen: {seen()}")


def test_the_clipboard_round_trips_chinese_text(wayland: Session, text_window: TextWindow) -> None:
    assert wayland.clipboard() == ""
    wayland.set_clipboard("你好，世界 Hello")
    assert wayland.run("wl-paste", "--no-newline").stdout == "你好，世界 Hello"
    # A Qt Wayland window pastes it, and copies it back.
    wayland.wtype("-s", "100", "-M", "ctrl", "v", "-m", "ctrl")
    text_window.wait_for_text("你好，世界 Hello")
    wayland.set_clipboard("something else")
    wayland.wtype("-s", "100", "-M", "ctrl", "a", "c", "-m", "ctrl")
    wait_for(lambda: wayland.clipboard() == "你好，世界 Hello", "the window's copy",
             details=lambda: f"the clipboard holds {wayland.clipboard()!r}")


def test_the_app_shows_a_tray_icon_registered_with_the_watcher(wayland: Session,
                                                              wayland_app: SessionApp) -> None:
    assert wayland.tray_items() == []
    wayland_app.start()
    items = wait_for(wayland.tray_items, "the app's tray icon to be registered", 30,
                     details=wayland_app.log)
    assert len(items) == 1, items
    assert wayland_app.process is not None
    owner = items[0].split("/", 1)[0]
    assert wayland.bus_name_pid(owner) == wayland_app.process.pid, (
        f"the tray item {items[0]} is not the app's")
    assert wayland_app.quit() == 0, wayland_app.log()
    wait_for(lambda: wayland.tray_items() == [], "the tray icon to go with the app")


def test_the_users_own_install_of_the_app_runs(wayland: Session, wayland_app: SessionApp) -> None:
    from desktop_asr import __version__

    result = wayland_app.run("--version")
    assert result.stdout.strip() == f"desktop-asr {__version__}"
    assert str(wayland.user.venv) in wayland.run(
        "python", "-c", "import desktop_asr, sys; print(sys.prefix)").stdout


def test_the_user_records_what_is_played_into_the_virtual_microphone(wayland: Session,
                                                                    tmp_path: Path) -> None:
    """As the app records: sounddevice -> PortAudio -> ALSA -> the session's PulseAudio."""
    rate, words = 16000, ["159", "*0#D"]
    clip = dtmf.write_audio(tmp_path / "digits.wav", dtmf.synthesize(" ".join(words), rate),
                            rate)
    out = wayland.folder("microphone") / "recording.f32"
    probe = wayland.popen([wayland.user.python, "-m", "tests.e2e.wayland.mic_probe", out],
                          cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    assert probe.stdin is not None
    assert probe.stdout is not None
    assert probe.stderr is not None
    started = probe.stdout.readline()
    assert started, f"the recorder ended without recording: {probe.stderr.read()[-2000:]}"
    assert json.loads(started) == {"recording": True, "device": "default"}
    player = wayland.play(clip)
    _, player_errors = player.communicate(timeout=30)
    assert player.returncode == 0, player_errors
    # What is still on its way through the buffers reaches the file.
    size = out.stat().st_size
    wait_for(lambda: out.stat().st_size >= size + rate * 4 // 2, "half a second more audio")
    probe.stdin.close()
    assert json.loads(probe.stdout.readline())["frames"] > 0
    assert probe.wait(timeout=10) == 0
    probe.stdout.close()
    probe.stderr.close()
    samples = np.fromfile(out, dtype=np.float32)
    assert dtmf.detect(samples, rate) == words
    assert np.abs(samples).max() == pytest.approx(0.4, abs=0.1)
