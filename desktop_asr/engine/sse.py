"""Server-Sent Events of a streamed chat completion -> text as it arrives. No I/O here.

A stream is hostile until checked: a line or an event never grows past its cap (a line
that never ends is refused, not buffered), a transcript past its cap is refused, an event
of the wrong JSON type is a BadResponseError, and the work is linear in the stream's
length (no string that grows by concatenation, no rescan of the text so far).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

from desktop_asr.engine.limits import MAX_REPLY_BYTES, MAX_TEXT_CHARS, size_words, too_large
from desktop_asr.engine.replies import (
    AsrReply,
    error_from_json_body,
    loads,
    parse_asr_output,
)
from desktop_asr.engine.requests import ASR_TEXT_TAG
from desktop_asr.errors import BadResponseError

PREFIX_HEAD = "language "
PREFIX_MAX_CHARS = 200  # after "language ": the name, meta lines and the tag


class SseDecoder:
    """Bytes in, the ``data`` payload of each complete event out (WHATWG rules: lines end
    in LF, CRLF or CR; an empty line ends an event; several data lines join with LF).

    A line, and an event's data, may hold at most ``max_chars`` characters."""

    def __init__(self, max_chars: int = MAX_REPLY_BYTES) -> None:
        self._max = max_chars
        self._line: list[str] = []  # the pieces of the line not yet ended
        self._line_chars = 0
        self._data: list[str] = []
        self._data_chars = 0
        self._pending_cr = False
        # A character may arrive split across two network reads.
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, chunk: bytes | str) -> list[str]:
        text = self._utf8.decode(chunk) if isinstance(chunk, bytes) else chunk
        if not text:
            return []
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]
        self._pending_cr = text.endswith("\r")
        *ended, rest = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        events: list[str] = []
        for line in ended:
            if self._line:  # the end of a line begun in an earlier read
                self._grow(line)
                line = "".join([*self._line, line])
                self._line, self._line_chars = [], 0
            self._take(line, events)
        if rest:
            self._grow(rest)
            self._line.append(rest)
        return events

    def _grow(self, piece: str) -> None:
        self._line_chars += len(piece)
        if self._line_chars > self._max:
            raise too_large(f"a stream line of more than {size_words(self._max)}")

    def _take(self, line: str, events: list[str]) -> None:
        if len(line) > self._max:
            raise too_large(f"a stream line of more than {size_words(self._max)}")
        if line == "":
            if self._data:
                events.append("\n".join(self._data))
                self._data, self._data_chars = [], 0
        elif not line.startswith(":"):  # ":" starts a comment / keep-alive
            name, _, value = line.partition(":")
            if name == "data":
                value = value[1:] if value.startswith(" ") else value
                self._data_chars += len(value) + 1
                if self._data_chars > self._max:
                    raise too_large(f"a stream event of more than {size_words(self._max)}")
                self._data.append(value)

    def close(self) -> list[str]:
        """End of stream: an unterminated final event still counts."""
        tail = self._utf8.decode(b"", final=True)
        if tail or self._line or self._data:
            return self.feed(tail + "\n\n")
        return []


def _wrong(what: str, data: str) -> BadResponseError:
    return BadResponseError(f"The server sent a stream event whose {what}.", details=data[:500])


