"""How well subtitles fit the speech: 5 minutes of audio with known word times (English-
style and Chinese DTMF words, irregular 1-8 s pauses after about one word in four; see
tests/timed_speech.py), transcribed by the reference server in today's 120 s chunks, then
matched cue by cue to the words actually spoken.

"before" is what the app wrote until now: one segment per chunk, cut into cues at sentence
ends with the time shared out by characters over the whole chunk, silences included (the
old code is kept below for this comparison). "after" is the app's SRT, VTT and JSON today.

    .venv/bin/python -m benchmarks.bench_subtitles [--minutes 5] [--seed 1]
        [--noise 0.002] [--quietest 0.2] [--latency-scale 1]

``--noise`` raises the white noise floor (0.01 is about -40 dBFS) and ``--quietest`` lowers
the quietest word (0.1 is about -26 dBFS peak), to see the speech finder under worse audio.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from pathlib import Path

from desktop_asr.engine import audio
from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.transcribe import (
    JobEvent,
    PartialText,
    TranscriptionJob,
    TranscriptionSettings,
)
from desktop_asr.text.export import export
from desktop_asr.text.transcript import Segment, Transcript
from tests.refserver.fixture import RefServer
from tests.timed_speech import TimedText, generate, read_cues, score

# --- the cues as they were before (for the comparison only) ---------------------------------
_OLD_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])\s*")


def _old_split(text: str) -> list[str]:
    pieces: list[str] = []
    for sentence in (s.strip() for s in _OLD_SENTENCE_END.split(text)):
        if not sentence:
            continue
        cjk = not re.search(r"\s", sentence)
        limit = 32 if cjk else 84
        if cjk:
            pieces.extend(sentence[i : i + limit] for i in range(0, len(sentence), limit))
            continue
        line = ""
        for word in sentence.split():
            if line and len(line) + 1 + len(word) > limit:
                pieces.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            pieces.append(line)
    return pieces


def old_cues(segments: list[Segment]) -> list[TimedText]:
    cues = []
    for seg in segments:
        pieces = _old_split(seg.text)
        total = sum(len(p) for p in pieces) or 1
        start, span = seg.start, max(0.0, seg.end - seg.start)
        for piece in pieces:
            end = start + span * len(piece) / total
            cues.append(TimedText(start, end, piece))
            start = end
    return cues


# --- one run ---------------------------------------------------------------------------------
async def transcribe(url: str, path: Path, *, before: bool = False
                     ) -> tuple[Transcript, list[Segment], float]:
    """The transcript, the chunks' texts over the chunks' whole time (as before) and the
    wall time; ``before``: in 120 s chunks cut at the quietest moment, as before."""
    chunk_texts: dict[int, tuple[float, str]] = {}

    def listen(event: JobEvent) -> None:
        if isinstance(event, PartialText) and event.done:
            chunk_texts[event.chunk_index] = (event.start, event.text)

    async with AsrClient(ServerConfig(base_url=url)) as client:
        job = TranscriptionJob(path, TranscriptionSettings(model="qwen3-asr"), listen)
        if before:
            job._pauses = False
        job.prepare()
        began = time.perf_counter()
        transcript = await job.run(client)
        wall = time.perf_counter() - began
    starts = [chunk_texts[i][0] for i in sorted(chunk_texts)]
    ends = [*starts[1:], transcript.duration or 0.0]
    chunks = [Segment(a, b, chunk_texts[i][1])
              for i, a, b in zip(sorted(chunk_texts), starts, ends, strict=True)]
    return transcript, chunks, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", type=float, default=0.002,
                        help="the noise floor's standard deviation (full scale 1)")
    parser.add_argument("--quietest", type=float, default=0.2,
                        help="the quietest word's amplitude (the loudest is 0.5)")
    parser.add_argument("--latency-scale", type=float, default=1.0,
                        help="the reference server's GPU latency model (0: none)")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp, RefServer() as server:
        server.configure(latency_scale=args.latency_scale)
        for language in ("English", "Chinese"):
            speech = generate(args.minutes * 60, language, seed=args.seed, noise=args.noise,
                              quietest=args.quietest)
            path = Path(tmp) / f"{language}.wav"
            path.write_bytes(audio.encode(speech.samples, "wav"))
            _, old_chunks, old_wall = asyncio.run(transcribe(server.url, path, before=True))
            transcript, chunks, wall = asyncio.run(transcribe(server.url, path))
            print(f"{language}: {speech.seconds / 60:.1f} min, {len(speech.words)} words; "
                  f"before {len(old_chunks)} requests in {old_wall:.1f} s, after "
                  f"{len(chunks)} requests in {wall:.1f} s (concurrency 4, latency model "
                  f"x{args.latency_scale:g})")
            before = score(old_cues(old_chunks), speech.words)
            print(f"  before  SRT/VTT: {before.line()}")
            for fmt in ("srt", "vtt", "json"):
                fit = score(read_cues(export(transcript, fmt), fmt), speech.words)
                ok = ok and fit.meets_targets()
                print(f"  after   {fmt.upper():7s}: {fit.line()}")
    print("targets (start median <= 0.25 s, p90 <= 0.6 s, end median <= 0.35 s, no cue over "
          f"8 s, every word in order): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
