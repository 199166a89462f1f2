"""The transcription job of the core, driven directly against the reference server."""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.transcribe import (
    JobProgress,
    PartialText,
    TranscriptionJob,
    TranscriptionSettings,
)
from desktop_asr.errors import CancelledError
from tests import dtmf

pytestmark = pytest.mark.integration


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)  # sleep-ok: polling another process's state


async def _run(job: TranscriptionJob, url: str):
    async with AsrClient(ServerConfig(base_url=url)) as client:
        return await job.run(client)


def test_progress_and_partial_text_events(refserver, tmp_path):
    words = " ".join(f"{i:02d}" for i in range(40))
    path = dtmf.write_audio(tmp_path / "a.flac", dtmf.synthesize(words, word_gap_ms=1000),
                            16000)
    events = []
    settings = TranscriptionSettings(model="qwen3-asr", max_chunk_seconds=20, stream=True)
    job = TranscriptionJob(path, settings, listener=events.append)
    job.prepare()
    transcript = asyncio.run(_run(job, refserver.url))
    assert transcript.text == words
    progress = [e for e in events if isinstance(e, JobProgress)]
    total = progress[-1].chunks_total
    assert total is not None
    assert total >= 3
    assert len(transcript.segments) >= total  # segments follow the speech inside chunks
    assert progress[-1].chunks_done == total
    assert progress[-1].chunks_total == total
    assert progress[-1].seconds_done == pytest.approx(transcript.duration)
    done_counts = [p.chunks_done for p in progress]
    assert done_counts == sorted(done_counts)
    finals = sorted((e for e in events if isinstance(e, PartialText) and e.done),
                    key=lambda e: e.start)
    assert " ".join(e.text for e in finals) == words
    growing = [e.text for e in events if isinstance(e, PartialText) and not e.done]
    assert growing, "streaming gives text before a chunk is complete"


def test_cancel_stops_requests_in_flight_promptly(refserver, tmp_path):
    path = dtmf.write_audio(tmp_path / "a.wav",
                            dtmf.synthesize(" ".join(["123"] * 60), word_gap_ms=1000), 16000)
    refserver.configure(min_latency_s=60)
    settings = TranscriptionSettings(model="qwen3-asr", max_chunk_seconds=15, concurrency=3)
    job = TranscriptionJob(path, settings)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = asyncio.run(_run(job, refserver.url))
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    _wait_for(lambda: refserver.stats()["in_flight"] == 3)
    started = time.monotonic()
    job.cancel()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2.0
    assert isinstance(outcome.get("error"), CancelledError)
    _wait_for(lambda: refserver.stats()["in_flight"] == 0)


def test_cancel_before_start(refserver, tmp_path):
    path = dtmf.write_audio(tmp_path / "a.wav", dtmf.synthesize("1"), 16000)
    job = TranscriptionJob(path, TranscriptionSettings(model="qwen3-asr"))
    job.cancel()
    with pytest.raises(CancelledError):
        asyncio.run(_run(job, refserver.url))
    assert refserver.requests() == []


@pytest.fixture
def stalling_server():
    """An http server on loopback that starts sending a big file, then stalls until the
    test ends. ``started`` is set once a download is under way."""
    started, release = threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            self.wfile.write(b"RIFF" + b"\0" * 65_536)
            self.wfile.flush()
            started.set()
            release.wait(timeout=30)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/big.wav", started
    release.set()
    server.shutdown()
    server.server_close()


def test_cancel_stops_a_download_promptly_and_deletes_it(refserver, stalling_server, tmp_path,
                                                         monkeypatch):
    url, started = stalling_server
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the download goes
    job = TranscriptionJob(url, TranscriptionSettings(model="qwen3-asr"))
    job.prepare()  # cheap for a URL: nothing fetched yet
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = asyncio.run(_run(job, refserver.url))
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    assert started.wait(timeout=10)
    (folder,) = scratch.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700  # private
    began = time.monotonic()
    job.cancel()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - began < 2.0
    assert isinstance(outcome.get("error"), CancelledError)
    assert list(scratch.iterdir()) == []
    assert refserver.requests() == []


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_transcriptions_style_job_on_a_downloaded_url(refserver, tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    dtmf.write_audio(root / "a.flac", dtmf.synthesize("*56 *78"), 16000)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietFiles, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/a.flac"
        events = []
        settings = TranscriptionSettings(model="qwen3-asr", api_style="transcriptions",
                                         stream=True)
        job = TranscriptionJob(url, settings, listener=events.append)
        transcript = asyncio.run(_run(job, refserver.url))
    finally:
        server.shutdown()
        server.server_close()
    assert (transcript.text, transcript.language, transcript.source) == ("五六七八", "Chinese",
                                                                        url)
    assert [e.text for e in events if isinstance(e, PartialText) and e.done] == ["五六七八"]
    assert refserver.requests()[-1]["path"] == "/v1/audio/transcriptions"
