"""The XDG portal paths (GlobalShortcuts for the dictation keys, RemoteDesktop for sending
keys, with its restore token) against the project's own stand-in portal, a real D-Bus
service on a private bus (tests/fake_portal.py): the exact calls, and the reactions to its
signals."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop_asr.system.portal import PortalError, portal_version
from desktop_asr.system.portal_keys import PortalKeySender, keysym_of
from desktop_asr.system.portal_shortcuts import INTERFACE, PortalShortcuts, preferred_trigger
from tests.integration.clitools import ROOT

pytestmark = pytest.mark.integration


class Portal:
    def __init__(self, address: str, process: subprocess.Popen[str]) -> None:
        self.address, self.process = address, process

    def control(self, member: str, signature: str = "", body: tuple = ()) -> tuple:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(bus=self.address) as conn:
            target = DBusAddress("/", bus_name="org.freedesktop.portal.Desktop",
                                 interface="org.desktop_asr.FakePortal")
            reply = conn.send_and_get_reply(new_method_call(target, member, signature, body),
                                            timeout=5)
        return tuple(reply.body)

    def control_many(self, members: list[tuple[str, str, tuple]]) -> None:
        """Send several controls back to back on one connection (as fast as a tap)."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(bus=self.address) as conn:
            target = DBusAddress("/", bus_name="org.freedesktop.portal.Desktop",
                                 interface="org.desktop_asr.FakePortal")
            for member, signature, body in members:
                conn.send_and_get_reply(new_method_call(target, member, signature, body),
                                        timeout=5)

    def calls(self, member: str | None = None) -> list[list]:
        calls = json.loads(self.control("Calls")[0])
        return [c for c in calls if member is None or c[1] == member]


