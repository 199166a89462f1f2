"""HTTP client for a Qwen3-ASR server: timeouts, retries with backoff, streaming,
cancellation (cancel the asyncio task that awaits a call).

Every reply is read as hostile (engine/limits.py): bodies up to a cap, a stream's lines
and text up to theirs, and each request within an overall deadline (its read timeout: 30 s
plus 1 s per second of audio by default) that keep-alive comments or a trickle of bytes
cannot push back."""

from __future__ import annotations

import asyncio
import random
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from desktop_asr import __version__
from desktop_asr.engine.http_errors import deadline_error, describe_http_error, named
from desktop_asr.engine.limits import Activity, ReplyLimits, read_capped, read_reply
from desktop_asr.engine.replies import (
    AsrReply,
    clip,
    error_from_response,
    loads,
    parse_chat_completion,
    parse_retry_after,
    parse_transcription,
)
from desktop_asr.engine.requests import CHAT_PATH, TRANSCRIPTIONS_PATH, encode_json_body
from desktop_asr.engine.sse import SseDecoder, StreamAssembler, transcription_event_as_chunk
from desktop_asr.errors import (
    AsrError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
)
from desktop_asr.text.plain_text import plain_line

T = TypeVar("T")
JSON_HEADERS = {"Content-Type": "application/json"}
MAX_MODELS = 1000  # names kept from a model list
MAX_MODEL_NAME_CHARS = 1000


def _plain_name(name: object) -> bool:
    """A model name as a server may send it: a string of plain text, not too long."""
    return (isinstance(name, str) and 0 < len(name) <= MAX_MODEL_NAME_CHARS
            and plain_line(name) == name)


def listed_models(names: list[str], most: int = 20) -> str:
    """"a, b and 3 more" for a message (a server may list a thousand)."""
    if not names:
        return "none listed"
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def normalize_base_url(url: str) -> str:
    """``10.0.0.5:30101``, ``http://h:30101/``, ``http://h:30101/v1`` -> ``http://h:30101``."""
    url = url.strip()
    if not url:
        raise ValueError("The server URL is empty.")
    if "://" not in url:
        url = "http://" + url
    url = url.rstrip("/")
    for endpoint in ("/chat/completions", "/audio/transcriptions", "/models"):
        if url.endswith("/v1" + endpoint):  # the endpoint address pasted whole
            url = url[: -len(endpoint)]
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) server address.")
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number 0-65535)
    except ValueError:
        raise ValueError(f"{url!r} has an invalid port number.") from None
    if any(ch.isspace() for ch in parts.netloc):
        raise ValueError(f"{url!r} has a space in the host name.")
    return url


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first one included
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    retry_after_max: float = 60.0

    def delay(self, attempt: int, rng: Callable[[], float]) -> float:
        """Exponential backoff with full jitter before try number ``attempt + 1``."""
        return float(rng() * min(self.backoff_max, self.backoff_base * (2**attempt)))


