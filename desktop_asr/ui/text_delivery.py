"""Put dictated text where the settings say: pasted into the focused window (through the
clipboard, whose earlier content -- text, image, anything -- is put back afterwards),
typed key by key, or only left on the clipboard.

On X11 (and Windows, macOS) pynput sends the keys and Qt holds the clipboard, on the UI
thread. On Wayland the desktop's tools do both (system/wayland_delivery.py), on a worker
thread; when none can send keys the text waits on the clipboard and `notice` tells the
user to paste it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_asr.dictation.keystrokes import send_paste, type_text
from desktop_asr.errors import AsrError
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.system.wayland_delivery import NOWHERE, ON_CLIPBOARD, Outcome, WaylandDelivery
from desktop_asr.text.plain_text import plain_line, text_with_ending
from desktop_asr.ui.clipboard_guard import ClipboardGuard
from desktop_asr.ui.workers import run_in_background

log = logging.getLogger(__name__)
MODIFIER_WAIT = 1.0  # seconds the paste waits for the dictation keys to be let go
MODIFIER_POLL_MS = 15
ModifiersReleased = Callable[[float], bool]  # wait up to N seconds for held keys to go up
WaylandFactory = Callable[[], WaylandDelivery]  # the tools found now (checked again on failure)
CanSendKeys = Callable[[], bool]  # macOS: whether Accessibility lets us send keys now


class TextDelivery(QObject):
    """``deliver(text, settings)`` on the UI thread. ``keyboard`` is pynput's keyboard
    Controller (injected in tests); ``modifiers_released`` waits until the user let go
    of the dictation keys, so that e.g. a held Alt does not turn Ctrl+V into Ctrl+Alt+V."""

    notice = Signal(str)  # something the user must do or know: "press Ctrl+V to paste"

    def __init__(self, *, guard: ClipboardGuard | None = None, keyboard: Any = None,
                 modifiers_released: ModifiersReleased | None = None,
                 wayland: WaylandFactory | None = None,
                 can_send_keys: CanSendKeys | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.guard = guard if guard is not None else ClipboardGuard(parent=self)
        self._keyboard = keyboard
        self.modifiers_released = modifiers_released
        self._wayland_factory = wayland
        self._wayland = wayland() if wayland is not None else None
        self.can_send_keys = can_send_keys

    def deliver(self, text: str, settings: AppSettings) -> None:
        """Deliver ``text`` as one plain line (a server's line breaks, escapes and bidi
        controls are never typed or pasted: see plain_text.py); only the ending the user
        chose may add an Enter."""
        text = plain_line(text)
        output, ending = settings.dictation_output, settings.dictation_ending
        if self._wayland is not None:
            self._deliver_on_wayland(self._wayland, text, output, ending)
            return
        if output == "clipboard":
            self.guard.put_text(text_with_ending(text, ending)
                                + ("\n" if ending == "newline" else ""))
            return
        if self.can_send_keys is not None and not self.can_send_keys():
            # macOS without the Accessibility permission drops our keys without a word.
            self.guard.put_text(text_with_ending(text, ending))
            self.notice.emit(self.tr(
                "The text is on the clipboard: press Cmd+V to paste it (macOS lets "
                "desktop-asr type into other applications once you allow it in System "
                "Settings → Privacy & Security → Accessibility)."))
            return
        if self.modifiers_released is not None and not self.modifiers_released(0.0):
            # The dictation keys are still held (Ctrl+V would become Ctrl+Alt+V): look
            # again every few milliseconds, never blocking the UI thread, up to a second.
            self._when_keys_are_up(text, lambda: self._send_keys(text, output, ending))
            return
        self._send_keys(text, output, ending)

    def _when_keys_are_up(self, text: str, then: Callable[[], None]) -> None:
        deadline = time.monotonic() + MODIFIER_WAIT

        def check() -> None:
            released = self.modifiers_released is None or self.modifiers_released(0.0)
            if not released and time.monotonic() < deadline:
                QTimer.singleShot(MODIFIER_POLL_MS, check)
                return
            try:
                then()
            except Exception as exc:  # the text is kept: on the clipboard, said in words
                log.warning("Dictated text not delivered: %s", exc)
                self.guard.put_text(text)
                self.notice.emit(self.tr("The text could not be pasted; it is on the "
                                         "clipboard."))

        QTimer.singleShot(MODIFIER_POLL_MS, check)

    def _send_keys(self, text: str, output: str, ending: str) -> None:
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

    # --- Wayland: the desktop's tools, on a worker thread -----------------------------------
    def _deliver_on_wayland(self, wayland: WaylandDelivery, text: str, output: str,
                            ending: str) -> None:
        def failed(message: str, details: str) -> None:
            # A tool stopped working: look again, and leave the text on the clipboard.
            log.warning("Dictated text not delivered: %s %s", message, details)
            if self._wayland_factory is not None:
                self._wayland = self._wayland_factory()
            fallback = WaylandDelivery(None, self._wayland.clipboard if self._wayland else None)
            try:
                self._outcome(fallback.deliver(text, "clipboard", "none"), output)
            except AsrError:
                self._outcome(Outcome(NOWHERE), output)

        run_in_background(lambda: wayland.deliver(text, output, ending),
                          finished=lambda outcome: self._outcome(outcome, output),
                          failed=failed, parent=self)

    def _outcome(self, outcome: Outcome, output: str) -> None:
        if outcome.how == ON_CLIPBOARD and output != "clipboard":
            self.notice.emit(self.tr("The text is on the clipboard: press Ctrl+V to paste "
                                     "it (this desktop lets no application type into "
                                     "another)."))
        elif outcome.how == NOWHERE:
            self.notice.emit(self.tr("The text could not be pasted or put on the clipboard "
                                     "here; it is kept in the history."))
