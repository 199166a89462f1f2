"""Hostile answers, for clients that must survive them (POST /_test/config):

- mode "huge": the reply's text is `huge_bytes` long (64 MB by default), written (and for a
  stream, sent in deltas) `huge_piece_bytes` at a time, never held whole in memory;
- mode "keepalive": headers, then forever a `: ping` comment (a stream) or a space (a plain
  reply) every `keepalive_interval_s`, which defeats any per-read timeout;
- mode "trickle": the real reply, one byte every `trickle_interval_s`;
- mode "wrong_type": the reply (or a stream's first text delta) with the part named by
  `wrong_type` of the wrong JSON type, or nested deeper than a parser's recursion limit.

`models_mode` gives GET /v1/models the same answers. GET /_test/files/NAME serves a download
that is huge or never ends (see `file_download`). Every loop stops once the client has gone.
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

from aiohttp import web

from .errors import compact_json, error_body
from .faults import connection_gone
from .settings import Settings

MODES = ("huge", "keepalive", "trickle", "wrong_type")
SENTINEL = "\x00HUGE\x00"  # where the huge text goes in a reply's JSON
FILLER = "您好，请问有什么可以帮到您？0123456789 hello world ".encode()  # no JSON escapes
NESTING_DEPTH = 100_000
DOWNLOAD_PIECE = 64 * 1024


def filler(size: int) -> bytes:
    """`size` bytes of valid UTF-8 text: CJK, digits and Latin words."""
    whole = FILLER * (size // len(FILLER))
    return whole + b" " * (size - len(whole))


# --- JSON replies --------------------------------------------------------------------------
def _text_holder(obj: dict[str, Any]) -> tuple[Any, Any] | None:
    """(container, key) of the text of a chat reply, a transcription or a model list."""
    items = obj.get("choices") or obj.get("data")
    if isinstance(items, list) and items:
        first = items[0]
        inner = first.get("message") or first.get("delta")
        if isinstance(inner, dict):
            return inner, "content"
        return first, "id"
    if "text" in obj:
        return obj, "text"
    return None


def broken(obj: dict[str, Any], what: str) -> str:
    """`obj` as JSON with the part `what` (settings.WRONG_TYPES) of the wrong type."""
    if what == "nesting":
        return '{"choices":' + "[" * NESTING_DEPTH + "]" * NESTING_DEPTH + "}"
    if what == "event":
        return compact_json([obj])
    obj = copy.deepcopy(obj)
    key = "choices" if "choices" in obj else "data"
    items = obj.get(key)
    first = items[0] if isinstance(items, list) and items else {}
    inner_key = "delta" if "delta" in first else "message"
    if what == "choices":
        obj[key] = {"0": first}
    elif what == "choice":
        obj[key] = ["language English<asr_text>text"]
    elif what in ("delta", "message"):
        first[inner_key] = "language English<asr_text>text"
    elif what == "content":
        holder = _text_holder(obj)
        if holder is not None:
            holder[0][holder[1]] = {"text": 42}
    elif what == "finish_reason":
        first["finish_reason"] = ["stop"]
    elif what == "usage":
        obj["usage"] = "lots"
    return compact_json(obj)


async def _start(request: web.Request, content_type: str, status: int = 200,
                 ) -> web.StreamResponse:
    response = web.StreamResponse(status=status)
    response.content_type = content_type
    await response.prepare(request)
    return response


async def _write_huge_text(request: web.Request, response: web.StreamResponse,
                           settings: Settings) -> bool:
    """Write `huge_bytes` of filler; False when the client left first."""
    piece = filler(settings.huge_piece_bytes)
    left = settings.huge_bytes
    while left > 0:
        if connection_gone(request):
            return False
        await response.write(piece if left >= len(piece) else filler(left))
        left -= len(piece)
    return True


async def keep_alive(request: web.Request, response: web.StreamResponse, beat: bytes,
                     interval: float) -> web.StreamResponse:
    """`beat` every `interval` seconds until the client leaves."""
    while not connection_gone(request):
        await response.write(beat)
        await asyncio.sleep(interval)
    return response


async def trickle(request: web.Request, response: web.StreamResponse, body: bytes,
                  interval: float) -> web.StreamResponse:
    for index in range(len(body)):
        if connection_gone(request):
            break
        await response.write(body[index : index + 1])
        await asyncio.sleep(interval)
    return response


async def _huge_body(request: web.Request, response: web.StreamResponse, settings: Settings,
                     text: str) -> web.StreamResponse:
    """Write the JSON `text` with the huge filler in place of its SENTINEL string."""
    head, tail = text.split(json.dumps(SENTINEL), 1)
    await response.write(head.encode() + b'"')
    if await _write_huge_text(request, response, settings):
        await response.write(b'"' + tail.encode())
    return response


async def send_json(request: web.Request, mode: str, settings: Settings, obj: dict[str, Any],
                    ) -> web.StreamResponse:
    """`obj` (a reply or a model list) as the hostile `mode` sends it."""
    if mode == "wrong_type":
        return web.Response(text=broken(obj, settings.wrong_type),
                            content_type="application/json")
    response = await _start(request, "application/json")
    try:
        if mode == "keepalive":
            return await keep_alive(request, response, b" ", settings.keepalive_interval_s)
        if mode == "trickle":
            body = compact_json(obj).encode()
            return await trickle(request, response, body, settings.trickle_interval_s)
        marked = copy.deepcopy(obj)
        holder = _text_holder(marked)
        if holder is not None:
            holder[0][holder[1]] = SENTINEL
        return await _huge_body(request, response, settings, compact_json(marked))
    except ConnectionError:  # the client gave up: what the test wants
        return response


async def send_text(request: web.Request, settings: Settings, text: str) -> web.StreamResponse:
    """A text/plain transcription as the hostile mode sends it."""
    response = await _start(request, "text/plain")
    try:
        if settings.mode == "keepalive":
            return await keep_alive(request, response, b" ", settings.keepalive_interval_s)
        if settings.mode == "trickle":
            return await trickle(request, response, text.encode(), settings.trickle_interval_s)
        await _write_huge_text(request, response, settings)
    except ConnectionError:
        pass
    return response


async def huge_error(request: web.Request, settings: Settings, status: int,
                     ) -> web.StreamResponse:
    """fail_next with body "huge": vLLM's error JSON with a `huge_bytes` long message."""
    response = await _start(request, "application/json", status)
    try:
        return await _huge_body(request, response, settings,
                                compact_json(error_body(SENTINEL, status)))
    except ConnectionError:
        return response


