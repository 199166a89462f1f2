"""The reference server itself, over real HTTP (not through the project's client)."""

from __future__ import annotations

import asyncio
import base64
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import dtmf
from tests.refserver.fixture import RefServer

pytestmark = pytest.mark.integration

CONTEXT = "不二家 Kubernetes vLLM"


# ---------------------------------------------------------------- helpers


def audio_bytes(text: str, suffix: str = "flac", *, tmp: Path, **synth: Any) -> bytes:
    """DTMF `text` encoded as a `suffix` file (written under `tmp`), as bytes."""
    path = dtmf.write_audio(tmp / f"clip.{suffix}", dtmf.synthesize(text, **synth), 16000)
    return path.read_bytes()


def data_url(data: bytes, mime: str = "audio/flac") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def chat_body(url: str, context: str | None = None, **extra: Any) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if context is not None:
        messages.append({"role": "system", "content": context})
    messages.append({"role": "user", "content": [{"type": "audio_url", "audio_url": {"url": url}}]})
    return {"model": "qwen3-asr", "temperature": 0, "messages": messages, **extra}


def post_chat(server: RefServer, body: object, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/chat/completions", json=body, timeout=10, **kwargs)


def content_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def sse_events(text: str) -> list[Any]:
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        assert block.startswith("data: "), block
        payload = block[len("data: ") :]
        events.append(payload if payload == "[DONE]" else json.loads(payload))
    return events


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)  # sleep-ok: poll interval


@pytest.fixture
def flac_123_456(tmp_path: Path) -> bytes:
    return audio_bytes("123 456", tmp=tmp_path)


# ---------------------------------------------------------------- basics


def test_health_and_models(refserver: RefServer) -> None:
    health = httpx.get(f"{refserver.url}/health")
    assert health.status_code == 200
    assert health.content == b""
    models = httpx.get(f"{refserver.url}/v1/models").json()
    assert models["object"] == "list"
    (card,) = models["data"]
    assert isinstance(card.pop("created"), int)
    assert card == {
        "id": "qwen3-asr",
        "object": "model",
        "owned_by": "vllm",
        "root": "/model/",
        "parent": None,
        "max_model_len": 65536,
        "permission": [],
    }


