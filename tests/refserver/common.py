"""What the two recognition endpoints share: logging, scripted faults, latency, answers."""

from __future__ import annotations

import asyncio
import math
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from aiohttp import web

from . import audio, faults, hostile
from .errors import ApiError, compact_json, error_body, json_response, unauthorized
from .gpu import Job
from .responses import ChunkMaker, pieces, send_done, send_event, start_sse
from .state import STATE, ServerState

TOKENS_PER_SECOND = 13
Handler = Callable[[web.Request, ServerState, dict[str, Any]], Awaitable[web.StreamResponse]]


async def recorded(request: web.Request, handle: Handler) -> web.StreamResponse:
    """Log the request, apply fail_next, auth and fault modes, then run `handle`."""
    state = request.app[STATE]
    entry = state.begin(request)
    try:
        response = await _answer(request, state, entry, handle)
        entry["status"] = response.status
        return response
    finally:
        state.end()


async def _answer(
    request: web.Request, state: ServerState, entry: dict[str, Any], handle: Handler
) -> web.StreamResponse:
    failure = state.take_failure()
    if failure is not None and failure.body == "huge":
        return await hostile.huge_error(request, state.settings, failure.status)
    if failure is not None:
        return faults.failure_response(failure)
    if not state.authorised(request):
        return unauthorized()
    mode = state.settings.mode
    if mode == "hang":
        await faults.hang(request)
        return web.Response(status=499)  # nginx's "client closed request"; never delivered
    if mode == "html_error":
        return faults.html_error_response()
    if mode == "error_200":
        return faults.error_200_response()
    try:
        return await handle(request, state, entry)
    except ApiError as err:
        return err.response()
    except ConnectionResetError:
        raise
    except Exception as err:  # a bug in the server: say so like vLLM, with a trace on stderr
        traceback.print_exc(file=sys.stderr)
        return json_response(error_body(f"Internal Server Error: {err!r}", 500), 500)


async def load_samples(data: bytes, info: dict[str, Any], entry: dict[str, Any]) -> np.ndarray:
    """Decode request audio, recording the duration in the log summary `info`."""
    entry["audio"] = info
    samples = await audio.decode(data)
    info["duration"] = round(len(samples) / audio.SAMPLE_RATE, 3)
    return samples


def encoder_tokens(samples: np.ndarray) -> int:
    return math.ceil(len(samples) / audio.SAMPLE_RATE * TOKENS_PER_SECOND)


def check_encoder_budget(tokens: int, budget: int) -> None:
    if tokens > budget:
        raise ApiError(
            f"The decoder prompt contains a(n) audio item with {tokens} embedding tokens, "
            f"which exceeds the pre-allocated encoder cache size {budget}. Please reduce the "
            "input size or increase the encoder cache size by setting --limit-mm-per-prompt "
            "at startup."
        )


async def start_work(state: ServerState, seconds: float) -> Job:
    """Wait the fixed delays, then put `seconds` of audio on the simulated GPU."""
    if state.settings.min_latency_s > 0:
        await asyncio.sleep(state.settings.min_latency_s)
    await state.gpu.overhead()
    return state.gpu.submit(seconds)


async def run_work(state: ServerState, seconds: float) -> None:
    await state.gpu.wait(await start_work(state, seconds))


async def send_json(request: web.Request, state: ServerState, obj: object) -> web.StreamResponse:
    """A JSON answer, unless the fault mode asks to truncate it or drop the connection."""
    if state.settings.mode in hostile.MODES:
        assert isinstance(obj, dict)
        return await hostile.send_json(request, state.settings.mode, state.settings, obj)
    body = compact_json(obj).encode()
    if state.settings.mode == "malformed_json":
        return faults.malformed_json_response(body)
    if state.settings.mode == "drop":
        return await faults.dropped_response(request, body, "application/json")
    return web.Response(status=200, body=body, content_type="application/json")


async def send_text(request: web.Request, state: ServerState, text: str) -> web.StreamResponse:
    if state.settings.mode in hostile.MODES and state.settings.mode != "wrong_type":
        return await hostile.send_text(request, state.settings, text)
    body = text.encode()
    if state.settings.mode == "drop":
        return await faults.dropped_response(request, body, "text/plain")
    return web.Response(status=200, body=body, content_type="text/plain")


async def stream_text(
    request: web.Request,
    state: ServerState,
    entry: dict[str, Any],
    chunks: ChunkMaker,
    content: str,
    finish_reason: str,
    seconds: float,
    token_usage: dict[str, Any] | None,
    *,
    role_first: bool = True,
) -> web.StreamResponse:
    """Server-sent events: `content` in 3-character deltas spread over the modelled work."""
    mode = state.settings.mode
    response = await start_sse(request)
    entry["status"] = response.status  # sent now, even if the client leaves mid-stream
    try:
        if role_first:
            await send_event(response, chunks.delta({"role": "assistant", "content": ""}))
        if mode in hostile.MODES:
            ending = [chunks.delta({"content": ""}, finish_reason)]
            if token_usage is not None:
                ending.append(chunks.usage(token_usage))
            await hostile.stream(
                request, response, state.settings, lambda text: chunks.delta({"content": text}),
                [hostile.sse(chunks.delta({"content": p})) for p in pieces(content)],
                [*map(hostile.sse, ending), hostile.sse("[DONE]")])
            return response
        job = await start_work(state, seconds)
        parts = pieces(content)
        for index, piece in enumerate(parts):
            await state.gpu.wait(job, (index + 1) / len(parts))
            if mode == "drop" and index >= len(parts) // 2:
                break
            chunk = chunks.delta({"content": piece})
            broken = mode == "malformed_json" and index == 0
            await send_event(response, faults.truncated_json(chunk) if broken else chunk)
        if mode == "drop":
            faults.abort(request)
            return response
        await state.gpu.wait(job)
        await send_event(response, chunks.delta({"content": ""}, finish_reason))
        if token_usage is not None:
            await send_event(response, chunks.usage(token_usage))
        await send_done(response)
    except ConnectionResetError:
        return response  # the client went away mid-stream; nothing more to send
    return response
