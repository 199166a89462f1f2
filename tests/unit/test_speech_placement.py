"""Speech found in audio (engine/speech.py), text placed on it (text/placement.py), and
chunks cut at pauses (PausePlanner)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_asr.engine.speech import PausePlanner, find_speech
from desktop_asr.text.placement import place_on_speech, share_out, units

SR = 16000


def _signal(pieces: list[tuple[str, float]], noise: float = 0.002, seed: int = 0) -> np.ndarray:
    """("tone" | "gap", seconds) laid end to end, over a faint noise floor; int16."""
    rng = np.random.default_rng(seed)
    parts = []
    for kind, seconds in pieces:
        n = round(seconds * SR)
        if kind == "tone":
            t = np.arange(n) / SR
            parts.append(0.3 * np.sin(2 * np.pi * 440 * t) * (1 + 0.5 * np.sin(2 * np.pi * 4 * t)))
        else:
            parts.append(np.zeros(n))
    x = np.concatenate(parts) + rng.normal(0, noise, sum(p.size for p in parts))
    return (np.clip(x, -1, 1) * 32767).astype(np.int16)


def test_speech_is_found_within_a_frame_of_where_it_starts_and_ends():
    x = _signal([("gap", 1.0), ("tone", 2.0), ("gap", 3.0), ("tone", 0.5), ("gap", 1.0)])
    spans = find_speech(x)
    assert [x for s in spans for x in (s.start, s.end)] == pytest.approx(
        [1.0, 3.0, 6.0, 6.5], abs=0.02)


def test_short_gaps_stay_inside_one_span_and_clicks_are_not_speech():
    x = _signal([("gap", 1.0), ("tone", 1.0), ("gap", 0.2), ("tone", 1.0), ("gap", 2.0),
                 ("tone", 0.03), ("gap", 1.0)])
    spans = find_speech(x)
    assert len(spans) == 1
    assert spans[0].start == pytest.approx(1.0, abs=0.02)
    assert spans[0].end == pytest.approx(3.2, abs=0.02)


def test_silence_and_steady_noise_alone_hold_no_speech():
    assert find_speech(np.zeros(SR * 3, dtype=np.int16)) == []
    assert find_speech(_signal([("gap", 3.0)], noise=0.01)) == []


def test_units_keep_every_character_and_weigh_cjk_like_syllables():
    parts = units("Hello, world. 你好，世界 ok")
    assert [u.text for u in parts] == ["Hello,", " world.", " 你", "好，", "世", "界", " ok"]
    assert [u.weight for u in parts] == [5, 5, 3, 3, 3, 3, 2]


def test_text_is_shared_out_over_the_spans_by_their_length():
    # 1 s, 2 s and 1 s of speech; four equal words: 1, 2 and 1 of them.
    segments = place_on_speech("aa bb cc dd", "English", [(0.0, 1.0), (3.0, 5.0), (9.0, 10.0)],
                               offset=100.0)
    assert [(s.start, s.end, s.text) for s in segments] == [
        (100.0, 101.0, "aa"), (103.0, 105.0, "bb cc"), (109.0, 110.0, "dd")]


def test_a_sentence_end_near_a_pause_wins_over_an_even_share():
    # Five words of 0.5 s; spans of 1.27 s and 1.23 s: by length alone three words would
    # go first (misfit 2 x 0.23² s² against 2 x 0.27²); the period pulls the cut back.
    segments = place_on_speech("aa bb. cc dd ee", "English", [(0.0, 1.27), (2.0, 3.23)])
    assert [s.text for s in segments] == ["aa bb.", "cc dd ee"]
    segments = place_on_speech("aa bb cc dd ee", "English", [(0.0, 1.27), (2.0, 3.23)])
    assert [s.text for s in segments] == ["aa bb cc", "dd ee"]


def test_a_noise_span_may_get_no_text():
    ends = share_out([1.0] * 6, [3.0, 0.1, 3.0])
    assert ends == [3, 3, 6]


def test_text_without_speech_spans_keeps_the_chunk_time():
    (segment,) = place_on_speech("hello", "English", [], offset=7.0)
    assert (segment.start, segment.end, segment.text) == (7.0, 7.0, "hello")
    assert place_on_speech("  ", "English", [(0.0, 1.0)]) == []


def test_pause_planner_cuts_in_pauses_and_tiles_the_audio():
    pieces = [("gap", 0.5)]
    for _ in range(6):
        pieces += [("tone", 2.0), ("gap", 1.2)]
    x = _signal(pieces)
    blocks = [x[i:i + 4000] for i in range(0, x.size, 4000)]
    chunks = list(PausePlanner(max_seconds=30, min_seconds=4.0).chunks(blocks))
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), x)
    assert len(chunks) == 3  # a chunk holds 4 s before it may end: two phrases each
    for chunk in chunks[:-1]:
        # every cut lies in the middle of a pause, away from any tone
        end = chunk.end_seconds
        assert min(abs(end - (0.5 + 3.2 * k - 0.6)) for k in range(1, 7)) < 0.05
    assert all(chunk.speech and len(chunk.speech) == 2 for chunk in chunks)


def test_pause_planner_falls_back_to_the_quietest_cut_in_long_talk():
    x = _signal([("tone", 50.0)])
    chunks = list(PausePlanner(max_seconds=20).chunks([x]))
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), x)
    assert all(c.duration <= 25 for c in chunks)
    assert len(chunks) >= 3


def test_pause_planner_cuts_the_same_chunks_whatever_the_size_of_the_blocks():
    """A decoder process reads big blocks, a thread smaller ones: where the noise floor
    changes, the speech is still found in the same stretch, so the chunks are the same."""
    rng = np.random.default_rng(3)
    pieces = []
    for _ in range(40):
        pieces += [("tone", float(rng.uniform(0.5, 3.0))), ("gap", float(rng.uniform(0.3, 4.0)))]
    x = _signal(pieces).astype(np.float64)
    floor = np.repeat(rng.uniform(0.001, 0.05, x.size // (20 * SR) + 1), 20 * SR)[: x.size]
    x = np.clip(x + rng.normal(0, 1, x.size) * floor * 32767, -32768, 32767).astype(np.int16)

    def cut(block_seconds: float) -> list:
        n = round(block_seconds * SR)
        blocks = [x[i:i + n] for i in range(0, x.size, n)]
        return [(c.start, c.samples.size, c.speech) for c in PausePlanner(30).chunks(blocks)]

    small = cut(10)
    assert len(small) > 5
    assert cut(30) == small
    assert cut(3.7) == small


def test_pause_planner_finds_the_speech_each_window_holds_measured_afresh():
    """The planner keeps the frame levels of the last window for the next one: what it
    finds is what find_speech finds in each window measured from scratch."""
    rng = np.random.default_rng(5)
    pieces = []
    for _ in range(60):
        pieces += [("tone", float(rng.uniform(0.3, 2.5))), ("gap", float(rng.uniform(0.2, 2.0)))]
    x = _signal(pieces, noise=0.004)
    planner = PausePlanner(max_seconds=20)
    chunks = list(planner.chunks([x[i:i + 7 * SR] for i in range(0, x.size, 7 * SR)]))
    assert len(chunks) > 10
    reach = planner.max_samples + min(planner.search, planner.max_samples // 2)
    first = round(planner.first_look_seconds * SR)

    def speech_in(window: int, seconds: float) -> tuple:
        fresh = find_speech(x[chunk.start:chunk.start + window])
        return tuple((s.start, min(s.end, seconds)) for s in fresh if s.start < seconds)

    for chunk in chunks:  # found on the first look, or else on the whole window
        assert chunk.speech in (speech_in(first, chunk.duration),
                                speech_in(reach, chunk.duration))


def test_the_first_chunk_leaves_before_the_whole_window_is_read():
    """A pause in the first seconds is enough: the planner asks for FIRST_LOOK_SECONDS of
    audio, not two minutes, before the first request can leave."""
    x = _signal([("tone", 2.0), ("gap", 1.0), ("tone", 2.0), ("gap", 1.0)] * 40)
    read = []

    def blocks():
        for i in range(0, x.size, SR):
            read.append(i + SR)
            yield x[i:i + SR]

    planner = PausePlanner(max_seconds=120)
    first = next(iter(planner.chunks(blocks())))
    assert first.duration < 8
    assert max(read) <= planner.first_look_seconds * SR + SR
