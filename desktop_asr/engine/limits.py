"""What a server may send: every reply is read as hostile. Bodies are read up to a cap
(replies, stream lines, error bodies, model lists), a transcript's text has a cap of its
own, and each request has an overall deadline that a server sending keep-alive comments or
a trickle of bytes cannot push back (``Activity`` tells a silent server from a busy one).

A chunk's transcript is a few kilobytes (4096 tokens at most), so the caps are far above
anything a working server sends and far below what would hurt the machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from desktop_asr.errors import BadResponseError

MAX_REPLY_BYTES = 16 * 1024 * 1024  # a reply body, a model list, one stream line or event
MAX_TEXT_CHARS = 1024 * 1024  # the transcript of one reply, streamed or not
MAX_ERROR_BYTES = 64 * 1024  # what is read of an error body; the rest is not needed
MAX_MESSAGE_CHARS = 500  # a server's words quoted in a message


@dataclass(frozen=True)
class ReplyLimits:
    """The caps on one server's replies (tests pass smaller ones)."""

    reply_bytes: int = MAX_REPLY_BYTES
    text_chars: int = MAX_TEXT_CHARS
    error_bytes: int = MAX_ERROR_BYTES


def size_words(size: int) -> str:
    """16777216 -> "16 MiB", 1.5 * 2**30 -> "1.5 GiB", 1000 -> "1000 bytes"."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large(what: str) -> BadResponseError:
    """``what``: "a reply of more than 16 MiB", "a transcript of more than ... characters"."""
    return BadResponseError(
        f"The server sent {what}: the server's reply is too large (a transcription is a few "
        "kilobytes).")


def declared_length(response: httpx.Response) -> int | None:
    try:
        value = int(response.headers.get("content-length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


class Activity:
    """When a request started and when its server last sent anything."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()

    def touch(self) -> None:
        self.last = time.monotonic()

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last


async def read_capped(response: httpx.Response, limit: int,
                      activity: Activity | None = None) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the body and whether that is all of it. Reading stops at the
    limit, so memory stays bounded whatever the server sends."""
    body = bytearray()
    async for block in response.aiter_bytes():
        if activity is not None:
            activity.touch()
        room = limit - len(body)
        if len(block) > room:
            body += block[:room]
            return bytes(body), False
        body += block
    return bytes(body), True


async def read_reply(response: httpx.Response, limit: int,
                     activity: Activity | None = None) -> bytes:
    """The whole body, or BadResponseError "too large" past ``limit`` (at once when the
    declared length says so)."""
    declared = declared_length(response)
    if declared is not None and declared > limit:
        raise too_large(f"a reply of {size_words(declared)}, more than {size_words(limit)}")
    body, complete = await read_capped(response, limit, activity)
    if not complete:
        raise too_large(f"a reply of more than {size_words(limit)}")
    return body
