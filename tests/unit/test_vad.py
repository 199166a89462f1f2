"""Voice activity (desktop_asr.dictation.vad): speech found in tones and speech-like
noise, never in a noise floor of any level or in digital silence; margins; no clipping."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_asr.dictation.vad import (
    AutoStop,
    VadSettings,
    VoiceActivity,
    frame_levels,
    is_silent,
    speech_segments,
    trim,
)
from tests import dtmf

pytestmark = pytest.mark.timeout(20)

SR = 16000
FRAME = 320  # 20 ms


def pcm(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


def noise(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    """White noise whose RMS is ``dbfs``, as float in [-1, 1]."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 10 ** (dbfs / 20), round(seconds * SR)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SR), dtype=np.float32)


def tone(seconds: float, dbfs: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return (np.sqrt(2) * 10 ** (dbfs / 20) * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def syllables(seconds: float, dbfs: float, seed: int = 1) -> np.ndarray:
    """Speech-like: band-limited noise under a 4 Hz syllable envelope (RMS ``dbfs``)."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SR)
    spectrum = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1 / SR)
    spectrum[(freqs < 200) | (freqs > 3500)] = 0
    voice = np.fft.irfft(spectrum, n)
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * np.arange(n) / SR)
    out = voice * envelope
    return (out / np.sqrt(np.mean(out**2)) * 10 ** (dbfs / 20)).astype(np.float32)


def stream(samples: np.ndarray, block: int = 800, settings: VadSettings | None = None):
    vad = VoiceActivity(SR, settings)
    events = []
    for i in range(0, samples.size, block):
        events += vad.feed(samples[i:i + block])
    return vad, events + vad.flush()


# --- levels ---------------------------------------------------------------------------------
def test_frame_levels_in_dbfs():
    levels = frame_levels(pcm(np.concatenate([tone(0.1, -20), silence(0.1)])), FRAME)
    assert levels.size == 10
    assert levels[:5] == pytest.approx(-20, abs=0.2)
    assert (levels[5:] == -120).all()  # digital silence has a level, not -inf


# --- tones with gaps ------------------------------------------------------------------------
def test_dtmf_words_are_found_where_they_are():
    # lead 1 s; "123" = 3 tones of 100 ms with 60 ms gaps (0.42 s); 0.7 s; "456".
    samples = pcm(dtmf.synthesize("123 456", lead_ms=1000, tail_ms=1000))
    segments = speech_segments(samples)
    expected = [(1.0, 1.42), (2.12, 2.54)]
    assert len(segments) == 2  # the 60 ms gaps inside a word do not split it
    for (start, end), (want_start, want_end) in zip(segments, expected, strict=True):
        assert start / SR == pytest.approx(want_start, abs=0.021)
        assert end / SR == pytest.approx(want_end, abs=0.021)


def test_streaming_in_any_block_size_gives_the_same_events():
    samples = pcm(np.concatenate([noise(1.0, -60), dtmf.synthesize("12 3", tail_ms=800)]))
    reference = stream(samples, block=samples.size)[1]
    assert [e.kind for e in reference] == ["start", "end", "start", "end"]
    for block in (1, 160, 333, 800, 4000):
        assert stream(samples, block)[1] == reference


# --- speech-like noise ----------------------------------------------------------------------
def test_speech_like_bursts_over_a_noise_floor_are_speech():
    bursts = [(0.8, 1.3), (2.4, 3.4), (4.2, 4.6)]
    signal = noise(5.5, -55, seed=3)
    for k, (start, end) in enumerate(bursts):
        lo, hi = round(start * SR), round(end * SR)
        signal[lo:hi] += syllables(end - start, -22, seed=k)
    segments = speech_segments(pcm(signal))
    assert len(segments) == len(bursts)
    for (start, end), (want_start, want_end) in zip(segments, bursts, strict=True):
        assert start / SR == pytest.approx(want_start, abs=0.045)
        assert end / SR == pytest.approx(want_end, abs=0.045)


def test_quiet_speech_over_a_quiet_floor_is_found_and_loud_noise_alone_is_not():
    quiet = np.concatenate([noise(2.0, -62), syllables(1.0, -45) + noise(1.0, -62, seed=9),
                            noise(1.0, -62, seed=4)])
    assert len(speech_segments(pcm(quiet))) == 1
    assert is_silent(pcm(noise(4.0, -30)))  # louder than that speech, but steady


# --- no speech ------------------------------------------------------------------------------
@pytest.mark.parametrize("dbfs", [-80, -65, -50, -40, -30, -20])
def test_a_noise_floor_of_any_level_is_silent(dbfs):
    samples = pcm(noise(4.0, dbfs, seed=dbfs + 100))
    assert is_silent(samples)
    assert trim(samples) == (0, 0)


def test_digital_silence_is_silent():
    samples = np.zeros(3 * SR, dtype=np.int16)
    assert is_silent(samples)
    assert trim(samples) == (0, 0)
    vad, events = stream(samples)
    assert events == []
    assert not vad.heard_speech
    assert vad.silence_seconds == pytest.approx(3.0)


def test_a_click_is_not_speech():
    click = np.concatenate([silence(1.0), tone(0.02, -6, hz=3000), silence(1.0)])
    assert is_silent(pcm(click))


# --- thresholds ------------------------------------------------------------------------------
def test_hysteresis_keeps_speech_going_at_a_level_that_could_not_start_it():
    floor = -60
    soft = floor + 8  # above stop_db (6) but below start_db (10)
    loud_then_soft = np.concatenate([silence(1.0) + noise(1.0, floor), tone(0.5, -20),
                                     tone(0.6, soft), noise(1.5, floor, seed=2)])
    segments = speech_segments(pcm(loud_then_soft))
    assert len(segments) == 1
    assert segments[0][1] / SR == pytest.approx(2.1, abs=0.03)  # the soft part included
    soft_alone = np.concatenate([noise(1.0, floor), tone(0.6, soft), noise(1.0, floor, 2)])
    assert is_silent(pcm(soft_alone))


@pytest.mark.parametrize(("gap", "count"), [(0.1, 1), (0.4, 2)])
def test_hangover_bridges_short_gaps_only(gap, count):
    samples = np.concatenate([silence(0.5), tone(0.3, -20), silence(gap), tone(0.3, -20),
                              silence(0.5)])
    assert len(speech_segments(pcm(samples))) == count


# --- trimming ---------------------------------------------------------------------------------
def test_trim_keeps_margins_around_the_speech():
    samples = pcm(dtmf.synthesize("12 34", lead_ms=1500, tail_ms=2000))
    start, end = trim(samples, margin_seconds=0.2)
    first, last = speech_segments(samples)[0][0], speech_segments(samples)[-1][1]
    assert start == first - round(0.2 * SR)
    assert end == last + round(0.2 * SR)
    assert start / SR == pytest.approx(1.5 - 0.2, abs=0.021)
    assert dtmf.detect(samples[start:end].astype(np.float32) / 32767, SR) == ["12", "34"]


def test_a_word_at_the_very_first_sample_is_not_clipped():
    samples = pcm(dtmf.synthesize("5", lead_ms=0, tail_ms=1000))
    assert trim(samples) == (0, pytest.approx(0.1 * SR + 0.2 * SR, abs=FRAME))
    assert speech_segments(samples)[0][0] == 0
    # Streaming, with no floor learnt yet, it starts at sample 0 too.
    assert stream(samples)[1][0].sample == 0


def test_trim_clamps_margins_at_the_edges():
    samples = pcm(np.concatenate([tone(0.3, -20), silence(0.05)]))
    assert trim(samples) == (0, samples.size)


# --- the adaptive floor -----------------------------------------------------------------------
def test_the_floor_follows_the_noise():
    vad, _ = stream(pcm(noise(6.0, -42)))
    assert vad.floor_dbfs == pytest.approx(-42, abs=1.5)
    vad2, _ = stream(pcm(np.concatenate([noise(6.0, -42), noise(6.0, -70, seed=1)])))
    assert vad2.floor_dbfs == pytest.approx(-70, abs=1.5)


def test_has_speech_judges_against_the_settled_floor():
    vad, _ = stream(pcm(noise(3.0, -40)))
    assert not vad.has_speech(pcm(noise(1.0, -40, seed=5)))
    assert vad.has_speech(pcm(np.concatenate([noise(0.5, -40), tone(0.3, -15)])))


# --- auto-stop --------------------------------------------------------------------------------
def feed_seconds(stop: AutoStop, samples: np.ndarray) -> float | None:
    """The time at which ``stop`` first said to stop, fed 50 ms blocks."""
    data = pcm(samples)
    for i in range(0, data.size, 800):
        if stop.feed(data[i:i + 800]):
            return (i + 800) / SR
    return None


def test_auto_stop_after_silence_that_follows_speech():
    speech_then_quiet = np.concatenate([silence(1.0), tone(1.0, -20), silence(3.0)])
    when = feed_seconds(AutoStop(1.5), speech_then_quiet)
    assert when == pytest.approx(2.0 + 1.5, abs=0.06)


def test_auto_stop_waits_for_speech_unless_idle_is_set():
    quiet = silence(6.0)
    assert feed_seconds(AutoStop(1.0), quiet) is None
    assert feed_seconds(AutoStop(1.0, idle_seconds=4.0), quiet) == pytest.approx(4.0, abs=0.06)


def test_auto_stop_is_not_fooled_by_pauses_shorter_than_its_time():
    talk = np.concatenate([tone(0.5, -20), silence(1.0), tone(0.5, -20), silence(0.9),
                           tone(0.5, -20)])
    assert feed_seconds(AutoStop(1.2), talk) is None


def test_auto_stop_shares_a_detector_fed_elsewhere():
    vad = VoiceActivity()
    stop = AutoStop(0.5)
    data = pcm(np.concatenate([tone(0.4, -20), silence(1.0)]))
    vad.feed(data[: round(0.6 * SR)])
    assert not stop.check(vad)
    vad.feed(data[round(0.6 * SR):])
    assert stop.check(vad)
    assert stop.triggered
