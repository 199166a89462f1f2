"""Putting dictated text into the focused window with synthetic keys (pynput).

Paste is the default: the app puts the text on the clipboard (``ui.clipboard_guard``),
`send_paste` presses the platform's paste shortcut, and the user's clipboard is restored
afterwards. Paste carries any text intact, Chinese included.

`type_text` types key by key, for applications that block paste. It is the fallback only:
an active input method (Chinese pinyin, Japanese...) intercepts the synthetic letters and
turns them into candidates, and chat applications drop keys typed too fast; ``interval``
slows it down.

The paste shortcut: Ctrl+V (Cmd+V on macOS, whatever is chosen) works in almost every
application. Terminals differ: most Linux terminals paste with Ctrl+Shift+V (Ctrl+V there
inserts a literal character), Shift+Insert pastes the clipboard in GNOME Terminal, Konsole
and Windows consoles but the PRIMARY selection in xterm. We do not guess the focused
application: `PasteShortcut` is a user setting, Ctrl+V by default.

Endings: a trailing space is part of the text (`text_with_ending`; on the clipboard or
typed), a newline is an Enter key press after the text (a chat sends, an editor breaks the
line; a pasted "\\n" would not submit a form or a chat message).

Every function blocks for the few milliseconds the keys take: call them from a worker
thread, or at least not while holding a lock the UI needs. On Wayland synthetic keys reach
only X11 (XWayland) windows: `keystroke_problem` says so and the app should leave the text
on the clipboard for the user to paste.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from enum import Enum
from typing import Any

from desktop_asr.errors import AsrError
from desktop_asr.text.plain_text import text_with_ending


class PasteShortcut(str, Enum):
    CTRL_V = "ctrl+v"  # everywhere (Cmd+V on macOS)
    CTRL_SHIFT_V = "ctrl+shift+v"  # Linux terminals
    SHIFT_INSERT = "shift+insert"  # GNOME Terminal, Konsole, Windows consoles


class Ending(str, Enum):
    NONE = "none"
    SPACE = "space"
    NEWLINE = "newline"


class KeystrokesUnavailableError(AsrError):
    """Synthetic keys cannot be sent in this session; ``details`` says why."""


WAYLAND_PROBLEM = (
    "This is a Wayland session, where applications cannot send keys to other windows; "
    "the text is left on the clipboard for you to paste.")


def keystroke_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str:
    """"" when synthetic keys can reach the focused window, else a sentence why not."""
    if platform in ("win32", "darwin", "cygwin"):
        return ""
    session = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    if session == "wayland" or (environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY")):
        return WAYLAND_PROBLEM
    if not environ.get("DISPLAY"):
        return "No graphical display was found (DISPLAY is not set), so no keys can be sent."
    return ""


def _keyboard() -> Any:
    try:
        import pynput.keyboard
    except ImportError as exc:  # on Linux pynput needs a display even to import
        raise KeystrokesUnavailableError(
            "Keys cannot be sent to other windows here.", details=str(exc)) from exc
    return pynput.keyboard


def default_controller() -> Any:
    """pynput's keyboard Controller for this session (raises KeystrokesUnavailableError)."""
    keyboard = _keyboard()
    try:
        return keyboard.Controller()
    except Exception as exc:  # no X connection
        raise KeystrokesUnavailableError(
            "Keys cannot be sent to other windows here.", details=str(exc)) from exc


def send_paste(controller: Any = None, *, shortcut: PasteShortcut | str = PasteShortcut.CTRL_V,
               ending: Ending | str = Ending.NONE, platform: str = sys.platform) -> None:
    """Press the paste shortcut in the focused window (Cmd+V on macOS whatever
    ``shortcut`` says), then Enter for ``Ending.NEWLINE``."""
    key = _keyboard().Key
    controller = controller if controller is not None else default_controller()
    shortcut = PasteShortcut(shortcut)
    if platform == "darwin":
        with controller.pressed(key.cmd):
            controller.tap("v")
    elif shortcut is PasteShortcut.SHIFT_INSERT:
        with controller.pressed(key.shift):
            controller.tap(key.insert)
    elif shortcut is PasteShortcut.CTRL_SHIFT_V:
        with controller.pressed(key.ctrl), controller.pressed(key.shift):
            controller.tap("v")
    else:
        with controller.pressed(key.ctrl):
            controller.tap("v")
    if Ending(ending) is Ending.NEWLINE:
        controller.tap(key.enter)


def send_enter(controller: Any = None) -> None:
    controller = controller if controller is not None else default_controller()
    controller.tap(_keyboard().Key.enter)


def type_text(text: str, controller: Any = None, *, ending: Ending | str = Ending.NONE,
              interval: float = 0.0) -> None:
    """Type ``text`` key by key into the focused window (see the module doc for why
    paste is preferred), waiting ``interval`` seconds between characters."""
    controller = controller if controller is not None else default_controller()
    text = text_with_ending(text, ending)  # one plain line: never a control key
    if interval <= 0:
        controller.type(text)
    else:
        for index, char in enumerate(text):
            if index:
                time.sleep(interval)  # this runs in a worker thread, never the UI's
            controller.type(char)
    if Ending(ending) is Ending.NEWLINE:
        send_enter(controller)
