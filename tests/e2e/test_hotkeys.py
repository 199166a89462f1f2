"""Global hotkeys for real: HotkeyService listening (pynput over XRecord) on the test's X
display while xdotool presses keys there, as a keyboard would.

No test waits for "nothing happened" with a sleep: after the keys under test, a sentinel
key (the push-to-talk F9) is pressed, and X delivers events in order, so once the
sentinel's events arrive every event before it has arrived too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from desktop_asr.dictation.hotkeys import HotkeyService
from tests.e2e.conftest import XDisplay

pytestmark = pytest.mark.e2e
TIMEOUT = 5.0


class Heard:
    """Events the callbacks reported, in order, with a way to wait for them."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self._changed = threading.Condition()

    def callback(self, name: str) -> Callable[[], None]:
        def record() -> None:
            with self._changed:
                self.events.append(name)
                self._changed.notify_all()
        return record

    def wait_for(self, count: int, timeout: float = TIMEOUT) -> list[str]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) >= count, timeout)
            return list(self.events)

    def clear(self) -> None:
        with self._changed:
            self.events.clear()


class Keyboard:
    def __init__(self, display: XDisplay) -> None:
        self.env = {**os.environ, "DISPLAY": display.name}

    def __call__(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=10,
                       capture_output=True)


@pytest.fixture
def keyboard(x_display: XDisplay, monkeypatch: pytest.MonkeyPatch) -> Keyboard:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt install xdotool)")
    # pynput (python-xlib) connects to $DISPLAY when the listener starts.
    monkeypatch.setenv("DISPLAY", x_display.name)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return Keyboard(x_display)


@pytest.fixture
def make_service(keyboard: Keyboard) -> Iterator[Callable[..., tuple[HotkeyService, Heard]]]:
    started: list[HotkeyService] = []

    def make(toggle: str | None = "Ctrl+Alt+D", ptt: str | None = "F9",
             **kwargs: float) -> tuple[HotkeyService, Heard]:
        heard = Heard()
        service = HotkeyService(toggle, ptt, heard.callback("toggle"), heard.callback("press"),
                                heard.callback("release"), **kwargs)
        service.start()
        started.append(service)
        listening(service, heard, keyboard)
        return service, heard

    yield make
    for service in started:
        service.stop()


def listening(service: HotkeyService, heard: Heard, keyboard: Keyboard) -> None:
    """Return once the listener hears keys: pynput reports "ready" just before the X server
    starts recording for it, so tap the sentinel until it is heard."""
    assert str(service.push_to_talk) == "F9"
    deadline = time.monotonic() + TIMEOUT
    while not heard.wait_for(1, timeout=0.2):
        assert time.monotonic() < deadline, "the hotkey listener hears nothing"
        keyboard("key", "F9")
    assert heard.wait_for(2) == ["press", "release"]
    heard.clear()


def sentinel(heard: Heard, keyboard: Keyboard, before: int) -> list[str]:
    """Tap F9 (push-to-talk) and return every event up to its release."""
    keyboard("key", "F9")
    events = heard.wait_for(before + 2)
    assert events[-2:] == ["press", "release"], events
    return events[:-2]


class KeyWitness:
    """A plain pynput listener of its own: counts the presses of one key (auto-repeat)."""

    def __init__(self, name: str) -> None:
        from pynput import keyboard

        self.presses = 0
        self._changed = threading.Condition()
        self._name = name
        self._listener = keyboard.Listener(on_press=self._on_press)
        self._listener.start()
        self._listener.wait()

    def _on_press(self, key: object) -> None:
        if getattr(key, "name", None) == self._name or getattr(key, "char", None) == self._name:
            with self._changed:
                self.presses += 1
                self._changed.notify_all()

    def wait_for(self, presses: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.presses >= presses, TIMEOUT)

    def stop(self) -> None:
        from desktop_asr.dictation.hotkeys import _end_x11_recording

        self._listener.stop()
        _end_x11_recording(self._listener)
        self._listener.join(TIMEOUT)


def test_toggle_fires_exactly_once(make_service, keyboard):
    _, heard = make_service()
    keyboard("key", "ctrl+alt+d")
    assert sentinel(heard, keyboard, 1) == ["toggle"]


def test_toggle_held_down_fires_once_through_auto_repeat(make_service, keyboard):
    _, heard = make_service()
    witness = KeyWitness("d")
    try:
        keyboard("keydown", "ctrl+alt+d")
        assert witness.wait_for(4), "the X server did not auto-repeat the held key"
        keyboard("keyup", "d", "keyup", "alt", "keyup", "ctrl")
    finally:
        witness.stop()
    assert sentinel(heard, keyboard, 1) == ["toggle"]


def test_push_to_talk_press_then_release(make_service, keyboard):
    _, heard = make_service()
    witness = KeyWitness("f9")
    try:
        keyboard("keydown", "F9")
        assert heard.wait_for(1) == ["press"]
        assert witness.wait_for(4), "the X server did not auto-repeat the held key"
        assert heard.events == ["press"]  # auto-repeat is not another press
        keyboard("keyup", "F9")
    finally:
        witness.stop()
    assert heard.wait_for(2) == ["press", "release"]


def test_keys_that_are_not_the_combination_fire_nothing(make_service, keyboard):
    _, heard = make_service()
    keyboard("key", "d", "ctrl+d", "alt+d", "ctrl+alt+shift+d", "ctrl+shift", "ctrl+F9")
    assert sentinel(heard, keyboard, 0) == []


def test_right_ctrl_as_push_to_talk(make_service, keyboard):
    from Xlib import XK, display

    connection = display.Display()
    try:
        keycode = connection.keysym_to_keycode(XK.string_to_keysym("Control_R"))
    finally:
        connection.close()
    if not keycode:
        pytest.skip("this X server's keymap has no Right Ctrl key")
    service, heard = make_service()
    service.update("Alt+Shift+D", "Right Ctrl")
    keyboard("key", str(keycode))  # by keycode: xdotool adds Left Ctrl to "Control_R"
    assert heard.wait_for(2) == ["press", "release"]
    keyboard("key", "alt+shift+d")
    assert heard.wait_for(3) == ["press", "release", "toggle"]


def test_stop_really_stops(make_service, keyboard):
    service, heard = make_service()
    started = time.monotonic()
    service.stop()
    assert time.monotonic() - started < 2.0  # no waiting for the next key event
    assert not service.running
    assert not [t for t in threading.enumerate() if t.name.startswith("hotkey-")]
    witness = KeyWitness("f9")  # hears the keys that the stopped service must not
    try:
        keyboard("key", "ctrl+alt+d", "F9")
        assert witness.wait_for(1)
    finally:
        witness.stop()
    assert heard.events == []


def test_the_listener_is_restarted_when_it_dies(make_service, keyboard):
    service, heard = make_service(watch_interval=0.05)
    listener = service._listener  # the pynput listener: end it as a lost X connection would
    listener.stop()
    from desktop_asr.dictation.hotkeys import _end_x11_recording

    _end_x11_recording(listener)
    listener.join(TIMEOUT)
    assert not listener.is_alive()
    deadline = time.monotonic() + TIMEOUT
    while service.restarts < 1:
        assert time.monotonic() < deadline, f"not restarted: {service.last_error}"
        time.sleep(0.02)  # sleep-ok: polling the watchdog thread's counter
    listening(service, heard, keyboard)
    keyboard("key", "ctrl+alt+d")
    assert sentinel(heard, keyboard, 1) == ["toggle"]
