"""Global hotkeys: a toggle combination and a push-to-talk key, heard anywhere.

`HotkeyService` runs pynput's keyboard ``Listener`` (press *and* release events, which
push-to-talk needs; pynput's ``GlobalHotKeys`` only reports activation) and feeds a
`HotkeyMatcher` (hotkey_matcher.py: which presses and releases are the toggle and
push-to-talk).

The callbacks run on pynput's listener thread. Keep them short (a Qt app emits a signal
or posts to its own thread): on Windows a slow low-level keyboard hook is silently removed
by the system, which users see as "the hotkey died". Exceptions from callbacks are logged,
never allowed to end the listener. Keys are only listened to, not swallowed: the focused
application receives them too. Synthetic keys (ours, from `keystrokes`) are ignored.

Surviving idle: a watchdog thread restarts the listener when its thread has died (X
connection lost, an error in pynput); the matcher forgets stale key state.

`hotkey_problem` says in a sentence why pynput's global hotkeys cannot work in a session
(Wayland, no display), or "". On Wayland the keys go through the GlobalShortcuts portal
(portal_hotkeys.py) or the desktop's own shortcuts (desktop_shortcuts.py): see
session_plan.py.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from desktop_asr.dictation.hotkey_matcher import HotkeyEvent, HotkeyMatcher, key_name
from desktop_asr.dictation.keys import KeyCombination, check_hotkeys
from desktop_asr.errors import AsrError, CodedText

log = logging.getLogger(__name__)

WATCH_INTERVAL = 2.0  # seconds between checks that the listener thread is alive
READY_TIMEOUT = 10.0  # seconds a new listener may take to connect

Callback = Callable[[], None]


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
        return CodedText(WAYLAND_PROBLEM, "hotkeys_wayland")
    if not environ.get("DISPLAY"):
        return CodedText(NO_DISPLAY_PROBLEM, "hotkeys_no_display")
    return ""
