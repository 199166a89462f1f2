"""Global hotkeys: a toggle combination and a push-to-talk key, heard anywhere.

`HotkeyService` runs pynput's keyboard ``Listener`` (press *and* release events, which
push-to-talk needs; pynput's ``GlobalHotKeys`` only reports activation) and feeds a
`HotkeyMatcher`:

* a combination fires when its key is pressed while exactly its modifiers are held
  (Ctrl+Alt+D does not fire for Ctrl+Alt+Shift+D);
* the toggle fires once per press: auto-repeat (more presses without a release) is ignored;
* push-to-talk reports its press and its release; a lone Right Ctrl / Right Alt / Right
  Shift works as the push-to-talk key when no other modifier is held.

The callbacks run on pynput's listener thread. Keep them short (a Qt app emits a signal
or posts to its own thread): on Windows a slow low-level keyboard hook is silently removed
by the system, which users see as "the hotkey died". Exceptions from callbacks are logged,
never allowed to end the listener. Keys are only listened to, not swallowed: the focused
application receives them too. Synthetic keys (ours, from `keystrokes`) are ignored.

Surviving idle: a watchdog thread restarts the listener when its thread has died (X
connection lost, an error in pynput), and key state older than `STALE_AFTER` seconds of
keyboard silence is forgotten, so a release lost while the screen was locked cannot leave a
modifier "held" forever (which would stop every combination from matching).

`hotkey_problem` says in a sentence why global hotkeys cannot work in a session (Wayland,
no display), or "". `portal_shortcuts_version` reports whether the XDG GlobalShortcuts
portal is offered (Wayland desktops that support it); binding through the portal is not
implemented: on Wayland the app offers ``desktop-asr --toggle-recording`` for the
desktop's own shortcut settings.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from desktop_asr.core.errors import AsrError
from desktop_asr.dictation.keys import (
    KeyCombination,
    check_hotkeys,
    fold_character,
)

log = logging.getLogger(__name__)

STALE_AFTER = 30.0  # seconds of keyboard silence after which held keys are forgotten
WATCH_INTERVAL = 2.0  # seconds between checks that the listener thread is alive
READY_TIMEOUT = 10.0  # seconds a new listener may take to connect

Callback = Callable[[], None]


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


def _end_x11_recording(listener: Any) -> None:
    """pynput's X11 listener ends only at the next key event after ``stop()`` (it disables
    its XRecord context on the connection that is blocked reading; pynput issue 75, pull
    request 583): disable it on the other connection, as pynput itself does on exit."""
    display = getattr(listener, "_display_stop", None)
    context = getattr(listener, "_context", None)
    if display is None or context is None or not listener.is_alive():
        return
    try:
        display.record_disable_context(context)
        display.flush()
    except Exception as exc:  # the connection may already be closed
        log.debug("Ending the X11 key recording: %s", exc)


def _wait_until_ready(listener: Any, timeout: float) -> None:
    """pynput's ``Listener.wait()`` never returns when the thread dies before it is ready
    (no X connection): wait in a helper thread, watching the listener."""
    waiter = threading.Thread(target=listener.wait, name="hotkey-listener-wait",
                              daemon=True)
    waiter.start()
    deadline = time.monotonic() + timeout
    while True:
        waiter.join(0.05)
        if not waiter.is_alive():
            return
        if not listener.is_alive() or time.monotonic() > deadline:
            break
    # Release the waiter (pynput's own "ready" notification), then report the failure.
    mark_ready = getattr(listener, "_mark_ready", None)
    if callable(mark_ready):
        mark_ready()
        waiter.join(1.0)
    try:
        listener.stop()
        listener.join(1.0)
        detail = ""
    except Exception as exc:  # pynput re-raises the exception that ended its thread
        detail = str(exc) or type(exc).__name__
    raise HotkeyUnavailableError(
        "Global hotkeys are unavailable: the keyboard listener did not start.",
        details=detail)


def _pynput_keyboard() -> Any:
    try:
        import pynput.keyboard
    except ImportError as exc:  # pynput needs a display on Linux, even to import
        raise HotkeyUnavailableError(
            "Global hotkeys are unavailable: the keyboard listener could not start.",
            details=str(exc)) from exc
    return pynput.keyboard


class HotkeyUnavailableError(AsrError):
    """pynput cannot listen in this session (no X connection...); ``details`` says why."""


class HotkeyService:
    """Listens for the toggle and push-to-talk combinations (see the module doc).

    ``toggle`` / ``push_to_talk``: combinations as text (None or "" = off), checked with
    `keys.check_hotkeys` (raises `keys.HotkeyError`). ``backend``: an object with pynput's
    ``Listener`` class (default: ``pynput.keyboard``, imported on `start`).
    """

    def __init__(self, toggle: str | None, push_to_talk: str | None,
                 on_toggle: Callback, on_press: Callback, on_release: Callback,
                 backend: Any = None, *, platform: str = sys.platform,
                 watch_interval: float = WATCH_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._platform = platform
        toggle_combo, ptt_combo = check_hotkeys(toggle, push_to_talk, platform=platform)
        self._matcher = HotkeyMatcher(toggle_combo, ptt_combo, clock=clock)
        self._callbacks = {HotkeyEvent.TOGGLE: on_toggle, HotkeyEvent.PRESS: on_press,
                           HotkeyEvent.RELEASE: on_release}
        self._backend = backend
        self._watch_interval = watch_interval
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when modifiers go up
        self._listener: Any = None
        self._watchdog: threading.Thread | None = None
        self._stopping = threading.Event()
        self.restarts = 0  # listeners restarted by the watchdog
        self.last_error = ""  # why the last (re)start failed, "" when it worked

    # --- public ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._watchdog is not None

    @property
    def toggle(self) -> KeyCombination | None:
        return self._matcher.toggle

    @property
    def push_to_talk(self) -> KeyCombination | None:
        return self._matcher.push_to_talk

    def start(self) -> None:
        """Start listening (returns once the listener is ready). Raises
        HotkeyUnavailableError when pynput cannot listen here."""
        if self.running:
            return
        if self._backend is None:
            self._backend = _pynput_keyboard()
        self._stopping.clear()
        try:
            self._start_listener()
        except HotkeyUnavailableError:
            raise
        except Exception as exc:  # whatever pynput raised: in words, with the details
            raise HotkeyUnavailableError(
                "Global hotkeys are unavailable: the keyboard listener could not start.",
                details=f"{type(exc).__name__}: {exc}") from exc
        self._watchdog = threading.Thread(target=self._watch, name="hotkey-watchdog",
                                          daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        """Stop listening; no callback runs after this returns. A held push-to-talk is
        not reported as released."""
        watchdog, self._watchdog = self._watchdog, None
        self._stopping.set()
        if watchdog is not None:
            watchdog.join()
        self._stop_listener()
        with self._lock:
            self._matcher.reset()

    def update(self, toggle: str | None, push_to_talk: str | None) -> None:
        """New combinations (checked first: raises HotkeyError and keeps the old ones)."""
        toggle_combo, ptt_combo = check_hotkeys(toggle, push_to_talk,
                                                platform=self._platform)
        with self._lock:
            events = self._matcher.reset()
            self._matcher.toggle, self._matcher.push_to_talk = toggle_combo, ptt_combo
        self._fire(events)

    def held_modifiers(self) -> frozenset[str]:
        """The modifiers ("Ctrl", "Alt"...) held right now, as far as the listener knows."""
        with self._lock:
            return self._matcher.modifiers()

    def wait_for_modifiers_released(self, timeout: float) -> bool:
        """Block (in a worker thread, never the UI thread) until no modifier is held, so a
        paste shortcut is not mixed with the user's still-held Ctrl+Alt; False on
        timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._matcher.held_modifiers, timeout)

    # --- the listener ------------------------------------------------------------------
    def _start_listener(self) -> None:
        listener = self._backend.Listener(on_press=self._on_press,
                                          on_release=self._on_release)
        listener.start()
        _wait_until_ready(listener, READY_TIMEOUT)
        self._listener = listener

    def _stop_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        try:
            listener.stop()
            _end_x11_recording(listener)
            if listener is not threading.current_thread():
                listener.join(5.0)  # pynput re-raises here what ended its thread
        except Exception as exc:  # a listener that already died may fail to stop
            log.debug("Stopping the hotkey listener: %s", exc)

    def _watch(self) -> None:
        while not self._stopping.wait(self._watch_interval):
            listener = self._listener
            if listener is not None and listener.is_alive():
                continue
            log.warning("The hotkey listener stopped; starting it again.")
            with self._lock:
                events = self._matcher.reset()
            self._fire(events)
            self._stop_listener()
            if self._stopping.is_set():
                return
            try:
                self._start_listener()
            except Exception as exc:  # try again at the next interval
                error = f"{exc} {getattr(exc, 'details', '')}".strip() or type(exc).__name__
                repeated, self.last_error = error == self.last_error, error
                (log.debug if repeated else log.warning)(
                    "Could not restart the hotkey listener: %s", error)
                continue
            self.last_error = ""
            self.restarts += 1

    def _on_press(self, key: Any, injected: bool = False) -> None:
        self._handle(key, injected, press=True)

    def _on_release(self, key: Any, injected: bool = False) -> None:
        self._handle(key, injected, press=False)

    def _handle(self, key: Any, injected: bool, *, press: bool) -> None:
        if injected or self._stopping.is_set():
            return
        try:
            name = key_name(key, self._platform)
            with self._lock:
                events = (self._matcher.press(name) if press
                          else self._matcher.release(name))
                if not self._matcher.held_modifiers:
                    self._idle.notify_all()
        except Exception:  # never let an error end the listener thread
            log.exception("Error while handling a key event for the hotkeys")
            return
        self._fire(events)

    def _fire(self, events: list[HotkeyEvent]) -> None:
        for event in events:
            try:
                self._callbacks[event]()
            except Exception:
                log.exception("Error in the %s hotkey callback", event.value)


