"""Server-Sent Events of a streamed chat completion -> text as it arrives. No I/O here."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

from desktop_asr.engine.replies import AsrReply, error_from_json_body, parse_asr_output
from desktop_asr.engine.requests import ASR_TEXT_TAG
from desktop_asr.errors import BadResponseError


class SseDecoder:
    """Bytes in, the ``data`` payload of each complete event out (WHATWG rules: lines end
    in LF, CRLF or CR; an empty line ends an event; several data lines join with LF)."""

    def __init__(self) -> None:
        self._buffer = ""
        self._data: list[str] = []
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
        self._buffer += text.replace("\r\n", "\n").replace("\r", "\n")
        events: list[str] = []
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line == "":
                if self._data:
                    events.append("\n".join(self._data))
                    self._data = []
            elif line.startswith(":"):
                continue  # comment / keep-alive
            else:
                name, _, value = line.partition(":")
                if name == "data":
                    self._data.append(value[1:] if value.startswith(" ") else value)
        return events

    def close(self) -> list[str]:
        """End of stream: an unterminated final event still counts."""
        tail = self._utf8.decode(b"", final=True)
        if tail or self._buffer or self._data:
            return self.feed(tail + "\n\n")
        return []


@dataclass
class StreamAssembler:
    """Builds the transcript from chat-completion chunks.

    ``add`` returns the newly visible transcript text (the ``language X<asr_text>`` prefix
    is held back until the tag has arrived; with a forced language there is no prefix).
    """

    forced_language: str | None = None
    raw: str = ""
    done: bool = False
    finish_reason: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    _shown: int = 0

    def add(self, data: str) -> str:
        if data.strip() == "[DONE]":
            self.done = True
            return ""
        try:
            event = json.loads(data)
        except json.JSONDecodeError:
            raise BadResponseError("The server sent a malformed stream event.",
                                   details=data[:500]) from None
        if not isinstance(event, dict):
            raise BadResponseError("The server sent an unexpected stream event.",
                                   details=data[:500])
        error = error_from_json_body(event, data.encode())
        if error is not None:
            raise error
        if event.get("usage"):
            self.usage = event["usage"]
        for choice in event.get("choices") or []:
            delta = choice.get("delta") or {}
            piece = delta.get("content")
            if isinstance(piece, str):
                self.raw += piece
            if choice.get("finish_reason"):
                self.finish_reason = str(choice["finish_reason"])
        return self._new_visible()

    def _visible(self) -> str:
        # Trailing whitespace is held back: the final reply drops it unless text follows.
        return self._visible_raw().rstrip()

    def _visible_raw(self) -> str:
        if self.forced_language:
            return self.raw.lstrip()
        if ASR_TEXT_TAG in self.raw:
            return self.raw.split(ASR_TEXT_TAG, 1)[1].lstrip()
        stripped = self.raw.lstrip()
        # Text that cannot be the start of "language X<asr_text>" is shown as it comes.
        if stripped and not _could_be_prefix(stripped):
            return stripped
        return ""

    def _new_visible(self) -> str:
        visible = self._visible()
        new = visible[self._shown :]
        self._shown = len(visible)
        return new

    def reply(self) -> AsrReply:
        language, text = parse_asr_output(self.raw, self.forced_language)
        return AsrReply(text=text, language=language, raw=self.raw,
                        finish_reason=self.finish_reason, usage=self.usage)


def _could_be_prefix(text: str) -> bool:
    """Could ``text`` still grow into ``language <Name>[meta...]<asr_text>``?"""
    head = "language "
    low = text.lower()
    if len(low) <= len(head):
        return head.startswith(low)
    if not low.startswith(head):
        return False
    rest = text[len(head):]
    # Waiting for the tag: allow the name, meta lines and a partial "<asr_text>".
    tag_start = rest.find("<")
    if tag_start == -1:
        return len(rest) <= 200
    return ASR_TEXT_TAG.startswith(rest[tag_start:][: len(ASR_TEXT_TAG)])

