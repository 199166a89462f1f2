"""What reaches a terminal: never a character it would act on.

A server's words (an error message, a model name, a transcript) and names taken from
outside (a URL, a file name) reach the terminal through ``print``. On a terminal, standard
output and standard error are wrapped in `TerminalText`, which turns every control
character but the line break and the tab (ESC, BEL, CR, backspace, C1 controls such as
CSI) and the bidi controls into a space, so nothing printed can move the cursor, rewrite
the screen, set the window title, ring the bell or reorder what is read. Pipes and files
are left alone (their text was cleaned where it came from: see engine/plain_text.py).

The progress bar is ours and redraws its line with CR and "erase line": it writes to the
`raw` stream beneath, with its own text cleaned.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every character a terminal acts on (but line break and tab) a space."""
    return _UNSAFE.sub(" ", text)


class TerminalText:
    """A text stream that writes `terminal_safe` text to ``raw``."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def __getattr__(self, name: str) -> object:  # encoding, fileno, buffer...
        return getattr(self.raw, name)


def guard_terminal_streams() -> None:
    """Wrap sys.stdout and sys.stderr in `TerminalText` where they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, TerminalText) and _is_tty(stream):
            setattr(sys, name, TerminalText(stream))


def raw_stream(stream: TextIO) -> TextIO:
    """The stream beneath a `TerminalText` (for the progress bar's own control codes)."""
    return stream.raw if isinstance(stream, TerminalText) else stream


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):  # closed
        return False
