"""DTMF tones as deterministic "speech" for tests, the reference server and benchmarks.

A transcript is words separated by single spaces; every word is a string of DTMF symbols.
`synthesize` turns it into audio, `detect` turns audio back into the words, and
`write_audio` stores audio in the container/codec combinations users drop on the app.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

SYMBOLS = "0123456789*#ABCD"
ROW_HZ = (697.0, 770.0, 852.0, 941.0)
COL_HZ = (1209.0, 1336.0, 1477.0, 1633.0)
KEYPAD = ("123A", "456B", "789C", "*0#D")

# symbol -> (row frequency, column frequency)
FREQUENCIES: dict[str, tuple[float, float]] = {
    KEYPAD[r][c]: (ROW_HZ[r], COL_HZ[c]) for r in range(4) for c in range(4)
}

FADE_MS = 5.0
FRAME_S = 0.02
MIN_TONE_FRAMES = 2
WORD_BREAK_S = 0.25


def _silence(ms: float, sample_rate: int) -> np.ndarray:
    return np.zeros(round(ms * sample_rate / 1000), dtype=np.float32)


def _tone(symbol: str, ms: float, sample_rate: int, amplitude: float) -> np.ndarray:
    low, high = FREQUENCIES[symbol]
    n = round(ms * sample_rate / 1000)
    t = np.arange(n) / sample_rate
    wave = np.sin(2 * np.pi * low * t) + np.sin(2 * np.pi * high * t)
    fade = min(round(FADE_MS * sample_rate / 1000), n // 2)
    envelope = np.ones(n)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False)
        envelope[:fade] = ramp
        envelope[n - fade :] = ramp[::-1]
    return (wave * envelope * (amplitude / 2)).astype(np.float32)


def synthesize(
    text: str,
    sample_rate: int = 16000,
    *,
    tone_ms: float = 100,
    gap_ms: float = 60,
    word_gap_ms: float = 700,
    lead_ms: float = 300,
    tail_ms: float = 300,
    amplitude: float = 0.4,
) -> np.ndarray:
    """Float32 mono audio in [-1, 1] that `detect` reads back as `text.split(" ")`."""
    words = text.split(" ") if text else []
    for word in words:
        bad = [s for s in word if s not in FREQUENCIES]
        if not word or bad:
            raise ValueError(f"not a DTMF word: {word!r}")
    parts = [_silence(lead_ms, sample_rate)]
    for w, word in enumerate(words):
        if w:
            parts.append(_silence(word_gap_ms, sample_rate))
        for s, symbol in enumerate(word):
            if s:
                parts.append(_silence(gap_ms, sample_rate))
            parts.append(_tone(symbol, tone_ms, sample_rate, amplitude))
    parts.append(_silence(tail_ms, sample_rate))
    return np.concatenate(parts)


def _band_energies(frames: np.ndarray, sample_rate: int) -> np.ndarray:
    """Energy of each frame at the 8 DTMF frequencies (Goertzel-equivalent single-bin DFT).

    Scaled so that a sinusoid filling the frame yields its own energy (sum of squares).
    """
    n = frames.shape[1]
    t = np.arange(n) / sample_rate
    freqs = np.array(ROW_HZ + COL_HZ)
    phase = 2 * np.pi * np.outer(t, freqs)
    basis = np.concatenate([np.cos(phase), np.sin(phase)], axis=1).astype(np.float32)
    proj = frames @ basis
    re, im = proj[:, :8], proj[:, 8:]
    energies: np.ndarray = (re * re + im * im) * (2.0 / n)
    return energies


def _frame_symbols(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Per 20 ms frame: the index into KEYPAD-flattened symbols, or -1 for no tone."""
    n = max(1, round(FRAME_S * sample_rate))
    count = len(samples) // n
    if count == 0:
        return np.empty(0, dtype=np.int64)
    frames = np.ascontiguousarray(samples[: count * n], dtype=np.float32).reshape(count, n)
    energy = np.einsum("ij,ij->i", frames, frames).astype(np.float64)
    bands = _band_energies(frames, sample_rate).astype(np.float64)
    rows, cols = bands[:, :4], bands[:, 4:]
    row_idx, col_idx = rows.argmax(axis=1), cols.argmax(axis=1)
    row_sorted, col_sorted = np.sort(rows, axis=1), np.sort(cols, axis=1)
    row_best, col_best = row_sorted[:, -1], col_sorted[:, -1]
    tonal = row_best + col_best
    # Loudest frame nearby: a frame far below it is codec pre-echo or a fade, not a tone.
    reach = 8
    padded = np.pad(energy, reach)
    local_max = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1).max(axis=1)
    ok = (
        (energy > (0.004**2) * n)
        & (tonal > 0.6 * energy)
        & (row_best > 4 * row_sorted[:, -2])
        & (col_best > 4 * col_sorted[:, -2])
        & (row_best < 10 * col_best)
        & (col_best < 10 * row_best)
        & (energy > 0.1 * local_max)
    )
    return np.where(ok, row_idx * 4 + col_idx, -1)


