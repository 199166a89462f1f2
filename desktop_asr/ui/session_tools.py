"""The dictation keys and text delivery this session calls for (dictation/session_plan.py):
pynput on X11 (and Windows, macOS); on Wayland the GlobalShortcuts portal or the desktop's
own shortcuts for the keys, and the RemoteDesktop portal, wtype or ydotool with
wl-clipboard for the text."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QGuiApplication

from desktop_asr.dictation.hotkeys import HotkeyService, HotkeyUnavailableError, hotkey_problem
from desktop_asr.dictation.keys import check_hotkeys
from desktop_asr.dictation.portal_hotkeys import PortalHotkeys
from desktop_asr.dictation.session_plan import (
    KEYS_DESKTOP,
    KEYS_PORTAL,
    TEXT_PORTAL,
    SessionPlan,
    detect_plan,
)
from desktop_asr.stores.portal_token import PortalTokenStore
from desktop_asr.system.portal_keys import PortalKeySender
from desktop_asr.system.text_output import KeySender, WlClipboard, choose_key_sender
from desktop_asr.system.wayland_delivery import WaylandDelivery

Callback = Callable[[], None]


class DesktopShortcutKeys:
    """The keys are the desktop's own shortcuts running ``desktop-asr --toggle-recording``
    (or --start/--stop-recording): nothing to listen to here. Having it keeps the
    microphone armed while dictation is on, as with keys of our own."""

    running = True

    def __init__(self, toggle: str | None, push_to_talk: str | None) -> None:
        check_hotkeys(toggle, push_to_talk)  # the same keys are valid here as anywhere

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def wait_for_modifiers_released(self, timeout: float) -> bool:
        return True


class SessionTools:
    """Made once at start: ``plan`` (found over D-Bus on Wayland), a hotkeys factory for
    `Dictation` and, on Wayland, a text-delivery factory for `TextDelivery`."""

    def __init__(self, plan: SessionPlan | None = None) -> None:
        self.plan = plan if plan is not None else detect_plan(os.environ)
        self._tokens = PortalTokenStore()
        self._portal_sender: PortalKeySender | None = None

    @property
    def is_wayland(self) -> bool:
        return self.plan.session.is_wayland

    def hotkeys(self, toggle: str | None, push_to_talk: str | None, on_toggle: Callback,
                on_press: Callback, on_release: Callback) -> Any:
        if self.is_wayland:
            how = self.plan.keys(toggle, push_to_talk).how
            if how == KEYS_PORTAL:
                return PortalHotkeys(toggle, push_to_talk, on_toggle, on_press, on_release)
            if how == KEYS_DESKTOP:
                return DesktopShortcutKeys(toggle, push_to_talk)
        problem = hotkey_problem(os.environ)
        if QGuiApplication.platformName() in ("offscreen", "minimal"):
            problem = "this display is not a real one (Qt platform offscreen)"
        if problem:
            raise HotkeyUnavailableError(problem)
        return HotkeyService(toggle, push_to_talk, on_toggle, on_press, on_release)

    def wayland_delivery(self) -> WaylandDelivery:
        """The tools as they are now (called again after a tool failed)."""
        sender: KeySender | None
        if self.plan.text.how == TEXT_PORTAL:
            if self._portal_sender is None:
                self._portal_sender = PortalKeySender(self._tokens.load(),
                                                      on_token=self._tokens.save)
            sender = self._portal_sender
        else:
            sender, _ = choose_key_sender(self.plan.session, os.environ)
        return WaylandDelivery(sender, WlClipboard.find())

    def close(self) -> None:
        if self._portal_sender is not None:
            self._portal_sender.close()
            self._portal_sender = None
