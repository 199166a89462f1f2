"""The two macOS permissions dictation needs, asked of the system without PyObjC.

- Accessibility: to type or paste into other applications (pynput posts key events) and to
  hear the dictation keys anywhere. ``AXIsProcessTrusted()`` of ApplicationServices says
  whether the user has allowed it; nothing can ask for it but the user, in System Settings.
- Microphone: ``[AVCaptureDevice authorizationStatusForMediaType:AVMediaTypeAudio]``. While
  it is undetermined, macOS asks the user itself the first time the app records (with the
  .app's NSMicrophoneUsageDescription); once denied, recordings are silent and only System
  Settings can change it.

The libraries are loaded with ctypes (``load`` is injected: tests pass fakes). Anything
that fails while asking counts as UNKNOWN: the app then says nothing rather than something
wrong. `settings_url` opens the right pane of System Settings (``open URL``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

APPLICATION_SERVICES = ("/System/Library/Frameworks/ApplicationServices.framework/"
                        "ApplicationServices")
AV_FOUNDATION = "/System/Library/Frameworks/AVFoundation.framework/AVFoundation"
_PRIVACY = "x-apple.systempreferences:com.apple.preference.security?Privacy_"

Loader = Callable[[str], Any]  # ctypes.cdll.LoadLibrary, or a fake


class Permission(str, Enum):
    ACCESSIBILITY = "accessibility"
    MICROPHONE = "microphone"


class State(str, Enum):
    GRANTED = "granted"
    DENIED = "denied"  # denied, or restricted by the administrator
    NOT_DETERMINED = "not-determined"  # macOS will ask when the app first uses it
    UNKNOWN = "unknown"  # could not be asked (not macOS, a library missing)


def _load(path: str) -> Any:
    return ctypes.cdll.LoadLibrary(path)


def accessibility_state(load: Loader = _load) -> State:
    """Whether this process may send keys to other applications and watch the keyboard."""
    try:
        services = load(APPLICATION_SERVICES)
        trusted = services.AXIsProcessTrusted
        trusted.restype = ctypes.c_bool
        trusted.argtypes = []
        return State.GRANTED if trusted() else State.DENIED
    except (OSError, AttributeError):
        return State.UNKNOWN


# AVAuthorizationStatus: notDetermined, restricted, denied, authorized.
_AV_STATUS = {0: State.NOT_DETERMINED, 1: State.DENIED, 2: State.DENIED, 3: State.GRANTED}


def microphone_state(load: Loader = _load) -> State:
    """Whether this process may record from the microphone."""
    try:
        foundation = load(AV_FOUNDATION)
        objc = load(ctypes.util.find_library("objc") or "/usr/lib/libobjc.A.dylib")
        objc.objc_getClass.restype = ctypes.c_void_p
        objc.objc_getClass.argtypes = [ctypes.c_char_p]
        objc.sel_registerName.restype = ctypes.c_void_p
        objc.sel_registerName.argtypes = [ctypes.c_char_p]
        send = objc.objc_msgSend
        send.restype = ctypes.c_long
        send.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        device = objc.objc_getClass(b"AVCaptureDevice")
        audio = ctypes.c_void_p.in_dll(foundation, "AVMediaTypeAudio")
        if not device or not audio.value:
            return State.UNKNOWN
        status = send(device, objc.sel_registerName(b"authorizationStatusForMediaType:"),
                      audio)
    except (OSError, AttributeError, ValueError, TypeError):
        return State.UNKNOWN
    return _AV_STATUS.get(int(status), State.UNKNOWN)


def missing_permissions(platform: str = sys.platform, *,
                        accessibility: Callable[[], State] = accessibility_state,
                        microphone: Callable[[], State] = microphone_state,
                        needs_keys: bool = True) -> list[Permission]:
    """The permissions the user must give in System Settings before dictation works:
    Accessibility when it is not granted (and ``needs_keys``: dictation keys or text sent
    to other windows), the microphone once it was denied. Empty on other systems."""
    if platform != "darwin":
        return []
    missing = []
    if needs_keys and accessibility() is State.DENIED:
        missing.append(Permission.ACCESSIBILITY)
    if microphone() is State.DENIED:
        missing.append(Permission.MICROPHONE)
    return missing


def settings_url(permission: Permission) -> str:
    """The System Settings pane where the user gives ``permission``."""
    pane = {Permission.ACCESSIBILITY: "Accessibility", Permission.MICROPHONE: "Microphone"}
    return _PRIVACY + pane[permission]


def open_settings(permission: Permission,
                  run: Callable[[Sequence[str]], Any] | None = None) -> bool:
    """Open that pane (``open URL``); False when it could not be started."""
    command = ["open", settings_url(permission)]
    try:
        if run is not None:
            run(command)
        else:
            subprocess.run(command, check=True, timeout=10, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return True
