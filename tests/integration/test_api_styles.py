"""`desktop-asr transcribe --api-style transcriptions` (OpenAI's multipart upload) and the
URL transports, against the reference server over real HTTP."""

from __future__ import annotations

import asyncio
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.requests import build_transcription_fields
from desktop_asr.errors import ModelNotFoundError
from tests import dtmf

pytestmark = pytest.mark.integration

UPLOAD_FIELDS = {"model": "qwen3-asr", "response_format": "json", "temperature": "0"}


def test_transcriptions_style_uploads_every_chunk_as_multipart(refserver, run_cli, make_audio):
    words = " ".join(f"{i:02d}" for i in range(12))
    path = make_audio("talk.m4a", words, sample_rate=44100, channels=2, word_gap_ms=1500)
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--api-style",
                     "transcriptions", "--max-chunk-seconds", "8", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == words
    assert len(data["segments"]) >= 3
    requests = refserver.requests()
    assert 3 <= len(requests) <= len(data["segments"])  # segments follow the speech
    for request in requests:
        assert request["path"] == "/v1/audio/transcriptions"
        assert request["status"] == 200
        assert request["ignored_fields"] == []
        body = request["body"]
        assert {k: body[k] for k in UPLOAD_FIELDS} == UPLOAD_FIELDS
        assert "stream" not in body
        assert "language" not in body
        assert "prompt" not in body
        assert body["file"]["format"] == "flac"  # decoded and re-encoded by the client
        assert 0 < body["file"]["duration"] <= 8 + 5  # chunk length +- the search window


def test_transcriptions_style_streams(refserver, run_cli, make_audio):
    path = make_audio("a.wav", "*12 *34")  # Chinese words; the streamed text has the prefix
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--api-style",
                     "transcriptions", "--stream", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["text"], data["language"]) == ("一二三四", "Chinese")
    assert result.stderr == "一二三四\n"
    (request,) = refserver.requests()
    assert request["path"] == "/v1/audio/transcriptions"
    assert request["body"]["stream"] == "true"


def test_transcriptions_style_sends_language_code_and_context_as_prompt(refserver, run_cli,
                                                                       make_audio):
    path = make_audio("a.wav", "12 34")
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--api-style",
                     "transcriptions", "--language", "Chinese", "--context", "Kubernetes",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # The reference server ignores both fields, as vLLM does.
    assert (data["text"], data["language"]) == ("12 34", "Chinese")
    body = refserver.requests()[-1]["body"]
    assert (body["language"], body["prompt"]) == ("zh", "Kubernetes")


def _upload(server_url: str, model: str, wav: bytes):
    """One upload through the real client, in this process (no CLI start-up)."""

    async def main():
        config = ServerConfig(base_url=server_url,
                              retry=RetryPolicy(attempts=3, backoff_base=0.01))
        async with AsrClient(config) as client:
            fields = build_transcription_fields(model=model)
            return await client.transcribe_upload(wav, "chunk.wav", "audio/wav", fields)

    return asyncio.run(main())


def test_transcriptions_style_wrong_model_lists_the_served_ones(refserver, make_audio):
    wav = make_audio("a.wav", "1").read_bytes()
    with pytest.raises(ModelNotFoundError) as info:
        _upload(refserver.url, "whisper-1", wav)
    assert str(info.value) == ("Model not found: the server does not serve 'whisper-1'; "
                               "available: qwen3-asr.")


def test_transcriptions_style_retries_a_503(refserver, make_audio):
    refserver.configure(fail_next=[{"status": 503, "count": 1}])
    wav = make_audio("a.wav", "55").read_bytes()
    reply = _upload(refserver.url, "qwen3-asr", wav)
    assert (reply.text, reply.language) == ("55", "")  # the non-streamed text has no prefix
    assert [r["status"] for r in refserver.requests()] == [503, 200]


@pytest.fixture
def file_server(tmp_path):
    """A static file server on loopback that logs the GETs it answers (path, whether an
    Authorization header came)."""
    root = tmp_path / "www"
    root.mkdir()
    gets: list[tuple[str, bool]] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            gets.append((self.path, "Authorization" in self.headers))
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}", gets
    server.shutdown()
    server.server_close()


def test_url_inline_is_downloaded_by_the_client_url_transport_by_the_server(
        refserver, run_cli, file_server):
    root, base, gets = file_server
    dtmf.write_audio(root / "note.ogg", dtmf.synthesize("369", 48000), 48000)
    url = f"{base}/note.ogg"

    refserver.configure(api_key="asr-key")
    result = run_cli("transcribe", url, "--server", refserver.url, "--api-key-env", "ASR_KEY",
                     env={"ASR_KEY": "asr-key"})  # inline by default
    assert result.returncode == 0, result.stderr
    assert result.stdout == "369\n"
    (request,) = refserver.requests()
    assert request["auth"] is True
    sent = request["body"]["messages"][-1]["content"][0]["audio_url"]["url"]
    assert sent["format"] == "flac"  # a data URL the client made, not the URL
    # Fetched once, by the client, without the ASR server's key.
    assert gets == [("/note.ogg", False)]

    refserver.reset()
    result = run_cli("transcribe", url, "--server", refserver.url, "--transport", "url")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "369\n"
    (request,) = refserver.requests()
    assert request["body"]["messages"][-1]["content"][0]["audio_url"]["url"] == url
    assert [path for path, _ in gets] == ["/note.ogg"] * 2  # the second time by the server


def test_url_with_transcriptions_style_is_always_uploaded(refserver, run_cli, file_server):
    root, base, gets = file_server
    dtmf.write_audio(root / "note.wav", dtmf.synthesize("147"), 16000)
    result = run_cli("transcribe", f"{base}/note.wav", "--server", refserver.url,
                     "--api-style", "transcriptions", "--transport", "url")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "147\n"
    (request,) = refserver.requests()
    assert request["path"] == "/v1/audio/transcriptions"
    assert request["body"]["file"]["format"] == "flac"
    assert gets == [("/note.wav", False)]


def test_unknown_transport_is_a_usage_error(run_cli, make_audio):
    path = make_audio("a.wav", "1")
    result = run_cli("transcribe", str(path), "--server", "http://127.0.0.1:9",
                     "--api-style", "transcriptions", "--transport", "ftp")
    assert result.returncode == 2
    assert "--transport: invalid choice: 'ftp'" in result.stderr
