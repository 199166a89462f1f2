"""Downloading an http(s) audio URL to a local file, so that it is transcribed like any
dropped file (the "inline" transport).

The download uses the machine's own network settings (proxies from the environment,
NO_PROXY, SSL_CERT_FILE: httpx's ``trust_env``), never the ASR server's headers or API key:
the URL usually points at another host.

The other host is as hostile as any server: a download is refused past MAX_DOWNLOAD_BYTES
(at once when its declared length says so), when less than STALL_MIN_BYTES came in the last
STALL_SECONDS (a trickle that would never end), and after DEADLINE_SECONDS in all.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from desktop_asr import __version__
from desktop_asr.engine.http_errors import exception_chain
from desktop_asr.engine.limits import size_words
from desktop_asr.errors import InputError

MAX_DOWNLOAD_BYTES = 2 * 1024**3  # hours of audio in any format; a file is not a disk
STALL_SECONDS = 15.0  # less than STALL_MIN_BYTES in this long: too slow, or never ending
STALL_MIN_BYTES = 16 * 1024
DEADLINE_SECONDS = 3600.0  # a whole download
PREFIX = "Cannot download the URL:"
CHUNK_BYTES = 256 * 1024  # written, and progress reported, at most this much at a time
Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes or None)


class Downloader:
    """Streams one URL to a file. ``transport`` is for tests (httpx.MockTransport)."""

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None,
                 connect_timeout: float = 10.0, read_timeout: float = 60.0,
                 max_bytes: int = MAX_DOWNLOAD_BYTES, stall_seconds: float = STALL_SECONDS,
                 stall_min_bytes: int = STALL_MIN_BYTES,
                 deadline: float = DEADLINE_SECONDS) -> None:
        self._transport = transport
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._max_bytes = max_bytes
        self._stall = (stall_seconds, stall_min_bytes)
        self._deadline = deadline

    async def fetch(self, url: str, directory: Path, *,
                    on_progress: Progress | None = None) -> Path:
        """Download ``url`` into ``directory`` (which the caller owns and deletes) and
        return the file's path. Raises InputError in words; cancelling the awaiting task
        stops the download at once."""
        try:
            return await asyncio.wait_for(self._fetch(url, directory, on_progress),
                                          self._deadline)
        except asyncio.TimeoutError:
            raise InputError(f"{PREFIX} {_host_port(url)} did not send the whole file within "
                             f"{self._deadline:g} s.") from None

    async def _fetch(self, url: str, directory: Path, on_progress: Progress | None) -> Path:
        where = _host_port(url)
        target = directory / local_name(url)
        async with httpx.AsyncClient(
            transport=self._transport,
            timeout=httpx.Timeout(self._read_timeout, connect=self._connect_timeout),
            follow_redirects=True,
            trust_env=True,
            headers={"User-Agent": f"desktop-asr/{__version__}"},
        ) as http:
            try:
                async with http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        raise InputError(
                            "Cannot download the URL: the server at "
                            f"{_host_port(str(response.url))} answered "
                            f"{_status_text(response)}.")
                    where = _host_port(str(response.url))
                    total = _content_length(response)
                    if total is not None and total > self._max_bytes:
                        raise InputError(
                            f"{PREFIX} the file at {where} is too large ({size_words(total)}; "
                            f"at most {size_words(self._max_bytes)} are downloaded).")
                    pace = _Pace(where, self._max_bytes, *self._stall)
                    size = await _save(response, target, total, on_progress, pace)
            except httpx.HTTPError as exc:
                raise _describe(exc, where, self._connect_timeout,
                                self._read_timeout) from None
        if size == 0:
            raise InputError("Cannot download the URL: the server sent an empty file.")
        return target


class _Pace:
    """Counts what a download sent: InputError past the size cap, or when less than
    ``min_bytes`` came in the last ``window`` seconds."""

    def __init__(self, where: str, max_bytes: int, window: float, min_bytes: int) -> None:
        self.where, self.max_bytes, self.window, self.min_bytes = (where, max_bytes, window,
                                                                   min_bytes)
        self.size = self.mark_size = 0
        self.mark_time = time.monotonic()

    def add(self, count: int) -> None:
        self.size += count
        if self.size > self.max_bytes:
            raise InputError(f"{PREFIX} {self.where} sent more than "
                             f"{size_words(self.max_bytes)}: the file is too large.")
        now = time.monotonic()
        if self.size - self.mark_size >= self.min_bytes:
            self.mark_time, self.mark_size = now, self.size
        elif now - self.mark_time > self.window:
            raise InputError(f"{PREFIX} {self.where} sent only {self.size - self.mark_size} "
                             f"bytes in {self.window:g} s: it is too slow, or it never ends.")


async def _save(response: httpx.Response, target: Path, total: int | None,
                on_progress: Progress | None, pace: _Pace) -> int:
    size = 0
    try:
        with target.open("wb") as out:
            # As the network delivers (a chunk size would hide a trickle until it filled).
            async for received in response.aiter_bytes():
                for start in range(0, len(received), CHUNK_BYTES):
                    block = received[start : start + CHUNK_BYTES]
                    pace.add(len(block))
                    out.write(block)
                    size += len(block)
                    if on_progress is not None:
                        on_progress(size, total)
    except OSError as exc:
        raise InputError("Cannot download the URL: the temporary file cannot be written "
                         f"({exc.strerror or exc}).") from None
    return size


def local_name(url: str) -> str:
    """A safe file name for the download, keeping the URL's extension (a hint for the
    decoder): ``https://h/a/Call%201.m4a?sig=x`` -> ``Call 1.m4a``."""
    name = unquote(PurePosixPath(urlsplit(url).path).name)
    name = re.sub(r"[^\w .+-]", "_", name).strip(" .")[:100]
    return name or "download"


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname or '?'}:{port}"


def _content_length(response: httpx.Response) -> int | None:
    try:
        value = int(response.headers.get("content-length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _status_text(response: httpx.Response) -> str:
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase or "an error"
    return f"{response.status_code} {phrase}"


def _describe(exc: httpx.HTTPError, where: str, connect_timeout: float,
              read_timeout: float) -> InputError:
    prefix = "Cannot download the URL:"
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return InputError(f"{prefix} {where} did not answer within {connect_timeout:g} s.",
                          details=text)
    if isinstance(exc, httpx.TimeoutException):
        return InputError(f"{prefix} {where} stopped sending data for {read_timeout:g} s.",
                          details=text)
    if isinstance(exc, httpx.ConnectError):
        causes = exception_chain(exc)
        low = " ".join([text, *(str(c) for c in causes)]).lower()
        if any(isinstance(c, ssl.SSLError) for c in causes) or "ssl" in low:
            return InputError(f"{prefix} the secure connection to {where} failed (its "
                              "certificate is not trusted, or it does not speak TLS).",
                              details=text)
        if any(isinstance(c, socket.gaierror) for c in causes) or (
            "name or service not known" in low or "name resolution" in low
        ):
            host = where.rsplit(":", 1)[0]
            return InputError(f"{prefix} the host name {host} cannot be resolved.",
                              details=text)
        if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in low:
            return InputError(f"{prefix} {where} refused the connection.", details=text)
        return InputError(f"{prefix} cannot connect to {where} ({text}).", details=text)
    if isinstance(exc, httpx.TooManyRedirects):
        return InputError(f"{prefix} too many redirects.", details=text)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return InputError(f"{prefix} the connection to {where} broke off before the file "
                          "was complete.", details=text)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return InputError(f"{prefix} only http and https URLs can be downloaded.",
                          details=text)
    return InputError(f"{prefix} {text}.", details=text)
