"""check_connection ("Test connection", `desktop-asr profile test`) against the reference
server and against addresses that fail in each way a user meets: every failure is an
AsrError in words, and none takes long."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.connection_check import (
    CHECK_CONNECT_TIMEOUT,
    CHECK_READ_TIMEOUT,
    ConnectionReport,
    check_config,
    check_connection,
)
from desktop_asr.errors import (
    AsrError,
    AuthenticationError,
    InputError,
    ModelNotFoundError,
    ServerError,
    ServerTimeoutError,
    ServerUnreachableError,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(30)]


def check(config: ServerConfig, **kwargs) -> tuple[ConnectionReport | AsrError, float]:
    """(the report or the AsrError, seconds taken)."""
    started = time.monotonic()
    try:
        result: ConnectionReport | AsrError = asyncio.run(check_connection(config, **kwargs))
    except AsrError as exc:
        result = exc
    return result, time.monotonic() - started


def assert_in_words(error: object) -> str:
    assert isinstance(error, AsrError), error
    message = str(error)
    assert message.endswith((".", "?", ")")), message
    assert len(message.split()) >= 6, message
    assert "Traceback" not in message
    assert "Errno" not in message
    return message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- success ------------------------------------------------------------------------------
def test_chat_check_reports_models_model_and_round_trip(refserver):
    report, _ = check(ServerConfig(base_url=refserver.url), model=None)
    assert isinstance(report, ConnectionReport)
    assert report.models == ["qwen3-asr"]
    assert report.model == "qwen3-asr"  # None: the first model listed
    assert report.round_trip_seconds > 0
    # A 440 Hz tone is no DTMF "speech": the pretend model hears nothing.
    assert (report.reply_text, report.language) == ("", "")
    (request,) = refserver.requests()
    assert request["path"] == "/v1/chat/completions"
    url = request["body"]["messages"][-1]["content"][0]["audio_url"]["url"]
    assert (url["format"], url["duration"]) == ("flac", 1.0)


def test_check_round_trip_covers_the_request(refserver):
    refserver.configure(min_latency_s=0.3)
    report, _ = check(ServerConfig(base_url=refserver.url), model="qwen3-asr")
    assert isinstance(report, ConnectionReport)
    assert 0.3 <= report.round_trip_seconds < 3


def test_transcriptions_check_uploads_the_tone(refserver):
    report, _ = check(ServerConfig(base_url=refserver.url), model="qwen3-asr",
                      api_style="transcriptions")
    assert isinstance(report, ConnectionReport)
    assert report.model == "qwen3-asr"
    (request,) = refserver.requests()
    assert request["path"] == "/v1/audio/transcriptions"
    assert (request["body"]["file"]["format"], request["body"]["model"]) == ("flac", "qwen3-asr")


def test_forced_language_is_sent_as_a_transcription_would_send_it(refserver):
    report, _ = check(ServerConfig(base_url=refserver.url), model=None, language="zh")
    assert isinstance(report, ConnectionReport)
    assert (report.reply_text, report.language) == ("", "")  # an empty reply has no language
    body = refserver.requests()[-1]["body"]
    assert body["messages"][-1] == {"role": "assistant", "content": "language Chinese<asr_text>"}


# --- failures -----------------------------------------------------------------------------
def test_wrong_api_key(make_refserver):
    server = make_refserver(api_key="right-key")
    error, _ = check(ServerConfig(base_url=server.url, api_key="wrong-key"), model=None)
    assert isinstance(error, AuthenticationError)
    message = assert_in_words(error)
    assert "401" in message
    assert "check the API key" in message
    assert "wrong-key" not in message + error.details
    report, _ = check(ServerConfig(base_url=server.url, api_key="right-key"), model=None)
    assert isinstance(report, ConnectionReport)


def test_model_not_served_lists_the_available_ones_before_any_audio(refserver):
    error, _ = check(ServerConfig(base_url=refserver.url), model="whisper-1")
    assert isinstance(error, ModelNotFoundError)
    message = assert_in_words(error)
    assert "'whisper-1'" in message
    assert "available: qwen3-asr" in message
    assert error.available == ["qwen3-asr"]
    assert refserver.requests() == []


def test_refused_port_answers_at_once():
    port = _free_port()
    config = ServerConfig(base_url=f"http://127.0.0.1:{port}")  # 4 attempts by default
    error, seconds = check(config, model=None)
    assert isinstance(error, ServerUnreachableError)
    message = assert_in_words(error)
    assert f"127.0.0.1:{port}" in message
    assert "connection refused" in message
    assert seconds < 2  # no retries with backoff


def test_unresolvable_host_name():
    config = ServerConfig(base_url="http://nonexistent.invalid:30101", connect_timeout=3)
    error, seconds = check(config, model=None)
    assert isinstance(error, ServerUnreachableError)
    message = assert_in_words(error)
    assert "nonexistent.invalid" in message
    assert "cannot be resolved" in message
    assert seconds < 10


def test_https_to_a_plain_http_port(refserver):
    error, _ = check(ServerConfig(base_url=f"https://127.0.0.1:{refserver.port}"), model=None)
    assert isinstance(error, ServerError)
    message = assert_in_words(error)
    assert "TLS failed" in message
    assert "does not speak TLS" in message
    assert "http://" in message


@pytest.fixture
def self_signed_server(tmp_path):
    """An https server on loopback with a self-signed certificate (made by openssl)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_self_signed_certificate(self_signed_server):
    error, _ = check(ServerConfig(base_url=self_signed_server), model=None)
    assert isinstance(error, ServerError)
    message = assert_in_words(error)
    assert "TLS failed" in message
    assert "certificate is not trusted" in message


