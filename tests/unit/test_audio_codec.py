"""Decoding files to 16 kHz mono PCM and encoding PCM as FLAC/WAV (desktop_asr.engine.audio).

Decoding is checked against PyAV/`wave` directly; test files are written by the tests.
"""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from desktop_asr.engine.audio import SAMPLE_RATE, decode_pcm, encode, probe
from desktop_asr.errors import InputError, UnsupportedMediaError

pytestmark = pytest.mark.timeout(30)


def pyav_decode(data: bytes) -> tuple[np.ndarray, int, int]:
    """All samples of the first audio stream, with its rate and channel count."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        frames = [f.to_ndarray() for f in container.decode(stream)]
        rate, channels = stream.codec_context.sample_rate, stream.codec_context.channels
    if not frames:
        return np.zeros(0, np.int16), rate, channels
    return np.concatenate([f.reshape(-1) for f in frames]), rate, channels


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int) -> Path:
    """``samples`` is (frames, channels) int16."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return path


def sine(seconds: float, rate: int, freq: float = 440.0, amplitude: int = 10000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude).astype(np.int16)


def assert_names_file_in_words(error: BaseException, path: Path) -> None:
    message = str(error)
    assert path.name in message, message
    assert re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", message), message
    assert "Traceback" not in message
    assert "b'" not in message
    assert "Errno" not in message


# --- encode -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pcm() -> np.ndarray:
    rng = np.random.default_rng(0)
    x = rng.integers(-32768, 32768, size=2 * SAMPLE_RATE + 123).astype(np.int16)
    x[:3] = [-32768, 32767, 0]  # the extremes must survive too
    return x


@pytest.mark.parametrize("fmt", ["flac", "wav"])
def test_encode_round_trips_sample_exactly(pcm, fmt):
    decoded, rate, channels = pyav_decode(encode(pcm, fmt))
    assert (rate, channels) == (16000, 1)
    assert decoded.dtype == np.int16
    assert np.array_equal(decoded, pcm)


def test_flac_starts_with_the_flac_marker_and_is_smaller_than_wav_for_quiet_audio():
    quiet = sine(1.0, SAMPLE_RATE, amplitude=100)
    flac, wav = encode(quiet, "flac"), encode(quiet, "wav")
    assert flac[:4] == b"fLaC"
    assert wav[:4] == b"RIFF"
    assert wav[8:12] == b"WAVE"
    assert len(flac) < len(wav)


def test_wav_header_is_16khz_mono_16bit():
    data = encode(sine(0.25, SAMPLE_RATE), "wav")
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        assert w.getnframes() == 4000


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="mp3"):
        encode(np.zeros(10, np.int16), "mp3")


def test_empty_pcm_as_wav_is_a_valid_empty_file():
    decoded, rate, _ = pyav_decode(encode(np.zeros(0, np.int16), "wav"))
    assert decoded.size == 0
    assert rate == 16000


def test_empty_pcm_as_flac_is_a_valid_empty_file():
    decoded, rate, _ = pyav_decode(encode(np.zeros(0, np.int16), "flac"))
    assert decoded.size == 0
    assert rate == 16000


# --- decode_pcm ---------------------------------------------------------------------------
def test_44k1_stereo_wav_decodes_to_16k_mono(tmp_path):
    tone = sine(3.0, 44100)
    path = write_wav(tmp_path / "stereo.wav", np.stack([tone, tone], axis=1), 44100, 2)
    blocks = list(decode_pcm(path))
    out = np.concatenate(blocks)
    assert out.dtype == np.int16
    assert abs(out.size - 3 * 16000) <= 1
    # Both channels carry the same 440 Hz tone: the mono mix keeps it (RMS ~ 10000/sqrt 2).
    middle = out[1000:-1000].astype(np.float64)
    rms = float(np.sqrt(np.mean(middle**2)))
    assert 0.5 * 7071 < rms < 1.5 * 7071
    spectrum = np.abs(np.fft.rfft(middle))
    peak_hz = np.argmax(spectrum) * 16000 / middle.size
    assert abs(peak_hz - 440) < 5


def test_16k_mono_wav_decodes_sample_exactly(tmp_path):
    x = np.random.default_rng(1).integers(-20000, 20000, size=16000).astype(np.int16)
    path = write_wav(tmp_path / "mono.wav", x, 16000, 1)
    assert np.array_equal(np.concatenate(list(decode_pcm(path))), x)


def test_long_file_comes_as_several_blocks(tmp_path):
    x = sine(25.0, 16000)
    path = write_wav(tmp_path / "long.wav", x, 16000, 1)
    blocks = decode_pcm(path)  # default blocks of about 10 s
    first = next(blocks)
    assert 9 * 16000 <= first.size <= 11 * 16000
    rest = list(blocks)
    assert len(rest) >= 2
    assert all(block.size <= 11 * 16000 for block in rest)
    assert np.array_equal(np.concatenate([first, *rest]), x)


def test_block_seconds_sets_the_block_size(tmp_path):
    path = write_wav(tmp_path / "a.wav", sine(5.0, 16000), 16000, 1)
    blocks = list(decode_pcm(path, block_seconds=1.0))
    assert len(blocks) >= 4
    assert sum(b.size for b in blocks) == 5 * 16000


def test_probe_reads_the_headers(tmp_path):
    tone = sine(3.0, 44100)
    path = write_wav(tmp_path / "stereo.wav", np.stack([tone, tone], axis=1), 44100, 2)
    info = probe(path)
    assert (info.container, info.sample_rate, info.channels) == ("wav", 44100, 2)
    assert info.duration == pytest.approx(3.0, abs=0.01)
    assert info.path == path


