"""The "Test connection" check of a server profile: list the models, send one second of a
generated tone, time the round trip. Every failure is an AsrError in words."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from desktop_asr.engine import audio
from desktop_asr.engine.client import (
    AsrClient,
    RetryPolicy,
    ServerConfig,
    listed_models,
    normalize_base_url,
)
from desktop_asr.engine.replies import AsrReply
from desktop_asr.engine.requests import (
    API_STYLES,
    build_chat_request,
    build_transcription_fields,
    data_url,
    upload_filename,
)
from desktop_asr.errors import InputError, ModelNotFoundError, ServerError
from desktop_asr.text.languages import resolve_language

# The check must answer fast: the caller's timeouts, capped at these.
CHECK_CONNECT_TIMEOUT = 5.0
CHECK_READ_TIMEOUT = 15.0
TONE_SECONDS = 1.0
TONE_HZ = 440.0


@dataclass(frozen=True)
class ConnectionReport:
    models: list[str]  # what GET /v1/models lists
    model: str  # the model the tone was sent to
    round_trip_seconds: float  # the transcription request alone
    reply_text: str  # what the server heard (often empty: a tone is no speech)
    language: str  # the reply's language, "" when none


ClientFactory = Callable[[ServerConfig], AsrClient]


def check_config(config: ServerConfig) -> ServerConfig:
    """``config`` with no retries and its timeouts capped, so a check answers fast."""
    return replace(
        config,
        connect_timeout=min(config.connect_timeout, CHECK_CONNECT_TIMEOUT),
        read_timeout=min(config.read_timeout, CHECK_READ_TIMEOUT),
        retry=RetryPolicy(attempts=1),
    )


def tone_flac(seconds: float = TONE_SECONDS, hz: float = TONE_HZ) -> bytes:
    """A sine tone as 16 kHz mono FLAC."""
    t = np.arange(int(seconds * audio.SAMPLE_RATE)) / audio.SAMPLE_RATE
    samples = (np.sin(2 * np.pi * hz * t) * 0.3 * 32767).astype(np.int16)
    return audio.encode(samples, "flac")


async def check_connection(
    config: ServerConfig,
    *,
    model: str | None,
    api_style: str = "chat",
    language: str | None = None,
    client_factory: ClientFactory = AsrClient,
) -> ConnectionReport:
    """GET /v1/models, check ``model`` is served (None: the first one), then transcribe a
    one-second tone with ``api_style`` and time it. ``language`` (an ISO code or a model
    language name; None or "auto" to detect) is forced as a transcription would force it.

    Raises an AsrError whose message says what is wrong: DNS, refused, TLS, 401, model
    missing, timeout.
    """
    if api_style not in API_STYLES:
        raise InputError(f"Unknown API style {api_style!r}; use one of: "
                         f"{', '.join(API_STYLES)}.")
    try:
        forced = resolve_language(language)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    try:
        base_url = normalize_base_url(config.base_url)
    except ValueError as exc:
        raise InputError(f"The server address is not usable: {exc}", code="bad_address",
                         params={"reason": str(exc)}) from None
    config = check_config(replace(config, base_url=base_url))
    async with client_factory(config) as client:
        models = await client.list_models()
        if not models:
            raise ServerError(f"The server at {config.host_port} serves no models (its model "
                              "list is empty); is the model still loading?",
                              code="server_no_models", params={"where": config.host_port})
        chosen = model or models[0]
        if chosen not in models:
            raise ModelNotFoundError(
                f"Model not found: the server does not serve {chosen!r}; available: "
                f"{listed_models(models)}.", model=chosen, available=models,
                where=config.host_port)
        tone = tone_flac()
        started = time.perf_counter()
        reply = await _send_tone(client, tone, chosen, api_style, forced)
        elapsed = time.perf_counter() - started
    return ConnectionReport(models=models, model=chosen, round_trip_seconds=elapsed,
                            reply_text=reply.text, language=reply.language)


async def _send_tone(client: AsrClient, tone: bytes, model: str, api_style: str,
                     language: str | None) -> AsrReply:
    mime = audio.AUDIO_FORMATS["flac"]
    if api_style == "transcriptions":
        fields = build_transcription_fields(model=model, language=language)
        return await client.transcribe_upload(tone, upload_filename("flac"), mime, fields,
                                              audio_seconds=TONE_SECONDS,
                                              forced_language=language)
    body = build_chat_request(model=model, audio_url=data_url(tone, mime), language=language)
    return await client.transcribe(body, audio_seconds=TONE_SECONDS, forced_language=language)
