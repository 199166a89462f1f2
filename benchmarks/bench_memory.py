"""Peak memory of cutting and encoding a 2-hour file, as the transcription job does, next to
the size the whole file would take as 16 kHz PCM. Decoding streams: the peak should stay
near one chunk's worth, whatever the file's length.

    .venv/bin/python -m benchmarks.bench_memory [--hours 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from benchmarks.bench_throughput import peak_rss_mb


def write_long_file(path: Path, seconds: float) -> None:
    """A long mono AAC (m4a) file of noise and tones, written a minute at a time."""
    rate = 16000
    rng = np.random.default_rng(1)
    with av.open(str(path), "w", format="ipod") as out:
        stream = out.add_stream("aac", rate=rate, layout="mono")
        stream.bit_rate = 32000
        frame_size = stream.codec_context.frame_size or 1024
        pts = 0
        for _ in range(int(seconds // 60)):
            minute = rng.normal(0, 0.05, 60 * rate).astype(np.float32)
            minute[::2000] = 0.5
            for i in range(0, minute.size, frame_size):
                block = minute[i : i + frame_size]
                frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt",
                                                   layout="mono")
                frame.sample_rate = rate
                frame.pts = pts
                pts += block.size
                for packet in stream.encode(frame):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def measure(path: str) -> None:
    """Run in a child process: decode, chunk and FLAC-encode every chunk, print peak RSS."""
    from desktop_asr.engine import audio
    from desktop_asr.engine.chunking import ChunkPlanner

    start = time.perf_counter()
    base = peak_rss_mb()  # this program's own (ru_maxrss would count the parent's too)
    samples = 0
    encoded = 0
    for chunk in ChunkPlanner(120).chunks(audio.decode_pcm(path)):
        samples += chunk.samples.size
        encoded += len(audio.encode(chunk.padded()))
    peak = peak_rss_mb()
    wall = time.perf_counter() - start
    print(f"decoded {samples / 16000 / 3600:.2f} h in {wall:.1f} s "
          f"({samples / 16000 / wall:.0f}x real time); FLAC {encoded / 1e6:.0f} MB")
    print(f"peak RSS {peak:.0f} MiB (after imports {base:.0f} MiB, "
          f"growth {peak - base:.0f} MiB); the whole file as 16-bit PCM would be "
          f"{samples * 2 / 2**20:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.m4a"
        started = time.perf_counter()
        write_long_file(path, args.hours * 3600)
        print(f"wrote {args.hours:g} h m4a ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.0f} s")
        subprocess.run([sys.executable, "-m", "benchmarks.bench_memory", "--measure",
                        str(path)], check=True)


if __name__ == "__main__":
    main()
