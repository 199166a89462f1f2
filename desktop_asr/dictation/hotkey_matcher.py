"""Which key presses and releases are the dictation keys (no I/O; `HotkeyService` in
hotkeys.py feeds it pynput's events):

* a combination fires when its key is pressed while exactly its modifiers are held
  (Ctrl+Alt+D does not fire for Ctrl+Alt+Shift+D);
* the toggle fires once per press: auto-repeat (more presses without a release) is ignored;
* push-to-talk reports its press and its release; a lone Right Ctrl / Right Alt / Right
  Shift works as the push-to-talk key when no other modifier is held.

Key state older than `STALE_AFTER` seconds of keyboard silence is forgotten, so a release
lost while the screen was locked cannot leave a modifier "held" forever (which would stop
every combination from matching).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from enum import Enum
from typing import Any

from desktop_asr.dictation.keys import KeyCombination, fold_character

STALE_AFTER = 30.0  # seconds of keyboard silence after which held keys are forgotten


class HotkeyEvent(Enum):
    TOGGLE = "toggle"
    PRESS = "press"  # push-to-talk pressed
    RELEASE = "release"  # push-to-talk released


# pynput's Key names -> our side-specific modifier names. On macOS Qt calls the Command
# key "Ctrl" and the Control key "Meta" (see keys.py), and so do we.
_SIDE_MODIFIERS = {
    "ctrl": "Left Ctrl", "ctrl_l": "Left Ctrl", "ctrl_r": "Right Ctrl",
    "alt": "Left Alt", "alt_l": "Left Alt", "alt_r": "Right Alt", "alt_gr": "Right Alt",
    "shift": "Left Shift", "shift_l": "Left Shift", "shift_r": "Right Shift",
    "cmd": "Left Meta", "cmd_l": "Left Meta", "cmd_r": "Right Meta",
}
_MAC_SWAP = {"Ctrl": "Meta", "Meta": "Ctrl"}
_SPECIAL_KEYS = {
    "space": "Space", "tab": "Tab", "backspace": "Backspace", "enter": "Return",
    "esc": "Esc", "delete": "Del", "insert": "Ins", "home": "Home", "end": "End",
    "page_up": "PgUp", "page_down": "PgDown", "left": "Left", "right": "Right", "up": "Up",
    "down": "Down", "pause": "Pause", "scroll_lock": "ScrollLock", "menu": "Menu",
    "caps_lock": "CapsLock", "num_lock": "NumLock", "print_screen": "Print",
    **{f"f{n}": f"F{n}" for n in range(1, 21)},
}


def key_name(key: Any, platform: str = sys.platform) -> str | None:
    """The name `HotkeyMatcher` uses for a pynput key ("Left Ctrl", "F9", "D", "1"), or
    None for keys no hotkey can use. Duck-typed: a pynput ``Key`` has ``name``, a
    ``KeyCode`` has ``char`` and ``vk``."""
    if key is None:
        return None
    name = getattr(key, "name", None)
    if isinstance(name, str):  # a pynput Key (enum member)
        side = _SIDE_MODIFIERS.get(name)
        if side is not None:
            if platform == "darwin":
                where, modifier = side.split(" ")
                side = f"{where} {_MAC_SWAP.get(modifier, modifier)}"
            return side
        return _SPECIAL_KEYS.get(name)
    char = getattr(key, "char", None)
    vk = getattr(key, "vk", None)
    if platform == "win32" and isinstance(vk, int) and (
            0x30 <= vk <= 0x39 or 0x41 <= vk <= 0x5A):
        return chr(vk)  # with Ctrl held Windows reports control characters, not letters
    if isinstance(char, str) and len(char) == 1 and char.isprintable() and not char.isspace():
        return fold_character(char)[0]
    return None


def _modifier_of(side_name: str) -> str:
    return side_name.split(" ", 1)[1]


def _is_side_modifier(name: str) -> bool:
    return name.startswith(("Left ", "Right ")) and name.split(" ", 1)[1] in (
        "Ctrl", "Alt", "Shift", "Meta")


class HotkeyMatcher:
    """The key state machine, fed with `key_name` names; returns the events to fire.
    Not thread-safe on its own (`HotkeyService` holds a lock around it)."""

    def __init__(self, toggle: KeyCombination | None, push_to_talk: KeyCombination | None,
                 *, clock: Callable[[], float] = time.monotonic,
                 stale_after: float = STALE_AFTER) -> None:
        self.toggle = toggle
        self.push_to_talk = push_to_talk
        self._clock = clock
        self._stale_after = stale_after
        self._last_event = clock()
        self.held_modifiers: set[str] = set()  # side names: "Left Ctrl"
        self.held_keys: set[str] = set()
        self.talking = False  # push-to-talk is held

    def reset(self) -> list[HotkeyEvent]:
        """Forget every held key; a held push-to-talk is released (returned)."""
        self.held_modifiers.clear()
        self.held_keys.clear()
        if self.talking:
            self.talking = False
            return [HotkeyEvent.RELEASE]
        return []

    def modifiers(self) -> frozenset[str]:
        return frozenset(_modifier_of(m) for m in self.held_modifiers)

    def _forget_if_stale(self) -> None:
        now = self._clock()
        if now - self._last_event > self._stale_after:
            # Keys "held" through a long silence most likely lost their release (screen
            # lock, another desktop took the keyboard). Push-to-talk stays held: a key
            # really held down may be silent (modifiers do not auto-repeat on X11).
            self.held_modifiers.clear()
            self.held_keys.clear()
        self._last_event = now

    def press(self, name: str | None) -> list[HotkeyEvent]:
        if name is None:
            return []
        self._forget_if_stale()
        ptt = self.push_to_talk
        if _is_side_modifier(name):
            if name in self.held_modifiers:
                return []  # auto-repeat
            others = bool(self.held_modifiers or self.held_keys)
            self.held_modifiers.add(name)
            if ptt is not None and ptt.key == name and not self.talking and not others:
                self.talking = True
                return [HotkeyEvent.PRESS]
            return []
        if name in self.held_keys:
            return []  # auto-repeat
        self.held_keys.add(name)
        held = self.modifiers()
        events = []
        toggle = self.toggle
        if toggle is not None and toggle.key == name and toggle.modifiers == held:
            events.append(HotkeyEvent.TOGGLE)
        if (ptt is not None and ptt.key == name and ptt.modifiers == held
                and not self.talking):
            self.talking = True
            events.append(HotkeyEvent.PRESS)
        return events

    def release(self, name: str | None) -> list[HotkeyEvent]:
        if name is None:
            return []
        self._forget_if_stale()
        ptt = self.push_to_talk
        if _is_side_modifier(name):
            self.held_modifiers.discard(name)
        elif name in self.held_keys:
            self.held_keys.discard(name)
        else:
            # A release we cannot pair with its press (the layout gave another character
            # once Shift was let go): forget the held characters rather than keep a ghost.
            lost = {k for k in self.held_keys if len(k) == 1}
            self.held_keys -= lost
            if self.talking and ptt is not None and ptt.key in lost:
                self.talking = False
                return [HotkeyEvent.RELEASE]
        if self.talking and ptt is not None and ptt.key == name:
            self.talking = False
            return [HotkeyEvent.RELEASE]
        return []
