"""Downloading a URL source (desktop_asr.engine.download) against httpx.MockTransport:
the file written, redirects, and every failure as an InputError in words."""

from __future__ import annotations

import asyncio
import socket
import ssl
from pathlib import Path

import httpx
import pytest

from desktop_asr.engine.download import Downloader, local_name
from desktop_asr.errors import InputError

pytestmark = pytest.mark.timeout(10)

URL = "https://media.example.org/calls/Call%201.m4a?sig=abc"


def fetch(handler, tmp_path: Path, url: str = URL, **kwargs):
    """Run the download; return (the path or the error, the progress calls)."""
    progress: list[tuple[int, int | None]] = []

    async def main():
        downloader = Downloader(transport=httpx.MockTransport(handler), **kwargs)
        try:
            return await downloader.fetch(url, tmp_path,
                                          on_progress=lambda n, t: progress.append((n, t)))
        except InputError as exc:
            return exc

    return asyncio.run(main()), progress


def test_file_is_written_under_the_urls_name(tmp_path):
    data = bytes(range(256)) * 4000  # ~1 MB: several blocks
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, content=data)

    path, progress = fetch(handler, tmp_path)
    assert path == tmp_path / "Call 1.m4a"
    assert path.read_bytes() == data
    assert progress[-1] == (len(data), len(data))
    assert len(progress) >= 2
    # Nothing of the ASR server's goes to a third-party host.
    assert "authorization" not in seen[0].headers


def test_redirects_are_followed(tmp_path):
    def handler(request):
        if request.url.path == "/old.wav":
            return httpx.Response(302, headers={"Location": "https://cdn.example.org/new.wav"})
        return httpx.Response(200, content=b"RIFF....WAVE")

    path, _ = fetch(handler, tmp_path, "https://media.example.org/old.wav")
    assert path.read_bytes() == b"RIFF....WAVE"


@pytest.mark.parametrize(
    ("status", "words"), [(404, "404 Not Found"), (403, "403 Forbidden"),
                          (500, "500 Internal Server Error")])
def test_http_errors_name_the_status(tmp_path, status, words):
    error, _ = fetch(lambda r: httpx.Response(status, text="<h1>nope</h1>"), tmp_path)
    assert isinstance(error, InputError)
    assert str(error) == ("Cannot download the URL: the server at media.example.org:443 "
                          f"answered {words}.")


def _raise(exc: Exception):
    def handler(request):
        raise exc
    return handler


def _connect_error(cause: BaseException, text: str) -> httpx.ConnectError:
    error = httpx.ConnectError(text)
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_connect_error(socket.gaierror(-2, "Name or service not known"),
                        "[Errno -2] Name or service not known"),
         "the host name media.example.org cannot be resolved"),
        (_connect_error(ConnectionRefusedError(111, "Connection refused"),
                        "[Errno 111] Connection refused"),
         "media.example.org:443 refused the connection"),
        (httpx.ConnectTimeout("timed out"), "media.example.org:443 did not answer within 3 s"),
        (httpx.ReadTimeout("timed out"), "stopped sending data for 7 s"),
        (_connect_error(ssl.SSLCertVerificationError("certificate verify failed"),
                        "[SSL: CERTIFICATE_VERIFY_FAILED]"),
         "secure connection to media.example.org:443 failed"),
        (httpx.RemoteProtocolError("peer closed connection"), "broke off"),
    ],
)
def test_network_failures_in_words(tmp_path, exc, expected):
    error, _ = fetch(_raise(exc), tmp_path, connect_timeout=3, read_timeout=7)
    assert isinstance(error, InputError)
    assert str(error).startswith("Cannot download the URL: ")
    assert expected in str(error)
    assert "Traceback" not in str(error)


def test_empty_file_is_an_error(tmp_path):
    error, _ = fetch(lambda r: httpx.Response(200, content=b""), tmp_path)
    assert isinstance(error, InputError)
    assert "empty file" in str(error)


def test_cancelling_stops_a_download_that_never_ends(tmp_path):
    class Endless(httpx.AsyncByteStream):
        def __init__(self) -> None:
            self.blocks = 0

        async def __aiter__(self):
            while True:
                self.blocks += 1
                yield b"x" * 1024
                await asyncio.sleep(0)

    stream = Endless()

    async def main():
        downloader = Downloader(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=stream)))
        task = asyncio.create_task(downloader.fetch(URL, tmp_path))
        while stream.blocks < 20:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return stream.blocks

    blocks = asyncio.run(main())
    assert blocks < 40


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://h/a/b/speech.mp3", "speech.mp3"),
        ("http://h/a/Call%201.m4a?sig=x#t", "Call 1.m4a"),
        ("http://h/", "download"),
        ("http://h/..%2F..%2Fetc%2Fpasswd", "_.._etc_passwd"),
        ("http://h/%2E%2E", "download"),
    ],
)
def test_local_name_is_safe(url, name):
    assert local_name(url) == name
