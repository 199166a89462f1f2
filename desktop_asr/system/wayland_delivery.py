"""Dictated text into the focused window of a Wayland session, with the desktop's tools
(text_output.py). Runs on a worker thread: every step is a short command, and the wait
before the clipboard is given back is a sleep of that thread, never the UI's.

Paste (the default, safe for every script): the clipboard is saved in every format, our
text put on it, Ctrl+V sent, and after a moment the saved content is put back, unless the
clipboard no longer holds our text (the user copied something meanwhile). Without
wl-clipboard the text is typed instead (wtype types CJK too). Typing key by key uses the
same tools. When no tool can send keys, the text stays on the clipboard and the caller
tells the user to press Ctrl+V.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_asr.system.text_output import KeySender, WlClipboard
from desktop_asr.text.plain_text import text_with_ending

RESTORE_DELAY = 0.4  # seconds the target application gets to read the clipboard

# What happened to the text (the caller words it).
PASTED, TYPED, ON_CLIPBOARD, NOWHERE = "pasted", "typed", "on-clipboard", "nowhere"


@dataclass(frozen=True)
class Outcome:
    how: str  # PASTED, TYPED, ON_CLIPBOARD (the user must paste it) or NOWHERE
    restored: bool = False  # the user's clipboard was put back


@dataclass
class WaylandDelivery:
    sender: KeySender | None
    clipboard: WlClipboard | None
    restore_delay: float = RESTORE_DELAY
    sleep: Callable[[float], None] = time.sleep

    def deliver(self, text: str, output: str, ending: str) -> Outcome:
        """Put ``text`` where ``output`` ("paste", "type", "clipboard") says, followed by
        ``ending`` ("none", "space", "newline"). Raises KeySendError when a tool fails."""
        text = text_with_ending(text, ending)
        if output == "clipboard" or self.sender is None:
            if self.clipboard is None:
                return Outcome(NOWHERE)
            self.clipboard.put_text(text + ("\n" if ending == "newline" and output ==
                                            "clipboard" else ""))
            return Outcome(ON_CLIPBOARD)
        if output == "type" or self.clipboard is None:
            self.sender.type_text(text)
            self._end(ending)
            return Outcome(TYPED)
        saved = self.clipboard.save()
        self.clipboard.put_text(text)
        try:
            self.sender.paste()
            self._end(ending)
        finally:
            self.sleep(self.restore_delay)
            restored = self.clipboard.text() == text
            if restored:
                self.clipboard.restore(saved)
        return Outcome(PASTED, restored=restored)

    def _end(self, ending: str) -> None:
        if ending == "newline" and self.sender is not None:
            self.sender.enter()