@pytest.fixture
def portal(tmp_path: Path):
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt install dbus)")
    socket = tmp_path / "bus"
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                            f"--address=unix:path={socket}", "--print-address=1"],
                           stdout=subprocess.PIPE, text=True)
    address = (bus.stdout.readline() if bus.stdout else "").strip()
    assert address, "dbus-daemon did not start"
    fake = subprocess.Popen([sys.executable, "-m", "tests.fake_portal", address], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None
        assert fake.stdout.readline().strip() == "ready"
        yield Portal(address, fake)
    finally:
        for process in (fake, bus):
            process.terminate()
            process.wait(timeout=10)


def wait_for(condition, what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)  # sleep-ok: polling signals delivered on another thread


def test_the_portal_version_is_read_and_none_without_a_portal(portal, tmp_path):
    assert portal_version(INTERFACE, portal.address) == 1
    assert portal_version(INTERFACE, f"unix:path={tmp_path / 'no-bus'}") is None


def test_shortcuts_are_bound_and_press_and_release_reach_the_app(portal):
    events: list[tuple[str, bool]] = []
    lock = threading.Lock()

    def on_event(shortcut: str, pressed: bool) -> None:
        with lock:
            events.append((shortcut, pressed))

    shortcuts = PortalShortcuts(on_event, bus=portal.address)
    try:
        bound = shortcuts.bind({
            "toggle": ("Start or stop dictation", preferred_trigger(["Ctrl", "Alt"], "d")),
            "push-to-talk": ("Dictate while held", "F9"),
        })
        assert bound == {"toggle": "CTRL+ALT+d", "push-to-talk": "F9"}
        (call,) = portal.calls("BindShortcuts")
        session, wanted = call[2][0], call[2][1]
        assert session.startswith("/org/freedesktop/portal/desktop/session/")
        assert wanted == [
            ["toggle", {"description": ["s", "Start or stop dictation"],
                        "preferred_trigger": ["s", "CTRL+ALT+d"]}],
            ["push-to-talk", {"description": ["s", "Dictate while held"],
                              "preferred_trigger": ["s", "F9"]}]]
        portal.control("Activate", "s", ("push-to-talk",))
        portal.control("Deactivate", "s", ("push-to-talk",))
        portal.control("Activate", "s", ("toggle",))
        wait_for(lambda: len(events) == 3, "three shortcut events")
        assert events == [("push-to-talk", True), ("push-to-talk", False), ("toggle", True)]
    finally:
        shortcuts.close()


def test_quick_taps_reach_the_app_press_before_release(portal):
    """A release seen before its press would leave push-to-talk recording: presses and
    releases sent back to back arrive in the order the desktop sent them."""
    events: list[bool] = []
    shortcuts = PortalShortcuts(lambda _shortcut, pressed: events.append(pressed),
                                bus=portal.address)
    try:
        shortcuts.bind({"push-to-talk": ("Dictate while held", "F9")})
        taps = 40
        portal.control_many([(member, "s", ("push-to-talk",))
                             for _ in range(taps) for member in ("Activate", "Deactivate")])
        wait_for(lambda: len(events) == 2 * taps, "every press and release")
        assert events == [True, False] * taps
    finally:
        shortcuts.close()


def test_remote_desktop_pastes_with_ctrl_v_and_keeps_the_restore_token(portal):
    tokens: list[str] = []
    sender = PortalKeySender(bus=portal.address, on_token=tokens.append)
    try:
        sender.paste()
        sender.enter()
    finally:
        sender.close()
    assert tokens == ["token-1"]
    select = portal.calls("SelectDevices")[0][2][1]
    assert select["types"] == ["u", 1]
    assert select["persist_mode"] == ["u", 2]
    assert "restore_token" not in select  # the first time the user is asked
    keys = [(c[2][2], c[2][3]) for c in portal.calls("NotifyKeyboardKeysym")]
    assert keys == [(0xFFE3, 1), (0x76, 1), (0x76, 0), (0xFFE3, 0), (0xFF0D, 1), (0xFF0D, 0)]

    again = PortalKeySender("token-1", bus=portal.address)
    try:
        again.type_text("a你\n")
    finally:
        again.close()
    select = portal.calls("SelectDevices")[1][2][1]
    assert select["restore_token"] == ["s", "token-1"]  # not asked again
    typed = [c[2][2] for c in portal.calls("NotifyKeyboardKeysym")[6:] if c[2][3] == 1]
    assert typed == [ord("a"), keysym_of("你")]  # the line break is never a key


def test_a_declined_request_is_an_error_that_says_so(portal):
    portal.control("Decline", "s", ("Start",))
    sender = PortalKeySender(bus=portal.address)
    try:
        with pytest.raises(PortalError) as raised:
            sender.paste()
        assert raised.value.cancelled
        assert portal.calls("NotifyKeyboardKeysym") == []
    finally:
        sender.close()


def test_the_dictation_keys_through_the_portal(portal):
    from desktop_asr.dictation.portal_hotkeys import PortalHotkeys

    events: list[str] = []
    hotkeys = PortalHotkeys("Ctrl+Alt+D", "F9", lambda: events.append("toggle"),
                            lambda: events.append("press"), lambda: events.append("release"),
                            bus=portal.address)
    hotkeys.start()
    try:
        assert hotkeys.ready.wait(10)
        assert hotkeys.last_error == ""
        assert hotkeys.bound == {"toggle": "CTRL+ALT+d", "push-to-talk": "F9"}
        portal.control("Activate", "s", ("toggle",))
        portal.control("Deactivate", "s", ("toggle",))  # a toggle's release does nothing
        portal.control("Activate", "s", ("push-to-talk",))
        portal.control("Deactivate", "s", ("push-to-talk",))
        wait_for(lambda: len(events) == 3, "three dictation key events")
        assert events == ["toggle", "press", "release"]
    finally:
        hotkeys.stop()


def test_a_portal_that_is_not_there_is_a_reason_not_a_crash(tmp_path):
    from desktop_asr.dictation.portal_hotkeys import PortalHotkeys

    hotkeys = PortalHotkeys("Ctrl+Alt+D", None, lambda: None, lambda: None, lambda: None,
                            bus=f"unix:path={tmp_path / 'none'}")
    hotkeys.start()
    assert hotkeys.ready.wait(10)
    assert "portal" in hotkeys.last_error
    hotkeys.stop()


def test_the_session_plan_asks_the_portals(portal, tmp_path):
    from desktop_asr.dictation.session_plan import KEYS_PORTAL, TEXT_PORTAL, detect_plan

    environ = {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "KDE",
               "XDG_RUNTIME_DIR": str(tmp_path)}
    plan = detect_plan(environ, bus=portal.address, which=lambda _name: None)
    assert (plan.shortcuts_portal, plan.remote_desktop_portal) == (1, 2)
    assert plan.keys("Ctrl+Alt+D", None).how == KEYS_PORTAL
    assert plan.text.how == TEXT_PORTAL
    without = detect_plan(environ, bus=f"unix:path={tmp_path / 'none'}",
                          which=lambda _name: None)
    assert (without.shortcuts_portal, without.remote_desktop_portal) == (None, None)
    assert without.keys("Ctrl+Alt+D", None).how == "desktop"
