"""The HTTP client (desktop_asr.engine.client) against httpx.MockTransport: retries with
backoff (an injected sleep records the delays, rng=lambda: 1.0 takes the jitter out),
errors in words, headers, streaming. No network, no real sleeping."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig, normalize_base_url
from desktop_asr.engine.requests import build_chat_request
from desktop_asr.errors import (
    AuthenticationError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
    ServerError,
    ServerTimeoutError,
    ServerUnreachableError,
)

pytestmark = pytest.mark.timeout(10)

BASE = "http://10.0.0.5:30101"
BODY = build_chat_request(model="qwen3-asr", audio_url="data:audio/flac;base64,ZkxhQw==")


def reply(content: str | None = "language English<asr_text>Hello, how are you?") -> httpx.Response:
    return httpx.Response(200, json={
        "id": "chatcmpl-1", "object": "chat.completion", "model": "qwen3-asr",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 41, "completion_tokens": 10, "total_tokens": 51}})


def vllm_error(status: int, message: str, type_: str = "BadRequestError",
               headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers,
                          json={"error": {"message": message, "type": type_, "code": status}})


class Server:
    """A scripted server: answers the n-th chat-completions POST with ``script[n]`` (a
    response, or an exception to raise), and GET /v1/models with ``models``."""

    def __init__(self, script: list, models: list[str] | None = None) -> None:
        self.script = list(script)
        self.models = models or ["qwen3-asr"]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "GET" and request.url.path == "/v1/models":
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": m, "object": "model"} for m in self.models]})
        assert request.method == "POST"
        assert request.url.path == "/v1/chat/completions"
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step

    @property
    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST"]


def run(server: Server, action: Callable, *, api_key: str | None = None,
        attempts: int = 4) -> tuple[object, list[float]]:
    """Run ``await action(client)``; return (its result or the exception, the sleeps)."""
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main():
        config = ServerConfig(base_url=BASE, api_key=api_key,
                              retry=RetryPolicy(attempts=attempts))
        async with AsrClient(config, transport=httpx.MockTransport(server), sleep=fake_sleep,
                             rng=lambda: 1.0) as client:
            try:
                return await action(client)
            except Exception as exc:  # returned, so the test can look at it
                return exc

    return asyncio.run(main()), sleeps


def transcribe(client: AsrClient, **kwargs):
    return client.transcribe(BODY, **kwargs)


def assert_in_words(error: BaseException) -> None:
    message = str(error)
    assert len(message.split()) >= 4, message
    assert "Traceback" not in message
    assert "b'" not in message


# --- backoff ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 20.0), (10, 20.0)],
)
def test_backoff_doubles_from_half_a_second_up_to_20s(attempt, expected):
    assert RetryPolicy().delay(attempt, lambda: 1.0) == expected


def test_backoff_jitter_scales_the_delay():
    assert RetryPolicy().delay(2, lambda: 0.25) == 0.5
    assert RetryPolicy().delay(2, lambda: 0.0) == 0.0


# --- retries ------------------------------------------------------------------------------
def test_503_503_200_succeeds_after_two_growing_sleeps():
    server = Server([vllm_error(503, "busy", "ServiceUnavailableError"),
                     vllm_error(503, "busy", "ServiceUnavailableError"), reply()])
    result, sleeps = run(server, transcribe)
    assert result.text == "Hello, how are you?"
    assert result.language == "English"
    assert len(server.posts) == 3
    assert sleeps == [0.5, 1.0]


def test_503_forever_gives_up_after_the_policy_attempts():
    server = Server([vllm_error(503, "busy", "ServiceUnavailableError")])
    result, sleeps = run(server, transcribe, attempts=4)
    assert isinstance(result, RetryableServerError)
    assert result.status == 503
    assert len(server.posts) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert_in_words(result)


def test_429_with_retry_after_sleeps_that_long():
    server = Server([vllm_error(429, "slow down", headers={"Retry-After": "3"}), reply()])
    result, sleeps = run(server, transcribe)
    assert result.text == "Hello, how are you?"
    assert sleeps == [3.0]
    assert len(server.posts) == 2


def test_huge_retry_after_is_capped():
    server = Server([vllm_error(429, "slow down", headers={"Retry-After": "3600"}), reply()])
    _, sleeps = run(server, transcribe)
    assert sleeps == [RetryPolicy().retry_after_max]


def test_nginx_502_page_is_retried_and_named():
    page = httpx.Response(502, headers={"Content-Type": "text/html"},
                          content=b"<html><head><title>502 Bad Gateway</title></head>"
                                  b"<body><h1>502 Bad Gateway</h1></body></html>")
    result, sleeps = run(Server([page]), transcribe, attempts=2)
    assert isinstance(result, RetryableServerError)
    assert "502 Bad Gateway" in str(result)
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (vllm_error(400, "max_tokens must be at least 1"), ServerError),
        (httpx.Response(401, json={"error": "Unauthorized"}), AuthenticationError),
        (httpx.Response(403, json={"error": "Forbidden"}), AuthenticationError),
        (httpx.Response(404, json={"detail": "Not Found"}), ServerError),
    ],
)
def test_client_errors_are_not_retried(response, expected):
    server = Server([response, reply()])
    result, sleeps = run(server, transcribe)
    assert isinstance(result, expected)
    assert not isinstance(result, RetryableServerError)
    assert len(server.posts) == 1
    assert sleeps == []
    assert_in_words(result)


def test_connection_refused_is_retried_then_unreachable_naming_host_and_port():
    server = Server([httpx.ConnectError("[Errno 111] Connection refused")])
    result, sleeps = run(server, transcribe)
    assert isinstance(result, ServerUnreachableError)
    assert "10.0.0.5:30101" in str(result)
    assert len(server.posts) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert_in_words(result)


def test_connection_error_then_success():
    server = Server([httpx.ConnectError("[Errno 111] Connection refused"), reply()])
    result, sleeps = run(server, transcribe)
    assert result.text == "Hello, how are you?"
    assert sleeps == [0.5]


def test_read_timeout_is_retried_then_a_timeout_error():
    server = Server([httpx.ReadTimeout("timed out")])
    result, sleeps = run(server, transcribe, attempts=2)
    assert isinstance(result, ServerTimeoutError)
    assert "10.0.0.5:30101" in str(result)
    assert sleeps == [0.5]


def test_read_timeout_names_the_timeout_of_that_request():
    # 30 s plus 1 s per second of audio (ServerConfig's defaults): 30 + 12.5.
    server = Server([httpx.ReadTimeout("timed out")])
    result, _ = run(server, lambda c: c.transcribe(BODY, audio_seconds=12.5), attempts=1)
    assert isinstance(result, ServerTimeoutError)
    assert "(no reply within 42.5 s)" in str(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)",
         "does not speak TLS on this port"),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
         "certificate (_ssl.c:1006)", "certificate is not trusted (self-signed"),
    ],
)
def test_tls_failures_say_what_is_wrong_and_are_not_retried(text, expected):
    server = Server([httpx.ConnectError(text)])
    result, sleeps = run(server, transcribe)
    assert isinstance(result, ServerError)
    assert str(result).startswith("TLS failed with 10.0.0.5:30101: ")
    assert expected in str(result)
    assert sleeps == []


def test_connection_dropped_mid_reply_is_retried():
    server = Server([httpx.RemoteProtocolError("peer closed connection"), reply()])
    result, _sleeps = run(server, transcribe)
    assert result.text == "Hello, how are you?"
    assert len(server.posts) == 2


def test_error_body_with_http_200_is_raised_typed():
    bad = httpx.Response(200, json={"object": "error", "message": "The model `qwen3` does "
                                    "not exist.", "type": "NotFoundError", "code": 404})
    result, _ = run(Server([bad], models=["qwen3-asr"]), transcribe)
    assert isinstance(result, ModelNotFoundError)


def test_garbage_reply_is_a_bad_response_not_retried():
    server = Server([httpx.Response(200, content=b'{"choices": [{"mess'), reply()])
    result, sleeps = run(server, transcribe)
    assert isinstance(result, BadResponseError)
    assert len(server.posts) == 1
    assert sleeps == []


# --- model not found ----------------------------------------------------------------------
def test_model_not_found_lists_the_served_models():
    server = Server([vllm_error(404, "The model `qwen3` does not exist.", "NotFoundError")],
                    models=["qwen3-asr", "qwen3-asr-0.6b"])
    result, sleeps = run(server, transcribe)
    assert isinstance(result, ModelNotFoundError)
    assert "qwen3-asr" in str(result)
    assert "qwen3-asr-0.6b" in str(result)
    assert result.available == ["qwen3-asr", "qwen3-asr-0.6b"]
    assert result.model == "qwen3-asr"
    assert len(server.posts) == 1
    assert sleeps == []
    assert_in_words(result)


def test_list_models():
    server = Server([reply()], models=["qwen3-asr", "other"])
    result, _ = run(server, lambda c: c.list_models())
    assert result == ["qwen3-asr", "other"]
    assert server.requests[0].url == httpx.URL(BASE + "/v1/models")


# --- headers and body -----------------------------------------------------------------------
def test_api_key_is_sent_as_bearer_token():
    server = Server([reply()])
    run(server, transcribe, api_key="sk-test")
    run(server, lambda c: c.list_models(), api_key="sk-test")
    assert [r.headers.get("authorization") for r in server.requests] == ["Bearer sk-test"] * 2


@pytest.mark.parametrize("api_key", [None, ""])
def test_no_authorization_header_without_a_key(api_key):
    server = Server([reply()])
    run(server, transcribe, api_key=api_key)
    run(server, lambda c: c.list_models(), api_key=api_key)
    assert all("authorization" not in r.headers for r in server.requests)


def test_the_body_is_posted_as_json_to_chat_completions():
    server = Server([reply()])
    run(server, transcribe)
    request = server.posts[0]
    assert request.url == httpx.URL(BASE + "/v1/chat/completions")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == BODY


# --- streaming ----------------------------------------------------------------------------
def _sse(*events: dict | str) -> list[bytes]:
    out = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False)
        out.append(f"data: {data}\n\n".encode())
    return out


def _delta(content=None, role=None, finish_reason=None) -> dict:
    d = {k: v for k, v in (("role", role), ("content", content)) if v is not None}
    return {"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": d, "finish_reason": finish_reason}]}


class Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self):
        for chunk in self.chunks:
            yield chunk


def sse_response(chunks: list[bytes]) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "text/event-stream"},
                          stream=Chunks(chunks))


STREAM_BODY = {**BODY, "stream": True}


def stream_call(seen: list[str]):
    return lambda c: c.transcribe(STREAM_BODY, on_text=seen.append)


def test_streaming_calls_on_text_with_the_growing_text():
    events = _sse(_delta("", role="assistant"), _delta("language Eng"),
                  _delta("lish<asr_text>Hello"), _delta(", how"), _delta(" are you?"),
                  _delta(finish_reason="stop"), {"choices": [], "usage": {"total_tokens": 51}},
                  "[DONE]")
    # Cut the bytes at odd places, as a network would.
    raw = b"".join(events)
    chunks = [raw[i : i + 7] for i in range(0, len(raw), 7)]
    seen: list[str] = []
    result, _ = run(Server([sse_response(chunks)]), stream_call(seen))
    assert seen == ["Hello", "Hello, how", "Hello, how are you?"]
    assert (result.text, result.language) == ("Hello, how are you?", "English")
    assert result.usage == {"total_tokens": 51}


def test_stream_error_event_mid_way_is_a_typed_error():
    events = _sse(_delta("language English<asr_text>Hel"),
                  {"error": {"message": "The encoder input exceeds the pre-allocated encoder "
                             "cache size 2048.", "type": "BadRequestError", "code": 400}})
    seen: list[str] = []
    result, sleeps = run(Server([sse_response(events)]), stream_call(seen))
    assert isinstance(result, ServerError)
    assert "encoder cache" in str(result)
    assert seen == ["Hel"]
    assert sleeps == []


def test_stream_cut_off_before_the_end_is_a_bad_response():
    events = _sse(_delta("language English<asr_text>Hel"))  # no finish_reason, no [DONE]
    result, _ = run(Server([sse_response(events)]), stream_call([]), attempts=1)
    assert isinstance(result, BadResponseError)
    assert_in_words(result)


def test_stream_request_that_gets_a_plain_reply_still_works():
    seen: list[str] = []
    result, _ = run(Server([reply()]), stream_call(seen))
    assert result.text == "Hello, how are you?"


def test_stream_http_error_is_retried_like_a_plain_one():
    seen: list[str] = []
    server = Server([vllm_error(503, "busy", "ServiceUnavailableError"),
                     sse_response(_sse(_delta("language English<asr_text>Hi",
                                              finish_reason="stop"), "[DONE]"))])
    result, sleeps = run(server, stream_call(seen))
    assert result.text == "Hi"
    assert seen == ["Hi"]
    assert sleeps == [0.5]


# --- normalize_base_url -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("10.0.0.5:30101", "http://10.0.0.5:30101"),
        ("http://10.0.0.5:30101/", "http://10.0.0.5:30101"),
        ("http://10.0.0.5:30101/v1", "http://10.0.0.5:30101"),
        ("http://10.0.0.5:30101/v1/", "http://10.0.0.5:30101"),
        ("  https://asr.example.com  ", "https://asr.example.com"),
        ("https://gw.example.com/qwen/v1", "https://gw.example.com/qwen"),
        # the seed's "接口地址", pasted whole
        ("http://10.0.0.5:30101/v1/chat/completions", "http://10.0.0.5:30101"),
        ("http://10.0.0.5:30101/v1/models/", "http://10.0.0.5:30101"),
    ],
)
def test_normalize_base_url(given, expected):
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize("bad", ["", "   ", "ftp://10.0.0.5:30101", "http://"])
def test_normalize_base_url_refuses_non_http(bad):
    with pytest.raises(ValueError, match=r"empty|not an http"):
        normalize_base_url(bad)


@pytest.mark.parametrize(
    ("bad", "words"),
    [("http://h:99999", "invalid port"), ("http://h:abc", "invalid port"),
     ("http://my server:30101", "space in the host name")],
)
def test_normalize_base_url_refuses_bad_ports_and_spaces(bad, words):
    with pytest.raises(ValueError, match=words):
        normalize_base_url(bad)


def test_host_port_names_the_default_ports():
    assert ServerConfig("http://h").host_port == "h:80"
    assert ServerConfig("https://h").host_port == "h:443"
    assert ServerConfig(BASE).host_port == "10.0.0.5:30101"
