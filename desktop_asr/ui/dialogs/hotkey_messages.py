"""The reasons a hotkey is refused, in the interface language. The English templates are
those of desktop_asr.dictation.keys.MESSAGES (a test keeps them the same); they are
repeated here as literals so that the translation tools find them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop_asr.dictation.keys import HotkeyError, KeyProblem


def _templates() -> dict[KeyProblem, str]:
    return {
        KeyProblem.EMPTY: QCoreApplication.translate(
            "HotkeyMessages",
            'No key combination was given.'),
        KeyProblem.SEQUENCE: QCoreApplication.translate(
            "HotkeyMessages",
            '“{text}” is several combinations one after the other; a '
            'hotkey is a single combination, such as Ctrl+Alt+D.'),
        KeyProblem.UNKNOWN_KEY: QCoreApplication.translate(
            "HotkeyMessages",
            '“{key}” is not a key name this app knows; use names such as '
            'Ctrl, Alt, Shift, Meta, A to Z, 0 to 9, F1 to F20, Space, '
            'Pause or ScrollLock.'),
        KeyProblem.UNSUPPORTED_KEY: QCoreApplication.translate(
            "HotkeyMessages",
            '{key} cannot be used for a hotkey; use F1 to F20.'),
        KeyProblem.TWO_KEYS: QCoreApplication.translate(
            "HotkeyMessages",
            '“{text}” has two ordinary keys, {first} and {second}; a '
            'hotkey is modifiers plus one key.'),
        KeyProblem.ONLY_MODIFIERS: QCoreApplication.translate(
            "HotkeyMessages",
            '{combination} has only modifier keys, so it would fire during '
            'ordinary shortcuts; add a key, such as {combination}+D.'),
        KeyProblem.TYPES_TEXT: QCoreApplication.translate(
            "HotkeyMessages",
            '{combination} would fire while you type; add Ctrl, Alt or '
            'Meta, or use a key such as F9 or Pause.'),
        KeyProblem.RESERVED: QCoreApplication.translate(
            "HotkeyMessages",
            '{combination} is reserved by the system; choose another '
            'combination.'),
        KeyProblem.INPUT_METHOD: QCoreApplication.translate(
            "HotkeyMessages",
            '{combination} switches the input method or its modes on many '
            'desktops; choose another combination.'),
        KeyProblem.LOCK_KEY: QCoreApplication.translate(
            "HotkeyMessages",
            '{key} would still switch its lock on and off each time you '
            'use it; choose another key.'),
        KeyProblem.SCREENSHOT: QCoreApplication.translate(
            "HotkeyMessages",
            '{combination} takes screenshots on most desktops; choose '
            'another combination.'),
        KeyProblem.LONE_MODIFIER: QCoreApplication.translate(
            "HotkeyMessages",
            '{key} alone can only be the push-to-talk key, and only Right '
            'Ctrl, Right Alt or Right Shift: other modifiers alone fire '
            'during ordinary shortcuts.'),
        KeyProblem.SAME_COMBINATION: QCoreApplication.translate(
            "HotkeyMessages",
            'Toggle and push-to-talk both use {combination}; give them '
            'different keys.'),
        KeyProblem.OVERLAP: QCoreApplication.translate(
            "HotkeyMessages",
            'The push-to-talk key {key} is a modifier of the toggle '
            'combination {combination}, so toggling with it would also '
            'start push-to-talk; choose another push-to-talk key.'),
    }


def describe(error: HotkeyError) -> str:
    """``error`` in words, translated."""
    template = _templates().get(error.code)
    if template is None:
        return str(error)
    try:
        return template.format(**error.values)
    except (KeyError, IndexError):  # a translation with a wrong placeholder
        return str(error)
