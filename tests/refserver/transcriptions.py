"""POST /v1/audio/transcriptions: OpenAI's multipart upload, as vLLM serves it for Qwen3-ASR.

Like vLLM, `language` and `prompt` are ignored (no context), the non-streamed text has the
`language X<asr_text>` prefix removed, and streamed deltas still carry it (vllm#33768).
"""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from . import audio, recognise
from .common import load_samples, recorded, run_work, send_json, send_text, stream_text
from .errors import ApiError, model_not_found
from .responses import ChunkMaker, usage
from .state import ServerState

FORMATS = ("json", "text", "verbose_json")
TRUE = ("true", "1", "yes")
KNOWN_FIELDS = frozenset(
    {
        "model",
        "language",
        "prompt",
        "response_format",
        "stream",
        "stream_include_usage",
        "temperature",
        "timestamp_granularities[]",
        "to_language",
    }
)


async def transcriptions(request: web.Request) -> web.StreamResponse:
    return await recorded(request, _handle)


async def _read_form(request: web.Request) -> tuple[dict[str, str], web.FileField | None]:
    if not request.content_type.startswith("multipart/form-data"):
        raise ApiError("Expected a multipart/form-data request body.")
    form = await request.post()
    fields: dict[str, str] = {}
    upload: web.FileField | None = None
    for name, value in form.items():
        if isinstance(value, web.FileField):
            if name == "file":
                upload = value
        else:
            fields[name] = str(value)
    return fields, upload


async def _handle(
    request: web.Request, state: ServerState, entry: dict[str, Any]
) -> web.StreamResponse:
    fields, upload = await _read_form(request)
    settings = state.settings
    data = upload.file.read() if upload is not None else b""
    info = audio.describe(data)
    entry["body"] = {**fields, "file": info if upload is not None else None}
    entry["ignored_fields"] = sorted(set(fields) - KNOWN_FIELDS)

    model = fields.get("model")
    if model is not None and model != settings.model:
        raise model_not_found(model)
    if upload is None:
        raise ApiError("Field required: file", param="file")
    response_format = fields.get("response_format", "json")
    if response_format not in FORMATS:
        raise ApiError(f"Unsupported response_format: {response_format}", param="response_format")

    samples = await load_samples(data, info, entry)
    seconds = len(samples) / audio.SAMPLE_RATE
    words = await audio.detect_words(samples)
    language, text = recognise.transcribe(words, "")
    text += state.settings.append_text if words else ""

    if fields.get("stream", "").lower() in TRUE:
        content = f"language {language}<asr_text>{text}"
        with_usage = fields.get("stream_include_usage", "").lower() in TRUE
        token_usage = usage(math.ceil(seconds * 13), len(content)) if with_usage else None
        chunks = ChunkMaker(settings.model, "transcription.chunk", "trsc")
        return await stream_text(
            request, state, entry, chunks, content, "stop", seconds, token_usage, role_first=False
        )
    await run_work(state, seconds)
    if response_format == "text":
        return await send_text(request, state, text)
    if response_format == "verbose_json":
        verbose = {
            "task": "transcribe",
            "language": language,
            "duration": seconds,
            "text": text,
            "segments": [],
            "words": None,
        }
        return await send_json(request, state, verbose)
    return await send_json(
        request, state, {"text": text, "usage": {"type": "duration", "seconds": math.ceil(seconds)}}
    )
