"""The "transcriptions" API style: the multipart fields of POST /v1/audio/transcriptions,
its replies, and AsrClient.transcribe_upload against httpx.MockTransport.

Expected values come from PROTOCOL.md ("Endpoints") and OpenAI's transcriptions API
(fields file, model, language as ISO 639-1, prompt, response_format, temperature, stream;
reply {"text": ...}), worked out by hand."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json

import httpx
import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.replies import parse_transcription
from desktop_asr.engine.requests import build_transcription_fields, language_code
from desktop_asr.engine.sse import transcription_event_as_chunk
from desktop_asr.errors import (
    AudioTooLongError,
    AuthenticationError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
    ServerError,
)

pytestmark = pytest.mark.timeout(10)

BASE = "http://10.0.0.5:30101"
AUDIO = b"fLaC\x00\x00\x00\x22 not really flac"


# --- fields ---------------------------------------------------------------------------------
def test_fields_for_detection_without_context():
    assert build_transcription_fields(model="qwen3-asr") == {
        "model": "qwen3-asr", "response_format": "json", "temperature": "0"}


def test_forced_language_goes_as_its_iso_code_and_context_as_prompt():
    fields = build_transcription_fields(model="m", context="Kubernetes 不二家",
                                        language="Chinese", stream=True)
    assert fields == {"model": "m", "response_format": "json", "temperature": "0",
                      "language": "zh", "prompt": "Kubernetes 不二家", "stream": "true"}


@pytest.mark.parametrize(
    ("name", "code"),
    [("English", "en"), ("Chinese", "zh"), ("Japanese", "ja"), ("Cantonese", "yue"),
     ("Filipino", "tl"), ("Greek", "el"), ("german", "de")],
)
def test_language_code(name, code):
    assert language_code(name) == code


# --- replies --------------------------------------------------------------------------------
def parse(body: dict | bytes, status: int = 200, content_type: str = "application/json",
          forced: str | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_transcription(status, raw, content_type=content_type, forced_language=forced)


def test_json_reply_text():
    reply = parse({"text": "Hello, how are you?", "usage": {"type": "duration", "seconds": 2}})
    assert (reply.text, reply.language) == ("Hello, how are you?", "")
    assert reply.usage == {"type": "duration", "seconds": 2}


def test_prefix_left_in_the_text_is_stripped_and_gives_the_language():
    reply = parse({"text": "language Chinese<asr_text>您好"})
    assert (reply.text, reply.language) == ("您好", "Chinese")


def test_prefix_is_stripped_even_when_a_language_was_forced():
    # vLLM ignores the language field, so the prefix may come back anyway.
    reply = parse({"text": "language English<asr_text>Hello"}, forced="Chinese")
    assert (reply.text, reply.language) == ("Hello", "English")


def test_forced_language_names_a_reply_without_one():
    reply = parse({"text": " 您好 "}, forced="Chinese")
    assert (reply.text, reply.language) == ("您好", "Chinese")


def test_verbose_json_reports_its_language():
    reply = parse({"task": "transcribe", "language": "english", "duration": 1.5,
                   "text": "Hello", "segments": [], "words": None})
    assert (reply.text, reply.language) == ("Hello", "English")
    assert parse({"language": "zh", "text": "你好"}).language == "Chinese"


def test_plain_text_reply():
    reply = parse(b"language English<asr_text>Hi there\n", content_type="text/plain")
    assert (reply.text, reply.language) == ("Hi there", "English")


def test_repetition_loop_is_repaired():
    assert parse({"text": "ok " + "la" * 40}).text == "ok la"


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"error": {"message": "The model `x` does not exist.", "type": "NotFoundError",
                    "code": 404}}, 404, ModelNotFoundError),
        ({"object": "error", "message": "The model `x` does not exist.",
          "type": "NotFoundError", "code": 404}, 200, ModelNotFoundError),
        ({"error": "Unauthorized"}, 401, AuthenticationError),
        ({"error": {"message": "Maximum file size exceeded", "code": 413}}, 413,
         AudioTooLongError),
        ({"detail": [{"msg": "Field required", "loc": ["body", "file"]}]}, 422, ServerError),
    ],
)
def test_error_shapes_are_typed(body, status, expected):
    with pytest.raises(expected) as info:
        parse(body, status=status)
    assert len(str(info.value).split()) >= 4


def test_reply_without_text_is_a_bad_response():
    with pytest.raises(BadResponseError, match="no 'text'"):
        parse({"segments": []})


def test_html_page_is_a_bad_response():
    with pytest.raises(BadResponseError, match="web page"):
        parse(b"<html><title>Login</title></html>", content_type="text/html")


# --- OpenAI stream events ---------------------------------------------------------------------
def test_openai_delta_event_becomes_a_chat_chunk():
    chunk = json.loads(transcription_event_as_chunk(
        '{"type": "transcript.text.delta", "delta": "Hel"}'))
    assert chunk["choices"][0]["delta"] == {"content": "Hel"}
    done = json.loads(transcription_event_as_chunk(
        '{"type": "transcript.text.done", "text": "Hello", "usage": {"total_tokens": 3}}'))
    assert done["choices"][0]["finish_reason"] == "stop"
    assert done["usage"] == {"total_tokens": 3}


@pytest.mark.parametrize("data", ["[DONE]", '{"choices": [{"delta": {"content": "x"}}]}'])
def test_other_events_pass_unchanged(data):
    assert transcription_event_as_chunk(data) == data


# --- the client -----------------------------------------------------------------------------
def form_of(request: httpx.Request) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """(text fields, files as name -> (filename, content type, bytes)) of a multipart body."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + request.read())
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename():
            files[name] = (part.get_filename(), part.get_content_type(), payload)
        else:
            fields[name] = payload.decode()
    return fields, files


