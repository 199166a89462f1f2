"""A job tried again after a failure mid-file sends only the chunks it has no text for
(engine/chunk_results.py), against the reference server."""

from __future__ import annotations

import asyncio
import json

import pytest

from desktop_asr.engine.chunk_results import ChunkResults
from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.transcribe import JobProgress, TranscriptionJob, TranscriptionSettings
from desktop_asr.errors import AsrError
from tests import dtmf

pytestmark = pytest.mark.integration

WORDS = " ".join(f"{i:02d}" for i in range(40))
CHAT = "/v1/chat/completions"


async def _run(job: TranscriptionJob, url: str):
    config = ServerConfig(base_url=url, retry=RetryPolicy(attempts=1))
    async with AsrClient(config) as client:
        return await job.run(client)


def _chat_requests(refserver) -> int:
    return sum(1 for r in refserver.requests() if r["path"] == CHAT)


@pytest.fixture
def speech(tmp_path):
    return dtmf.write_audio(tmp_path / "talk.flac", dtmf.synthesize(WORDS, word_gap_ms=1000),
                            16000)


def _fail_after(refserver, chunks: int):
    """A listener that makes the server refuse every request once ``chunks`` are done."""
    def listener(event) -> None:
        if isinstance(event, JobProgress) and event.chunks_done == chunks:
            refserver.configure(fail_next=[{"status": 401, "count": 1000}])
    return listener


def test_a_second_try_sends_only_the_missing_chunks(refserver, speech):
    settings = TranscriptionSettings(model="qwen3-asr", max_chunk_seconds=10, concurrency=1)
    kept = ChunkResults()
    first = TranscriptionJob(speech, settings, listener=_fail_after(refserver, 2), resume=kept)
    with pytest.raises(AsrError):
        asyncio.run(_run(first, refserver.url))
    assert len(kept) == 2
    refserver.reset()

    progress: list[JobProgress] = []
    again = TranscriptionJob(speech, settings, resume=kept,
                             listener=lambda e: isinstance(e, JobProgress) and progress.append(e))
    transcript = asyncio.run(_run(again, refserver.url))
    total = progress[-1].chunks_total
    assert total is not None
    assert total >= 4
    assert transcript.text == WORDS  # the same text, in order
    assert _chat_requests(refserver) == total - 2  # the two kept chunks were not sent again
    assert progress[0].chunks_done == 0
    assert any(p.chunks_done == 2 and p.seconds_done > 0 for p in progress)  # starts at 2
    assert len(kept) == total


def test_results_survive_as_json(refserver, speech):
    settings = TranscriptionSettings(model="qwen3-asr", max_chunk_seconds=10, concurrency=1)
    kept = ChunkResults()
    first = TranscriptionJob(speech, settings, listener=_fail_after(refserver, 3), resume=kept)
    with pytest.raises(AsrError):
        asyncio.run(_run(first, refserver.url))
    refserver.reset()
    restored = ChunkResults.from_json(json.loads(json.dumps(kept.to_json())))
    assert len(restored) == 3
    transcript = asyncio.run(_run(TranscriptionJob(speech, settings, resume=restored),
                                  refserver.url))
    assert transcript.text == WORDS
    assert _chat_requests(refserver) == len(restored) - 3  # every chunk is kept now


@pytest.mark.parametrize("change", ["settings", "audio"])
def test_kept_results_of_other_settings_or_audio_are_not_used(refserver, speech, change):
    settings = TranscriptionSettings(model="qwen3-asr", max_chunk_seconds=10, concurrency=1)
    kept = ChunkResults()
    first = TranscriptionJob(speech, settings, listener=_fail_after(refserver, 2), resume=kept)
    with pytest.raises(AsrError):
        asyncio.run(_run(first, refserver.url))
    refserver.reset()
    if change == "settings":
        settings = TranscriptionSettings(model="qwen3-asr", max_chunk_seconds=10,
                                         concurrency=1, context="Kubernetes")
    else:
        dtmf.write_audio(speech, dtmf.synthesize(WORDS.replace("07", "77"),
                                                 word_gap_ms=1000), 16000)
    progress: list[JobProgress] = []
    asyncio.run(_run(TranscriptionJob(speech, settings, resume=kept, listener=lambda e: (
        isinstance(e, JobProgress) and progress.append(e))), refserver.url))
    assert _chat_requests(refserver) == progress[-1].chunks_total  # everything sent again


def test_malformed_kept_results_are_dropped():
    assert len(ChunkResults.from_json({"fingerprint": "x", "chunks": [
        {"start": 0, "length": 16000, "segments": [{"start": 0, "end": 1, "text": "a\nb",
                                                    "language": "English"}]},
        {"start": -1, "length": 5, "segments": []},
        {"start": 0, "length": "x", "segments": []},
        {"start": 5, "length": 5, "segments": [{"start": "0"}]},
        "nonsense",
    ]})) == 1
    assert len(ChunkResults.from_json([1, 2])) == 0
    kept = ChunkResults.from_json({"fingerprint": "x", "chunks": [
        {"start": 0, "length": 16000, "segments": [{"start": 0, "end": 1, "text": "a\nb",
                                                    "language": "English"}]}]})
    (segment,) = kept.get((0, 16000)) or ()
    assert segment.text == "a b"  # text read back from disk is cleaned like a server's
