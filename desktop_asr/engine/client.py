"""HTTP client for a Qwen3-ASR server: timeouts, retries with backoff, streaming,
cancellation (cancel the asyncio task that awaits a call)."""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from desktop_asr import __version__
from desktop_asr.engine.replies import (
    AsrReply,
    error_from_response,
    parse_chat_completion,
    parse_retry_after,
    parse_transcription,
    transcription_event_as_chunk,
)
from desktop_asr.engine.requests import CHAT_PATH, TRANSCRIPTIONS_PATH, encode_json_body
from desktop_asr.engine.sse import SseDecoder, StreamAssembler
from desktop_asr.errors import (
    AsrError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
    ServerError,
    ServerTimeoutError,
    ServerUnreachableError,
)

T = TypeVar("T")
JSON_HEADERS = {"Content-Type": "application/json"}


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
                 sleep: Sleep = asyncio.sleep, rng: Callable[[], float] = random.random) -> None:
        self.config = config
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

        async def call() -> list[str]:
            response = await self._http.get("/v1/models")
            if response.status_code >= 400:
                raise error_from_response(
                    response.status_code, response.content,
                    content_type=response.headers.get("content-type", ""),
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                )
            try:
                data = response.json()
                return [str(m["id"]) for m in data["data"]]
            except (ValueError, KeyError, TypeError):
                raise BadResponseError(
                    "The server's model list is not what an OpenAI-compatible server sends. "
                    "Is the URL right?", status=response.status_code,
                    details=response.text[:2000],
                ) from None

        return await self._with_retries(call)

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
        (it may receive a piece again after a retry: it is given the whole text so far).
        """
        timeout = self._timeout(audio_seconds)
        model = str(body.get("model", ""))
        payload = encode_json_body(body)  # once, for every try

        def build() -> httpx.Request:
            return self._http.build_request("POST", CHAT_PATH, content=payload,
                                            headers=JSON_HEADERS, timeout=timeout)

        return await self._send(build, model, stream=bool(body.get("stream")),
                                transcriptions=False, forced_language=forced_language,
                                on_text=on_text)

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

        return await self._send(build, model, stream=stream, transcriptions=True,
                                forced_language=forced_language, on_text=on_text)

    async def _send(self, build: Callable[[], httpx.Request], model: str, *, stream: bool,
                    transcriptions: bool, forced_language: str | None,
                    on_text: Callable[[str], None] | None) -> AsrReply:
        """Send ``build()`` (again on each try), parse the reply of either API style, and
        name the served models when ``model`` is not one of them."""
        parse = parse_transcription if transcriptions else parse_chat_completion

        async def call() -> AsrReply:
            if stream:
                return await self._post_stream(build(), model, forced_language, on_text,
                                               transcriptions=transcriptions)
            response = await self._http.send(build())
            self._raise_for_status(response, model)
            return parse(response.status_code, response.content,
                         content_type=response.headers.get("content-type", ""),
                         forced_language=forced_language)

        try:
            return await self._with_retries(call)
        except ModelNotFoundError as exc:
            raise await self._model_not_found(model, exc) from None

    def _timeout(self, audio_seconds: float) -> httpx.Timeout:
        return httpx.Timeout(
            self.config.read_timeout + self.config.read_timeout_per_second * audio_seconds,
            connect=self.config.connect_timeout,
        )

    async def _post_stream(self, request: httpx.Request, model: str,
                           forced_language: str | None,
                           on_text: Callable[[str], None] | None,
                           *, transcriptions: bool) -> AsrReply:
        response = await self._http.send(request, stream=True)
        try:
            if response.status_code >= 400:
                await response.aread()
                self._raise_for_status(response, model)
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" not in content_type:
                # A server that ignores "stream": a whole reply (or an error with 200).
                await response.aread()
                parse = parse_transcription if transcriptions else parse_chat_completion
                return parse(response.status_code, response.content,
                             content_type=content_type, forced_language=forced_language)
            decoder = SseDecoder()
            # A transcriptions stream may keep its prefix even when a language was forced.
            assembler = StreamAssembler(None if transcriptions else forced_language)
            shown = ""
            async for chunk in response.aiter_bytes():
                for data in decoder.feed(chunk):
                    new = assembler.add(transcription_event_as_chunk(data)
                                        if transcriptions else data)
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
        finally:
            await response.aclose()

    def _raise_for_status(self, response: httpx.Response, model: str) -> None:
        if response.status_code < 400:
            return
        raise error_from_response(
            response.status_code, response.content,
            content_type=response.headers.get("content-type", ""),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            model=model,
        )

    async def _model_not_found(self, model: str, exc: ModelNotFoundError) -> ModelNotFoundError:
        try:
            available = await self.list_models()
        except AsrError:
            available = []
        listed = ", ".join(available) if available else "none listed"
        return ModelNotFoundError(
            f"Model not found: the server does not serve {model!r}; available: {listed}.",
            model=model, available=available, status=exc.status,
            server_message=exc.server_message,
        )

    # --- retries -----------------------------------------------------------------------
    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        policy = self.config.retry
        attempts = max(1, policy.attempts)
        for attempt in range(attempts):
            try:
                return await call()
            except httpx.HTTPError as exc:
                error: AsrError = self._describe(exc)
            except AsrError as exc:
                error = exc
            if not error.retryable or attempt + 1 >= attempts:
                raise error
            delay = policy.delay(attempt, self._rng)
            if isinstance(error, RetryableServerError) and error.retry_after is not None:
                delay = min(error.retry_after, policy.retry_after_max)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _describe(self, exc: httpx.HTTPError) -> AsrError:
        where = self.config.host_port
        text = str(exc) or exc.__class__.__name__
        if isinstance(exc, httpx.ConnectTimeout):
            return ServerUnreachableError(
                f"Server unreachable at {where}: no answer within "
                f"{self.config.connect_timeout:g} s.", details=text)
        if isinstance(exc, httpx.TimeoutException):
            return ServerTimeoutError(
                f"The server at {where} took too long to answer{_read_timeout(exc)}.",
                details=text)
        if isinstance(exc, httpx.ConnectError):
            causes = exception_chain(exc)
            low = " ".join([text, *(str(c) for c in causes)]).lower()
            if "certificate" in low or "ssl" in low or "tls" in low:
                return ServerError(f"TLS failed with {where}: {_tls_reason(low)}",
                                   details=text)
            if any(isinstance(c, socket.gaierror) for c in causes) or (
                "name or service not known" in low or "name resolution" in low
            ):
                error: AsrError = ServerUnreachableError(
                    f"Server unreachable at {where}: the host name cannot be resolved.",
                    details=text)
                error.retryable = False  # a wrong name does not get right by waiting
                return error
            if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in low:
                return ServerUnreachableError(
                    f"Server unreachable at {where}: connection refused (is the server "
                    "running on that port?).", details=text)
            return ServerUnreachableError(f"Server unreachable at {where}: {text}.",
                                          details=text)
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            return ServerUnreachableError(
                f"The connection to {where} broke off before the reply was complete.",
                details=text)
        return ServerError(f"Talking to {where} failed: {text}.", details=text)


def _read_timeout(exc: httpx.TimeoutException) -> str:
    """" (no reply within 30 s)" from the timeout the request carried, else ""."""
    try:
        seconds = exc.request.extensions["timeout"]["read"]
    except (RuntimeError, KeyError, TypeError):
        return ""
    return f" (no reply within {seconds:g} s)" if isinstance(seconds, (int, float)) else ""


def _tls_reason(low: str) -> str:
    """What an SSL error text means, in words."""
    if "wrong version number" in low or "record layer" in low or "packet length" in low:
        return ("the server does not speak TLS on this port (try http:// instead of "
                "https://).")
    if "certificate" in low:
        return ("the server's certificate is not trusted (self-signed, expired or for "
                "another name); give the CA bundle that signed it or check the address.")
    return "the server's certificate is not trusted or the connection is not TLS."


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The chain of exceptions behind ``exc`` (httpx wraps the OS error)."""
    chain: list[BaseException] = []
    current = exc.__cause__ or exc.__context__
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