class Server:
    """Answers the n-th upload with ``script[n]`` (a response or an exception to raise)."""

    def __init__(self, script: list, models: list[str] | None = None) -> None:
        self.script = list(script)
        self.models = models or ["qwen3-asr"]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "GET" and request.url.path == "/v1/models":
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": m, "object": "model"} for m in self.models]})
        assert (request.method, request.url.path) == ("POST", "/v1/audio/transcriptions")
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step

    @property
    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST"]


def run(server: Server, *, stream: bool = False, forced: str | None = None,
        api_key: str | None = None, seen: list[str] | None = None,
        fields: dict[str, str] | None = None) -> tuple[object, list[float]]:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main():
        config = ServerConfig(base_url=BASE, api_key=api_key, retry=RetryPolicy(attempts=4))
        async with AsrClient(config, transport=httpx.MockTransport(server), sleep=fake_sleep,
                             rng=lambda: 1.0) as client:
            try:
                return await client.transcribe_upload(
                    AUDIO, "chunk.flac", "audio/flac",
                    fields or build_transcription_fields(model="qwen3-asr", context="Qwen"),
                    audio_seconds=2.0, forced_language=forced, stream=stream,
                    on_text=None if seen is None else seen.append)
            except Exception as exc:
                return exc

    return asyncio.run(main()), sleeps


def ok(text: str = "language English<asr_text>Hello") -> httpx.Response:
    return httpx.Response(200, json={"text": text})


def busy() -> httpx.Response:
    return httpx.Response(503, json={"error": {"message": "busy", "code": 503}})


def test_upload_is_multipart_with_the_file_and_fields():
    server = Server([ok()])
    result, _ = run(server, api_key="sk-test")
    assert (result.text, result.language) == ("Hello", "English")
    (request,) = server.posts
    assert request.url == httpx.URL(BASE + "/v1/audio/transcriptions")
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.headers["authorization"] == "Bearer sk-test"
    fields, files = form_of(request)
    assert fields == {"model": "qwen3-asr", "response_format": "json", "temperature": "0",
                      "prompt": "Qwen"}
    assert files == {"file": ("chunk.flac", "audio/flac", AUDIO)}


def test_upload_503s_are_retried_with_the_whole_file_each_time():
    server = Server([busy(), busy(), ok()])
    result, sleeps = run(server)
    assert result.text == "Hello"
    assert sleeps == [0.5, 1.0]
    assert len(server.posts) == 3
    assert all(form_of(r)[1]["file"][2] == AUDIO for r in server.posts)


def test_upload_503_forever_gives_up_retryable():
    result, sleeps = run(Server([busy()]))
    assert isinstance(result, RetryableServerError)
    assert sleeps == [0.5, 1.0, 2.0]


