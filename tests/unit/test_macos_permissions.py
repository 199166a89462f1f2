"""The macOS permissions asked through ctypes (desktop_asr/system/macos_permissions.py),
with stand-ins for ApplicationServices, AVFoundation and the Objective-C runtime."""

from __future__ import annotations

import ctypes

import pytest

from desktop_asr.system import macos_permissions as mp
from desktop_asr.system.macos_permissions import Permission, State


class Function:
    """A C function as ctypes gives it: restype/argtypes can be set; calls are recorded."""

    def __init__(self, result) -> None:
        self.result, self.calls = result, []

    def __call__(self, *args):
        self.calls.append(args)
        return self.result(*args) if callable(self.result) else self.result


class Frameworks:
    """`load(path)` for the three libraries; ``status`` is what AVCaptureDevice answers."""

    def __init__(self, *, trusted=True, status=3, missing=()) -> None:
        self.audio_type = ctypes.c_void_p(0xA0D10)
        self.services = type("Services", (), {})()
        self.services.AXIsProcessTrusted = Function(trusted)
        self.objc = type("Objc", (), {})()
        self.objc.objc_getClass = Function(lambda name: 0xC1A55 if name == b"AVCaptureDevice"
                                           else 0)
        self.objc.sel_registerName = Function(lambda name: hash(name) & 0xFFFF)
        self.objc.objc_msgSend = Function(status)
        self.missing = missing
        self.loaded: list[str] = []

    def load(self, path: str):
        self.loaded.append(path)
        if any(part in path for part in self.missing):
            raise OSError(f"dlopen({path}): image not found")
        if path == mp.APPLICATION_SERVICES:
            return self.services
        if path == mp.AV_FOUNDATION:
            return self.foundation
        return self.objc

    @property
    def foundation(self):
        frameworks = self

        class Foundation:  # c_void_p.in_dll(foundation, name) reads a symbol's value
            pass

        Foundation.audio_type = frameworks.audio_type
        return Foundation()


@pytest.fixture(autouse=True)
def symbols(monkeypatch):
    """ctypes.c_void_p.in_dll reads a real library's symbol: the stand-in hands over its
    AVMediaTypeAudio, or raises ValueError as ctypes does for a missing symbol."""
    def in_dll(library, name):
        if name != "AVMediaTypeAudio" or not hasattr(library, "audio_type"):
            raise ValueError(f"symbol '{name}' not found")
        return library.audio_type

    monkeypatch.setattr(ctypes.c_void_p, "in_dll", in_dll)


def test_accessibility_is_what_ax_is_process_trusted_says():
    assert mp.accessibility_state(Frameworks(trusted=True).load) is State.GRANTED
    assert mp.accessibility_state(Frameworks(trusted=False).load) is State.DENIED
    assert mp.accessibility_state(Frameworks(missing=("ApplicationServices",)).load) \
        is State.UNKNOWN


@pytest.mark.parametrize(("status", "state"), [
    (0, State.NOT_DETERMINED), (1, State.DENIED), (2, State.DENIED), (3, State.GRANTED),
    (7, State.UNKNOWN)])
def test_the_microphone_is_asked_of_av_capture_device(status, state):
    frameworks = Frameworks(status=status)
    assert mp.microphone_state(frameworks.load) is state
    (receiver, selector, media), = frameworks.objc.objc_msgSend.calls
    assert receiver == 0xC1A55  # the AVCaptureDevice class
    assert selector == hash(b"authorizationStatusForMediaType:") & 0xFFFF
    assert media is frameworks.audio_type


def test_the_microphone_is_unknown_when_a_library_is_missing():
    assert mp.microphone_state(Frameworks(missing=("AVFoundation",)).load) is State.UNKNOWN
    broken = Frameworks()
    broken.objc.objc_getClass = Function(0)  # no such class
    assert mp.microphone_state(broken.load) is State.UNKNOWN


def test_only_permissions_denied_on_macos_are_missing():
    def ask(accessibility: State, microphone: State, **kw):
        return mp.missing_permissions("darwin", accessibility=lambda: accessibility,
                                      microphone=lambda: microphone, **kw)

    assert ask(State.GRANTED, State.GRANTED) == []
    assert ask(State.DENIED, State.GRANTED) == [Permission.ACCESSIBILITY]
    assert ask(State.DENIED, State.DENIED) == [Permission.ACCESSIBILITY, Permission.MICROPHONE]
    # Not yet asked: macOS asks the user itself at the first recording.
    assert ask(State.GRANTED, State.NOT_DETERMINED) == []
    assert ask(State.UNKNOWN, State.UNKNOWN) == []
    # Dictation that only fills the clipboard, with no keys: Accessibility is not needed.
    assert ask(State.DENIED, State.GRANTED, needs_keys=False) == []
    for platform in ("linux", "win32"):
        assert mp.missing_permissions(platform, accessibility=lambda: State.DENIED,
                                      microphone=lambda: State.DENIED) == []


def test_the_settings_pane_of_each_permission_is_opened():
    ran: list[list[str]] = []
    assert mp.open_settings(Permission.MICROPHONE, run=ran.append)
    assert mp.open_settings(Permission.ACCESSIBILITY, run=ran.append)
    assert ran == [
        ["open", "x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone"],
        ["open",
         "x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility"]]

    def fails(_command):
        raise FileNotFoundError("open")

    assert not mp.open_settings(Permission.MICROPHONE, run=fails)
