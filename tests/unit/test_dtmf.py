"""DTMF synthesis and detection, directly and through real encoded files."""

from __future__ import annotations

import time
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import dtmf

TEXT = "123 456 *78 #1 AAA 9D0"
WORDS = TEXT.split(" ")

words_strategy = st.lists(
    st.text(alphabet=dtmf.SYMBOLS, min_size=1, max_size=6), min_size=1, max_size=5
)


def test_symbols_and_frequencies() -> None:
    assert dtmf.SYMBOLS == "0123456789*#ABCD"
    assert dtmf.FREQUENCIES["1"] == (697.0, 1209.0)
    assert dtmf.FREQUENCIES["0"] == (941.0, 1336.0)
    assert dtmf.FREQUENCIES["#"] == (941.0, 1477.0)
    assert dtmf.FREQUENCIES["D"] == (941.0, 1633.0)


def test_synthesize_shape_and_range() -> None:
    audio = dtmf.synthesize("1 2", amplitude=0.9)
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert np.abs(audio).max() <= 0.9 + 1e-6
    expected_ms = 300 + 100 + 700 + 100 + 300
    assert len(audio) == expected_ms * 16


def test_empty_text_is_lead_and_tail_silence() -> None:
    audio = dtmf.synthesize("")
    assert len(audio) == 600 * 16
    assert not audio.any()
    assert dtmf.detect(audio, 16000) == []


def test_rejects_non_dtmf_words() -> None:
    with pytest.raises(ValueError, match="not a DTMF word"):
        dtmf.synthesize("12 x")


@settings(max_examples=60, deadline=None)
@given(
    words=words_strategy,
    amplitude=st.floats(min_value=0.05, max_value=0.9),
    lead_ms=st.integers(min_value=0, max_value=400),
)
def test_round_trip(words: list[str], amplitude: float, lead_ms: int) -> None:
    audio = dtmf.synthesize(" ".join(words), amplitude=amplitude, lead_ms=lead_ms)
    assert dtmf.detect(audio, 16000) == words


@settings(max_examples=30, deadline=None)
@given(words=words_strategy, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_round_trip_with_background_noise(words: list[str], seed: int) -> None:
    audio = dtmf.synthesize(" ".join(words), amplitude=0.05)
    noise = np.random.default_rng(seed).normal(0.0, 10 ** (-50 / 20), audio.size)
    assert dtmf.detect((audio + noise).astype(np.float32), 16000) == words


def test_short_and_long_silences() -> None:
    # Word breaks need >= 250 ms of silence: 200 ms keeps one word, 300 ms splits.
    assert dtmf.detect(dtmf.synthesize("12", gap_ms=200), 16000) == ["12"]
    assert dtmf.detect(dtmf.synthesize("1 2", word_gap_ms=300), 16000) == ["1", "2"]


def test_repeated_symbols_stay_separate() -> None:
    assert dtmf.detect(dtmf.synthesize("1111 00"), 16000) == ["1111", "00"]


def test_a_single_frame_blip_is_not_a_tone() -> None:
    audio = dtmf.synthesize("5", tone_ms=15)
    assert dtmf.detect(audio, 16000) == []


def test_detect_twenty_minutes_fast() -> None:
    clip = dtmf.synthesize(TEXT)
    audio = np.tile(clip, int(np.ceil(20 * 60 * 16000 / clip.size)))
    started = time.perf_counter()
    words = dtmf.detect(audio, 16000)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert words[: len(WORDS)] == WORDS


FILE_CASES = [
    pytest.param("wav", 44100, 2, False, id="wav-44k-stereo"),
    pytest.param("flac", 16000, 1, False, id="flac"),
    pytest.param("mp3", 44100, 2, False, id="mp3"),
    pytest.param("m4a", 44100, 1, False, id="m4a"),
    pytest.param("aac", 16000, 1, False, id="aac-adts"),
    pytest.param("ogg", 44100, 2, False, id="ogg"),
    pytest.param("webm", 16000, 1, False, id="webm"),
    pytest.param("mp4", 44100, 2, True, id="mp4-video"),
    pytest.param("mkv", 16000, 1, True, id="mkv-video"),
    pytest.param("webm", 48000, 2, True, id="webm-video"),
    pytest.param("amr", 16000, 1, False, id="amr"),
]


@pytest.mark.parametrize(("suffix", "rate", "channels", "video"), FILE_CASES)
@pytest.mark.parametrize("amplitude", [0.05, 0.9])
def test_round_trip_through_files(
    tmp_path: Path, suffix: str, rate: int, channels: int, video: bool, amplitude: float
) -> None:
    path = tmp_path / f"clip.{suffix}"
    audio = dtmf.synthesize(TEXT, rate, amplitude=amplitude)
    try:
        dtmf.write_audio(path, audio, rate, channels=channels, video=video)
    except dtmf.UnsupportedFormatError as err:
        pytest.skip(str(err))
    with av.open(str(path)) as container:
        assert container.streams.audio[0].channels == channels
        assert len(container.streams.video) == (1 if video else 0)
    decoded = dtmf.read_audio(path, 16000)
    assert abs(decoded.size / 16000 - audio.size / rate) < 0.2
    assert dtmf.detect(decoded, 16000) == WORDS


def test_read_and_decode_bytes_agree(tmp_path: Path) -> None:
    path = dtmf.write_audio(tmp_path / "a.flac", dtmf.synthesize("42"), 16000)
    from_file = dtmf.read_audio(path)
    from_bytes = dtmf.decode_bytes(path.read_bytes())
    np.testing.assert_array_equal(from_file, from_bytes)


def test_write_audio_rejects_unknown_and_impossible(tmp_path: Path) -> None:
    audio = dtmf.synthesize("1")
    with pytest.raises(dtmf.UnsupportedFormatError):
        dtmf.write_audio(tmp_path / "a.xyz", audio, 16000)
    with pytest.raises(dtmf.UnsupportedFormatError):
        dtmf.write_audio(tmp_path / "a.flac", audio, 16000, video=True)
    with pytest.raises(dtmf.UnsupportedFormatError):
        dtmf.write_audio(tmp_path / "a.amr", audio, 16000, channels=2)


def test_container_override(tmp_path: Path) -> None:
    path = dtmf.write_audio(tmp_path / "noext", dtmf.synthesize("7"), 16000, container="wav")
    assert path.read_bytes()[:4] == b"RIFF"
    assert dtmf.detect(dtmf.read_audio(path), 16000) == ["7"]