def test_upload_401_is_not_retried():
    server = Server([httpx.Response(401, json={"error": "Unauthorized"}), ok()])
    result, sleeps = run(server)
    assert isinstance(result, AuthenticationError)
    assert "check the API key" in str(result)
    assert len(server.posts) == 1
    assert sleeps == []


def test_upload_connection_refused_is_retried():
    server = Server([httpx.ConnectError("[Errno 111] Connection refused"), ok()])
    result, sleeps = run(server)
    assert result.text == "Hello"
    assert sleeps == [0.5]


def test_upload_unknown_model_lists_the_served_ones():
    missing = httpx.Response(404, json={"error": {
        "message": "The model `whisper-1` does not exist.", "type": "NotFoundError",
        "code": 404}})
    server = Server([missing], models=["qwen3-asr", "qwen3-asr-0.6b"])
    result, _ = run(server, fields=build_transcription_fields(model="whisper-1"))
    assert isinstance(result, ModelNotFoundError)
    assert "'whisper-1'" in str(result)
    assert "available: qwen3-asr, qwen3-asr-0.6b" in str(result)
    assert result.model == "whisper-1"


def test_upload_audio_too_long_is_typed_not_retried():
    too_long = httpx.Response(400, json={"error": {
        "message": "The decoder prompt contains a(n) audio item with 3000 embedding tokens, "
                   "which exceeds the pre-allocated encoder cache size 2048.", "code": 400}})
    server = Server([too_long, ok()])
    result, sleeps = run(server)
    assert isinstance(result, AudioTooLongError)
    assert sleeps == []


def _sse(*events: dict | str) -> list[bytes]:
    """One network read per event, as a server sends them (the client reports the text
    once per read)."""
    return [f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode()
            for e in events]


def _chunk(content: str | None = None, finish: str | None = None) -> dict:
    delta = {} if content is None else {"content": content}
    return {"object": "transcription.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class Reads(httpx.AsyncByteStream):
    def __init__(self, reads: list[bytes]) -> None:
        self.reads = reads

    async def __aiter__(self):
        for read in self.reads:
            yield read


def sse(reads: list[bytes]) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"},
                          stream=Reads(reads))


def test_streamed_upload_strips_the_prefix_and_reports_growing_text():
    raw = _sse(_chunk("langu"), _chunk("age English<as"), _chunk("r_text>Hel"),
               _chunk("lo there"), _chunk(None, "stop"), "[DONE]")
    server = Server([sse(raw)])
    seen: list[str] = []
    result, _ = run(server, stream=True, seen=seen)
    assert (result.text, result.language) == ("Hello there", "English")
    assert seen == ["Hel", "Hello there"]
    assert form_of(server.posts[0])[0]["stream"] == "true"


def test_streamed_upload_with_a_forced_language_still_strips_the_prefix():
    raw = _sse(_chunk("language English<asr_text>Hi"), _chunk(None, "stop"), "[DONE]")
    seen: list[str] = []
    result, _ = run(Server([sse(raw)]), stream=True, forced="Chinese", seen=seen)
    assert (result.text, result.language) == ("Hi", "English")
    assert seen == ["Hi"]


def test_streamed_upload_in_openai_event_shape():
    raw = _sse({"type": "transcript.text.delta", "delta": "Good "},
               {"type": "transcript.text.delta", "delta": "morning"},
               {"type": "transcript.text.done", "text": "Good morning"})
    seen: list[str] = []
    result, _ = run(Server([sse(raw)]), stream=True, forced="English", seen=seen)
    assert (result.text, result.language) == ("Good morning", "English")
    assert seen == ["Good", "Good morning"]


def test_streamed_upload_cut_off_is_a_bad_response():
    result, _ = run(Server([sse(_sse(_chunk("language English<asr_text>Hel")))]), stream=True)
    assert isinstance(result, BadResponseError)


def test_stream_off_drops_a_stream_field():
    server = Server([ok()])
    fields = build_transcription_fields(model="qwen3-asr", stream=True)
    result, _ = run(server, stream=False, fields=fields)
    assert result.text == "Hello"
    assert "stream" not in form_of(server.posts[0])[0]
