"""Server text made safe to deliver: one line of plain text.

Whatever a server (or whoever sits between it and us on plain HTTP) answers is hostile until
cleaned: a transcript with ``\\r\\n`` typed into a focused terminal runs a command, an escape
sequence printed to a terminal rewrites it, bidi controls make text read differently from
what it holds. Before server text is kept, shown, pasted, typed, put on the clipboard,
written to a file or printed, it goes through `plain_line`:

- line and paragraph breaks, tabs, C0 and C1 control characters and DEL, and the bidi
  controls (LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI, LRM/RLM/ALM) become one space; a run of
  them, with the spaces around it, is one space, and none is left at either end;
- other invisible format characters (Unicode category Cf: soft hyphen, zero-width space,
  BOM, interlinear annotation, tags...) are removed, except the zero-width joiner and
  non-joiner, which some scripts and emoji need;
- everything else, CJK and emoji included, is kept as it is.

The result never holds ESC, BEL, CR, LF or any other character a terminal or a keyboard
injection would act on. `plain_line` is idempotent.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that stand for "a break" of some kind: they become a space.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BREAKS = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]) + (
    "\u2028\u2029" + _BIDI_CONTROLS)
_KEEP_FORMAT = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner


def _is_dropped_format(char: str) -> bool:
    """An invisible format character that goes (the bidi controls become spaces)."""
    return (unicodedata.category(char) == "Cf" and char not in _KEEP_FORMAT
            and char not in _BIDI_CONTROLS)


_BREAK_RUN = re.compile(f"[ ]*[{re.escape(_BREAKS)}][{re.escape(_BREAKS)} ]*")
_BREAK_AT_END = re.compile(f"[{re.escape(_BREAKS)}][{re.escape(_BREAKS)} ]*$")
# Outside these ranges a character may be a format character (checked one by one).
_MAYBE_FORMAT = re.compile(r"[^\x20-\x7e\u00a0-\u00ac\u00ae-\u05ff\u3000-\u9fff\uac00-\ud7a3]")


def plain_line(text: str) -> str:
    """``text`` as one line of plain text (see the module doc)."""
    if _MAYBE_FORMAT.search(text):  # the rare text with something outside the common ranges
        text = "".join(c for c in text if not _is_dropped_format(c))
    if not _BREAK_RUN.search(text):
        return text
    line = _BREAK_RUN.sub(" ", text)
    # A break at either end leaves no space behind (a typed "\nrm -rf ~\n" has no Enter).
    if _BREAK_RUN.match(text):
        line = line[1:]
    if _BREAK_AT_END.search(text):
        line = line[:-1]
    return line



def text_with_ending(text: str, ending: str) -> str:
    """Dictated text as it is pasted or typed: one plain line, with a trailing space for the
    "space" ending (unless it already ends with one); the "newline" ending is an Enter key,
    pressed by whoever sends the keys, never part of the text."""
    text = plain_line(text)
    if ending == "space" and text and not text[-1].isspace():
        return text + " "
    return text
