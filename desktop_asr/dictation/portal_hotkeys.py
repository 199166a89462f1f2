"""The dictation keys through the GlobalShortcuts portal (Wayland desktops that offer it),
with the same face as `HotkeyService` (hotkeys.py): ``start()``, ``stop()``, and the
toggle, press and release callbacks, called on the portal's thread.

Binding may wait for the user (the desktop can ask which keys to use), so ``start()``
binds on a thread of its own; ``bound`` then holds what the desktop shows for each key and
``last_error`` why binding failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from desktop_asr.dictation.desktop_shortcuts import keysym
from desktop_asr.dictation.keys import KeyCombination, check_hotkeys
from desktop_asr.errors import AsrError
from desktop_asr.system.portal_shortcuts import PortalShortcuts, preferred_trigger

log = logging.getLogger(__name__)
Callback = Callable[[], None]
TOGGLE_ID, TALK_ID = "toggle", "push-to-talk"
DESCRIPTIONS = {TOGGLE_ID: "Start or stop dictation (desktop-asr)",
                TALK_ID: "Dictate while held (desktop-asr)"}


def _trigger(combination: KeyCombination) -> str:
    return preferred_trigger(sorted(combination.modifiers), keysym(combination))


class PortalHotkeys:
    def __init__(self, toggle: str | None, push_to_talk: str | None,
                 on_toggle: Callback, on_press: Callback, on_release: Callback, *,
                 bus: str = "SESSION") -> None:
        toggle_keys, talk_keys = check_hotkeys(toggle, push_to_talk)
        self._wanted = {key_id: (DESCRIPTIONS[key_id], _trigger(keys))
                        for key_id, keys in ((TOGGLE_ID, toggle_keys), (TALK_ID, talk_keys))
                        if keys is not None}
        self._callbacks = {(TOGGLE_ID, True): on_toggle, (TALK_ID, True): on_press,
                           (TALK_ID, False): on_release}
        self._bus = bus
        self._shortcuts: PortalShortcuts | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.bound: dict[str, str] = {}
        self.last_error = ""
        self.ready = threading.Event()  # binding finished (bound, or last_error says why)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None or not self._wanted:
            self.ready.set()
            return
        self._thread = threading.Thread(target=self._bind, name="portal-shortcuts",
                                        daemon=True)
        self._thread.start()

    def _bind(self) -> None:
        try:
            shortcuts = PortalShortcuts(self._event, bus=self._bus)
            with self._lock:
                self._shortcuts = shortcuts
            self.bound = shortcuts.bind(self._wanted)
        except AsrError as exc:
            self.last_error = str(exc)
            log.warning("Global shortcuts through the portal: %s", exc)
        finally:
            self.ready.set()

    def _event(self, key_id: str, pressed: bool) -> None:
        callback = self._callbacks.get((key_id, pressed))
        if callback is None:
            return
        try:
            callback()
        except Exception:  # never let a callback end the portal's thread
            log.exception("dictation key %s", key_id)

    def stop(self) -> None:
        with self._lock:
            shortcuts, self._shortcuts = self._shortcuts, None
        if shortcuts is not None:
            shortcuts.close()
        self._thread = None

    def wait_for_modifiers_released(self, timeout: float) -> bool:
        """The portal reports no modifier state: the desktop delivers its shortcut after
        the keys, so there is nothing to wait for."""
        return True