def test_unknown_route_is_fastapi_style_404(refserver: RefServer) -> None:
    response = httpx.get(f"{refserver.url}/v2/nothing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_flac_data_url_is_transcribed(refserver: RefServer, flac_123_456: bytes) -> None:
    response = post_chat(refserver, chat_body(data_url(flac_123_456, "audio/wav")))
    assert content_of(response) == "language English<asr_text>123 456"
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == "qwen3-asr"
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["refusal"] is None
    assert choice["message"]["tool_calls"] == []
    usage = body["usage"]
    assert usage["completion_tokens"] == len("language English<asr_text>123 456")
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_rendering_rules(refserver: RefServer, tmp_path: Path) -> None:
    url = data_url(audio_bytes("*12 *3 #2 #9 A 1B", tmp=tmp_path))
    content = content_of(post_chat(refserver, chat_body(url, CONTEXT)))
    assert content == f"language English<asr_text>一二三 Kubernetes <unk> {'la' * 60} 1B"
    chinese = data_url(audio_bytes("*12 #1 5", tmp=tmp_path))
    assert content_of(post_chat(refserver, chat_body(chinese, CONTEXT))) == (
        "language Chinese<asr_text>一二不二家 5"
    )


def test_request_log_summarises_audio(refserver: RefServer, flac_123_456: bytes) -> None:
    body = chat_body(data_url(flac_123_456), CONTEXT, asr_options={"language": "auto"})
    post_chat(refserver, body)
    (entry,) = refserver.requests()
    assert entry["path"] == "/v1/chat/completions"
    assert entry["auth"] is False
    assert entry["status"] == 200
    assert entry["ignored_fields"] == ["asr_options"]
    summary = entry["body"]["messages"][1]["content"][0]["audio_url"]["url"]
    assert summary["bytes"] == len(flac_123_456)
    assert summary["format"] == "flac"
    assert summary["duration"] == pytest.approx(2.16, abs=0.05)
    assert len(summary["sha256"]) == 64
    assert refserver.stats() == {"requests": 1, "in_flight": 0, "max_in_flight": 1}


def test_input_audio_part(refserver: RefServer, flac_123_456: bytes) -> None:
    part = {
        "type": "input_audio",
        "input_audio": {"data": base64.b64encode(flac_123_456).decode(), "format": "flac"},
    }
    body = {"model": "qwen3-asr", "messages": [{"role": "user", "content": [part]}]}
    assert content_of(post_chat(refserver, body)) == "language English<asr_text>123 456"


# ---------------------------------------------------------------- validation


def test_forced_language_prefill(refserver: RefServer, tmp_path: Path) -> None:
    url = data_url(audio_bytes("12 *3", tmp=tmp_path))
    for language, expected in (("Chinese", "一二三"), ("English", "12 3")):
        body = chat_body(url, continue_final_message=True, add_generation_prompt=False)
        body["messages"].append({"role": "assistant", "content": f"language {language}<asr_text>"})
        assert content_of(post_chat(refserver, body)) == expected


def test_continue_final_message_needs_generation_prompt_off(
    refserver: RefServer, flac_123_456: bytes
) -> None:
    body = chat_body(data_url(flac_123_456), continue_final_message=True)
    body["messages"].append({"role": "assistant", "content": "language English<asr_text>"})
    response = post_chat(refserver, body)  # add_generation_prompt defaults to true
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == (
        "Cannot set both `continue_final_message` and `add_generation_prompt` to True."
    )
    assert error["type"] == "BadRequestError"
    assert error["code"] == 400
    body["messages"].pop()
    body["add_generation_prompt"] = False
    response = post_chat(refserver, body)
    assert response.status_code == 400
    assert "assistant" in response.json()["error"]["message"]


def test_seed_typo_part_type_is_rejected(refserver: RefServer, flac_123_456: bytes) -> None:
    body = chat_body(data_url(flac_123_456))
    body["messages"][0]["content"][0]["type"] = "audio url"
    response = post_chat(refserver, body)
    assert response.status_code == 400
    assert "audio url" in response.json()["error"]["message"]


def test_bad_json_and_missing_audio(refserver: RefServer) -> None:
    response = httpx.post(
        f"{refserver.url}/v1/chat/completions",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "BadRequestError"
    no_audio = {"model": "qwen3-asr", "messages": [{"role": "user", "content": "hi"}]}
    response = post_chat(refserver, no_audio)
    assert response.status_code == 400
    assert response.json()["error"]["param"] is None


@pytest.mark.parametrize("suffix", ["m4a", "webm"])
def test_container_formats_vllm_cannot_load(
    refserver: RefServer, tmp_path: Path, suffix: str
) -> None:
    data = audio_bytes("123", suffix, tmp=tmp_path)
    response = post_chat(refserver, chat_body(data_url(data, "audio/flac")))
    assert response.status_code == 400
    assert "could not be loaded" in response.json()["error"]["message"]


@pytest.mark.parametrize("suffix", ["wav", "mp3", "ogg"])
def test_formats_vllm_loads(refserver: RefServer, tmp_path: Path, suffix: str) -> None:
    data = audio_bytes("123 456", suffix, tmp=tmp_path)
    content = content_of(post_chat(refserver, chat_body(data_url(data))))
    assert content == "language English<asr_text>123 456"


def test_garbage_audio_is_rejected(refserver: RefServer) -> None:
    response = post_chat(refserver, chat_body(data_url(b"hello, not audio at all")))
    assert response.status_code == 400
    assert "could not be loaded" in response.json()["error"]["message"]


def test_unknown_model_is_404(refserver: RefServer, flac_123_456: bytes) -> None:
    body = chat_body(data_url(flac_123_456))
    body["model"] = "whisper"
    response = post_chat(refserver, body)
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "message": "The model `whisper` does not exist.",
            "type": "NotFoundError",
            "param": "model",
            "code": 404,
        }
    }


def test_encoder_budget(refserver: RefServer, tmp_path: Path) -> None:
    refserver.configure(encoder_cache_tokens=100)
    url = data_url(audio_bytes("1", tmp=tmp_path, tail_ms=7500))  # 7.9 s -> 103 tokens
    response = post_chat(refserver, chat_body(url))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "BadRequestError"
    assert error["message"] == (
        "The decoder prompt contains a(n) audio item with 103 embedding tokens, which exceeds "
        "the pre-allocated encoder cache size 100. Please reduce the input size or increase the "
        "encoder cache size by setting --limit-mm-per-prompt at startup."
    )


def test_silence(refserver: RefServer, tmp_path: Path) -> None:
    url = data_url(audio_bytes("", tmp=tmp_path))
    assert content_of(post_chat(refserver, chat_body(url, CONTEXT))) == (
        f"language English<asr_text>{CONTEXT}"
    )
    assert content_of(post_chat(refserver, chat_body(url))) == "language None<asr_text>"


