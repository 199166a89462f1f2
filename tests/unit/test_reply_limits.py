"""A hostile server against the client (desktop_asr.engine.client over httpx.MockTransport):
replies past the caps fail in words naming HOST:PORT after reading no more than the cap,
error bodies are read to their cap and quoted as one clipped line, JSON of the wrong type or
nesting is a BadResponseError, and each request ends by its deadline, however the server
keeps the connection busy. Smaller limits keep these fast; the real 64 MB is in
tests/integration/test_hostile_server.py."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.limits import ReplyLimits, size_words
from desktop_asr.engine.replies import error_from_json_body, parse_retry_after, server_message
from desktop_asr.engine.requests import build_chat_request
from desktop_asr.errors import BadResponseError, ServerError, ServerTimeoutError

pytestmark = pytest.mark.timeout(20)

BASE = "http://10.0.0.5:30101"
WHERE = "10.0.0.5:30101"
BODY = build_chat_request(model="qwen3-asr", audio_url="data:audio/flac;base64,ZkxhQw==")
LIMITS = ReplyLimits(reply_bytes=64 * 1024, text_chars=4096, error_bytes=4096)
MODELS = {"object": "list", "data": [{"id": "qwen3-asr", "object": "model"}]}


class Body(httpx.AsyncByteStream):
    """A response body from an async generator; counts what was taken from it."""

    def __init__(self, parts: Callable[[], AsyncIterator[bytes]]) -> None:
        self.parts = parts
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self.parts():
            self.taken += len(part)
            yield part


def endless(block: bytes, pause: float = 0.0) -> Callable[[], AsyncIterator[bytes]]:
    async def parts() -> AsyncIterator[bytes]:
        while True:
            yield block
            await asyncio.sleep(pause)
    return parts


def run(handler, action, *, attempts: int = 4, read_timeout: float = 30.0,
        limits: ReplyLimits = LIMITS):
    """``await action(client)``: (its result or exception, the retry sleeps, seconds)."""
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main():
        config = ServerConfig(base_url=BASE, read_timeout=read_timeout,
                              read_timeout_per_second=0.0,
                              retry=RetryPolicy(attempts=attempts))
        async with AsrClient(config, transport=httpx.MockTransport(handler), sleep=fake_sleep,
                             rng=lambda: 1.0, limits=limits) as client:
            try:
                return await action(client)
            except Exception as exc:  # returned, so the test can look at it
                return exc

    started = time.monotonic()
    result = asyncio.run(main())
    return result, sleeps, time.monotonic() - started


def transcribe(client: AsrClient):
    return client.transcribe(BODY)


def stream(client: AsrClient):
    return client.transcribe({**BODY, "stream": True}, on_text=lambda text: None)


def chat_reply(content: object) -> dict:
    return {"object": "chat.completion", "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant",
                                                          "content": content}}]}


def assert_too_large(error: object) -> None:
    assert isinstance(error, BadResponseError), error
    assert str(error).startswith(f"The server at {WHERE} sent ")
    assert "the server's reply is too large" in str(error)


# --- sizes ---------------------------------------------------------------------------------
def test_an_endless_reply_is_refused_after_reading_the_cap():
    body = Body(endless(b" " * 4096))
    result, sleeps, _ = run(lambda r: httpx.Response(200, stream=body), transcribe)
    assert_too_large(result)
    assert "more than 64 KiB" in str(result)
    assert body.taken <= LIMITS.reply_bytes + 4096
    assert sleeps == []  # not retried: it would send the same


def test_a_declared_length_past_the_cap_is_refused_before_reading():
    body = Body(endless(b" " * 4096))
    response = httpx.Response(200, headers={"Content-Length": str(64 * 1024**2)}, stream=body)
    result, _, _ = run(lambda r: response, transcribe)
    assert_too_large(result)
    assert "64 MiB" in str(result)
    assert body.taken == 0


def test_a_text_past_its_cap_is_refused():
    reply = httpx.Response(200, json=chat_reply("language English<asr_text>" + "x" * 5000))
    result, _, _ = run(lambda r: reply, transcribe)
    assert_too_large(result)
    assert "4,096 characters" in str(result)


def test_a_reply_at_the_caps_still_works():
    alphabet = "abcdefghijklmnopqrstuvwxyz"  # no pattern the repetition fix would collapse
    text = (alphabet * 200)[: 4096 - len("language English<asr_text>")]
    reply = httpx.Response(200, json=chat_reply("language English<asr_text>" + text))
    result, _, _ = run(lambda r: reply, transcribe)
    assert result.text == text


def test_an_endless_stream_of_text_is_refused_at_the_text_cap():
    event = b'data: {"choices":[{"delta":{"content":"abcd"}}]}\n\n'
    body = Body(endless(event * 64))
    response = httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=body)
    result, _, _ = run(lambda r: response, stream)
    assert_too_large(result)
    assert "transcript" in str(result)


def test_an_endless_error_body_is_read_to_its_cap_and_quoted_clipped():
    body = Body(endless(b"\x1b[2J\x07 no \r\n" * 500))  # escapes, bell, line breaks, forever
    result, _, _ = run(lambda r: httpx.Response(400, stream=body), transcribe)
    assert isinstance(result, ServerError)
    assert body.taken <= LIMITS.error_bytes + 8000
    message = str(result)
    assert message.startswith("400: the server refused the request.")
    assert len(message) < 600
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in message)


def test_a_huge_message_in_an_error_json_is_clipped():
    body = json.dumps({"error": {"message": "too long " * 5000, "code": 400}}).encode()
    message = server_message(body)
    assert len(message) <= 500
    assert message.endswith("\u2026")


# --- JSON types and nesting ----------------------------------------------------------------
@pytest.mark.parametrize("data", [
    '{"choices": ' + "[" * 100_000 + "]" * 100_000 + "}",  # past the parser's depth
    json.dumps({"choices": {"0": {"message": {"content": "Hi"}}}}),
    json.dumps({"choices": ["Hi"]}),
    json.dumps({"choices": [{"message": "Hi"}]}),
    json.dumps(chat_reply({"text": "Hi"})),
    json.dumps({**chat_reply("Hi"), "choices": [{"message": {"content": "Hi"},
                                                 "finish_reason": ["stop"]}]}),
])
def test_a_reply_of_the_wrong_shape_is_a_bad_response(data):
    response = httpx.Response(200, content=data.encode(),
                              headers={"Content-Type": "application/json"})
    result, sleeps, _ = run(lambda r: response, transcribe)
    assert isinstance(result, BadResponseError), result
    assert str(result).startswith(f"The server at {WHERE} sent a reply ")
    assert sleeps == []


def test_a_usage_of_the_wrong_type_is_dropped():
    response = httpx.Response(200, json={**chat_reply("Hi"), "usage": "lots"})
    result, _, _ = run(lambda r: response, transcribe)
    assert (result.text, result.usage) == ("Hi", {})


@pytest.mark.parametrize("models", [
    {"data": {"id": "qwen3-asr"}},
    {"data": ["qwen3-asr"]},
    {"data": [{"id": 7}]},
    {"data": [{"id": ""}]},
    {"data": [{"id": "qwen3\x1b[2J-asr"}]},  # a name that would rewrite a terminal
    {"data": [{"id": "x" * 5000}]},
    {"data": [[[[[[[["deep"]]]]]]]]},
    ["qwen3-asr"],
])
def test_a_model_list_of_the_wrong_shape_is_a_bad_response(models):
    response = httpx.Response(200, content=json.dumps(models).encode())
    result, _, _ = run(lambda r: response, lambda c: c.list_models())
    assert isinstance(result, BadResponseError), result
    assert str(result).startswith(f"The server at {WHERE} sent a model list ")


def test_an_endless_model_list_is_refused():
    body = Body(endless(b" " * 4096))
    result, _, _ = run(lambda r: httpx.Response(200, stream=body), lambda c: c.list_models())
    assert_too_large(result)


def test_hostile_numbers_in_headers_and_error_codes():
    assert parse_retry_after("nan") is None
    assert parse_retry_after("inf") is None
    assert parse_retry_after("1e999") is None
    assert parse_retry_after("7") == 7.0
    body = b'{"error": {"message": "busy", "code": 1e999}}'
    error = error_from_json_body(json.loads(body), body)
    assert isinstance(error, ServerError)
    assert error.status == 500


def test_size_words():
    assert [size_words(n) for n in (1000, 65536, 16 * 1024**2, 3 * 1024**3 // 2)] == [
        "1000 bytes", "64 KiB", "16 MiB", "1.5 GiB"]


# --- deadlines -----------------------------------------------------------------------------
def sse_response(body: Body) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=body)


@pytest.mark.parametrize(("name", "make"), [
    ("keep-alive comments", lambda: sse_response(Body(endless(b": ping\n\n", 0.02)))),
    ("a trickle", lambda: sse_response(Body(endless(b" ", 0.02)))),
    ("text that never ends", lambda: sse_response(Body(endless(
        b'data: {"choices":[{"delta":{"content":"a"}}]}\n\n', 0.02)))),
    ("a plain reply of spaces", lambda: httpx.Response(200, stream=Body(endless(b" ", 0.02)))),
])
def test_a_server_that_keeps_sending_stops_at_the_deadline_not_retried(name, make):
    result, sleeps, seconds = run(lambda r: make(), stream, read_timeout=0.5)
    assert isinstance(result, ServerTimeoutError), (name, result)
    assert str(result).startswith(f"The server at {WHERE} kept the connection busy")
    assert "within 0.5 s" in str(result)
    assert sleeps == []  # it would only do it again
    assert 0.5 <= seconds < 5


def test_a_silent_server_times_out_at_the_deadline_and_is_retried():
    async def silent(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        return httpx.Response(200)

    result, sleeps, seconds = run(silent, transcribe, read_timeout=0.3, attempts=2)
    assert isinstance(result, ServerTimeoutError)
    assert str(result) == (f"The server at {WHERE} took too long to answer (no reply within "
                           "0.3 s).")
    assert sleeps == [0.5]  # retried once, like a read timeout
    assert seconds < 5
