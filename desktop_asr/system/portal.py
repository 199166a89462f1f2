"""A small client of the XDG desktop portal (org.freedesktop.portal.Desktop on the session
bus), over jeepney: the request/response pattern every portal method uses, and signals.

A portal method returns at once with the object path of a Request; the answer comes later
as that Request's ``Response(u response, a{sv} results)`` signal (0 = success, 1 = the
user cancelled, 2 = another failure). The path is known in advance (it is made of our
unique bus name and a ``handle_token`` we choose), so the signal is subscribed to before
the call: an answer can never be missed. Everything here blocks: use it from a worker
thread. Signals are handed to callbacks on the connection's own receiving thread.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from desktop_asr.errors import AsrError

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.portal.Desktop"
OBJECT_PATH = "/org/freedesktop/portal/desktop"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SUCCESS, CANCELLED = 0, 1
CALL_TIMEOUT = 5.0  # a method's own reply
_tokens = itertools.count(1)


class PortalError(AsrError):
    """The portal is missing, refused, or the user said no; ``cancelled`` for the last."""

    def __init__(self, message: str, *, details: str = "", cancelled: bool = False) -> None:
        super().__init__(message, details=details)
        self.cancelled = cancelled


def new_token(kind: str) -> str:
    return f"desktop_asr_{kind}_{os.getpid()}_{next(_tokens)}"


class PortalConnection:
    """One connection to the session bus (or ``bus``, an address) for portal calls."""

    def __init__(self, bus: str = "SESSION") -> None:
        try:
            from jeepney.io.threading import open_dbus_router
        except ImportError as exc:  # jeepney comes with keyring on Linux
            raise PortalError("The desktop portal cannot be reached (no D-Bus library).",
                              details=str(exc)) from exc
        self._opened = open_dbus_router(bus)
        try:
            self._router = self._opened.__enter__()
        except Exception as exc:  # no session bus
            raise PortalError("The desktop portal cannot be reached (no D-Bus session).",
                              details=str(exc)) from exc
        self.closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._opened.__exit__(None, None, None)

    def close_session(self, handle: str) -> None:
        """Ask the portal to end the session ``handle`` (it also ends with the connection,
        so a failure here only goes to the debug log)."""
        from jeepney import DBusAddress, new_method_call

        session = DBusAddress(handle, bus_name=BUS_NAME,
                              interface="org.freedesktop.portal.Session")
        try:
            self._router.send(new_method_call(session, "Close"))
        except Exception as exc:  # the connection may be gone already
            log.debug("closing portal session %s: %s", handle, exc)

    def send(self, message: Any) -> None:
        """Send ``message`` without waiting for a reply."""
        self._router.send(message)

    @property
    def unique_name(self) -> str:
        return str(self._router.unique_name)

    def property(self, interface: str, name: str, timeout: float = CALL_TIMEOUT) -> Any:
        """A property of the portal object; PortalError when the portal lacks it."""
        from jeepney import DBusAddress, Properties

        address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=interface)
        reply = self._call_raw(Properties(address).get(name), timeout)
        return reply[0][1]  # a variant: (signature, value)

    def call(self, interface: str, method: str, signature: str, body: tuple[Any, ...],
             ) -> tuple[Any, ...]:
        """A plain method call (no Request); its reply's body."""
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=interface)
        return self._call_raw(new_method_call(address, method, signature, body))

    def request(self, interface: str, method: str, signature: str,
                body: Callable[[str], tuple[Any, ...]], timeout: float) -> dict[str, Any]:
        """Call a method that answers through a Request. ``body(handle_token)`` builds the
        arguments (the token goes into its options); returns the Response's results with
        the variants unwrapped. PortalError when refused, cancelled or timed out."""
        from jeepney import MatchRule, message_bus

        token = new_token("request")
        sender = self.unique_name.lstrip(":").replace(".", "_")
        path = f"{OBJECT_PATH}/request/{sender}/{token}"
        rule = MatchRule(type="signal", interface=REQUEST_INTERFACE, member="Response",
                         path=path)
        self._call_raw(message_bus.AddMatch(rule))
        try:
            with self._router.filter(rule) as answers:
                self.call(interface, method, signature, body(token))
                try:
                    response = answers.get(timeout=timeout)
                except queue.Empty:
                    raise PortalError(f"The desktop did not answer ({method} took longer "
                                      f"than {timeout:g} s).") from None
        finally:
            self._call_raw(message_bus.RemoveMatch(rule))
        code, results = response.body
        if code == CANCELLED:
            raise PortalError("The request was declined.", cancelled=True)
        if code != SUCCESS:
            raise PortalError(f"The desktop refused the request ({method}).")
        return {key: value[1] for key, value in results.items()}

    def subscribe(self, interface: str,
                  callbacks: Mapping[str, Callable[[tuple[Any, ...]], None]]) -> Callable[[], None]:
        """Call ``callbacks[member](body)`` for each signal of the portal's ``interface``
        whose member is named there, one at a time and in the order the bus delivered them
        (one thread per subscription: a key's release is never seen before its press);
        returns a function that stops it."""
        from jeepney import HeaderFields, MatchRule, message_bus

        rule = MatchRule(type="signal", interface=interface, path=OBJECT_PATH)
        self._call_raw(message_bus.AddMatch(rule))
        stop = threading.Event()
        filtered = self._router.filter(rule, bufsize=64)
        signals = filtered.__enter__()

        def pump() -> None:
            while not stop.is_set():
                try:
                    message = signals.get(timeout=0.2)
                except queue.Empty:
                    continue
                member = message.header.fields.get(HeaderFields.member)
                callback = callbacks.get(member) if isinstance(member, str) else None
                if callback is None:
                    continue
                try:
                    callback(tuple(message.body))
                except Exception:  # a callback's error must not end the pump
                    log.exception("portal signal %s", member)

        thread = threading.Thread(target=pump, name=f"portal-{interface}", daemon=True)
        thread.start()

        def unsubscribe() -> None:
            stop.set()
            thread.join(1.0)
            filtered.__exit__(None, None, None)

        return unsubscribe

    def _call_raw(self, message: Any, timeout: float = CALL_TIMEOUT) -> tuple[Any, ...]:
        from jeepney import HeaderFields, MessageType

        try:
            reply = self._router.send_and_get_reply(message, timeout=timeout)
        except Exception as exc:  # timeout, connection closed
            raise PortalError("The desktop portal did not answer.", details=str(exc)) from exc
        if reply.header.message_type == MessageType.error:
            name = reply.header.fields.get(HeaderFields.error_name, "")
            raise PortalError("The desktop portal refused the call.",
                              details=f"{name}: {reply.body[0] if reply.body else ''}")
        return tuple(reply.body)


VERSION_TIMEOUT = 1.0  # asked at start-up: a portal that does not answer soon is none


def portal_versions(interfaces: Sequence[str], bus: str = "SESSION") -> dict[str, int | None]:
    """The version of each portal interface (None where the desktop does not offer it, or
    there is no session bus), asked over one connection."""
    found: dict[str, int | None] = dict.fromkeys(interfaces)
    try:
        connection = PortalConnection(bus)
    except PortalError:
        return found
    try:
        for interface in interfaces:
            try:
                version = connection.property(interface, "version", VERSION_TIMEOUT)
            except PortalError:
                continue
            found[interface] = int(version) if isinstance(version, int) and version > 0 \
                else None
    finally:
        connection.close()
    return found


def portal_version(interface: str, bus: str = "SESSION") -> int | None:
    """The version of the portal ``interface``, or None when the desktop does not offer it."""
    return portal_versions([interface], bus)[interface]
