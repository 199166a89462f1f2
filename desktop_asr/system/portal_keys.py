"""Keys through the XDG RemoteDesktop portal (GNOME, KDE Plasma): the desktop asks the user
once whether desktop-asr may send keys; with ``persist_mode`` 2 it hands back a restore
token, kept by the app (see stores/portal_token.py), so the next sessions start without
asking again. Paste is Ctrl+V sent as key symbols; typing sends each character's keysym.

Same interface as the other key senders (text_output.py): paste(), type_text(), enter().
Blocking calls: use a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_asr.system.portal import PortalConnection, PortalError, new_token
from desktop_asr.text.plain_text import plain_line

INTERFACE = "org.freedesktop.portal.RemoteDesktop"
KEYBOARD = 1  # device types: 1 keyboard, 2 pointer, 4 touchscreen
PERSIST_UNTIL_REVOKED = 2
START_TIMEOUT = 120.0  # the user answers the desktop's question
PRESSED, RELEASED = 1, 0
KEYSYM = {"Control_L": 0xFFE3, "Shift_L": 0xFFE1, "Return": 0xFF0D, "v": 0x0076}


def keysym_of(char: str) -> int:
    """The X keysym of a character: Latin-1 as is, anything else 0x01000000 + code point."""
    code = ord(char)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    return 0x01000000 + code


class PortalKeySender:
    """A RemoteDesktop session that may send keys. ``start()`` first (it may ask the user);
    ``restore_token`` is then the token to keep for the next time."""

    name = "RemoteDesktop portal"
    types_every_script = False

    def __init__(self, restore_token: str = "", *, bus: str = "SESSION",
                 on_token: Callable[[str], None] | None = None) -> None:
        self.restore_token = restore_token
        self._on_token = on_token
        self._bus = bus
        self._connection: PortalConnection | None = None
        self._session = ""

    def start(self) -> None:
        if self._session:
            return
        c = self._connection = PortalConnection(self._bus)
        session_token = new_token("session")
        results = c.request(INTERFACE, "CreateSession", "a{sv}", lambda token: (
            {"handle_token": ("s", token), "session_handle_token": ("s", session_token)},
        ), timeout=10.0)
        session = str(results.get("session_handle", ""))
        if not session:
            raise PortalError("The desktop opened no remote-desktop session.")
        options: dict[str, tuple[str, object]] = {
            "types": ("u", KEYBOARD), "persist_mode": ("u", PERSIST_UNTIL_REVOKED)}
        if self.restore_token:
            options["restore_token"] = ("s", self.restore_token)
        c.request(INTERFACE, "SelectDevices", "oa{sv}", lambda token: (
            session, {**options, "handle_token": ("s", token)}), timeout=10.0)
        started = c.request(INTERFACE, "Start", "osa{sv}", lambda token: (
            session, "", {"handle_token": ("s", token)}), timeout=START_TIMEOUT)
        if not int(started.get("devices", 0)) & KEYBOARD:
            raise PortalError("The desktop gave no keyboard to send keys with.")
        token = started.get("restore_token")
        if isinstance(token, str) and token and token != self.restore_token:
            self.restore_token = token
            if self._on_token is not None:
                self._on_token(token)
        self._session = session

    def _key(self, keysym: int, state: int) -> None:
        if self._connection is None or not self._session:
            raise PortalError("The remote-desktop session is not started.")
        self._connection.call(INTERFACE, "NotifyKeyboardKeysym", "oa{sv}iu",
                              (self._session, {}, keysym, state))

    def _tap(self, keysym: int) -> None:
        self._key(keysym, PRESSED)
        self._key(keysym, RELEASED)

    def paste(self, shift: bool = False) -> None:
        self.start()
        held = [KEYSYM["Control_L"], *([KEYSYM["Shift_L"]] if shift else [])]
        for keysym in held:
            self._key(keysym, PRESSED)
        try:
            self._tap(KEYSYM["v"])
        finally:
            for keysym in reversed(held):
                self._key(keysym, RELEASED)

    def type_text(self, text: str) -> None:
        self.start()
        for char in plain_line(text):
            self._tap(keysym_of(char))

    def enter(self) -> None:
        self.start()
        self._tap(KEYSYM["Return"])

    def close(self) -> None:
        if self._connection is not None:
            if self._session:
                self._connection.close_session(self._session)
            self._connection.close()
            self._connection = None
        self._session = ""
