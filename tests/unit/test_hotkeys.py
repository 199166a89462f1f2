"""The hotkey state machine and HotkeyService with a fake pynput backend (no display; the
real listener under X is tested in tests/e2e/test_hotkeys.py)."""

from __future__ import annotations

import logging
import threading
from types import SimpleNamespace

import pytest

from desktop_asr.dictation.hotkey_matcher import HotkeyEvent, HotkeyMatcher, key_name
from desktop_asr.dictation.hotkeys import (
    NO_DISPLAY_PROBLEM,
    WAYLAND_PROBLEM,
    HotkeyService,
    HotkeyUnavailableError,
    hotkey_problem,
)
from desktop_asr.dictation.keys import HotkeyError, parse_combination

TOGGLE, PRESS, RELEASE = HotkeyEvent.TOGGLE, HotkeyEvent.PRESS, HotkeyEvent.RELEASE


def special(name: str) -> SimpleNamespace:  # like pynput's Key.f9
    return SimpleNamespace(name=name)


def char(c: str, vk: int | None = None) -> SimpleNamespace:  # like pynput's KeyCode
    return SimpleNamespace(char=c, vk=vk)


def matcher(toggle: str | None = "Ctrl+Alt+D", ptt: str | None = "F9", **kwargs):
    return HotkeyMatcher(toggle and parse_combination(toggle, platform="linux"),
                         ptt and parse_combination(ptt, platform="linux"), **kwargs)


def feed(m: HotkeyMatcher, *steps: str) -> list[HotkeyEvent]:
    """Steps: "+Left Ctrl" presses, "-Left Ctrl" releases."""
    events: list[HotkeyEvent] = []
    for step in steps:
        events += (m.press if step[0] == "+" else m.release)(step[1:])
    return events


# --- key names -------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "name"), [
    (special("ctrl"), "Left Ctrl"), (special("ctrl_l"), "Left Ctrl"),
    (special("ctrl_r"), "Right Ctrl"), (special("alt_gr"), "Right Alt"),
    (special("shift_r"), "Right Shift"), (special("cmd"), "Left Meta"),
    (special("f9"), "F9"), (special("scroll_lock"), "ScrollLock"), (special("enter"), "Return"),
    (special("media_next"), None),
    (char("d"), "D"), (char("D"), "D"), (char("!"), "1"), (char("1"), "1"), (char("?"), "/"),
    (char(None, vk=0x1008FF17), None), (None, None),
])
def test_key_names(key, name):
    assert key_name(key, "linux") == name


def test_key_names_on_macos_follow_qt():
    assert key_name(special("cmd"), "darwin") == "Left Ctrl"  # Command is Qt's Ctrl there
    assert key_name(special("ctrl_r"), "darwin") == "Right Meta"


def test_key_names_on_windows_use_the_virtual_key():
    assert key_name(char("\x04", vk=0x44), "win32") == "D"  # Ctrl+D as Windows reports it


# --- the state machine ---------------------------------------------------------------------
def test_toggle_needs_exactly_its_modifiers():
    m = matcher()
    assert feed(m, "+Left Ctrl", "+Left Alt", "+D", "-D", "-Left Alt", "-Left Ctrl") == [TOGGLE]
    assert feed(m, "+D", "-D") == []
    assert feed(m, "+Left Ctrl", "+Left Alt", "+Left Shift", "+D", "-D") == []
    assert feed(m, "-Left Shift", "-Left Alt", "-Left Ctrl", "+Left Alt", "+D", "-D") == []
    assert feed(m, "-Left Alt", "+Right Ctrl", "+Right Alt", "+D") == [TOGGLE]  # either side


def test_auto_repeat_does_not_toggle_again():
    m = matcher()
    assert feed(m, "+Left Ctrl", "+Left Alt", *["+D"] * 20, "-D") == [TOGGLE]
    assert feed(m, "+D", "-D") == [TOGGLE]  # a new press, modifiers still held


def test_push_to_talk_press_and_release_through_auto_repeat():
    m = matcher()
    assert feed(m, "+F9", *["+F9"] * 20) == [PRESS]
    assert feed(m, "-F9") == [RELEASE]
    assert feed(m, "+Left Ctrl", "+F9", "-F9") == []  # Ctrl+F9 is another combination


def test_lone_right_modifier_push_to_talk():
    m = matcher("Alt+Shift+D", "Right Ctrl")
    assert feed(m, "+Right Ctrl", "+Right Ctrl", "+Right Ctrl") == [PRESS]
    assert feed(m, "-Right Ctrl") == [RELEASE]
    assert feed(m, "+Left Alt", "+Right Ctrl", "-Right Ctrl", "-Left Alt") == []
    assert feed(m, "+Left Ctrl", "-Left Ctrl") == []


