"""POST /v1/chat/completions: Qwen3-ASR transcription as vLLM serves it."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from . import audio, recognise
from .chat_request import ChatRequest, ignored_fields, parse_chat, sanitise
from .common import (
    check_encoder_budget,
    encoder_tokens,
    load_samples,
    recorded,
    run_work,
    send_json,
    stream_text,
)
from .errors import ApiError
from .responses import ChunkMaker, chat_completion, usage
from .state import ServerState


async def chat_completions(request: web.Request) -> web.StreamResponse:
    return await recorded(request, _handle)


async def _read_json(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ApiError(f"JSON decode error: {err}") from err
    if not isinstance(body, dict):
        raise ApiError("Input should be a valid dictionary or object to extract fields from.")
    return body


async def _audio_bytes(req: ChatRequest, state: ServerState) -> bytes:
    if req.audio_base64 is not None:
        return audio.decode_base64(req.audio_base64)
    url = req.audio_url or ""
    if url.startswith("data:"):
        return audio.parse_data_url(url)
    if url.startswith(("http://", "https://")):
        if state.http is None:
            raise ApiError("The server cannot fetch URLs right now.", 500)
        return await audio.fetch(state.http, url, state.settings.max_fetch_seconds)
    if url.startswith("file:"):
        raise ApiError("Cannot load local files without `--allowed-local-media-path`.")
    raise ApiError("The URL must be either a HTTP, data or file URL.")


async def _handle(
    request: web.Request, state: ServerState, entry: dict[str, Any]
) -> web.StreamResponse:
    body = await _read_json(request)
    entry["body"], summaries = sanitise(body)
    entry["ignored_fields"] = ignored_fields(body)
    settings = state.settings
    req = parse_chat(body, settings.model)

    data = await _audio_bytes(req, state)
    key = req.audio_url if req.audio_base64 is None else req.audio_base64
    info = summaries.get(key or "") or audio.describe(data)
    samples = await load_samples(data, info, entry)
    tokens = encoder_tokens(samples)
    check_encoder_budget(tokens, settings.encoder_cache_tokens)

    words = await audio.detect_words(samples)
    content = recognise.message_content(words, req.context, req.forced_language)
    content += settings.append_text if words else ""
    finish_reason = "stop"
    if req.max_tokens is not None and len(content) > req.max_tokens:
        content, finish_reason = content[: req.max_tokens], "length"
    token_usage = usage(tokens + len(req.context), len(content))
    seconds = len(samples) / audio.SAMPLE_RATE

    if req.stream:
        chunks = ChunkMaker(settings.model)
        return await stream_text(
            request,
            state,
            entry,
            chunks,
            content,
            finish_reason,
            seconds,
            token_usage if req.include_usage else None,
        )
    await run_work(state, seconds)
    return await send_json(
        request, state, chat_completion(settings.model, content, finish_reason, token_usage)
    )