def test_max_tokens_truncates(refserver: RefServer, flac_123_456: bytes) -> None:
    response = post_chat(refserver, chat_body(data_url(flac_123_456), max_tokens=10))
    assert content_of(response) == "language E"
    assert response.json()["choices"][0]["finish_reason"] == "length"


# ---------------------------------------------------------------- auth


def test_api_key(make_refserver: Callable[..., RefServer], flac_123_456: bytes) -> None:
    server = make_refserver(api_key="s3cret", model="asr-small")
    assert httpx.get(f"{server.url}/health").status_code == 200
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.get(f"{server.url}/v1/models", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": "Unauthorized"}
    good = {"Authorization": "Bearer s3cret"}
    models = httpx.get(f"{server.url}/v1/models", headers=good).json()
    assert models["data"][0]["id"] == "asr-small"

    body = chat_body(data_url(flac_123_456))
    body["model"] = "asr-small"
    response = post_chat(server, body, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}
    assert content_of(post_chat(server, body, headers=good)).endswith("123 456")
    log = server.requests()
    assert [(e["auth"], e["status"]) for e in log] == [(True, 401), (True, 200)]
    assert "s3cret" not in json.dumps(log)


def test_api_key_changed_at_runtime_and_reset(refserver: RefServer) -> None:
    refserver.configure(api_key="k")
    assert httpx.get(f"{refserver.url}/v1/models").status_code == 401
    refserver.reset()
    assert httpx.get(f"{refserver.url}/v1/models").status_code == 200


# ---------------------------------------------------------------- streaming


def test_sse_event_sequence(refserver: RefServer, flac_123_456: bytes) -> None:
    body = chat_body(data_url(flac_123_456), stream=True, stream_options={"include_usage": True})
    response = post_chat(refserver, body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    assert events[-1] == "[DONE]"
    first, *middle, final, usage_chunk, _ = events
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    pieces = [e["choices"][0]["delta"]["content"] for e in middle]
    assert "".join(pieces) == "language English<asr_text>123 456"
    assert all(len(p) <= 3 for p in pieces)
    assert not any("<asr_text>" in p for p in pieces)
    assert all(e["choices"][0]["finish_reason"] is None for e in [first, *middle])
    assert final["choices"][0]["finish_reason"] == "stop"
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["completion_tokens"] == len("".join(pieces))
    assert len({e["id"] for e in events[:-1]}) == 1


def test_sse_without_usage(refserver: RefServer, flac_123_456: bytes) -> None:
    response = post_chat(refserver, chat_body(data_url(flac_123_456), stream=True))
    events = sse_events(response.text)
    assert events[-1] == "[DONE]"
    assert events[-2]["choices"][0]["finish_reason"] == "stop"
    assert all("usage" not in e for e in events[:-1])


# ---------------------------------------------------------------- faults


def test_fail_next_then_success(refserver: RefServer, flac_123_456: bytes) -> None:
    refserver.configure(fail_next=[{"status": 503, "count": 2}])
    body = chat_body(data_url(flac_123_456))
    for _ in range(2):
        response = post_chat(refserver, body)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == 503
    assert content_of(post_chat(refserver, body)).endswith("123 456")
    assert [e["status"] for e in refserver.requests()] == [503, 503, 200]


def test_fail_next_429_retry_after_and_bodies(refserver: RefServer) -> None:
    refserver.configure(
        fail_next=[
            {"status": 429, "retry_after": 2},
            {"status": 502, "body": "html"},
            {"status": 500, "body": "empty"},
        ]
    )
    url = f"{refserver.url}/v1/chat/completions"
    first = httpx.post(url, content=b"")
    assert (first.status_code, first.headers["retry-after"]) == (429, "2")
    second = httpx.post(url, content=b"")
    assert second.status_code == 502
    assert "<html>" in second.text
    third = httpx.post(url, content=b"")
    assert (third.status_code, third.content) == (500, b"")
    assert httpx.post(url, content=b"").status_code == 400  # back to validating


@pytest.mark.parametrize(
    ("mode", "status"), [("html_error", 502), ("error_200", 200), ("malformed_json", 200)]
)
def test_bad_answer_modes(
    refserver: RefServer, flac_123_456: bytes, mode: str, status: int
) -> None:
    refserver.configure(mode=mode)
    response = post_chat(refserver, chat_body(data_url(flac_123_456)))
    assert response.status_code == status
    if mode == "html_error":
        assert response.headers["content-type"].startswith("text/html")
    elif mode == "error_200":
        assert response.json()["object"] == "error"
        assert response.json()["code"] == 500
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.text)


def test_drop_mode(refserver: RefServer, flac_123_456: bytes) -> None:
    refserver.configure(mode="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        post_chat(refserver, chat_body(data_url(flac_123_456)))


def test_hang_mode(refserver: RefServer, flac_123_456: bytes) -> None:
    refserver.configure(mode="hang")
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{refserver.url}/v1/chat/completions",
            json=chat_body(data_url(flac_123_456)),
            timeout=httpx.Timeout(5, read=0.3),
        )
    wait_until(lambda: refserver.stats()["in_flight"] == 0)


def test_bad_config_is_refused(refserver: RefServer) -> None:
    with pytest.raises(ValueError, match="unknown config keys"):
        refserver.configure(latency=1)
    with pytest.raises(ValueError, match="mode"):
        refserver.configure(mode="sometimes")


# ---------------------------------------------------------------- latency model


def test_concurrent_requests_share_the_gpu(refserver: RefServer, tmp_path: Path) -> None:
    scale = 0.25
    refserver.configure(latency_scale=scale)
    body = chat_body(data_url(audio_bytes("1", tmp=tmp_path, tail_ms=59_600)))  # 60 s

    async def run(concurrent: bool) -> float:
        async with httpx.AsyncClient(base_url=refserver.url, timeout=30) as client:
            started = time.perf_counter()
            if concurrent:
                replies = await asyncio.gather(
                    *(client.post("/v1/chat/completions", json=body) for _ in range(8))
                )
            else:
                replies = [await client.post("/v1/chat/completions", json=body) for _ in range(8)]
            elapsed = time.perf_counter() - started
        assert all(r.status_code == 200 for r in replies)
        return elapsed

    sequential = asyncio.run(run(concurrent=False))
    concurrent = asyncio.run(run(concurrent=True))
    # Modelled: sequential 8 * (0.03 + 60/106) = 4.8 s, batched 0.03 + 480/500 = 1.0 s.
    assert sequential >= 8 * (0.03 + 60 / 106) * scale * 0.9
    assert concurrent < sequential / 2
    assert refserver.stats()["max_in_flight"] == 8


def test_min_latency_overlaps_requests(refserver: RefServer, flac_123_456: bytes) -> None:
    refserver.configure(min_latency_s=0.3)
    started = time.perf_counter()
    content_of(post_chat(refserver, chat_body(data_url(flac_123_456))))
    assert time.perf_counter() - started >= 0.3


# ---------------------------------------------------------------- http URLs


@pytest.fixture
def file_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep the test output quiet

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", files
    server.shutdown()
    server.server_close()
    thread.join()


def test_http_url_is_fetched(
    refserver: RefServer, file_server: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    base, files = file_server
    files["/files/Auto2.wav"] = audio_bytes("42 7", "wav", tmp=tmp_path)
    body = chat_body(f"{base}/files/Auto2.wav")
    assert content_of(post_chat(refserver, body)) == "language English<asr_text>42 7"
    (entry,) = refserver.requests()
    assert entry["audio"]["format"] == "wav"
    missing = post_chat(refserver, chat_body(f"{base}/files/missing.wav"))
    assert missing.status_code == 400
    assert "404" in missing.json()["error"]["message"]


# ---------------------------------------------------------------- transcriptions


def test_transcriptions_endpoint(refserver: RefServer, flac_123_456: bytes) -> None:
    url = f"{refserver.url}/v1/audio/transcriptions"
    files = {"file": ("clip.flac", flac_123_456, "audio/flac")}
    data = {"model": "qwen3-asr", "language": "zh", "prompt": CONTEXT}
    response = httpx.post(url, files=files, data=data)
    assert response.status_code == 200
    assert response.json()["text"] == "123 456"
    plain = httpx.post(url, files=files, data={**data, "response_format": "text"})
    assert plain.text == "123 456"
    streamed = httpx.post(url, files=files, data={**data, "stream": "true"})
    events = sse_events(streamed.text)
    text = "".join(e["choices"][0]["delta"].get("content", "") for e in events[:-1])
    assert text == "language English<asr_text>123 456"  # vLLM leaves the prefix in (#33768)
    wrong = httpx.post(url, files=files, data={"model": "nope"})
    assert wrong.status_code == 404
    assert refserver.requests()[0]["body"]["file"]["format"] == "flac"


# ---------------------------------------------------------------- process control


def test_restart_on_the_same_port(make_refserver: Callable[..., RefServer]) -> None:
    server = make_refserver()
    url = server.url
    server.configure(mode="html_error")
    server.restart()
    assert server.url == url
    assert httpx.get(f"{url}/health").status_code == 200
    assert server.configure()["mode"] == "ok"  # a fresh process has the start-up config
