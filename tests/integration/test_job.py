"""The transcription job of the core, driven directly against the reference server."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from desktop_asr.core.client import AsrClient, ServerConfig
from desktop_asr.core.errors import CancelledError
from desktop_asr.core.transcribe import (
    JobProgress,
    PartialText,
    TranscriptionJob,
    TranscriptionSettings,
)
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
    total = len(transcript.segments)
    assert total >= 3
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
