"""Sending one dictated phrase to the server.

A dictation session talks to a `PhraseSender`: ``await sender.transcribe(samples,
context)`` returns the phrase's text. `ClientSender` is the real one (an AsrClient and the
run's TranscriptionSettings); tests pass their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Protocol

from desktop_asr.dictation.vad import Pcm
from desktop_asr.engine import audio
from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.requests import (
    build_chat_request,
    build_transcription_fields,
    data_url,
    upload_filename,
)
from desktop_asr.engine.transcribe import TranscriptionSettings
from desktop_asr.errors import AsrError
from desktop_asr.text.correction import Corrector
from desktop_asr.text.plain_text import plain_line


class PhraseSender(Protocol):
    async def transcribe(self, samples: Pcm, context: str) -> str:
        """The text of 16 kHz mono ``samples``, with ``context`` as the system message
        ("" = none). Raises AsrError."""

    async def aclose(self) -> None:
        """Release connections (called once, on the session's event loop)."""


class FunctionSender:
    """A `PhraseSender` around an ``async (samples, context) -> text`` function."""

    def __init__(self, send: Callable[[Pcm, str], Awaitable[str]]) -> None:
        self._send = send

    async def transcribe(self, samples: Pcm, context: str) -> str:
        return await self._send(samples, context)

    async def aclose(self) -> None:
        return None


class ClientSender:
    """Phrases as chat-completions (or transcriptions) requests, like a TranscriptionJob's
    chunks: same model, language, vocabulary fields, audio format and post-correction.

    The AsrClient is made on first use, on the session's own event loop (``client`` may be
    given instead, for tests; it is then not closed here)."""

    def __init__(self, config: ServerConfig, settings: TranscriptionSettings, *,
                 client: AsrClient | None = None) -> None:
        self.config = config
        self.settings = settings
        self._client = client
        self._owns_client = client is None
        corrections = settings.corrections
        self._corrector = Corrector(corrections) if corrections else None

    @property
    def vocabulary_context(self) -> str:
        return self.settings.context_text

    async def _ready(self) -> AsrClient:
        if self._client is None:
            self._client = AsrClient(self.config)
        if self.settings.model is None:
            models = await self._client.list_models()
            if not models:
                raise AsrError("The server lists no models; choose one in the profile.")
            self.settings = replace(self.settings, model=models[0])
        return self._client

    async def transcribe(self, samples: Pcm, context: str) -> str:
        client = await self._ready()
        settings = self.settings
        assert settings.model is not None
        fmt = settings.audio_format
        payload = await asyncio.to_thread(audio.encode, samples, fmt)
        mime = audio.AUDIO_FORMATS[fmt]
        seconds = samples.size / audio.SAMPLE_RATE
        if settings.api_style == "transcriptions":
            fields = build_transcription_fields(model=settings.model, context=context,
                                                language=settings.language)
            reply = await client.transcribe_upload(
                payload, upload_filename(fmt), mime, fields, audio_seconds=seconds,
                forced_language=settings.language)
        else:
            body = build_chat_request(
                model=settings.model, audio_url=data_url(payload, mime), context=context,
                vocabulary=settings.vocabulary if context else (),
                language=settings.language, max_tokens=settings.max_tokens,
                send_asr_options=settings.send_asr_options)
            reply = await client.transcribe(body, audio_seconds=seconds,
                                            forced_language=settings.language)
        text = plain_line(reply.text)  # server text: never a control character
        return self._corrector.apply(text) if self._corrector is not None else text

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await client.aclose()
