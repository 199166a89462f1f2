"""A stand-in for the XDG desktop portal (GNOME and KDE cannot run headless here): a real
D-Bus service on a private bus that owns org.freedesktop.portal.Desktop and answers the
GlobalShortcuts and RemoteDesktop calls as the specification says (a Request path per
call, its Response signal after the method's reply), records every call, and lets the test
press and release shortcuts and decline requests.

    python -m tests.fake_portal BUS_ADDRESS

Prints "ready" once it owns the name. Test control, on the object "/" interface
"org.desktop_asr.FakePortal": Activate(s id), Deactivate(s id), Decline(s method) (the
next Response of that method is "cancelled"), Calls() -> s (a JSON list of
[interface, member, body]).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REMOTE = "org.freedesktop.portal.RemoteDesktop"
CONTROL = "org.desktop_asr.FakePortal"


class FakePortal:
    def __init__(self, address: str) -> None:
        self.conn = open_dbus_connection(bus=address)
        self.conn.send_and_get_reply(message_bus.RequestName(NAME))
        self.calls: list[list[Any]] = []
        self.sessions: list[str] = []
        self.declined: set[str] = set()
        self.tokens_given = 0

    def _request(self, message: Any, options: dict[str, Any]) -> str:
        sender = str(message.header.fields[HeaderFields.sender]).lstrip(":").replace(".", "_")
        token = options.get("handle_token", ("s", "t"))[1]
        return f"{PATH}/request/{sender}/{token}"

    def _respond(self, message: Any, path: str, results: dict[str, Any]) -> None:
        self.conn.send(new_method_return(message, "o", (path,)))
        code = 0
        if message.header.fields[HeaderFields.member] in self.declined:
            self.declined.discard(message.header.fields[HeaderFields.member])
            code, results = 1, {}
        self.conn.send(new_signal(DBusAddress(path, interface="org.freedesktop.portal.Request"),
                                  "Response", "ua{sv}", (code, results)))

    def _new_session(self, options: dict[str, Any]) -> str:
        token = options.get("session_handle_token", ("s", "s"))[1]
        session = f"{PATH}/session/fake/{token}"
        self.sessions.append(session)
        return session

    def handle(self, message: Any) -> None:
        fields = message.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        body = message.body
        if interface not in ("org.freedesktop.DBus.Properties", CONTROL):
            self.calls.append([interface, member, _plain(body)])
        if interface == "org.freedesktop.DBus.Properties" and member == "Get":
            value = {(SHORTCUTS, "version"): ("u", 1), (REMOTE, "version"): ("u", 2),
                     (REMOTE, "AvailableDeviceTypes"): ("u", 7)}.get((body[0], body[1]))
            if value is not None:
                self.conn.send(new_method_return(message, "v", (value,)))
                return
        elif interface in (SHORTCUTS, REMOTE) and member == "CreateSession":
            session = self._new_session(body[0])
            self._respond(message, self._request(message, body[0]),
                          {"session_handle": ("s", session)})
            return
        elif interface == SHORTCUTS and member == "BindShortcuts":
            bound = [(sid, {"description": props["description"],
                            "trigger_description": ("s", props["preferred_trigger"][1])})
                     for sid, props in body[1]]
            self._respond(message, self._request(message, body[3]),
                          {"shortcuts": ("a(sa{sv})", bound)})
            return
        elif interface == REMOTE and member == "SelectDevices":
            self._respond(message, self._request(message, body[1]), {})
            return
        elif interface == REMOTE and member == "Start":
            self.tokens_given += 1
            self._respond(message, self._request(message, body[2]), {
                "devices": ("u", 1), "restore_token": ("s", f"token-{self.tokens_given}")})
            return
        elif interface == REMOTE and member == "NotifyKeyboardKeysym":
            self.conn.send(new_method_return(message))
            return
        elif interface == CONTROL:
            self.control(message, member, body)
            return
        elif interface == "org.freedesktop.portal.Session" and member == "Close":
            self.conn.send(new_method_return(message))
            return
        if message.header.message_type == MessageType.method_call:
            from jeepney import new_error

            self.conn.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod"))

    def control(self, message: Any, member: str, body: tuple[Any, ...]) -> None:
        if member in ("Activate", "Deactivate"):
            signal = "Activated" if member == "Activate" else "Deactivated"
            for session in self.sessions:
                self.conn.send(new_signal(DBusAddress(PATH, interface=SHORTCUTS), signal,
                                          "osta{sv}", (session, body[0], 0, {})))
            self.conn.send(new_method_return(message))
        elif member == "Decline":
            self.declined.add(body[0])
            self.conn.send(new_method_return(message))
        elif member == "Calls":
            self.conn.send(new_method_return(message, "s", (json.dumps(self.calls),)))

    def serve(self) -> None:
        print("ready", flush=True)
        while True:
            message = self.conn.receive()
            if message.header.message_type == MessageType.method_call:
                self.handle(message)


def _plain(value: Any) -> Any:
    """Message bodies as JSON-friendly values (variants as [signature, value])."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


if __name__ == "__main__":
    FakePortal(sys.argv[1]).serve()
