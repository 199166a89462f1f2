"""Put dictated text where the settings say: pasted into the focused window (through the
clipboard, whose earlier content -- text, image, anything -- is put back afterwards),
typed key by key, or only left on the clipboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from desktop_asr.dictation.keystrokes import send_paste, text_with_ending, type_text
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.text.plain_text import plain_line
from desktop_asr.ui.clipboard_guard import ClipboardGuard

ModifiersReleased = Callable[[float], bool]  # wait up to N seconds for held keys to go up


class TextDelivery(QObject):
    """``deliver(text, settings)`` on the UI thread. ``keyboard`` is pynput's keyboard
    Controller (injected in tests); ``modifiers_released`` waits until the user let go
    of the dictation keys, so that e.g. a held Alt does not turn Ctrl+V into Ctrl+Alt+V."""

    def __init__(self, *, guard: ClipboardGuard | None = None, keyboard: Any = None,
                 modifiers_released: ModifiersReleased | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.guard = guard if guard is not None else ClipboardGuard(parent=self)
        self._keyboard = keyboard
        self.modifiers_released = modifiers_released

    def deliver(self, text: str, settings: AppSettings) -> None:
        """Deliver ``text`` as one plain line (a server's line breaks, escapes and bidi
        controls are never typed or pasted: see plain_text.py); only the ending the user
        chose may add an Enter."""
        text = plain_line(text)
        output, ending = settings.dictation_output, settings.dictation_ending
        if output == "clipboard":
            self.guard.put_text(text_with_ending(text, ending)
                                + ("\n" if ending == "newline" else ""))
            return
        if self.modifiers_released is not None:
            self.modifiers_released(1.0)
        if output == "type":
            type_text(text, self._keyboard, ending=ending)
            return
        # Paste: our text goes on the clipboard only for the paste, then the user's is back.
        self.guard.save()
        self.guard.put_text(text_with_ending(text, ending))  # a new line is an Enter key
        try:
            send_paste(self._keyboard, ending=ending)
        finally:
            self.guard.restore()