# --- streams -------------------------------------------------------------------------------
def sse(data: object | str) -> bytes:
    text = data if isinstance(data, str) else compact_json(data)
    return f"data: {text}\n\n".encode()


async def stream(request: web.Request, response: web.StreamResponse, settings: Settings,
                 make_delta: Any, content: list[bytes], ending: list[bytes]) -> None:
    """The hostile mode's stream after its first event. `make_delta(text)` builds a content
    delta; `content` and `ending` (finish reason, usage, [DONE]) are a normal stream's."""
    mode = settings.mode
    try:
        if mode == "keepalive":
            await keep_alive(request, response, b": ping\n\n", settings.keepalive_interval_s)
        elif mode == "trickle":
            await trickle(request, response, b"".join(content + ending),
                          settings.trickle_interval_s)
        elif mode == "wrong_type":
            await response.write(sse(broken(make_delta(""), settings.wrong_type)))
            for event in content + ending:
                await response.write(event)
        else:  # huge
            piece = filler(settings.huge_piece_bytes)
            left = settings.huge_bytes
            while left > 0 and not connection_gone(request):
                text = (piece if left >= len(piece) else filler(left)).decode()
                await response.write(sse(make_delta(text)))
                left -= len(piece)
            for event in ending:
                await response.write(event)
    except ConnectionError:  # the client gave up: what the test wants
        pass


# --- downloads -----------------------------------------------------------------------------
async def file_download(request: web.Request) -> web.StreamResponse:
    """GET /_test/files/NAME?bytes=N&length=1&interval=S: N zero bytes (no N: forever),
    with a Content-Length of N when length=1, one byte every S seconds when S > 0."""
    query = request.query
    total = int(query["bytes"]) if "bytes" in query else None
    interval = float(query.get("interval", "0"))
    response = web.StreamResponse(status=200)
    response.content_type = "audio/wav"
    if total is not None and query.get("length") == "1":
        response.content_length = total
    try:
        await response.prepare(request)
        piece = b"\0" * (1 if interval > 0 else DOWNLOAD_PIECE)
        sent = 0
        while (total is None or sent < total) and not connection_gone(request):
            block = piece if total is None else piece[: total - sent]
            await response.write(block)
            sent += len(block)
            if interval > 0:
                await asyncio.sleep(interval)
    except ConnectionError:
        pass
    return response