# --- files that cannot be used ------------------------------------------------------------
def _video_only(path: Path) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    good_flac = encode(sine(1.0, 16000), "flac")
    files = {
        "empty": (tmp_path / "empty.wav", b""),
        "text": (tmp_path / "notes.txt", b"This is a shopping list, not audio.\n" * 40),
        "garbage": (tmp_path / "garbage.mp3",
                    np.random.default_rng(5).integers(0, 256, 5000, dtype=np.uint8).tobytes()),
        "truncated flac": (tmp_path / "cut.flac", good_flac[:60]),
    }
    out = {}
    for key, (path, data) in files.items():
        path.write_bytes(data)
        out[key] = path
    out["video only"] = _video_only(tmp_path / "silent-film.mp4")
    return out


CASES = ["empty", "text", "garbage", "truncated flac", "video only"]


@pytest.mark.parametrize("case", CASES)
def test_probe_of_an_unusable_file_says_why(tmp_path, case):
    path = _bad_files(tmp_path)[case]
    with pytest.raises(UnsupportedMediaError) as info:
        probe(path)
    assert_names_file_in_words(info.value, path)


@pytest.mark.parametrize("case", CASES)
def test_decode_of_an_unusable_file_says_why(tmp_path, case):
    path = _bad_files(tmp_path)[case]
    with pytest.raises(UnsupportedMediaError) as info:
        list(decode_pcm(path))
    assert_names_file_in_words(info.value, path)


def test_decode_of_a_wav_header_without_samples_says_it_holds_no_audio(tmp_path):
    whole = write_wav(tmp_path / "full.wav", sine(1.0, 16000), 16000, 1).read_bytes()
    path = tmp_path / "header-only.wav"
    path.write_bytes(whole[:44])
    with pytest.raises(UnsupportedMediaError) as info:
        list(decode_pcm(path))
    assert_names_file_in_words(info.value, path)


@pytest.mark.parametrize("call", [probe, lambda p: list(decode_pcm(p))])
def test_a_folder_is_an_input_error(tmp_path, call):
    folder = tmp_path / "recordings"
    folder.mkdir()
    with pytest.raises(InputError) as info:
        call(folder)
    assert_names_file_in_words(info.value, folder)
    assert "folder" in str(info.value)


@pytest.mark.parametrize("call", [probe, lambda p: list(decode_pcm(p))])
def test_a_missing_path_is_an_input_error(tmp_path, call):
    path = tmp_path / "nowhere" / "missing.wav"
    with pytest.raises(InputError) as info:
        call(path)
    assert_names_file_in_words(info.value, path)
    assert "not exist" in str(info.value)


def test_big_frames_give_the_same_samples_as_one_frame_at_a_time(tmp_path):
    """decode_pcm hands FFmpeg's resampled audio to Python in big frames; the samples are
    exactly those of resampling each decoded frame on its own (as the app once did)."""
    import av

    from tests import dtmf

    words = " ".join(f"{i:02d}" for i in range(30))
    path = dtmf.write_audio(tmp_path / "talk.m4a", dtmf.synthesize(words, 44100), 44100,
                            channels=2)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
    pieces = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            pieces += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    pieces += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    one_at_a_time = np.concatenate(pieces)
    blocks = list(decode_pcm(path, block_seconds=7.0))
    assert len(blocks) >= 3
    assert np.array_equal(np.concatenate(blocks), one_at_a_time)


def test_a_stream_whose_rate_changes_midway_decodes_whole(tmp_path):
    """Decoded frames are joined into blocks before resampling; where the frames change
    their rate (two MP3s of different rates joined byte for byte), a new block starts and
    nothing is lost or stretched."""
    from tests import dtmf

    first = dtmf.write_audio(tmp_path / "a.mp3", dtmf.synthesize("12", 44100), 44100)
    second = dtmf.write_audio(tmp_path / "b.mp3", dtmf.synthesize("34", 22050), 22050)
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(first.read_bytes() + second.read_bytes())
    expected = sum(np.concatenate(list(decode_pcm(p))).size for p in (first, second))
    samples = np.concatenate(list(decode_pcm(joined)))
    assert abs(samples.size - expected) < 0.05 * 16000  # codec padding at the join at most
    assert dtmf.detect(samples.astype(np.float32) / 32768, 16000) == ["12", "34"]


@pytest.mark.parametrize("suffix", [".mp3", ".m4a"])
def test_damaged_packets_are_skipped_and_the_rest_is_decoded(tmp_path, suffix):
    """A file with a few damaged packets in the middle (a bad download, a bad sector): the
    audio after them is still decoded, as FFmpeg's own tools do, not cut off."""
    from tests import dtmf

    path = dtmf.write_audio(tmp_path / f"talk{suffix}",
                            dtmf.synthesize("12 34 56 78 90 12 34", 44100), 44100)
    whole = np.concatenate(list(decode_pcm(path)))
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(3)
    for at in range(len(data) * 2 // 5, len(data) * 3 // 5, 997):
        data[at:at + 40] = rng.integers(0, 256, 40, dtype=np.uint8).tobytes()
    damaged = tmp_path / f"damaged{suffix}"
    damaged.write_bytes(bytes(data))
    samples = np.concatenate(list(decode_pcm(damaged)))
    assert samples.size > 0.8 * whole.size
    heard = dtmf.detect(samples.astype(np.float32) / 32768, 16000)
    assert heard[:2] == ["12", "34"]
    assert heard[-2:] == ["12", "34"]
