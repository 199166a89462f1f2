"""The one place where an error of the core becomes a sentence in the user's language.

The core raises errors with a ``code`` and the facts of the case (``params``); its English
``str()`` is for the command line and the logs. Here each code has a sentence written with
``tr()``; the facts are put in after translation, as plain text (a server's message, a file
name). An error without a known code is told by its kind, with the English sentence moved
to Details, so that nothing English appears in a translated interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication

from desktop_asr.dictation.keys import HotkeyError
from desktop_asr.errors import (
    AsrError,
    BadResponseError,
    ConfigFileError,
    InputError,
    KeyringUnavailableError,
    NotFoundError,
    RetryableServerError,
    ServerError,
    ServerTimeoutError,
    ServerUnreachableError,
    UnsupportedMediaError,
)
from desktop_asr.recording.devices import RecordingError
from desktop_asr.stores.secrets import KeyringStatus
from desktop_asr.ui.dialogs.hotkey_messages import describe

SHOWN = "shown"  # the code of an error the UI wrote itself, in the user's language


def _sentences() -> dict[str, Callable[[], str]]:
    """Code -> the sentence (translated when called, so a new translator is used)."""
    translate = QCoreApplication.translate
    return {
        # the server
        "server_refused": lambda: translate(
            "ErrorText",
            "The server at {where} refused the connection. Is the server running on that "
            "port?"),
        "server_no_answer": lambda: translate(
            "ErrorText",
            "The server at {where} did not answer within {seconds} s. Is the address "
            "right and the server switched on?"),
        "server_unknown_host": lambda: translate(
            "ErrorText",
            "The server at {where} cannot be found: its host name does not resolve. Check "
            "the address."),
        "server_unreachable": lambda: translate(
            "ErrorText", "The server at {where} cannot be reached."),
        "server_broke_off": lambda: translate(
            "ErrorText",
            "The connection to {where} broke off before the reply was complete."),
        "server_timeout": lambda: translate(
            "ErrorText", "The server at {where} took too long to answer."),
        "tls_not_tls": lambda: translate(
            "ErrorText",
            "The secure connection to {where} failed: the server does not speak TLS on "
            "this port (try http:// instead of https://)."),
        "tls_untrusted": lambda: translate(
            "ErrorText",
            "The secure connection to {where} failed: the server's certificate is not "
            "trusted (self-signed, expired or for another name)."),
        "server_no_models": lambda: translate(
            "ErrorText",
            "The server at {where} serves no models yet. Is the model still loading?"),
        "model_not_found": lambda: translate(
            "ErrorText",
            "The server does not serve the model “{model}”. Models it serves: "
            "{available}."),
        "model_not_found_none": lambda: translate(
            "ErrorText", "The server does not serve the model “{model}”."),
        "key_rejected": lambda: translate(
            "ErrorText",
            "The server rejected the API key. Check the key in the profile."),
        "key_env_unset": lambda: translate(
            "ErrorText",
            "The profile “{profile}” reads its API key from the environment variable "
            "{variable}, which is not set."),
        "server_wrong_url": lambda: translate(
            "ErrorText",
            "Nothing answers at this address. Check the server URL: it should point at "
            "the OpenAI-compatible API."),
        "server_web_page": lambda: translate(
            "ErrorText",
            "The server answered with a web page instead of a transcription. Is the URL "
            "right, or is a proxy in the way?"),
        "server_busy": lambda: translate(
            "ErrorText", "The server is busy. Try again in a moment."),
        "server_unavailable": lambda: translate(
            "ErrorText",
            "The server, or a proxy in front of it, is unavailable (HTTP {status})."),
        "server_refused_request": lambda: translate(
            "ErrorText",
            "The server refused the request (HTTP {status})."),
        "server_failed": lambda: translate(
            "ErrorText", "The server failed (HTTP {status})."),
        "audio_too_long": lambda: translate(
            "ErrorText", "The server cannot take this much audio at once."),
        "bad_address": lambda: translate(
            "ErrorText", "The server address is not usable."),
        "no_server": lambda: translate(
            "ErrorText",
            "No server is set up yet. Choose “Set up…” to add your server."),
        "profile_missing": lambda: translate(
            "ErrorText", "There is no profile named “{name}”."),
        "vocab_list_missing": lambda: translate(
            "ErrorText", "There is no vocabulary list named “{name}”."),
        # files
        "file_missing": lambda: translate(
            "ErrorText", "{path} does not exist."),
        "file_is_folder": lambda: translate(
            "ErrorText", "{path} is a folder, not a file."),
        "file_empty": lambda: translate(
            "ErrorText", "{name} is empty."),
        "file_no_permission": lambda: translate(
            "ErrorText", "You have no permission to read {path}."),
        "not_audio": lambda: translate(
            "ErrorText", "{name} is not an audio or video file, or it is corrupt."),
        "no_audio_track": lambda: translate(
            "ErrorText", "{name} holds no audio."),
        "file_corrupt": lambda: translate(
            "ErrorText", "{name} is corrupt: decoding stopped after {seconds} s."),
        "reader_stopped": lambda: translate(
            "ErrorText", "The audio could not be read: the process reading it stopped "
            "(exit code {exit_code})."),
        "nothing_heard": lambda: translate(
            "ErrorText", "Nothing heard."),
        # the keyring
        "keyring_none": lambda: translate(
            "ErrorText", "No system keyring is available on this desktop."),
        "keyring_broken": lambda: translate(
            "ErrorText", "The system keyring ({backend}) cannot be used: {reason}."),
        "keyring_cannot_store": lambda: translate(
            "ErrorText",
            "The system keyring ({backend}) could not store the API key: {reason}."),
        "keyring_cannot_delete": lambda: translate(
            "ErrorText",
            "The system keyring ({backend}) could not delete the API key: {reason}."),
        "keyring_cannot_move": lambda: translate(
            "ErrorText",
            "The system keyring ({backend}) could not move the API key: {reason}."),
        # recording
        "rec_no_portaudio": lambda: translate(
            "ErrorText",
            "Recording is unavailable: the PortAudio library is missing (on Debian or "
            "Ubuntu: apt install libportaudio2). Transcribing files still works."),
        "rec_no_sounddevice": lambda: translate(
            "ErrorText",
            "Recording is unavailable: the sounddevice package is not installed. "
            "Transcribing files still works."),
        "rec_audio_system": lambda: translate(
            "ErrorText",
            "Recording is unavailable: the audio system could not be started. "
            "Transcribing files still works."),
        "rec_no_device": lambda: translate(
            "ErrorText",
            "Recording is unavailable: no microphone or other input device was found. "
            "Transcribing files still works."),
        "rec_device_missing": lambda: translate(
            "ErrorText",
            "The microphone “{device}” was not found: it may be unplugged. Plug it in, or "
            "choose another input device in the settings."),
        "rec_device_busy": lambda: translate(
            "ErrorText",
            "The microphone “{device}” is busy or unavailable: another application may be "
            "using it, or it was unplugged."),
        "rec_cannot_open": lambda: translate(
            "ErrorText",
            "The microphone “{device}” could not be opened for recording."),
        "rec_no_audio": lambda: translate(
            "ErrorText",
            "The microphone “{device}” sends no audio: another application may be using "
            "it, or it is not working."),
        "rec_device_died": lambda: translate(
            "ErrorText",
            "The microphone “{device}” stopped working (was it unplugged?)."),
        "rec_device_died_kept": lambda: translate(
            "ErrorText",
            "The recording stopped: the microphone “{device}” stopped working (was it "
            "unplugged?). What was recorded until then is kept."),
        "rec_disk_full": lambda: translate(
            "ErrorText",
            "The disk is full: the recording could not be written to {path}. What was "
            "recorded until then is kept."),
        "rec_write_failed": lambda: translate(
            "ErrorText",
            "Writing the recording to {path} failed: {reason}. What was recorded until "
            "then is kept."),
        "rec_cannot_create": lambda: translate(
            "ErrorText",
            "The recording file {path} could not be created: {reason}."),
        "rec_disk_stuck": lambda: translate(
            "ErrorText",
            "The recording could not be finished in time: writing to the disk is stuck."),
        # global keys
        "hotkeys_wayland": lambda: translate(
            "ErrorText",
            "This is a Wayland session, where applications cannot listen for keys globally, "
            "so the keys set here cannot work. Add a shortcut in your desktop's own keyboard "
            "settings that runs the command: desktop-asr --toggle-recording"),
        "hotkeys_no_display": lambda: translate(
            "ErrorText",
            "No graphical display was found, so global keys cannot work."),
        # the history
        "disk_full": lambda: translate(
            "ErrorText", "The disk is full: {path} cannot be written."),
        "history_busy": lambda: translate(
            "ErrorText",
            "The history is busy: another program keeps it locked. Try again."),
        "history_damaged": lambda: translate(
            "ErrorText",
            "The history database {path} is damaged. Move it away to start a new "
            "history; it was left unchanged."),
        "history_cannot_open": lambda: translate(
            "ErrorText",
            "The history database {path} cannot be opened for writing."),
        "history_entry_gone": lambda: translate(
            "ErrorText", "This transcript is no longer in the history."),
        "cancelled": lambda: translate(
            "ErrorText", "Cancelled."),
    }


def _by_kind(error: BaseException) -> str:
    """A sentence for an error without a known code, by what kind of error it is."""
    translate = QCoreApplication.translate
    kinds: list[tuple[type[BaseException], str]] = [
        (ServerUnreachableError, translate("ErrorText", "The server cannot be reached.")),
        (ServerTimeoutError, translate("ErrorText", "The server took too long to answer.")),
        (RetryableServerError, translate(
            "ErrorText", "The server is busy or unavailable. Try again later.")),
        (BadResponseError, translate("ErrorText", "The server's answer is not a transcription.")),
        (ServerError, translate("ErrorText", "The server reported an error.")),
        (UnsupportedMediaError, translate(
            "ErrorText", "This file is not audio or video that can be read.")),
        (ConfigFileError, translate("ErrorText", "A settings file cannot be read.")),
        (NotFoundError, translate("ErrorText", "That was not found.")),
        (KeyringUnavailableError, translate("ErrorText", "The system keyring cannot be used.")),
        (RecordingError, translate("ErrorText", "Recording failed.")),
        (InputError, translate("ErrorText", "This cannot be used as given.")),
    ]
    for kind, sentence in kinds:
        if isinstance(error, kind):
            return sentence
    return translate("ErrorText", "Something went wrong.")


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def _facts(params: Mapping[str, object]) -> _Facts:
    facts = _Facts()
    for key, value in params.items():
        if isinstance(value, float):
            facts[key] = f"{value:.1f}".removesuffix(".0")
        else:
            facts[key] = str(value)
    return facts


def coded_sentence(code: str, params: Mapping[str, object]) -> str | None:
    """The translated sentence for ``code`` with ``params`` put in, or None if unknown."""
    if code == "model_not_found" and not params.get("available"):
        code = "model_not_found_none"
    make = _sentences().get(code)
    if make is None:
        return None
    sentence = make().format_map(_facts(params))
    said = str(params.get("said") or "").strip()
    if said:
        sentence += " " + QCoreApplication.translate(
            "ErrorText", "The server said: {0}").format(said)
    return sentence


def error_words(error: BaseException | str, details: str = "") -> tuple[str, str]:
    """(the sentence to show, the details to offer) for an error of the core, a coded
    text (the recorder's reports) or, unchanged, a sentence the UI translated itself."""
    if isinstance(error, HotkeyError):
        return describe(error), ""
    code = getattr(error, "code", "")
    params: Mapping[str, object] = getattr(error, "params", {}) or {}
    if isinstance(error, AsrError):
        details = error.details
    sentence = coded_sentence(code, params) if code else None
    if sentence is not None:
        return sentence, details
    if isinstance(error, str) or code == SHOWN or _english():
        return str(error), details  # the core's own sentence says most
    english = str(error)
    return _by_kind(error), "\n\n".join(p for p in (english, details) if p)


def _english() -> bool:
    """Whether the interface speaks English (no translation of these sentences)."""
    text = "Something went wrong."
    return QCoreApplication.translate("ErrorText", text) == text


def error_text(error: BaseException | str) -> str:
    """Only the sentence of ``error_words``."""
    return error_words(error)[0]


def keyring_problem(status: KeyringStatus) -> str:
    """Why the keyring cannot store keys, in the user's language."""
    return (coded_sentence(status.code, {"backend": status.backend, "reason": status.why})
            or QCoreApplication.translate("ErrorText", "The system keyring cannot be used."))