def test_shifted_character_released_under_another_name():
    """Ctrl+Shift+1 presses "!" and may release "1" (Shift let go first), and layouts may
    differ: a release that matches nothing must not leave a ghost key held."""
    m = matcher("Ctrl+Shift+1", "F9")
    assert m.press(key_name(char("!"), "linux")) == []  # no modifiers yet
    m.release(key_name(char("1"), "linux"))
    assert feed(m, "+Left Ctrl", "+Left Shift", "+1") == [TOGGLE]
    m.held_keys.add("§")  # a character pressed on another layout...
    assert feed(m, "-°") == []  # ...released under another name
    assert m.held_keys == set()
    assert feed(m, "+1") == [TOGGLE]


def test_push_to_talk_ends_when_its_release_is_lost_under_another_name():
    m = matcher("Ctrl+Alt+D", "Ctrl+Alt+1")
    assert feed(m, "+Left Ctrl", "+Left Alt", "+1") == [PRESS]
    assert feed(m, "-!") == [RELEASE]


def test_keys_held_through_a_long_silence_are_forgotten():
    now = [0.0]
    m = matcher(clock=lambda: now[0], stale_after=30.0)
    feed(m, "+Left Ctrl")  # its release is lost (screen locked)
    now[0] = 31.0
    assert feed(m, "+Left Alt", "+Left Ctrl", "+D") == [TOGGLE]
    assert feed(m, "-D", "-Left Ctrl", "-Left Alt") == []
    now[0] = 40.0
    feed(m, "+Left Ctrl")
    now[0] = 50.0  # not silent long enough
    assert feed(m, "+D") == []


def test_a_silently_held_push_to_talk_survives_the_silence():
    now = [0.0]
    m = matcher("Alt+Shift+D", "Right Ctrl", clock=lambda: now[0], stale_after=30.0)
    assert feed(m, "+Right Ctrl") == [PRESS]
    now[0] = 120.0  # modifiers do not auto-repeat on X11: no events while held
    assert feed(m, "-Right Ctrl") == [RELEASE]


def test_reset_releases_push_to_talk():
    m = matcher()
    feed(m, "+F9")
    assert m.reset() == [RELEASE]
    assert m.reset() == []


# --- the service with a fake listener ------------------------------------------------------
class FakeListener(threading.Thread):
    """pynput's Listener shape: a thread; start/wait/stop/join; callbacks given by name."""

    def __init__(self, backend: FakeBackend, on_press, on_release) -> None:
        super().__init__(daemon=True)
        self.backend = backend
        self.on_press = on_press
        self.on_release = on_release
        self.stopped = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        if self.backend.broken:
            return  # like pynput without an X connection: dies before it is ready
        self.ready.set()
        with self.backend.created:
            self.backend.created.notify_all()
        self.stopped.wait()

    def wait(self) -> None:
        self.ready.wait()

    def _mark_ready(self) -> None:  # pynput's own name
        self.ready.set()

    def stop(self) -> None:
        self.stopped.set()

    def tap(self, key, injected: bool = False) -> None:
        self.on_press(key, injected)
        self.on_release(key, injected)


class FakeBackend:
    def __init__(self, broken: bool = False) -> None:
        self.broken = broken
        self.listeners: list[FakeListener] = []
        self.created = threading.Condition()

    def Listener(self, on_press, on_release) -> FakeListener:  # pynput's name
        listener = FakeListener(self, on_press, on_release)
        with self.created:
            self.listeners.append(listener)
            self.created.notify_all()
        return listener


class Heard:
    def __init__(self) -> None:
        self.events: list[str] = []

    def service(self, backend: FakeBackend, toggle: str | None = "Ctrl+Alt+D",
                ptt: str | None = "F9", **kwargs) -> HotkeyService:
        return HotkeyService(toggle, ptt, lambda: self.events.append("toggle"),
                             lambda: self.events.append("press"),
                             lambda: self.events.append("release"), backend,
                             platform="linux", **kwargs)


def press_combo(listener: FakeListener, *keys) -> None:
    for key in keys:
        listener.on_press(key, False)
    for key in reversed(keys):
        listener.on_release(key, False)


def test_service_fires_callbacks_and_stops():
    backend, heard = FakeBackend(), Heard()
    service = heard.service(backend)
    service.start()
    listener = backend.listeners[0]
    assert listener.is_alive()
    press_combo(listener, special("ctrl"), special("alt"), char("d"))
    listener.on_press(special("f9"), False)
    listener.on_press(special("f9"), False)
    listener.on_release(special("f9"), False)
    listener.tap(char("d"))
    assert heard.events == ["toggle", "press", "release"]
    service.stop()
    assert not listener.is_alive()
    assert not service.running
    press_combo(listener, special("ctrl"), special("alt"), char("d"))  # late events
    assert heard.events == ["toggle", "press", "release"]


def test_synthetic_keys_are_ignored():
    backend, heard = FakeBackend(), Heard()
    service = heard.service(backend)
    service.start()
    listener = backend.listeners[0]
    for key in (special("ctrl"), special("alt"), char("d")):
        listener.on_press(key, True)
    listener.tap(special("f9"), injected=True)
    assert heard.events == []
    service.stop()


