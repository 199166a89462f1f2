"""Input devices (microphones) as PortAudio sees them, through the sounddevice module.

Every function takes the sounddevice module as ``sd`` (None: import it now). Importing
sounddevice fails with OSError when the PortAudio library is missing (Linux wheels do not
bundle it): the app must still start, so the import happens here, lazily, and a failure
becomes a `RecordingError` with a sentence for the user.

Devices are remembered by name: indexes change when a device is plugged in or out, names do
not (ALSA's "(hw:1,0)" suffix may, so it is ignored when no name matches exactly).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from desktop_asr.errors import AsrError, CodedText

FILES_STILL_WORK = "Transcribing files still works."


class RecordingError(AsrError):
    """Recording cannot start or went wrong: no PortAudio, no such device, device busy..."""


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool
    hostapi: str


Importer = Callable[[], ModuleType]


def import_sounddevice(importer: Importer | None = None) -> ModuleType:
    """Import sounddevice (``importer``: how, for tests); RecordingError in words when
    PortAudio is not usable."""
    try:
        return importer() if importer else importlib.import_module("sounddevice")
    except OSError as exc:  # sounddevice raises OSError when libportaudio is not found
        raise RecordingError(
            "Recording is unavailable: the PortAudio library is missing "
            "(on Debian/Ubuntu: apt install libportaudio2). " + FILES_STILL_WORK,
            details=str(exc), code="rec_no_portaudio",
        ) from exc
    except ImportError as exc:
        raise RecordingError(
            "Recording is unavailable: the sounddevice package is not installed. "
            + FILES_STILL_WORK,
            details=str(exc), code="rec_no_sounddevice",
        ) from exc
    except Exception as exc:  # PortAudioError from Pa_Initialize, raised while importing
        raise RecordingError(
            "Recording is unavailable: the audio system (PortAudio) could not be started. "
            + FILES_STILL_WORK,
            details=f"{type(exc).__name__}: {exc}", code="rec_audio_system",
        ) from exc


def _module(sd: Any, importer: Importer | None = None) -> Any:
    return import_sounddevice(importer) if sd is None else sd


def _default_input_index(sd: Any) -> int:
    try:
        index = sd.default.device[0]
    except (AttributeError, IndexError, TypeError):
        index = -1
    if isinstance(index, str):  # a name was set as the default: resolve it
        found = _find_in(_all_inputs(sd, -1), index)
        return found.index if found else -1
    return int(index) if index is not None else -1


def _hostapi_names(sd: Any) -> list[str]:
    try:
        return [str(api["name"]) for api in sd.query_hostapis()]
    except Exception:  # an optional detail: a fake or an odd backend may not have it
        return []


def _all_inputs(sd: Any, default_index: int) -> list[InputDevice]:
    try:
        devices = list(sd.query_devices())
    except Exception as exc:  # PortAudioError
        raise RecordingError(
            "Recording is unavailable: the list of input devices could not be read. "
            + FILES_STILL_WORK,
            details=f"{type(exc).__name__}: {exc}", code="rec_audio_system",
        ) from exc
    apis = _hostapi_names(sd)
    found = []
    for position, info in enumerate(devices):
        channels = int(info.get("max_input_channels", 0))
        if channels <= 0:
            continue
        index = int(info.get("index", position))
        api = info.get("hostapi", "")
        api_name = apis[api] if isinstance(api, int) and 0 <= api < len(apis) else str(api)
        found.append(
            InputDevice(
                index=index,
                name=str(info["name"]),
                channels=channels,
                default_samplerate=float(info.get("default_samplerate", 0.0)),
                is_default=index == default_index,
                hostapi=api_name,
            )
        )
    return found


def list_input_devices(sd: Any = None) -> list[InputDevice]:
    """Every device with at least one input channel, the system default marked."""
    sd = _module(sd)
    return _all_inputs(sd, _default_input_index(sd))


_ALSA_SUFFIX = re.compile(r"\s*\(hw:\d+,\d+\)\s*$")


def _stable_name(name: str) -> str:
    return _ALSA_SUFFIX.sub("", name).strip().casefold()


def _find_in(devices: list[InputDevice], name: str) -> InputDevice | None:
    for matches in (
        [d for d in devices if d.name == name],
        [d for d in devices if _stable_name(d.name) == _stable_name(name)],
    ):
        if matches:
            # The same microphone is listed once per host API on Windows and macOS:
            # prefer the default device's host API (the one the system uses).
            default_api = next((d.hostapi for d in devices if d.is_default), None)
            return next((d for d in matches if d.hostapi == default_api), matches[0])
    return None


def find_device(name: str, sd: Any = None) -> InputDevice | None:
    """The input device called ``name`` (as listed by `list_input_devices`), or None."""
    return _find_in(list_input_devices(sd), name)


def default_input_device(sd: Any = None) -> InputDevice | None:
    """The system's default input device; the first input device if none is marked."""
    devices = list_input_devices(sd)
    return next((d for d in devices if d.is_default), devices[0] if devices else None)


def recording_problem(sd: Any = None, *, importer: Importer | None = None) -> str:
    """"" when recording can work, else a sentence saying why not (for a banner/tooltip)."""
    try:
        devices = list_input_devices(_module(sd, importer))
    except RecordingError as exc:
        return CodedText(str(exc), exc.code, exc.params)
    if not devices:
        return CodedText(
            "Recording is unavailable: no microphone or other input device was found. "
            + FILES_STILL_WORK, "rec_no_device"
        )
    return ""
