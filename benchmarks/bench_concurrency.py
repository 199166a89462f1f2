"""Wall time of a 20-minute file at concurrency 1 and 8 against the reference server's
latency model (Qwen3-ASR 0.6B on one GPU, from its technical report), and the bytes sent
per second of audio.

    .venv/bin/python -m benchmarks.bench_concurrency [--minutes 20] [--latency-scale 1]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from desktop_asr.engine import audio
from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.transcribe import TranscriptionJob, TranscriptionSettings
from tests import dtmf
from tests.refserver.fixture import RefServer


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts the bytes of every request body sent."""

    sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += len(request.content)
        return await super().handle_async_request(request)


def speech_like(seconds: float, folder: Path) -> tuple[np.ndarray, str]:
    """Real synthetic speech (espeak-ng) when installed, so that the FLAC size is that of
    speech; DTMF over a noise floor otherwise."""
    if shutil.which("espeak-ng"):
        wav = folder / "clip.wav"
        text = ("The quarterly review starts with the infrastructure budget. We moved the "
                "speech recognition service to the new GPU server, and latency dropped by "
                "half while throughput doubled. Next, the team discussed the release plan.")
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), text], check=True)
        clip = np.concatenate(list(audio.decode_pcm(wav)))
        reps = int(np.ceil(seconds * audio.SAMPLE_RATE / clip.size))
        return np.tile(clip, reps)[: int(seconds * audio.SAMPLE_RATE)], "espeak-ng speech"
    words = " ".join("0123456789"[i % 10] * 3 for i in range(int(seconds / 1.1)))
    tones = dtmf.synthesize(words, audio.SAMPLE_RATE)
    noise = np.random.default_rng(0).normal(0, 0.003, tones.size)
    return ((tones + noise) * 32767).astype(np.int16), "DTMF over a -50 dBFS noise floor"


async def transcribe_once(url: str, path: Path, concurrency: int) -> tuple[float, int, int]:
    transport = CountingTransport()
    settings = TranscriptionSettings(model="qwen3-asr", concurrency=concurrency)
    async with AsrClient(ServerConfig(base_url=url), transport=transport) as client:
        job = TranscriptionJob(path, settings)
        job.prepare()
        start = time.perf_counter()
        transcript = await job.run(client)
        wall = time.perf_counter() - start
    return wall, transport.sent, len(transcript.segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--latency-scale", type=float, default=1.0)
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp, RefServer() as server:
        samples, kind = speech_like(seconds, Path(tmp))
        path = Path(tmp) / "meeting.wav"
        Path(path).write_bytes(audio.encode(samples, "wav"))
        server.configure(latency_scale=args.latency_scale)
        print(f"audio: {seconds / 60:.0f} min of {kind}, 16 kHz mono; "
              f"server latency model x{args.latency_scale:g}")
        results = {}
        for concurrency in (1, 8):
            wall, sent, chunks = asyncio.run(transcribe_once(server.url, path, concurrency))
            results[concurrency] = wall
            print(f"concurrency {concurrency}: {wall:6.2f} s wall for {chunks} chunks, "
                  f"{seconds / wall:7.1f} audio-s/s, {sent / seconds / 1000:.1f} kB sent per "
                  "second of audio")
        print(f"speed-up 8 vs 1: {results[1] / results[8]:.2f}x")
        print(f"(16-bit WAV would be {32.0 * 4 / 3:.1f} kB/s as base64; raw PCM 32.0 kB/s)")


if __name__ == "__main__":
    main()