@dataclass(frozen=True)
class ServerConfig:
    base_url: str
    api_key: str | None = field(default=None, repr=False)  # never in a log or traceback
    connect_timeout: float = 5.0
    read_timeout: float = 30.0  # plus read_timeout_per_second x seconds of audio
    read_timeout_per_second: float = 1.0
    verify: bool | str = True  # or a CA bundle path
    headers: Mapping[str, str] = field(default_factory=dict)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def host_port(self) -> str:
        parts = urlsplit(self.base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{parts.hostname}:{port}"


Sleep = Callable[[float], Awaitable[None]]


class AsrClient:
    """One connection pool to one server. Use as ``async with AsrClient(config) as c``."""

    def __init__(self, config: ServerConfig, *, transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Sleep = asyncio.sleep, rng: Callable[[], float] = random.random,
                 limits: ReplyLimits | None = None) -> None:
        self.config = config
        self.limits = limits or ReplyLimits()
        # Told of every error about to be retried (the scheduler learns from 429 here).
        self.retry_listeners: list[Callable[[AsrError], None]] = []
        self._sleep = sleep
        self._rng = rng
        headers = {"User-Agent": f"desktop-asr/{__version__}", **dict(config.headers)}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        verify: bool | ssl.SSLContext = True
        if isinstance(config.verify, str):
            verify = ssl.create_default_context(cafile=config.verify)
        else:
            verify = config.verify
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            headers=headers,
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
            verify=verify,
            transport=transport,
            trust_env=True,
        )

    async def __aenter__(self) -> AsrClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- calls -------------------------------------------------------------------------
    async def list_models(self) -> list[str]:
        """The model names the server serves (GET /v1/models)."""

        async def read(response: httpx.Response, activity: Activity) -> list[str]:
            if response.status_code >= 400:
                await self._raise_for_status(response, activity, "")
            body = await read_reply(response, self.limits.reply_bytes, activity)
            return self._model_names(response.status_code, body)

        def build() -> httpx.Request:
            return self._http.build_request("GET", "/v1/models")

        return await self._with_retries(
            lambda: self._exchange(build(), self.config.read_timeout, read))

    def _model_names(self, status: int, body: bytes) -> list[str]:
        """The ids of a model list; anything else than a list of objects with plain names
        is a BadResponseError."""
        try:
            data = loads(body)
        except ValueError:
            data = None
        items = data.get("data") if isinstance(data, dict) else None
        names = [item.get("id") if isinstance(item, dict) else None
                 for item in items[:MAX_MODELS]] if isinstance(items, list) else [None]
        if not all(_plain_name(name) for name in names):
            raise BadResponseError(
                "The server sent a model list that is not what an OpenAI-compatible server "
                "sends. Is the URL right?", status=status,
                details=body[:2000].decode("utf-8", "replace"))
        return [str(name) for name in names]

    async def transcribe(
        self,
        body: dict[str, Any],
        *,
        audio_seconds: float = 0.0,
        forced_language: str | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> AsrReply:
        """POST one chat-completions body; retried on connection errors, 429 and 5xx.

        With ``body["stream"]`` true, ``on_text`` receives the transcript as it arrives
        (it may receive a piece again after a retry: it is given the whole text so far,
        once per network read that added to it).
        """
        return await self.transcribe_json(
            encode_json_body(body), str(body.get("model", "")), audio_seconds=audio_seconds,
            forced_language=forced_language, on_text=on_text)

    async def transcribe_json(
        self,
        payload: bytes,
        model: str,
        *,
        audio_seconds: float = 0.0,
        forced_language: str | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> AsrReply:
        """``transcribe`` of a body already encoded (``encode_json_body``): a caller that
        sends it to several servers keeps one copy, not the body and its encoding."""
        timeout = self._timeout(audio_seconds)

        def build() -> httpx.Request:
            return self._http.build_request("POST", CHAT_PATH, content=payload,
                                            headers=JSON_HEADERS, timeout=timeout)

        return await self._send(build, model, audio_seconds, transcriptions=False,
                                forced_language=forced_language, on_text=on_text)

    async def transcribe_upload(
        self,
        audio: bytes,
        filename: str,
        mime: str,
        fields: Mapping[str, str],
        *,
        audio_seconds: float = 0.0,
        forced_language: str | None = None,
        stream: bool = False,
        on_text: Callable[[str], None] | None = None,
    ) -> AsrReply:
        """POST one piece of audio as multipart/form-data to /v1/audio/transcriptions
        (OpenAI's upload API; ``fields`` from ``build_transcription_fields``). Retries,
        timeouts, streaming and errors as for ``transcribe``.

        ``forced_language`` only names the reply's language when the server reports none:
        the endpoint may ignore a forced language (vLLM does).
        """
        timeout = self._timeout(audio_seconds)
        form = dict(fields)
        if stream:
            form["stream"] = "true"
        else:
            form.pop("stream", None)
        model = form.get("model", "")

        def build() -> httpx.Request:
            return self._http.build_request(
                "POST", TRANSCRIPTIONS_PATH, data=form, files={"file": (filename, audio, mime)},
                timeout=timeout,
            )

        return await self._send(build, model, audio_seconds, transcriptions=True,
                                forced_language=forced_language, on_text=on_text)

    async def _send(self, build: Callable[[], httpx.Request], model: str,
                    audio_seconds: float, *, transcriptions: bool, forced_language: str | None,
                    on_text: Callable[[str], None] | None) -> AsrReply:
        """Send ``build()`` (again on each try) within the request's deadline, parse the
        reply of either API style (a stream or a whole reply, whatever was asked), and name
        the served models when ``model`` is not one of them."""
        parse = parse_transcription if transcriptions else parse_chat_completion

        async def read(response: httpx.Response, activity: Activity) -> AsrReply:
            if response.status_code >= 400:
                await self._raise_for_status(response, activity, model)
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" in content_type:
                return await self._read_stream(response, activity, forced_language, on_text,
                                               transcriptions=transcriptions)
            # A whole reply: asked for, or from a server that ignores "stream".
            body = await read_reply(response, self.limits.reply_bytes, activity)
            return parse(response.status_code, body, content_type=content_type,
                         forced_language=forced_language,
                         max_text_chars=self.limits.text_chars)

        deadline = self._deadline(audio_seconds)
        try:
            return await self._with_retries(lambda: self._exchange(build(), deadline, read))
        except ModelNotFoundError as exc:
            raise await self._model_not_found(model, exc) from None

    def _deadline(self, audio_seconds: float) -> float:
        """The read-timeout budget: the whole request must be done within it."""
        return self.config.read_timeout + self.config.read_timeout_per_second * audio_seconds

    def _timeout(self, audio_seconds: float) -> httpx.Timeout:
        return httpx.Timeout(self._deadline(audio_seconds), connect=self.config.connect_timeout)

    async def _exchange(self, request: httpx.Request, deadline: float,
                        read: Callable[[httpx.Response, Activity], Awaitable[T]]) -> T:
        """Send ``request`` and ``read`` its response, all within ``deadline`` seconds."""
        activity = Activity()

        async def exchange() -> T:
            response = await self._http.send(request, stream=True)
            activity.touch()
            try:
                return await read(response, activity)
            finally:
                await response.aclose()
                # An httpx response and its stream refer to each other: a cycle that kept
                # the request (megabytes of audio) alive until the collector's next full
                # pass, and a long file's memory grew with it.
                response.stream = httpx.ByteStream(b"")

        try:
            return await asyncio.wait_for(exchange(), deadline)
        except asyncio.TimeoutError:
            raise deadline_error(self.config.host_port, deadline,
                                 activity.idle_seconds()) from None

    async def _read_stream(self, response: httpx.Response, activity: Activity,
                           forced_language: str | None,
                           on_text: Callable[[str], None] | None,
                           *, transcriptions: bool) -> AsrReply:
        decoder = SseDecoder(self.limits.reply_bytes)
        # A transcriptions stream may keep its prefix even when a language was forced.
        assembler = StreamAssembler(None if transcriptions else forced_language,
                                    max_text_chars=self.limits.text_chars)
        shown = ""
        async for chunk in response.aiter_bytes():
            activity.touch()
            new = "".join([assembler.add(transcription_event_as_chunk(data)
                                         if transcriptions else data)
                           for data in decoder.feed(chunk)])
            if new and on_text is not None:
                shown += new
                on_text(shown)
        for data in decoder.close():
            assembler.add(transcription_event_as_chunk(data) if transcriptions else data)
        if not assembler.done and not assembler.finish_reason:
            raise BadResponseError("The server's stream ended before the transcript did.")
        reply = assembler.reply()
        if not reply.language and forced_language:
            reply = replace(reply, language=forced_language)
        return reply

    async def _raise_for_status(self, response: httpx.Response, activity: Activity,
                                model: str) -> None:
        """Raise the error of an HTTP error answer, from the first part of its body."""
        if response.status_code < 400:
            return
        body, _complete = await read_capped(response, self.limits.error_bytes, activity)
        raise error_from_response(
            response.status_code, body,
            content_type=response.headers.get("content-type", ""),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            model=model,
        )

    async def _model_not_found(self, model: str, exc: ModelNotFoundError) -> ModelNotFoundError:
        try:
            available = await self.list_models()
        except AsrError:
            available = []
        return ModelNotFoundError(
            f"Model not found: the server does not serve {clip(model, 200)!r}; available: "
            f"{listed_models(available)}.", model=model, available=available, status=exc.status,
            server_message=exc.server_message, where=self.config.host_port,
        )

    # --- retries -----------------------------------------------------------------------
    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        policy = self.config.retry
        attempts = max(1, policy.attempts)
        for attempt in range(attempts):
            try:
                return await call()
            except httpx.HTTPError as exc:
                error: AsrError = describe_http_error(exc, self.config.host_port,
                                                      self.config.connect_timeout)
            except AsrError as exc:
                error = named(exc, self.config.host_port)
            if not error.retryable or attempt + 1 >= attempts:
                raise error
            for listener in self.retry_listeners:
                listener(error)
            delay = policy.delay(attempt, self._rng)
            if isinstance(error, RetryableServerError) and error.retry_after is not None:
                delay = min(error.retry_after, policy.retry_after_max)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