def test_server_that_never_answers_times_out_quickly(refserver):
    refserver.configure(mode="hang")  # /v1/models answers, the transcription never does
    config = ServerConfig(base_url=refserver.url, read_timeout=0.5,
                          read_timeout_per_second=0.0)
    error, seconds = check(config, model=None)
    assert isinstance(error, ServerTimeoutError)
    message = assert_in_words(error)
    assert "took too long" in message
    assert "0.5 s" in message
    assert seconds < 5
    assert len(refserver.requests()) == 1  # not retried


def test_unknown_api_style_is_an_input_error():
    error, _ = check(ServerConfig(base_url="http://127.0.0.1:9"), model=None, api_style="rest")
    assert isinstance(error, InputError)
    assert "rest" in assert_in_words(error)


def test_unusable_address_is_an_input_error():
    error, _ = check(ServerConfig(base_url="http://10.0.0.5:303010"), model=None)
    assert isinstance(error, InputError)
    assert "invalid port" in assert_in_words(error)


def test_empty_model_list_is_explained():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"object": "list", "data": []})

    def factory(config: ServerConfig) -> AsrClient:
        return AsrClient(config, transport=httpx.MockTransport(handler))

    error, _ = check(ServerConfig(base_url="http://10.0.0.5:30101"), model=None,
                     client_factory=factory)
    assert isinstance(error, ServerError)
    assert "serves no models" in assert_in_words(error)


def test_check_config_caps_timeouts_and_turns_retries_off():
    slow = ServerConfig(base_url="http://h:1", connect_timeout=60, read_timeout=600)
    capped = check_config(slow)
    assert (capped.connect_timeout, capped.read_timeout) == (CHECK_CONNECT_TIMEOUT,
                                                             CHECK_READ_TIMEOUT)
    assert capped.retry == RetryPolicy(attempts=1)
    fast = check_config(ServerConfig(base_url="http://h:1", connect_timeout=1,
                                     read_timeout=2, api_key="k", headers={"X-A": "b"}))
    assert (fast.connect_timeout, fast.read_timeout) == (1, 2)
    assert (fast.api_key, dict(fast.headers)) == ("k", {"X-A": "b"})
