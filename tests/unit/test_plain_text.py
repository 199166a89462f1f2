"""Server text made safe to deliver (desktop_asr/engine/plain_text.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_asr.text.plain_text import plain_line

# What a terminal or a keyboard injection acts on, and what makes text read differently.
DANGEROUS = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | set(
    "\u2028\u2029\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.mark.parametrize(("raw", "clean"), [
    ("\nrm -rf ~\n", "rm -rf ~"),
    ("echo hi\r\nrm -rf ~\r\n", "echo hi rm -rf ~"),
    ("a \n b", "a b"),
    ("a\tb", "a b"),
    ("\x1b[31mred\x1b[0m", "[31mred [0m"),
    ("\x1b]0;title\x07done", "]0;title done"),
    ("bell\x07", "bell"),
    ("\x9b31m c1", "31m c1"),
    ("pay \u202eredro\u202c now", "pay redro now"),
    ("\u2066isolated\u2069", "isolated"),
    ("a\u202eb", "a b"),  # a bidi control between letters is a space, not nothing
    ("zero\u200bwidth soft\u00adhyphen bom\ufeff", "zerowidth softhyphen bom"),
    ("您好，请问有什么可以帮到您？", "您好，请问有什么可以帮到您？"),
    ("line one\u2028line two", "line one line two"),
    ("keep  double  spaces", "keep  double  spaces"),
    ("  leading and trailing spaces  ", "  leading and trailing spaces  "),
    ("نیم\u200cفاصله", "نیم\u200cفاصله"),  # the zero-width non-joiner is part of Persian words
    ("👩\u200d💻 emoji", "👩\u200d💻 emoji"),
    ("\n\r\t", ""),
    ("", ""),
])
def test_plain_line(raw, clean):
    assert plain_line(raw) == clean


@given(st.text())
def test_nothing_dangerous_is_left_and_cleaning_twice_changes_nothing(text):
    line = plain_line(text)
    assert not set(line) & DANGEROUS
    assert not [c for c in line if unicodedata.category(c) == "Cf" and c not in "\u200c\u200d"]
    assert plain_line(line) == line


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_text_without_controls_is_kept_exactly(text):
    assert plain_line(text) == text
