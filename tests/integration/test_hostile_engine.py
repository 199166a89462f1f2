"""The engine against a hostile reference server over real HTTP (no mocks): downloads that
are too large, too slow or never end (engine/download.py), the connection check against a
model list that is huge, of the wrong type or never ends (engine/connection_check.py), and
the client with smaller limits than the command's, so each case takes a moment."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.connection_check import check_connection
from desktop_asr.engine.download import Downloader
from desktop_asr.engine.limits import ReplyLimits
from desktop_asr.engine.requests import build_chat_request, data_url
from desktop_asr.errors import AsrError, BadResponseError, InputError, ServerTimeoutError
from tests import dtmf

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


def where(refserver) -> str:
    return f"127.0.0.1:{refserver.port}"


def download(url: str, folder: Path, **limits) -> tuple[Path | InputError, float]:
    started = time.monotonic()
    try:
        result: Path | InputError = asyncio.run(Downloader(**limits).fetch(url, folder))
    except InputError as exc:
        result = exc
    return result, time.monotonic() - started


# --- downloads -----------------------------------------------------------------------------
def test_a_download_without_a_length_is_cut_at_the_cap(refserver, tmp_path):
    url = f"{refserver.url}/_test/files/flood.wav"  # zeros as fast as they go, forever
    error, seconds = download(url, tmp_path, max_bytes=1024**2)
    assert isinstance(error, InputError)
    assert str(error) == (f"Cannot download the URL: {where(refserver)} sent more than 1 MiB: "
                          "the file is too large.")
    assert (tmp_path / "flood.wav").stat().st_size <= 1024**2
    assert seconds < 10


def test_a_declared_length_past_the_cap_is_refused_unread(refserver, tmp_path):
    url = f"{refserver.url}/_test/files/big.wav?bytes={3 * 1024**3}&length=1"
    error, _ = download(url, tmp_path)
    assert isinstance(error, InputError)
    assert str(error) == (f"Cannot download the URL: the file at {where(refserver)} is too "
                          "large (3 GiB; at most 2 GiB are downloaded).")
    assert not (tmp_path / "big.wav").exists() or (tmp_path / "big.wav").stat().st_size == 0


def test_a_trickle_is_stopped_after_the_stall_window(refserver, tmp_path):
    url = f"{refserver.url}/_test/files/slow.wav?interval=0.05"  # 20 bytes a second
    error, seconds = download(url, tmp_path, stall_seconds=1.0, stall_min_bytes=1024)
    assert isinstance(error, InputError)
    message = str(error)
    assert message.startswith(f"Cannot download the URL: {where(refserver)} sent only ")
    assert message.endswith("bytes in 1 s: it is too slow, or it never ends.")
    assert 1.0 <= seconds < 10


def test_a_download_past_its_deadline_is_stopped(refserver, tmp_path):
    url = f"{refserver.url}/_test/files/slow.wav?interval=0.01"  # steady, but never done
    error, seconds = download(url, tmp_path, stall_seconds=60.0, stall_min_bytes=1,
                              deadline=1.5)
    assert isinstance(error, InputError)
    assert str(error) == (f"Cannot download the URL: {where(refserver)} did not send the "
                          "whole file within 1.5 s.")
    assert 1.5 <= seconds < 10


def test_a_finite_download_within_the_limits_is_kept(refserver, tmp_path):
    url = f"{refserver.url}/_test/files/ok.wav?bytes=300000&length=1"
    path, _ = download(url, tmp_path, max_bytes=300000)
    assert isinstance(path, Path)
    assert path.stat().st_size == 300000


# --- the connection check ------------------------------------------------------------------
def check(refserver, **config) -> AsrError:
    server = ServerConfig(base_url=refserver.url, **config)
    try:
        asyncio.run(check_connection(server, model=None))
    except AsrError as exc:
        return exc
    raise AssertionError("the check passed")


def test_a_huge_model_list_fails_the_check_in_words(refserver):
    refserver.configure(models_mode="huge", huge_bytes=64 * 1024**2)
    error = check(refserver)
    assert isinstance(error, BadResponseError)
    assert str(error).startswith(f"The server at {where(refserver)} sent a reply of more "
                                 "than 16 MiB: the server's reply is too large")


@pytest.mark.parametrize("wrong", ["event", "choices", "choice", "content", "nesting"])
def test_a_model_list_of_the_wrong_type_fails_the_check_in_words(refserver, wrong):
    refserver.configure(models_mode="wrong_type", wrong_type=wrong)
    error = check(refserver)
    assert isinstance(error, BadResponseError)
    assert str(error).startswith(f"The server at {where(refserver)} sent a model list ")


def test_a_model_list_that_never_ends_fails_the_check_at_its_deadline(refserver):
    # A space every 0.1 s: always well within half the deadline of the last one, so the
    # server is busy, not silent.
    refserver.configure(models_mode="keepalive", keepalive_interval_s=0.1)
    started = time.monotonic()
    error = check(refserver, read_timeout=2.0)
    assert isinstance(error, ServerTimeoutError)
    assert str(error).startswith(f"The server at {where(refserver)} kept the connection busy")
    assert time.monotonic() - started < 10


# --- the client with small limits ----------------------------------------------------------
@pytest.fixture(scope="module")
def body(tmp_path_factory) -> dict:
    path = dtmf.write_audio(tmp_path_factory.mktemp("audio") / "a.flac",
                            dtmf.synthesize("12"), 16000)
    return build_chat_request(model="qwen3-asr",
                              audio_url=data_url(path.read_bytes(), "audio/flac"))


def transcribe(refserver, body: dict, *, stream: bool, **limits) -> AsrError:
    config = ServerConfig(base_url=refserver.url, read_timeout=2.0,
                          read_timeout_per_second=0.0, retry=RetryPolicy(attempts=1))

    async def main() -> None:
        async with AsrClient(config, limits=ReplyLimits(**limits)) as client:
            await client.transcribe({**body, "stream": stream}, on_text=lambda text: None)

    try:
        asyncio.run(main())
    except AsrError as exc:
        return exc
    raise AssertionError("the transcription passed")


@pytest.mark.parametrize("stream", [False, True])
def test_a_reply_past_a_small_cap_is_refused(refserver, body, stream):
    refserver.configure(mode="huge", huge_bytes=4 * 1024**2)
    error = transcribe(refserver, body, stream=stream, reply_bytes=256 * 1024,
                       text_chars=64 * 1024)
    assert isinstance(error, BadResponseError)
    assert str(error).startswith(f"The server at {where(refserver)} sent a ")
    assert "the server's reply is too large" in str(error)


@pytest.mark.parametrize("stream", [False, True])
def test_a_huge_error_body_is_cut_at_a_small_cap(refserver, body, stream):
    refserver.configure(fail_next=[{"status": 400, "body": "huge"}], huge_bytes=4 * 1024**2)
    error = transcribe(refserver, body, stream=stream, error_bytes=4096)
    # The start of the server's message, though its JSON was cut at the cap.
    assert str(error).startswith("400: the server refused the request. The server said: "
                                 "您好，请问有什么可以帮到您？0123456789 hello world")
    assert len(str(error)) < 600
