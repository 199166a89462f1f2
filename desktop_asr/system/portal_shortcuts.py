"""Global shortcuts through the XDG GlobalShortcuts portal (KDE Plasma >= 5.27, GNOME >= 48,
Hyprland): the app asks the desktop to bind its shortcuts, the desktop may let the user
change the keys, and it reports each press (Activated) and release (Deactivated), which is
what push-to-talk needs.

    shortcuts = PortalShortcuts(on_event)          # on_event(shortcut_id, pressed)
    shortcuts.bind({"toggle": ("Start or stop dictation", "CTRL+ALT+d"), ...})
    shortcuts.close()

The keys are the desktop's to choose: ``preferred_trigger`` (the XDG shortcuts
specification's syntax, "CTRL+ALT+d") is only a wish. Blocking calls: use a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from desktop_asr.system.portal import PortalConnection, PortalError, new_token

INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
BIND_TIMEOUT = 120.0  # the desktop may ask the user first

OnEvent = Callable[[str, bool], None]  # (shortcut id, True when pressed / False released)

# Qt's modifier names -> the shortcuts specification's.
_TRIGGER_MODIFIERS = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Meta": "LOGO"}


def preferred_trigger(modifiers: list[str], keysym: str) -> str:
    """"CTRL+ALT+d" from ["Ctrl", "Alt"] and the keysym "d"."""
    order = ("Ctrl", "Alt", "Shift", "Meta")
    return "+".join([*(_TRIGGER_MODIFIERS[m] for m in order if m in modifiers), keysym])


class PortalShortcuts:
    """A GlobalShortcuts session of this app (see the module doc)."""

    def __init__(self, on_event: OnEvent, *, bus: str = "SESSION") -> None:
        self._on_event = on_event
        self._connection = PortalConnection(bus)
        self._session = ""
        self._unsubscribe: list[Callable[[], None]] = []
        self.bound: dict[str, str] = {}  # id -> the trigger the desktop shows for it

    def bind(self, shortcuts: Mapping[str, tuple[str, str]]) -> dict[str, str]:
        """Ask for ``shortcuts`` (id -> (description, preferred trigger)); returns what the
        desktop bound (id -> its trigger description). PortalError in words otherwise."""
        c = self._connection
        if not self._session:
            session_token = new_token("session")
            results = c.request(INTERFACE, "CreateSession", "a{sv}", lambda token: (
                {"handle_token": ("s", token), "session_handle_token": ("s", session_token)},
            ), timeout=10.0)
            self._session = str(results.get("session_handle", ""))
            if not self._session:
                raise PortalError("The desktop opened no shortcut session.")
            self._unsubscribe.append(c.subscribe(INTERFACE, {
                "Activated": self._pressed, "Deactivated": self._released}))
        wanted = [(shortcut_id, {"description": ("s", description),
                                 "preferred_trigger": ("s", trigger)})
                  for shortcut_id, (description, trigger) in shortcuts.items()]
        results = c.request(INTERFACE, "BindShortcuts", "oa(sa{sv})sa{sv}", lambda token: (
            self._session, wanted, "", {"handle_token": ("s", token)}), timeout=BIND_TIMEOUT)
        self.bound = {str(sid): _trigger_text(props)
                      for sid, props in results.get("shortcuts", [])}
        return dict(self.bound)

    def _pressed(self, body: tuple[Any, ...]) -> None:
        self._signal(body, True)

    def _released(self, body: tuple[Any, ...]) -> None:
        self._signal(body, False)

    def _signal(self, body: tuple[Any, ...], pressed: bool) -> None:
        if len(body) >= 2 and body[0] == self._session and isinstance(body[1], str):
            self._on_event(body[1], pressed)

    def close(self) -> None:
        for stop in self._unsubscribe:
            stop()
        self._unsubscribe.clear()
        if self._session:
            self._connection.close_session(self._session)
        self._connection.close()


def _trigger_text(props: Any) -> str:
    if isinstance(props, dict):
        value = props.get("trigger_description")
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], str):
            return value[1]
    return ""