def detect(samples: np.ndarray, sample_rate: int) -> list[str]:
    """The DTMF words in mono `samples` (16 kHz expected; other rates work too)."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError("detect() wants mono samples")
    labels = _frame_symbols(samples, sample_rate)
    if labels.size == 0:
        return []
    # Run-length encode the frame labels.
    change = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [labels.size]))
    values = labels[starts]
    keep = (values >= 0) & (ends - starts >= MIN_TONE_FRAMES)
    flat = "".join(KEYPAD)
    word_break_frames = WORD_BREAK_S / FRAME_S
    words: list[str] = []
    current = ""
    previous_end: int | None = None
    for start, end, value in zip(starts[keep], ends[keep], values[keep], strict=True):
        if previous_end is not None and start - previous_end >= word_break_frames:
            words.append(current)
            current = ""
        current += flat[value]
        previous_end = int(end)
    if current:
        words.append(current)
    return words


# ---------------------------------------------------------------- writing files

# suffix -> (container format, audio codecs to try in order)
_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wav": ("wav", ("pcm_s16le",)),
    "flac": ("flac", ("flac",)),
    "mp3": ("mp3", ("libmp3lame", "mp3")),
    "m4a": ("ipod", ("aac",)),
    "aac": ("adts", ("aac",)),
    "ogg": ("ogg", ("libopus", "libvorbis", "vorbis")),
    "opus": ("ogg", ("libopus",)),
    "webm": ("webm", ("libopus", "libvorbis")),
    "mp4": ("mp4", ("aac",)),
    "mkv": ("matroska", ("aac", "libopus", "flac")),
    "amr": ("amr", ("libopencore_amrnb",)),
}
_VIDEO_CODECS: dict[str, tuple[str, ...]] = {
    "webm": ("libvpx", "libvpx-vp9"),
    "mp4": ("mpeg4", "libx264", "h264"),
    "mkv": ("mpeg4", "libx264", "h264", "mjpeg"),
}
_VIDEO_FPS = 5
_VIDEO_SIZE = (64, 48)


class UnsupportedFormatError(RuntimeError):
    """The PyAV build has no encoder for the requested format (tests skip on this)."""


def _has_encoder(name: str) -> bool:
    try:
        av.codec.Codec(name, "w")
    except Exception:  # PyAV raises a few different types for a missing codec
        return False
    return True


def _pick_encoder(candidates: tuple[str, ...], what: str) -> str:
    for name in candidates:
        if _has_encoder(name):
            return name
    raise UnsupportedFormatError(f"no {what} encoder among {candidates} in this PyAV build")


def _encoder_rate(codec_name: str, wanted: int) -> int:
    if codec_name == "libopencore_amrnb":
        return 8000
    rates = av.codec.Codec(codec_name, "w").audio_rates
    if not rates:
        return wanted
    if wanted in rates:
        return wanted
    higher = [r for r in rates if r > wanted]
    return min(higher) if higher else max(rates)


def _encoder_format(codec_name: str) -> str:
    formats = av.codec.Codec(codec_name, "w").audio_formats
    names = [f.name for f in formats] if formats else []
    for preferred in ("fltp", "flt", "s16", "s16p", "s32"):
        if not names or preferred in names:
            return preferred
    return names[0]


def write_audio(
    path: str | Path,
    samples: np.ndarray,
    sample_rate: int,
    *,
    channels: int = 1,
    container: str | None = None,
    codec: str | None = None,
    video: bool = False,
) -> Path:
    """Write mono float `samples` to `path`; the format comes from the suffix or `container`.

    Suffixes: wav flac mp3 m4a aac ogg opus webm mp4 mkv amr. `container` overrides the
    suffix with one of those names or an FFmpeg muxer name ("matroska", "ipod", ...);
    `codec` overrides the audio encoder. `video=True` adds a small video track
    (webm/mp4/mkv). Raises UnsupportedFormatError when this PyAV build cannot write the format.
    """
    path = Path(path)
    kind = (container or path.suffix.lstrip(".")).lower()
    by_muxer = {muxer: name for name, (muxer, _) in reversed(_FORMATS.items())}
    kind = kind if kind in _FORMATS else by_muxer.get(kind, kind)
    if kind not in _FORMATS:
        raise UnsupportedFormatError(f"unknown audio file type {kind!r}")
    if channels not in (1, 2):
        raise ValueError("channels must be 1 or 2")
    if video and kind not in _VIDEO_CODECS:
        raise UnsupportedFormatError(f"{kind} cannot carry a video track here")
    if kind == "amr" and channels != 1:
        raise UnsupportedFormatError("AMR is mono only")
    muxer, candidates = _FORMATS[kind]
    audio_codec = codec or _pick_encoder(candidates, f"{kind} audio")
    video_codec = _pick_encoder(_VIDEO_CODECS[kind], f"{kind} video") if video else None

    mono = np.clip(np.asarray(samples, dtype=np.float32).reshape(-1), -1.0, 1.0)
    with av.open(str(path), mode="w", format=muxer) as out:
        _encode_all(out, mono, sample_rate, channels, audio_codec, video_codec)
    return path


def _add_audio_stream(
    out: av.container.OutputContainer, codec: str, sample_rate: int, layout: str
) -> AudioStream:
    stream = cast(
        AudioStream, out.add_stream(codec, rate=_encoder_rate(codec, sample_rate), layout=layout)
    )
    if codec == "libopencore_amrnb":
        stream.bit_rate = 12200
    stream.codec_context.format = av.AudioFormat(_encoder_format(codec))
    return stream


def _add_video_stream(out: av.container.OutputContainer, codec: str) -> VideoStream:
    stream = cast(VideoStream, out.add_stream(codec, rate=_VIDEO_FPS))
    stream.width, stream.height = _VIDEO_SIZE
    stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
    stream.time_base = Fraction(1, _VIDEO_FPS)
    return stream


def _encode_all(
    out: av.container.OutputContainer,
    mono: np.ndarray,
    sample_rate: int,
    channels: int,
    audio_codec: str,
    video_codec: str | None,
) -> None:
    """Feed 100 ms blocks through a resampler into the encoder, with video frames in step."""
    layout = "stereo" if channels == 2 else "mono"
    astream = _add_audio_stream(out, audio_codec, sample_rate, layout)
    vstream = _add_video_stream(out, video_codec) if video_codec else None
    context = astream.codec_context
    context.open()  # frame_size is known once the encoder is open
    resampler = av.AudioResampler(
        format=context.format.name,
        layout=layout,
        rate=context.sample_rate,
        frame_size=context.frame_size or 1024,
    )
    pts = 0

    def encode(frame: av.AudioFrame | None) -> None:
        nonlocal pts
        for converted in resampler.resample(frame):
            converted.pts = pts
            pts += converted.samples
            out.mux(astream.encode(converted))

    duration = len(mono) / sample_rate
    block = max(1, sample_rate // 10)
    video_index = 0
    for start in range(0, len(mono), block):
        chunk = mono[start : start + block]
        data = np.repeat(chunk, channels).reshape(1, -1)  # packed: interleaved channels
        frame = av.AudioFrame.from_ndarray(data, format="flt", layout=layout)
        frame.sample_rate = sample_rate
        encode(frame)
        while vstream is not None and video_index / _VIDEO_FPS < min(
            (start + chunk.size) / sample_rate, duration
        ):
            out.mux(vstream.encode(_video_frame(video_index)))
            video_index += 1
    encode(None)
    out.mux(astream.encode(None))
    if vstream is not None:
        if video_index == 0:
            out.mux(vstream.encode(_video_frame(0)))
        out.mux(vstream.encode(None))


def _video_frame(index: int) -> av.VideoFrame:
    width, height = _VIDEO_SIZE
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[:, :, 0] = (index * 25) % 256
    image[:, (index * 4) % width, 1] = 255
    frame = av.VideoFrame.from_ndarray(image, format="rgb24")
    frame.pts = index
    return frame


def read_audio(path: str | Path, sample_rate: int = 16000) -> np.ndarray:
    """Decode the first audio track of a file to mono float32 at `sample_rate` (for tests)."""
    with av.open(str(path)) as container:
        return _decode_container(container, sample_rate)


def decode_bytes(data: bytes, sample_rate: int = 16000) -> np.ndarray:
    """Decode in-memory audio bytes to mono float32 at `sample_rate`."""
    with av.open(io.BytesIO(data)) as container:
        return _decode_container(container, sample_rate)


def _decode_container(container: av.container.InputContainer, sample_rate: int) -> np.ndarray:
    """All decoded frames gathered in a FIFO and converted in one go (much faster than
    converting frame by frame); frames whose format changes midway are converted one by one."""
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    pieces: list[np.ndarray] = []
    fifo = av.AudioFifo()

    def convert(frame: av.AudioFrame | None) -> None:
        pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))

    for frame in container.decode(stream):
        frame.pts = None
        try:
            fifo.write(frame)
        except ValueError:  # a different format, layout or rate than the frames before
            convert(fifo.read())
            fifo = av.AudioFifo()
            fifo.write(frame)
    if fifo.samples:
        convert(fifo.read())
    convert(None)
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32, copy=False)
