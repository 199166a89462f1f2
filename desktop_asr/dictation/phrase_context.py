"""The system message of a dictated phrase: the profile's vocabulary context, then the
end of the text dictated so far, within the context budget of core/vocabulary.py."""

from __future__ import annotations

from desktop_asr.engine.replies import is_context_echo
from desktop_asr.text.transcript import _is_cjk
from desktop_asr.text.vocabulary import DEFAULT_CONTEXT_BUDGET

# The text before a phrase helps the model with names and topic; a few sentences are
# enough, and a longer context makes an echo on unclear audio likelier (PROTOCOL.md).
DEFAULT_PREVIOUS_CHARS = 400


def text_tail(text: str, limit: int) -> str:
    """At most ``limit`` characters from the end of ``text``, not starting mid-word
    (a Latin word cut at the start is dropped; CJK text may start at any character)."""
    text = text.strip()
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    cut_mid_word = not (text[-limit - 1].isspace() or tail[0].isspace()
                        or _is_cjk(tail[0]) or _is_cjk(text[-limit - 1]))
    if cut_mid_word:
        space = tail.find(" ")
        tail = tail[space + 1:] if space >= 0 else ""
    return tail.strip()


def phrase_context(vocabulary_context: str, previous_text: str, *,
                   budget: int = DEFAULT_CONTEXT_BUDGET,
                   previous_chars: int = DEFAULT_PREVIOUS_CHARS) -> str:
    """The vocabulary context first (it is the user's own and its "#k"-style term order
    matters), then on a new line the end of the text so far, in what room is left."""
    vocabulary_context = vocabulary_context.strip()
    room = budget - (len(vocabulary_context) + 1 if vocabulary_context else 0)
    previous = text_tail(previous_text, min(previous_chars, room))
    return "\n".join(part for part in (vocabulary_context, previous) if part)


def echoes(text: str, *contexts: str) -> bool:
    """Whether ``text`` is one of ``contexts`` (or all of them together) echoed back."""
    candidates = [c for c in contexts if c.strip()]
    if len(candidates) > 1:
        candidates.append("\n".join(candidates))
    return any(is_context_echo(text, c) for c in candidates)