@dataclass
class StreamAssembler:
    """Builds the transcript from chat-completion chunks.

    ``add`` returns the newly visible transcript text (the ``language X<asr_text>`` prefix
    is held back until the tag has arrived; with a forced language there is no prefix;
    trailing whitespace is held back until text follows it). The text is kept as a list
    of pieces joined once, and only the short undecided start is ever looked at again.
    """

    forced_language: str | None = None
    max_text_chars: int = MAX_TEXT_CHARS
    done: bool = False
    finish_reason: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    _pieces: list[str] = field(default_factory=list)
    _chars: int = 0
    _head: str = ""  # the start while it may still be "language X<asr_text>"
    _decided: bool = False  # the prefix is known (found, forced, or not there)
    _started: bool = False  # visible text has begun (leading whitespace is dropped)
    _held: list[str] = field(default_factory=list)  # whitespace not shown yet

    def __post_init__(self) -> None:
        self._decided = bool(self.forced_language)

    @property
    def raw(self) -> str:
        """Everything the server sent as text (joined on demand)."""
        return "".join(self._pieces)

    def add(self, data: str) -> str:
        if data.strip() == "[DONE]":
            self.done = True
            return ""
        try:
            event = loads(data)
        except ValueError:
            raise BadResponseError("The server sent a malformed stream event.",
                                   details=data[:500]) from None
        if not isinstance(event, dict):
            raise BadResponseError("The server sent an unexpected stream event (not a JSON "
                                   "object).", details=data[:500])
        error = error_from_json_body(event, data.encode())
        if error is not None:
            raise error
        usage = event.get("usage")
        if isinstance(usage, dict) and usage:
            self.usage = usage
        choices = event.get("choices")
        if choices is None:
            return ""
        if not isinstance(choices, list):
            raise _wrong("'choices' is not a list", data)
        new: list[str] = []
        for choice in choices:
            if not isinstance(choice, dict):
                raise _wrong("choice is not an object", data)
            delta = choice.get("delta")
            if delta is None:
                delta = {}
            if not isinstance(delta, dict):
                raise _wrong("'delta' is not an object", data)
            piece, finish = delta.get("content"), choice.get("finish_reason")
            if not isinstance(piece, str | None):
                raise _wrong("text is not a string", data)
            if not isinstance(finish, str | None):
                raise _wrong("finish reason is not a string", data)
            if piece:
                new.append(self._add_text(piece))
            if finish:
                self.finish_reason = finish
        return "".join(new)

    def _add_text(self, piece: str) -> str:
        self._chars += len(piece)
        if self._chars > self.max_text_chars:
            raise too_large(f"a transcript of more than {self.max_text_chars:,} characters")
        self._pieces.append(piece)
        if self._decided:
            return self._show(piece)
        head = (self._head + piece).lstrip()
        if ASR_TEXT_TAG in head:
            self._decided = True
            self._head = ""
            return self._show(head.split(ASR_TEXT_TAG, 1)[1])
        if head and not _could_be_prefix(head):
            # Text that cannot be the start of "language X<asr_text>" is shown as it comes.
            self._decided = True
            self._head = ""
            return self._show(head)
        self._head = head  # short: _could_be_prefix bounds it
        return ""

    def _show(self, text: str) -> str:
        """The part of ``text`` to show now: leading whitespace of the transcript dropped,
        trailing whitespace held until something follows it."""
        if not self._started:
            text = text.lstrip()
            if not text:
                return ""
            self._started = True
        shown = text.rstrip()
        if not shown:
            self._held.append(text)
            return ""
        before = "".join(self._held)
        self._held = [text[len(shown):]] if len(shown) < len(text) else []
        return before + shown

    def reply(self) -> AsrReply:
        raw = self.raw
        language, text = parse_asr_output(raw, self.forced_language)
        return AsrReply(text=text, language=language, raw=raw,
                        finish_reason=self.finish_reason, usage=self.usage)


def _could_be_prefix(text: str) -> bool:
    """Could ``text`` still grow into ``language <Name>[meta...]<asr_text>``?"""
    low = text[: len(PREFIX_HEAD) + PREFIX_MAX_CHARS + len(ASR_TEXT_TAG) + 1].lower()
    if len(low) <= len(PREFIX_HEAD):
        return PREFIX_HEAD.startswith(low)
    if not low.startswith(PREFIX_HEAD):
        return False
    rest = text[len(PREFIX_HEAD):]
    # Waiting for the tag: allow the name, meta lines and a partial "<asr_text>".
    tag_start = rest.find("<")
    if tag_start == -1:
        return len(rest) <= PREFIX_MAX_CHARS
    return ASR_TEXT_TAG.startswith(rest[tag_start:][: len(ASR_TEXT_TAG)])


def transcription_event_as_chunk(data: str) -> str:
    """An SSE payload of a transcriptions stream -> the chat-completion chunk shape the
    stream assembler reads. vLLM already sends that shape; OpenAI's own
    ``transcript.text.delta`` / ``transcript.text.done`` events are converted."""
    if '"transcript.text.' not in data:
        return data
    try:
        event = loads(data)
    except ValueError:
        return data  # the assembler says it is malformed
    if not isinstance(event, dict):
        return data
    kind = event.get("type")
    if kind == "transcript.text.delta" and isinstance(event.get("delta"), str):
        choice: dict[str, Any] = {"index": 0, "delta": {"content": event["delta"]},
                                  "finish_reason": None}
    elif kind == "transcript.text.done":
        choice = {"index": 0, "delta": {}, "finish_reason": "stop"}
    else:
        return data
    chunk: dict[str, Any] = {"choices": [choice]}
    if isinstance(event.get("usage"), dict):
        chunk["usage"] = event["usage"]
    return json.dumps(chunk, ensure_ascii=False)
