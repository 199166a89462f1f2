"""The audio prepared by worker processes and the requests spread over several servers:
real reference-server processes on loopback, real files made with PyAV. The text and its
order must be exactly what the sequential path (one thread, one server) gives."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time

import numpy as np
import pytest

from desktop_asr.engine import audio
from desktop_asr.engine.client import AsrClient, RetryPolicy, ServerConfig
from desktop_asr.engine.pipeline.dispatch import Dispatcher
from desktop_asr.engine.pipeline.feed import ChunkFeed, ThreadFeed
from desktop_asr.engine.transcribe import PartialText, TranscriptionJob, TranscriptionSettings
from desktop_asr.errors import UnsupportedMediaError
from tests import dtmf
from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.integration

WORDS = " ".join(f"{i:03d}" for i in range(60))


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    """About 90 s of DTMF words as a 44.1 kHz stereo m4a: cut into several chunks."""
    folder = tmp_path_factory.mktemp("pipeline")
    samples = dtmf.synthesize(WORDS, 44100, word_gap_ms=900)
    return dtmf.write_audio(folder / "talk.m4a", samples, 44100, channels=2)


def settings(**changes) -> TranscriptionSettings:
    return TranscriptionSettings(**{"model": "qwen3-asr", "max_chunk_seconds": 12,
                                    "concurrency": 3, **changes})


def run(job: TranscriptionJob, *urls: str, concurrency: int = 3, attempts: int = 4):
    configs = [ServerConfig(base_url=u, retry=RetryPolicy(attempts=attempts,
                                                          backoff_base=0.05))
               for u in urls]

    async def go():
        async with Dispatcher(configs, concurrency) as dispatcher:
            transcript = await job.run(dispatcher)
            return transcript, dispatcher

    job.prepare()
    return asyncio.run(go())


def reference(path, url):
    """Today's sequential path: one thread prepares the chunks, one server."""
    job = TranscriptionJob(path, settings(), workers=False)
    job.prepare()

    async def go():
        async with AsrClient(ServerConfig(base_url=url)) as client:
            return await job.run(client)

    return asyncio.run(go())


class Chunks(list):
    """A job's listener: the final text of each chunk, one per request (a chunk's text is
    placed on its speech as one segment or more)."""

    def __call__(self, event) -> None:
        if isinstance(event, PartialText) and event.done:
            self.append(event.text)


def chat_requests(server) -> int:
    return sum(1 for r in server.requests() if r["path"] == "/v1/chat/completions")


def free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_worker_processes_give_the_sequential_paths_chunks_and_text(refserver, speech):
    expected = reference(speech, refserver.url)
    assert expected.text == WORDS
    chunks = Chunks()
    transcript, _ = run(TranscriptionJob(speech, settings(), chunks), refserver.url)
    assert transcript.text == expected.text
    assert [(s.start, s.end, s.text) for s in transcript.segments] == \
        [(s.start, s.end, s.text) for s in expected.segments]
    assert len(chunks) >= 5


def test_the_decoder_process_cuts_at_pauses_and_sends_the_speech_like_one_thread(speech):
    """The chunks that cross the process boundary are PausePlanner's, with their speech."""

    async def cut(feed):
        async with contextlib.aclosing(feed.chunks()) as chunks:
            return [p async for p in chunks]

    prepared = asyncio.run(cut(ChunkFeed(str(speech), 12, "flac")))
    theirs = asyncio.run(cut(ThreadFeed(str(speech), 12, "flac")))
    ours = [p.chunk for p in prepared]
    assert ours == [p.chunk for p in theirs]
    assert len(ours) >= 5
    # Only the encoding carries the samples: exactly the file's, chunk after chunk.
    whole = np.concatenate(list(audio.decode_pcm(speech)))
    for p in prepared:
        decoded = audio.decode_encoded(p.payload)
        end = p.chunk.start + p.chunk.size
        assert np.array_equal(decoded[:p.chunk.size], whole[p.chunk.start:end])
        assert not decoded[p.chunk.size:].any()  # a short chunk's padding: silence
    assert sum(c.size for c in ours) == whole.size
    assert all(c.speech for c in ours)
    assert max(c.duration for c in ours) < 12  # cut in the pauses, not at the limit


def test_the_decoder_processs_error_keeps_its_code_for_the_interface(tmp_path):
    path = tmp_path / "notes.m4a"
    path.write_bytes(b"\x00\x01 not audio at all" * 100)

    async def cut():
        async with contextlib.aclosing(ChunkFeed(str(path), 12, "flac").chunks()) as chunks:
            return [p async for p in chunks]

    with pytest.raises(UnsupportedMediaError) as caught:
        asyncio.run(cut())
    assert caught.value.code == "not_audio"
    assert caught.value.params == {"name": "notes.m4a"}


def decoders():
    import multiprocessing

    return [p for p in multiprocessing.active_children() if p.name == "desktop-asr-decoder"]