def test_a_failing_callback_is_logged_and_the_next_key_still_works(caplog):
    backend = FakeBackend()
    calls = []

    def broken() -> None:
        calls.append(1)
        raise RuntimeError("boom")

    service = HotkeyService("Ctrl+Alt+D", None, broken, lambda: None, lambda: None, backend,
                            platform="linux")
    service.start()
    listener = backend.listeners[0]
    with caplog.at_level(logging.ERROR, logger="desktop_asr.dictation.hotkeys"):
        press_combo(listener, special("ctrl"), special("alt"), char("d"))
        press_combo(listener, special("ctrl"), special("alt"), char("d"))
    assert len(calls) == 2
    assert "boom" in caplog.text
    service.stop()


def test_update_changes_the_combinations_and_refuses_bad_ones():
    backend, heard = FakeBackend(), Heard()
    service = heard.service(backend)
    service.start()
    listener = backend.listeners[0]
    service.update("Alt+Shift+D", None)
    press_combo(listener, special("ctrl"), special("alt"), char("d"))
    listener.tap(special("f9"))
    assert heard.events == []
    press_combo(listener, special("alt"), special("shift"), char("D"))
    assert heard.events == ["toggle"]
    with pytest.raises(HotkeyError, match="only modifier keys"):
        service.update("Ctrl+Shift", None)
    assert str(service.toggle) == "Alt+Shift+D"
    service.stop()


def test_refused_combinations_raise_before_listening():
    backend, heard = FakeBackend(), Heard()
    with pytest.raises(HotkeyError, match="both use F9"):
        heard.service(backend, "F9", "F9")
    assert backend.listeners == []


def test_watchdog_restarts_a_dead_listener():
    backend, heard = FakeBackend(), Heard()
    service = heard.service(backend, watch_interval=0.01)
    service.start()
    first = backend.listeners[0]
    first.on_press(special("f9"), False)  # push-to-talk held when the listener dies
    first.stop()
    first.join()
    with backend.created:
        assert backend.created.wait_for(lambda: len(backend.listeners) == 2, timeout=5)
    second = backend.listeners[1]
    second.wait()
    assert heard.events == ["press", "release"]  # not left recording forever
    press_combo(second, special("ctrl"), special("alt"), char("d"))
    assert heard.events[-1] == "toggle"
    service.stop()  # joins the watchdog: the restart is complete
    assert service.restarts == 1
    assert service.last_error == ""
    assert not second.is_alive()


def test_a_listener_that_cannot_start_is_reported_in_words():
    backend, heard = FakeBackend(broken=True), Heard()
    service = heard.service(backend)
    with pytest.raises(HotkeyUnavailableError, match="Global hotkeys are unavailable"):
        service.start()
    assert not service.running
    assert not [t for t in threading.enumerate() if t.name.startswith("hotkey-")]


def test_the_watchdog_keeps_trying_while_the_listener_cannot_start():
    backend, heard = FakeBackend(), Heard()
    service = heard.service(backend, watch_interval=0.01)
    service.start()
    backend.broken = True
    backend.listeners[0].stop()
    with backend.created:
        assert backend.created.wait_for(lambda: len(backend.listeners) >= 3, timeout=5)
    backend.broken = False
    with backend.created:
        assert backend.created.wait_for(
            lambda: backend.listeners[-1].ready.is_set(), timeout=5)
    service.stop()
    assert service.restarts == 1
    assert service.last_error == ""


def test_waiting_for_the_modifiers_to_be_released():
    backend, heard = FakeBackend(), Heard()
    service = heard.service(backend)
    service.start()
    listener = backend.listeners[0]
    assert service.wait_for_modifiers_released(0)
    listener.on_press(special("ctrl"), False)
    listener.on_press(special("alt"), False)
    assert service.held_modifiers() == {"Ctrl", "Alt"}
    assert not service.wait_for_modifiers_released(0.01)
    releaser = threading.Thread(target=lambda: [listener.on_release(special(k), False)
                                                for k in ("alt", "ctrl")])
    releaser.start()
    assert service.wait_for_modifiers_released(5)
    releaser.join()
    service.stop()


# --- where global hotkeys cannot work ------------------------------------------------------
@pytest.mark.parametrize(("environ", "problem"), [
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, ""),
    ({"DISPLAY": ":0"}, ""),
    ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"},
     WAYLAND_PROBLEM),  # XWayland's DISPLAY does not help: it sees only X11 windows' keys
    ({"WAYLAND_DISPLAY": "wayland-0"}, WAYLAND_PROBLEM),
    ({}, NO_DISPLAY_PROBLEM),
])
def test_hotkey_problem_on_linux(environ, problem):
    assert hotkey_problem(environ, "linux") == problem


def test_wayland_problem_names_the_command_to_bind():
    assert "desktop-asr --toggle-recording" in WAYLAND_PROBLEM
    assert "Wayland" in WAYLAND_PROBLEM


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_no_problem_on_windows_and_macos(platform):
    assert hotkey_problem({}, platform) == ""
