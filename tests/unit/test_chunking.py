"""Silence-aware chunking (desktop_asr.engine.chunking).

PROTOCOL.md, "Limits": cut near the chunk limit at the quietest 100 ms window within +-5 s,
no overlap, concatenating the chunks gives back the original samples; chunks shorter than
0.5 s are zero-padded when sent.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_asr.engine.chunking import Chunk, ChunkPlanner, split_chunk

pytestmark = pytest.mark.timeout(20)

SR = 16000  # the model's sample rate (PROTOCOL.md)


def noise(seconds: float, seed: int = 0, amplitude: int = 8000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(-amplitude, amplitude + 1, size=int(seconds * SR), dtype=np.int16)


def as_blocks(samples: np.ndarray, size: int):
    for i in range(0, samples.size, size):
        yield samples[i : i + size]


def reference_cuts(x: np.ndarray, limit: int, search: int, window: int) -> list[int]:
    """The official algorithm on the whole array, from PROTOCOL.md's description: while more
    than ``limit`` samples remain after ``start``, look at [start+limit-search,
    start+limit+search), take the window of ``window`` samples with the smallest summed
    absolute amplitude (the first one on ties), cut at its quietest sample (the first one on
    ties)."""
    cuts: list[int] = []
    start = 0
    magnitude = np.abs(x.astype(np.int64))
    while x.size - start > limit:
        lo = max(start, start + limit - search)
        hi = min(x.size, start + limit + search)
        assert hi - lo > window, "test parameters must leave room for a window"
        seg = magnitude[lo:hi]
        sums = [int(seg[j : j + window].sum()) for j in range(seg.size - window + 1)]
        best = sums.index(min(sums))
        inside = seg[best : best + window].tolist()
        cut = lo + best + inside.index(min(inside))
        cut = max(cut, start + 1)
        cuts.append(cut)
        start = cut
    return cuts


def check_reassembles(chunks: list[Chunk], samples: np.ndarray) -> None:
    assert [c.index for c in chunks] == list(range(len(chunks)))
    position = 0
    for chunk in chunks:
        assert chunk.start == position, "chunks must be contiguous with no overlap"
        assert chunk.samples.size > 0
        position += chunk.samples.size
    assert position == samples.size
    joined = np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(0, np.int16)
    assert np.array_equal(joined, samples)


# --- small parameters so hypothesis can try many shapes quickly -----------------------------
# limit 0.05 s = 800 samples, search 0.01 s = 160 samples, window 0.002 s = 32 samples.
SMALL = {"max_seconds": 0.05, "search_seconds": 0.01, "window_seconds": 0.002}
LIMIT, SEARCH, WINDOW = 800, 160, 32


@st.composite
def signals(draw):
    n = draw(st.integers(0, 6000))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    amplitude = draw(st.sampled_from([1, 3, 300, 32767]))
    x = rng.integers(-amplitude, amplitude + 1, size=n).astype(np.int16)
    # Plant a few silent gaps of random length.
    for _ in range(draw(st.integers(0, 4))):
        if n:
            at = draw(st.integers(0, n - 1))
            x[at : at + draw(st.integers(1, 200))] = 0
    return x


@st.composite
def block_sizes(draw, total: int):
    sizes = []
    while sum(sizes) < total:
        sizes.append(draw(st.integers(1, 2500)))
    return sizes


def blocks_of(x: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    out, at = [], 0
    for size in sizes:
        out.append(x[at : at + size])
        at += size
    return out


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_any_blocks_reassemble_exactly_and_respect_the_limits(data):
    x = data.draw(signals())
    sizes = data.draw(block_sizes(x.size))
    chunks = list(ChunkPlanner(**SMALL).chunks(blocks_of(x, sizes)))
    check_reassembles(chunks, x)
    for chunk in chunks:
        assert chunk.samples.size <= LIMIT + SEARCH
    for chunk in chunks[:-1]:
        assert chunk.samples.size >= LIMIT - SEARCH


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_streaming_planner_cuts_where_the_whole_array_algorithm_does(data):
    x = data.draw(signals())
    sizes = data.draw(block_sizes(x.size))
    chunks = list(ChunkPlanner(**SMALL).chunks(blocks_of(x, sizes)))
    starts = [c.start for c in chunks[1:]]
    assert starts == reference_cuts(x, LIMIT, SEARCH, WINDOW)


def test_reference_helper_finds_a_planted_gap():
    x = np.full(2000, 500, dtype=np.int16)
    x[850:900] = 0
    # start 0: window search in [640, 960) -> the gap at 850. Start 850: [1490, 1810) is
    # uniform -> the first window, 1490. 510 samples remain: done.
    assert reference_cuts(x, LIMIT, SEARCH, WINDOW) == [850, 1490]


# --- real parameters ----------------------------------------------------------------------
@pytest.mark.parametrize("gap_at", [16.0, 22.0, 24.5])
def test_cut_lands_in_a_planted_silent_gap_near_the_limit(gap_at):
    x = noise(45.0, seed=1)
    gap = slice(int(gap_at * SR), int((gap_at + 0.3) * SR))
    x[gap] = 0
    chunks = list(ChunkPlanner(max_seconds=20.0).chunks(as_blocks(x, 16000)))
    check_reassembles(chunks, x)
    cut = chunks[1].start
    assert gap.start <= cut < gap.stop


def test_silence_further_than_5s_from_the_limit_is_not_used():
    x = noise(45.0, seed=2)
    x[int(10 * SR) : int(11 * SR)] = 0  # 10 s before the 20 s limit: outside +-5 s
    chunks = list(ChunkPlanner(max_seconds=20.0).chunks(as_blocks(x, 4000)))
    check_reassembles(chunks, x)
    assert 15 * SR <= chunks[1].start <= 25 * SR


def test_second_cut_is_measured_from_the_first_cut():
    x = noise(60.0, seed=3)
    x[int(17 * SR) : int(17.3 * SR)] = 0  # first cut here (limit 20 s, -3 s)
    x[int(38 * SR) : int(38.3 * SR)] = 0  # 17 + 20 = 37: +1 s
    chunks = list(ChunkPlanner(max_seconds=20.0).chunks(as_blocks(x, 10000)))
    check_reassembles(chunks, x)
    assert 17 * SR <= chunks[1].start < 17.3 * SR
    assert 38 * SR <= chunks[2].start < 38.3 * SR


@pytest.mark.parametrize("seconds", [0.1, 5.0, 19.99, 20.0])
def test_audio_up_to_the_limit_is_one_chunk(seconds):
    x = noise(seconds, seed=4)
    chunks = list(ChunkPlanner(max_seconds=20.0).chunks(as_blocks(x, 3000)))
    assert len(chunks) == 1
    assert chunks[0].start == 0
    assert np.array_equal(chunks[0].samples, x)


def test_no_audio_no_chunks_and_empty_blocks_are_skipped():
    planner = ChunkPlanner(max_seconds=1.0)
    assert list(planner.chunks([])) == []
    empty = np.zeros(0, np.int16)
    chunks = list(planner.chunks([empty, np.ones(10, np.int16), empty]))
    assert len(chunks) == 1
    assert chunks[0].samples.tolist() == [1] * 10


@pytest.mark.parametrize("max_seconds", [0, -1.0])
def test_non_positive_limit_is_refused(max_seconds):
    with pytest.raises(ValueError, match="max_seconds"):
        ChunkPlanner(max_seconds=max_seconds)


def test_lowering_max_seconds_mid_stream_shortens_later_chunks():
    x = noise(100.0, seed=5)
    planner = ChunkPlanner(max_seconds=30.0)
    sizes = []
    for chunk in planner.chunks(as_blocks(x, 16000)):
        sizes.append(chunk.samples.size)
        if chunk.index == 0:
            planner.max_seconds = 8.0  # the server said the chunk was too long
    assert 25 * SR <= sizes[0] <= 35 * SR
    assert all(size <= (8 + 5) * SR for size in sizes[1:])
    assert sum(sizes) == x.size
    assert len(sizes) >= 6  # 100 - 35 = at least 65 s left, in chunks of at most 13 s


@pytest.mark.timeout(5)  # it once looped forever
def test_zero_search_window_cuts_at_the_limit():
    x = noise(3.0, seed=6)
    chunks = list(ChunkPlanner(max_seconds=1.0, search_seconds=0.0).chunks([x]))
    check_reassembles(chunks, x)
    assert [c.samples.size for c in chunks] == [SR, SR, SR]


# --- Chunk --------------------------------------------------------------------------------
def test_chunk_times_in_seconds():
    chunk = Chunk(index=2, start=16000, samples=np.zeros(8000, np.int16))
    assert chunk.start_seconds == 1.0
    assert chunk.duration == 0.5
    assert chunk.end_seconds == 1.5


def test_padded_adds_zeros_up_to_half_a_second():
    samples = noise(0.2, seed=7)
    chunk = Chunk(index=0, start=0, samples=samples)
    padded = chunk.padded()
    assert padded.size == 8000  # 0.5 s at 16 kHz
    assert np.array_equal(padded[: samples.size], samples)
    assert not padded[samples.size :].any()
    assert chunk.samples.size == 3200  # the chunk itself is unchanged
    assert np.array_equal(chunk.samples, samples)


def test_padded_leaves_long_enough_chunks_alone():
    samples = noise(0.5, seed=8)
    assert np.array_equal(Chunk(0, 0, samples).padded(), samples)
    longer = noise(1.0, seed=9)
    assert np.array_equal(Chunk(0, 0, longer).padded(), longer)


# --- split_chunk --------------------------------------------------------------------------
def test_split_chunk_keeps_every_sample_and_offset():
    samples = noise(10.0, seed=10)
    samples[int(6.0 * SR) : int(6.3 * SR)] = 0  # inside the middle half (2.5 s .. 7.5 s)
    chunk = Chunk(index=3, start=5 * SR, samples=samples)
    first, second = split_chunk(chunk)
    assert np.array_equal(np.concatenate([first.samples, second.samples]), samples)
    assert first.start == 5 * SR
    assert second.start == 5 * SR + first.samples.size
    assert int(6.0 * SR) <= first.samples.size < int(6.3 * SR)
    assert first.index == second.index == 3


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 5000), seed=st.integers(0, 2**32 - 1), start=st.integers(0, 10**7))
def test_split_chunk_never_loses_samples(n, seed, start):
    samples = np.random.default_rng(seed).integers(-100, 100, size=n).astype(np.int16)
    first, second = split_chunk(Chunk(0, start, samples))
    assert first.samples.size >= 1
    assert second.samples.size >= 1
    assert np.array_equal(np.concatenate([first.samples, second.samples]), samples)
    assert second.start == start + first.samples.size
    # The cut is in the middle half (docstring), and never leaves an empty half.
    assert max(1, n // 4) <= first.samples.size <= max(1, 3 * n // 4)