def test_a_decoder_killed_midway_is_an_error_in_words_not_a_hang(speech):
    import os
    import signal

    from desktop_asr.errors import AsrError

    async def cut():
        got = []
        async with contextlib.aclosing(ChunkFeed(str(speech), 12, "flac", ahead=1).chunks()
                                       ) as chunks:
            async for prepared in chunks:
                got.append(prepared)
                if len(got) == 1:
                    for process in decoders():
                        os.kill(process.pid, signal.SIGKILL)
        return got

    started = time.monotonic()
    with pytest.raises(AsrError, match=r"stopped \(exit code -9\)") as caught:
        asyncio.run(cut())
    assert "Traceback" not in str(caught.value)
    assert (caught.value.code, caught.value.params) == ("reader_stopped", {"exit_code": -9})
    assert time.monotonic() - started < 20


def test_a_file_left_after_two_chunks_stops_its_decoder(speech):
    async def cut():
        async with contextlib.aclosing(ChunkFeed(str(speech), 12, "flac").chunks()) as chunks:
            got = [await anext(chunks), await anext(chunks)]
        return got

    assert len(asyncio.run(cut())) == 2
    wait_for(lambda: not decoders(), 10, "the decoder to stop", details=lambda: str(decoders()))


ORPHAN = """
import asyncio, contextlib, multiprocessing, os, signal, sys
from desktop_asr.engine.pipeline.feed import ChunkFeed

async def go():
    feed = ChunkFeed(sys.argv[1], 12, "flac", ahead=1)
    async with contextlib.aclosing(feed.chunks()) as chunks:
        await anext(chunks)
        print(*[p.pid for p in multiprocessing.active_children()
                if p.name == "desktop-asr-decoder"], flush=True)
        await asyncio.sleep(0.3)
        os.kill(os.getpid(), signal.SIGKILL)

if __name__ == "__main__":
    asyncio.run(go())
"""


