"""Post-stop latency of a 60-second dictation: pipelined (phrases sent while speaking)
against everything sent at the stop (the recording file as a normal transcription job).

    .venv/bin/python -m benchmarks.bench_dictation [--model 1.7b|0.6b] [--speed 1]

The dictation is DTMF "speech" (tests/dtmf.py): phrases of 3-6 words with 0.3 s between
words and 0.7-1.6 s pauses between phrases, over a -60 dBFS noise floor. It is fed to a
DictationSession in 50 ms blocks at the pace of the clock, as a microphone would deliver
it, against the reference server (tests/refserver) run as a separate process.

Latency model: the reference server simulates a batching GPU with Qwen3-ASR-0.6B's
throughput from its technical report (106 audio-seconds per second for one request, more
when batched) plus 30 ms per request. ``--model 1.7b`` (the default) stretches it by
106/67, giving the 1.7B's 67 audio-s/s for one request (PROTOCOL.md, Table 2).
``--speed K`` feeds K times faster than real time with the server K times faster too,
and reports latencies multiplied by K (client-side costs are then overstated).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from desktop_asr.dictation.sender import ClientSender
from desktop_asr.dictation.session import DictationResult, DictationSession
from desktop_asr.engine import audio
from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.transcribe import TranscriptionJob, TranscriptionSettings
from tests import dtmf
from tests.refserver.fixture import RefServer

MODELS = {"0.6b": 1.0, "1.7b": 106.0 / 67.0}  # latency_scale of the 0.6B throughput model
BLOCK_SECONDS = 0.05  # what the recorder delivers
MODEL_NAME = "qwen3-asr"


def dictation(seconds: float, seed: int = 7) -> tuple[np.ndarray, str, int]:
    """(int16 samples, the words said, phrase count) of about ``seconds`` of dictation."""
    rng = np.random.default_rng(seed)
    sr = audio.SAMPLE_RATE
    parts = [np.zeros(round(0.5 * sr), dtype=np.float32)]  # the pre-roll before speech
    words: list[str] = []
    phrases = 0
    total = parts[0].size
    while total < (seconds - 0.3) * sr:
        said = [str(rng.integers(10, 10_000)) for _ in range(rng.integers(3, 7))]
        pause = 0 if phrases == 0 else rng.uniform(0.7, 1.6) * 1000
        piece = dtmf.synthesize(" ".join(said), sr, word_gap_ms=300, lead_ms=pause,
                                tail_ms=0)
        if total + piece.size > (seconds - 0.3) * sr and phrases >= 12:
            break
        parts.append(piece)
        words += said
        phrases += 1
        total += piece.size
    # The user starts speaking a little later, so that the whole is ``seconds`` long.
    parts[0] = np.zeros(parts[0].size + max(0, round((seconds - 0.3) * sr) - total),
                        dtype=np.float32)
    parts.append(np.zeros(round(0.3 * sr), dtype=np.float32))  # then the stop key
    signal = np.concatenate(parts)
    noise = rng.normal(0.0, 10 ** (-60 / 20), signal.size)
    samples = np.clip((signal + noise) * 32767, -32768, 32767).astype(np.int16)
    return samples, " ".join(words), phrases


def pipelined(url: str, samples: np.ndarray, speed: float) -> tuple[float, DictationResult]:
    """Feed in real time (divided by ``speed``); seconds from the stop to the text."""
    settings = TranscriptionSettings(model=MODEL_NAME)
    session = DictationSession(ClientSender(ServerConfig(base_url=url), settings))
    session.start()
    block = round(BLOCK_SECONDS * audio.SAMPLE_RATE)
    started = time.perf_counter()
    for k, offset in enumerate(range(0, samples.size, block)):
        due = started + (offset + block) / audio.SAMPLE_RATE / speed
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # the microphone delivers a block every 50 ms
        session.feed(samples[offset:offset + block])
        if k % 200 == 0:
            print(f"  ... {offset / audio.SAMPLE_RATE:5.1f} s fed, {session.requests} "
                  "requests so far", flush=True)
    stop = time.perf_counter()
    result = session.finish(timeout=120)
    return time.perf_counter() - stop, result


async def _at_stop(url: str, path: Path) -> tuple[float, str]:
    settings = TranscriptionSettings(model=MODEL_NAME)
    async with AsrClient(ServerConfig(base_url=url)) as client:
        await client.list_models()  # a warm connection, as the pipelined client has
        stop = time.perf_counter()
        job = TranscriptionJob(path, settings)
        transcript = await job.run(client)
        return time.perf_counter() - stop, transcript.text


def at_stop(url: str, path: Path) -> tuple[float, str]:
    """The recording file (written while recording) sent as a normal job at the stop."""
    return asyncio.run(_at_stop(url, path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--model", choices=sorted(MODELS), default="1.7b")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="feed this many times faster than real time (default 1)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the at-stop mode (the median is shown)")
    args = parser.parse_args()
    scale = MODELS[args.model] / args.speed
    samples, words, phrases = dictation(args.seconds)
    duration = samples.size / audio.SAMPLE_RATE
    with tempfile.TemporaryDirectory() as tmp, RefServer() as server:
        server.configure(latency_scale=scale)
        path = Path(tmp) / "dictation.wav"
        path.write_bytes(audio.encode(samples, "wav"))
        print(f"dictation: {duration:.1f} s, {phrases} phrases, {len(words.split())} words "
              "(DTMF over a -60 dBFS noise floor)")
        print(f"latency model: Qwen3-ASR-{args.model.upper()} on one GPU "
              f"({106.0 / MODELS[args.model]:.0f} audio-s/s for one request, "
              f"{30 * MODELS[args.model]:.0f} ms per request); fed at {args.speed:g}x "
              "real time")

        print("(a) pipelined: feeding the dictation ...", flush=True)
        piped_wall, result = pipelined(server.url, samples, args.speed)
        piped = piped_wall * args.speed
        print(f"(a) pipelined:      {piped * 1000:7.0f} ms after the stop; "
              f"{result.requests_before_stop} of {result.requests} requests sent while "
              "speaking")

        runs = [at_stop(server.url, path) for _ in range(max(1, args.repeat))]
        whole = statistics.median(r[0] for r in runs) * args.speed
        whole_text = runs[0][1]
        print(f"(b) all at stop:    {whole * 1000:7.0f} ms after the stop (median of "
              f"{len(runs)}; one job on the {duration:.0f} s recording file)")
        print(f"ratio (b)/(a):      {whole / piped:7.1f}x  (target: at least 4x)")

    same = result.text == whole_text == words
    print(f"texts: {'complete and identical' if same else 'DIFFERENT'} "
          f"({len(result.text)} characters)")
    if not same:
        print(f"  said:      {words}\n  pipelined: {result.text}\n  at stop:   {whole_text}")
    if result.error is not None:
        print(f"pipelined error: {result.error}")
    return 0 if same and result.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
