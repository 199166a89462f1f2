"""Dictation anywhere, as a user does it: the real app runs under an X display; another
application's text field has the focus; the user presses the dictation key (xdotool),
speaks (DTMF played into the virtual microphone), presses it again -- or holds the
push-to-talk key -- and the exact text appears in that field, while the clipboard holds
what it held before."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from tests import dtmf
from tests.e2e.conftest import wait_for
from tests.e2e.test_paste import Clipboard, Target

pytestmark = pytest.mark.e2e


def prepare(app, refserver, settings: AppSettings) -> None:
    ProfileStore(app.config / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server=refserver.url))
    AppSettingsStore(app.config / "desktop-asr" / "settings.json").save(settings)


def xdotool(display, *args: str) -> None:
    import os
    import subprocess

    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display.name},
                   check=True, timeout=10, capture_output=True)


def recordings(app) -> list[Path]:
    return sorted((app.data / "desktop-asr" / "recordings").glob("*"))


def start_dictating(app, display, mode: str) -> None:
    """Press the dictation key (or hold push-to-talk) until the app records: its key
    listener reports ready just before the X server starts recording keys for it, so a
    key pressed the moment the app is up can go unheard. The recording is on disk as
    soon as it starts; a press is tried again only after five seconds without one."""
    before = recordings(app)
    for _ in range(3):
        xdotool(display, *(("key", "ctrl+alt+d") if mode == "toggle" else ("keydown", "F9")))
        try:
            wait_for(lambda: recordings(app) != before, 5, "a recording")
            return
        except AssertionError:
            if mode != "toggle":
                xdotool(display, "keyup", "F9")
    raise AssertionError("the app did not start recording on its dictation key")


@pytest.mark.parametrize("mode", ["toggle", "push-to-talk"])
def test_dictated_text_lands_in_the_focused_window_and_the_clipboard_comes_back(
        app, refserver, x_display, virtual_microphone, tmp_path, mode):
    prepare(app, refserver, AppSettings(dictation_toggle="Ctrl+Alt+D",
                                        dictation_push_to_talk="F9"))
    speech = dtmf.write_audio(tmp_path / "speech.wav",
                              dtmf.synthesize("*159 *260", lead_ms=600, tail_ms=500),
                              16000)
    app.start()
    clipboard = Clipboard(x_display, tmp_path)
    target = Target(x_display)
    try:
        clipboard.offer(b"what the user had copied")
        start_dictating(app, x_display, mode)
        player = virtual_microphone.play(speech)
        assert player.wait(timeout=30) == 0
        if mode == "toggle":
            xdotool(x_display, "key", "ctrl+alt+d")
        else:
            xdotool(x_display, "keyup", "F9")
        try:
            # Chinese, which key-by-key typing would garble under an input method.
            wait_for(lambda: target.text() == "一五九二六〇", 30, "the text in the other window")
        except AssertionError:
            code, stderr = app.stop()
            raise AssertionError(f"the other window holds {target.text()!r}; the app said: "
                                 f"{stderr[-3000:]}") from None
        wait_for(lambda: clipboard.read() == b"what the user had copied", 10,
                 "the clipboard to hold its earlier content again")
    finally:
        target.close()
        clipboard.close()
    code, stderr = app.stop()
    assert code == 0
    assert "Traceback" not in stderr


def test_a_hostile_servers_line_breaks_and_escapes_are_never_typed_into_the_window(
        app, refserver, x_display, virtual_microphone, tmp_path):
    """The server (or a man in the middle of plain HTTP) adds line breaks, escapes and a
    bidi override to its text: what reaches the focused window is one plain line, with no
    Enter in it (in a terminal, "\\nrm -rf ~\\n" would run)."""
    prepare(app, refserver, AppSettings(dictation_toggle="Ctrl+Alt+D"))
    refserver.configure(append_text="\r\nrm -rf ~\n\x1b[2J\x07\t\u202eevil")
    speech = dtmf.write_audio(tmp_path / "speech.wav",
                              dtmf.synthesize("*159", lead_ms=600, tail_ms=500), 16000)
    app.start()
    clipboard = Clipboard(x_display, tmp_path)
    target = Target(x_display)
    try:
        clipboard.offer(b"what the user had copied")
        start_dictating(app, x_display, "toggle")
        assert virtual_microphone.play(speech).wait(timeout=30) == 0
        xdotool(x_display, "key", "ctrl+alt+d")
        wait_for(lambda: "evil" in target.text(), 30, "the text in the other window")
        text = target.text()
        assert text == "一五九 rm -rf ~ [2J evil"  # one plain line, the words kept
        assert not [c for c in text if c in "\r\n\x1b\x07\t\u202e"]
        wait_for(lambda: clipboard.read() == b"what the user had copied", 10,
                 "the clipboard to hold its earlier content again")
    finally:
        target.close()
        clipboard.close()
    code, _ = app.stop()
    assert code == 0