def test_a_killed_program_leaves_no_decoder_behind(speech, tmp_path):
    """The app killed while a decoder waits for room to send: the decoder stops too."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(script), str(speech)], capture_output=True,
                          text=True, timeout=60, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)})
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 1, done.stderr

    def running(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    wait_for(lambda: not running(pids[0]), 10, f"the orphaned decoder {pids[0]} to stop")


def test_two_endpoints_share_the_chunks(make_refserver, speech):
    first, second = make_refserver(), make_refserver()
    for server in (first, second):
        server.configure(latency_scale=1.0, min_latency_s=0.3)
    chunks = Chunks()
    transcript, dispatcher = run(TranscriptionJob(speech, settings(), chunks), first.url,
                                 second.url, concurrency=2)
    assert transcript.text == WORDS
    counts = [chat_requests(first), chat_requests(second)]
    assert sum(counts) == len(chunks)
    assert min(counts) >= len(chunks) // 2 - 1, counts
    assert dispatcher.scheduler.most_in_flight == 4


@pytest.mark.parametrize("fault", ["503", "down", "500"])
def test_a_failing_endpoint_is_taken_out_and_others_finish_the_file(make_refserver, speech,
                                                                     fault):
    healthy = make_refserver()
    if fault == "down":
        bad_url, bad = free_port_url(), None
    else:
        bad = make_refserver()
        bad.configure(fail_next=[{"status": int(fault), "count": 100000}])
        bad_url = bad.url
    chunks = Chunks()
    transcript, dispatcher = run(TranscriptionJob(speech, settings(), chunks), bad_url,
                                 healthy.url)
    assert transcript.text == WORDS
    assert chat_requests(healthy) == len(chunks)
    failing = dispatcher.scheduler.endpoints[0]
    assert failing.succeeded == 0
    assert 1 <= failing.sent < len(chunks)  # tried, then left out a while


def test_429_with_retry_after_lowers_that_endpoints_concurrency(make_refserver, speech):
    busy, other = make_refserver(), make_refserver()
    for server in (busy, other):
        server.configure(latency_scale=1.0, min_latency_s=0.2)
    busy.configure(fail_next=[{"status": 429, "count": 2, "retry_after": 0.5}])
    started = time.monotonic()
    chunks = Chunks()
    transcript, dispatcher = run(TranscriptionJob(speech, settings(), chunks), busy.url,
                                 other.url)
    assert transcript.text == WORDS
    endpoint = dispatcher.scheduler.endpoints[0]
    assert endpoint.lowest_cap < endpoint.limit
    assert chat_requests(busy) + chat_requests(other) == len(chunks) + 2
    assert time.monotonic() - started < 30


def test_a_file_that_is_not_audio_fails_in_words_from_the_worker(refserver, tmp_path):
    path = tmp_path / "notes.m4a"
    path.write_bytes(b"\x00\x01 not audio at all" * 100)
    job = TranscriptionJob(path, settings())
    with pytest.raises(UnsupportedMediaError):
        asyncio.run(_only_run(job, refserver.url))
    assert chat_requests(refserver) == 0


async def _only_run(job, url):
    async with AsrClient(ServerConfig(base_url=url)) as client:
        return await job.run(client)


def test_429_behind_one_url_lowers_the_concurrency_and_the_client_waits_it_out(refserver,
                                                                               speech):
    refserver.configure(fail_next=[{"status": 429, "count": 2, "retry_after": 0.2}])
    transcript, dispatcher = run(TranscriptionJob(speech, settings()), refserver.url)
    assert transcript.text == WORDS
    (endpoint,) = dispatcher.scheduler.endpoints
    assert endpoint.lowest_cap == 1  # 3 -> 1 after two 429s
    assert endpoint.cap > 1  # raised again by the successes that followed


def test_the_command_line_spreads_a_folder_over_every_server_given(make_refserver, run_cli,
                                                                   make_audio, tmp_path):
    first, second = make_refserver(), make_refserver()
    for server in (first, second):
        server.configure(latency_scale=1.0, min_latency_s=0.2)
    files = [make_audio(f"m{i}.m4a", f"{i}{i}{i} {i}1{i}", sample_rate=44100, channels=2)
             for i in range(6)]
    out = tmp_path / "out"
    done = run_cli("transcribe", *map(str, files), "--server", first.url, "--server",
                   second.url, "--model", "qwen3-asr", "--concurrency", "2", "-o", str(out),
                   "--no-history")
    assert done.returncode == 0, done.stderr
    for i in range(6):
        assert (out / f"m{i}.txt").read_text(encoding="utf-8") == f"{i}{i}{i} {i}1{i}\n"
    assert chat_requests(first) >= 2
    assert chat_requests(second) >= 2


def test_a_request_body_is_let_go_when_its_reply_is_read(refserver):
    """A long file's requests hold their audio only while in flight: once a reply is read,
    nothing keeps the body (megabytes of audio each) waiting for the garbage collector,
    which runs rarely when the objects are few and large."""
    import gc
    import tracemalloc

    import numpy as np

    from desktop_asr.engine import audio
    from desktop_asr.engine.requests import build_chat_request, data_url, encode_json_body

    rng = np.random.default_rng(0)
    tones = dtmf.synthesize("123", 16000).astype(np.float64)
    noise = rng.normal(0, 0.05, 16000 * 30)
    noise[:tones.size] += tones
    samples = (np.clip(noise, -1, 1) * 32767).astype(np.int16)
    flac = audio.encode(samples, "flac")
    assert len(flac) > 500_000  # noise hardly compresses: a body of about a megabyte

    async def send_all(count: int) -> list[str]:
        texts = []
        async with AsrClient(ServerConfig(base_url=refserver.url)) as client:
            for _ in range(count):
                body = encode_json_body(build_chat_request(
                    model="qwen3-asr", audio_url=data_url(flac, "audio/flac")))
                reply = await client.transcribe_json(body, "qwen3-asr", audio_seconds=30)
                del body
                texts.append(reply.text)
        return texts

    assert asyncio.run(send_all(1)) == ["123"]  # what the first request imports and caches
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        texts = asyncio.run(send_all(6))
        kept, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    assert texts == ["123"] * 6
    # Six bodies of 1.3 MB (base64) each were sent; what stays is a fraction of one.
    assert kept < 1_000_000, f"{kept / 1e6:.1f} MB still held after the requests"


def test_a_request_imports_nothing_once_the_first_has_gone(refserver):
    """Every request of a long file goes through the same code: none may look for a module
    on each call (httpcore asks for sniffio on every request; when it is missing, each ask
    searched the whole sys.path again)."""
    import sys

    from desktop_asr.engine import audio
    from desktop_asr.engine.requests import build_chat_request, data_url, encode_json_body

    pcm = (dtmf.synthesize("12", 16000) * 32767).astype("int16")
    audio_bytes = audio.encode(pcm, "flac")
    body = encode_json_body(build_chat_request(
        model="qwen3-asr", audio_url=data_url(audio_bytes, "audio/flac")))
    looked_for: list[str] = []

    class Watcher:
        @staticmethod
        def find_spec(name, path=None, target=None):
            looked_for.append(name)
            return None

    async def send(count: int) -> list[str]:
        async with AsrClient(ServerConfig(base_url=refserver.url)) as client:
            return [(await client.transcribe_json(body, "qwen3-asr", audio_seconds=2)).text
                    for _ in range(count)]

    assert asyncio.run(send(1)) == ["12"]  # what the first request imports, once
    sys.meta_path.insert(0, Watcher)
    try:
        texts = asyncio.run(send(5))
    finally:
        sys.meta_path.remove(Watcher)
    assert texts == ["12"] * 5
    assert looked_for == [], f"looked for modules on every request: {sorted(set(looked_for))}"
