"""Decode any audio or video file to 16 kHz mono 16-bit PCM, streaming, and encode PCM
as FLAC or WAV for the server. Built on PyAV (the FFmpeg its wheels bundle)."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np
import numpy.typing as npt

from desktop_asr.errors import InputError, UnsupportedMediaError

SAMPLE_RATE = 16000
Pcm = npt.NDArray[np.int16]

AUDIO_FORMATS = {"flac": "audio/flac", "wav": "audio/wav"}


@dataclass(frozen=True)
class MediaInfo:
    """What a file holds, read from its headers (the duration may be an estimate)."""

    path: Path
    container: str
    codec: str
    sample_rate: int
    channels: int
    duration: float | None


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise InputError(f"{path} does not exist.", code="file_missing",
                         params={"path": str(path)})
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file.", code="file_is_folder",
                         params={"path": str(path)})
    if path.stat().st_size == 0:
        raise UnsupportedMediaError(f"{path.name} is empty (0 bytes).", code="file_empty",
                                    params={"name": path.name})
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except PermissionError:
        raise InputError(f"No permission to read {path}.", code="file_no_permission",
                         params={"path": str(path)}) from None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise UnsupportedMediaError(
            f"{path.name} is not an audio or video file, or it is corrupt.",
            details=str(exc), code="not_audio", params={"name": path.name},
        ) from None


def _audio_stream(container: av.container.InputContainer, path: Path) -> av.AudioStream:
    if not container.streams.audio:
        container.close()
        raise UnsupportedMediaError(f"{path.name} has no audio track.", code="no_audio_track",
                                    params={"name": path.name})
    return container.streams.audio[0]


def probe(path: str | Path) -> MediaInfo:
    """Read a file's headers. Raises InputError/UnsupportedMediaError in words."""
    p = Path(path)
    container = _open(p)
    with container:
        stream = _audio_stream(container, p)
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        return MediaInfo(
            path=p,
            container=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=stream.codec_context.sample_rate or 0,
            channels=stream.codec_context.channels or 0,
            duration=duration,
        )


def decode_pcm(path: str | Path, block_seconds: float = 10.0) -> Iterator[Pcm]:
    """Yield the file's first audio track as 16 kHz mono int16 blocks of about
    ``block_seconds``. Only one block is held at a time, whatever the file's length.

    Raises UnsupportedMediaError when the file cannot be decoded, and when it decodes to
    nothing at all.
    """
    p = Path(path)
    container = _open(p)
    with container:
        stream = _audio_stream(container, p)
        target = max(1, int(block_seconds * SAMPLE_RATE))
        # FFmpeg gathers the resampled audio into frames of ``target`` samples: one array
        # per block reaches Python, not one per decoded frame (the same samples either way).
        def new_resampler() -> av.AudioResampler:
            return av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE,
                                     frame_size=target)

        resampler, kind = new_resampler(), None
        total = 0
        try:
            for frame in _gathered(_decoded_frames(container, stream)):
                now = (frame.format.name, frame.layout.name, frame.sample_rate)
                if kind is not None and now != kind:  # a stream that changes its rate
                    for out in resampler.resample(None):
                        total += out.samples
                        yield _s16(out)
                    resampler = new_resampler()
                kind = now
                for out in resampler.resample(frame):
                    total += out.samples
                    yield _s16(out)
            for out in resampler.resample(None):
                total += out.samples
                yield _s16(out)
        except (av.error.FFmpegError, ValueError) as exc:
            raise UnsupportedMediaError(
                f"{p.name} is corrupt: decoding stopped after "
                f"{total / SAMPLE_RATE:.1f} s.",
                details=str(exc), code="file_corrupt",
                params={"name": p.name, "seconds": total / SAMPLE_RATE},
            ) from None
        if total == 0:
            raise UnsupportedMediaError(f"{p.name} holds no audio (its audio track is empty).",
                                        code="no_audio_track", params={"name": p.name})