# --- can global hotkeys work here? ---------------------------------------------------------
WAYLAND_PROBLEM = (
    "This is a Wayland session, where applications cannot listen for keys globally, so the "
    "hotkeys set here cannot work. Add a shortcut in your desktop's own keyboard settings "
    "that runs the command: desktop-asr --toggle-recording")
NO_DISPLAY_PROBLEM = (
    "No graphical display was found (DISPLAY is not set), so global hotkeys cannot work.")


def hotkey_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str:
    """"" when global hotkeys can work in this session, else a sentence saying why not and
    what to do instead. (macOS asks the user to allow Input Monitoring on first use.)"""
    if platform in ("win32", "darwin", "cygwin"):
        return ""
    session = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    if session == "wayland" or (environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY")):
        return WAYLAND_PROBLEM
    if not environ.get("DISPLAY"):
        return NO_DISPLAY_PROBLEM
    return ""


def portal_shortcuts_version(timeout: float = 1.0) -> int | None:
    """The version of the XDG GlobalShortcuts portal on the session bus, or None when the
    desktop does not offer it (or D-Bus cannot be reached). Blocks up to ``timeout``
    seconds: call it from a worker thread. Uses jeepney when installed (it comes with
    keyring on Linux)."""
    try:
        from jeepney import DBusAddress, Properties
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return None
    portal = DBusAddress("/org/freedesktop/portal/desktop",
                         bus_name="org.freedesktop.portal.Desktop",
                         interface="org.freedesktop.portal.GlobalShortcuts")
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            reply = connection.send_and_get_reply(Properties(portal).get("version"),
                                                  timeout=timeout)
    except Exception as exc:  # no session bus, timeout
        log.debug("GlobalShortcuts portal not reachable: %s", exc)
        return None
    body = reply.body
    if reply.header.message_type.name != "method_return" or not body:
        return None  # an error reply: no portal, or no GlobalShortcuts interface
    value = body[0]
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int):
        return value[1]  # a variant: (signature, value)
    return None
