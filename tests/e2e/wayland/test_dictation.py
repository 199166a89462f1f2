"""Dictation anywhere on Wayland, as a user of sway does it: the real app runs in a headless
sway session; the dictation keys are sway's own bindings running ``desktop-asr
--toggle-recording`` (or ``--start-recording`` on the press and ``--stop-recording`` on
the release), as Settings tells sway users to bind them; another application's Wayland
window has the focus; DTMF "speech" plays into the virtual microphone; the exact text
(Chinese, which typing key by key would garble) appears in that window through wtype and
wl-clipboard, and the clipboard holds what it held before."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from tests import dtmf
from tests.e2e.wayland.session import wait_for

pytestmark = pytest.mark.e2e

CTRL_ALT_D = ("-M", "ctrl", "-M", "alt", "d", "-m", "alt", "-m", "ctrl")


def prepare(wayland, app, refserver) -> None:
    ProfileStore(app.config / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server=refserver.url))
    AppSettingsStore(app.config / "desktop-asr" / "settings.json").save(
        AppSettings(dictation_toggle="Ctrl+Alt+D", dictation_push_to_talk="F9",
                    show_indicator=False))
    wayland.give(app.folder)  # written as root: the user's now


def history(app) -> list[tuple[str, str, str]]:
    """(status, text, error) of the app's history entries, for failure messages."""
    path = app.data / "desktop-asr" / "history.sqlite3"
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [tuple(row) for row in db.execute("SELECT status, text, error FROM entries")]


@pytest.mark.parametrize("mode", ["toggle", "push-to-talk"])
def test_dictated_text_lands_in_the_focused_wayland_window_and_the_clipboard_comes_back(
        wayland, wayland_app, text_window, refserver, tmp_path, mode):
    prepare(wayland, wayland_app, refserver)
    if mode == "toggle":
        wayland.bind("Ctrl+Alt+d", wayland_app.command("--toggle-recording"))
    else:
        wayland.bind("F9", wayland_app.command("--start-recording"), repeat=False)
        wayland.bind("F9", wayland_app.command("--stop-recording"), release=True)
    speech = dtmf.write_audio(tmp_path / "speech.wav",
                              dtmf.synthesize("*159 *260", lead_ms=600, tail_ms=500), 16000)
    wayland_app.start()
    wayland_app.wait_until_up()  # its window took the focus: the user clicks back
    text_window.focus()
    wayland.set_clipboard("what the user had copied")

    def details() -> str:
        windows = [(w.get("name"), w.get("focused")) for w in wayland.windows()]
        return (f"window: {text_window.state()}\nwindows: {windows}\n"
                f"history: {history(wayland_app)}\n"
                f"clipboard: {wayland.clipboard()!r}\n--- app ---\n{wayland_app.log()}\n"
                f"--- sway ---\n{wayland.log('sway.log')}")

    if mode == "toggle":
        wayland.wtype(*CTRL_ALT_D)
        held = None
    else:
        held = wayland.hold("F9")
    assert wayland.play(speech).wait(timeout=30) == 0
    if held is None:
        wayland.wtype(*CTRL_ALT_D)
    else:
        held.release()
    wait_for(lambda: text_window.text() == "一五九二六〇", "the text in the other window",
             timeout=40, details=details)
    wait_for(lambda: wayland.clipboard() == "what the user had copied",
             "the user's clipboard given back", details=details)
    assert text_window.text() == "一五九二六〇"  # exactly, once, nothing else
