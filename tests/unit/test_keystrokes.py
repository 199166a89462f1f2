"""The paste keystroke chosen per platform (desktop_asr/dictation/keystrokes.py): Cmd+V on
macOS whatever shortcut is set, the chosen one elsewhere; Enter after it for a new line."""

from __future__ import annotations

import contextlib
from enum import Enum

import pytest

from desktop_asr.dictation import keystrokes
from desktop_asr.dictation.keystrokes import Ending, PasteShortcut, send_paste


class Key(Enum):
    cmd = "cmd"
    ctrl = "ctrl"
    shift = "shift"
    insert = "insert"
    enter = "enter"


class Controller:
    """pynput's keyboard Controller as far as pasting goes: the keys, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @contextlib.contextmanager
    def pressed(self, key):
        self.events.append(f"down {key.value}")
        yield
        self.events.append(f"up {key.value}")

    def tap(self, key) -> None:
        self.events.append(f"tap {getattr(key, 'value', key)}")


@pytest.fixture(autouse=True)
def keys(monkeypatch):
    monkeypatch.setattr(keystrokes, "_keyboard", lambda: type("Keyboard", (), {"Key": Key}))


@pytest.mark.parametrize("shortcut", list(PasteShortcut))
def test_macos_pastes_with_command_v(shortcut):
    controller = Controller()
    send_paste(controller, shortcut=shortcut, platform="darwin")
    assert controller.events == ["down cmd", "tap v", "up cmd"]


@pytest.mark.parametrize(("platform", "shortcut", "events"), [
    ("win32", PasteShortcut.CTRL_V, ["down ctrl", "tap v", "up ctrl"]),
    ("linux", PasteShortcut.CTRL_V, ["down ctrl", "tap v", "up ctrl"]),
    ("linux", PasteShortcut.CTRL_SHIFT_V,
     ["down ctrl", "down shift", "tap v", "up shift", "up ctrl"]),
    ("win32", PasteShortcut.SHIFT_INSERT, ["down shift", "tap insert", "up shift"]),
])
def test_elsewhere_the_chosen_shortcut_is_pressed(platform, shortcut, events):
    controller = Controller()
    send_paste(controller, shortcut=shortcut, platform=platform)
    assert controller.events == events


def test_a_new_line_ending_presses_enter_after_the_paste():
    controller = Controller()
    send_paste(controller, ending=Ending.NEWLINE, platform="darwin")
    assert controller.events == ["down cmd", "tap v", "up cmd", "tap enter"]