def _s16(frame: av.AudioFrame) -> Pcm:
    block: Pcm = frame.to_ndarray().reshape(-1).astype(np.int16, copy=False)
    return block


GATHER_SECONDS = 2.0


def _gathered(frames: Iterable[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    """The decoded frames joined into frames of about GATHER_SECONDS, the same samples in
    the same order. A codec's frames are short (1024 samples for AAC) and each pass through
    the resampler costs far more than its samples: resampling a 20-minute m4a frame by
    frame took 3.5 times as long as in these blocks, for identical output. Frames whose
    format, layout or rate change midway start a new block."""
    fifo: av.AudioFifo | None = None
    size = 0
    for frame in frames:
        frame.pts = None  # the blocks are contiguous: their times are their order
        if fifo is None:
            fifo, size = av.AudioFifo(), max(1, int(GATHER_SECONDS * (frame.sample_rate or 1)))
        try:
            fifo.write(frame)
        except ValueError:  # another format than the frames before: a new block
            rest = fifo.read() if fifo.samples else None
            if rest is not None:
                yield rest
            fifo, size = av.AudioFifo(), max(1, int(GATHER_SECONDS * (frame.sample_rate or 1)))
            fifo.write(frame)
        while fifo.samples >= size:
            block = fifo.read(size)
            if block is None:
                break
            yield block
    if fifo is not None and fifo.samples:
        block = fifo.read()
        if block is not None:
            yield block


def _decoded_frames(
    container: av.container.InputContainer, stream: av.AudioStream
) -> Iterator[av.AudioFrame]:
    """The stream's frames, decoded by FFmpeg's own loop (one Python step per frame, not
    three per packet). A damaged packet in an otherwise good file stops that loop: from
    there on the file is decoded packet by packet, each damaged one skipped, as FFmpeg
    itself does."""
    try:
        yield from container.decode(stream)
        return
    except av.error.InvalidDataError:
        pass
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue


def decode_encoded(data: bytes) -> Pcm:
    """The samples of an ``encode`` result (FLAC or WAV of 16 kHz mono int16): exactly the
    samples that were encoded."""
    with av.open(io.BytesIO(data), mode="r") as container:
        blocks = [frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)]
    samples: Pcm = np.concatenate(blocks).astype(np.int16, copy=False) if blocks else (
        np.empty(0, dtype=np.int16))
    return samples


# FFmpeg's FLAC level 3 (shorter predictors than the default 5): a quarter less CPU for 1%
# more bytes on speech (measured on the throughput benchmark's 20 minutes: 1.0 s and 19.1
# kB/s against 1.3 s and 18.9 kB/s). Levels 0-2 are both larger and slower there.
FLAC_OPTIONS = {"compression_level": "3"}
ENCODE_BLOCK = SAMPLE_RATE  # samples per call into the FLAC encoder (threads)
ENCODE_BLOCK_WORKER = 30 * SAMPLE_RATE  # ... in a worker process, where nothing waits on it


def encode(samples: Pcm, fmt: str = "flac", block: int = ENCODE_BLOCK) -> bytes:
    """16 kHz mono int16 PCM -> a FLAC or WAV file in memory, fed to the encoder ``block``
    samples at a time."""
    if fmt == "wav":
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
        return buffer.getvalue()
    if fmt != "flac":
        raise ValueError(f"unknown audio format {fmt!r}; use flac or wav")
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="flac") as out:
        stream = out.add_stream("flac", rate=SAMPLE_RATE, layout="mono",
                                options=FLAC_OPTIONS)
        stream.codec_context.format = "s16"
        pcm = np.ascontiguousarray(samples, dtype=np.int16)
        # A second at a time: each call into the encoder is short, so a thread encoding
        # a long chunk never holds the interpreter for long (the UI thread stays fluid).
        for start in range(0, pcm.size, block):
            frame = av.AudioFrame.from_ndarray(
                pcm[start:start + block].reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()
