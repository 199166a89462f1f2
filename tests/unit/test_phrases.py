"""Pipelined dictation (desktop_asr.dictation.phrases / session) with a fake server: phrases
cut at pauses, sent in order with the text before them as context; silence sends nothing;
context echoes are asked again and never pasted; short phrases padded; a failure keeps
the audio."""

from __future__ import annotations

import asyncio
import itertools
import threading

import numpy as np
import pytest

from desktop_asr.dictation.phrase_context import phrase_context, text_tail
from desktop_asr.dictation.phrases import PhraseCutter, PhraseSettings, SampleBuffer
from desktop_asr.dictation.sender import FunctionSender
from desktop_asr.dictation.session import DictationSession
from desktop_asr.dictation.vad import AutoStop
from desktop_asr.errors import CancelledError, ServerError, ServerUnreachableError
from desktop_asr.text.vocabulary import DEFAULT_CONTEXT_BUDGET
from tests import dtmf

pytestmark = pytest.mark.timeout(20)

SR = 16000
BLOCK = 800  # the recorder's 50 ms


def pcm(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


def said(text: str, pause_before: float = 0.0) -> np.ndarray:
    """DTMF words with 0.3 s between them (less than a phrase pause)."""
    return pcm(dtmf.synthesize(text, SR, word_gap_ms=300, lead_ms=pause_before * 1000,
                               tail_ms=0))


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SR), dtype=np.int16)


def heard(samples: np.ndarray) -> list[str]:
    return dtmf.detect(samples.astype(np.float32) / 32767, SR)


def blocks(samples: np.ndarray):
    for i in range(0, samples.size, BLOCK):
        yield samples[i:i + BLOCK]


def cut_all(samples: np.ndarray, settings: PhraseSettings | None = None):
    cutter = PhraseCutter(settings)
    phrases = [p for b in blocks(samples) for p in cutter.feed(b)]
    last = cutter.finish()
    return cutter, phrases + ([last] if last is not None else [])


class FakeServer:
    """Hears DTMF like the reference server; records every (samples, context)."""

    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, str]] = []
        self.reply = self.recognise

    @staticmethod
    def recognise(samples: np.ndarray, context: str) -> str:
        return " ".join(heard(samples))

    async def send(self, samples: np.ndarray, context: str) -> str:
        self.calls.append((samples, context))
        return self.reply(samples, context)

    @property
    def contexts(self) -> list[str]:
        return [c for _, c in self.calls]


def session_for(server: FakeServer, **kwargs) -> DictationSession:
    session = DictationSession(FunctionSender(server.send), **kwargs)
    session.start()
    return session


def speak(session: DictationSession, *parts: np.ndarray) -> None:
    for part in parts:
        for block in blocks(part):
            session.feed(block)


# --- cutting --------------------------------------------------------------------------------
def test_phrases_end_at_pauses_not_between_words():
    audio = np.concatenate([quiet(0.5), said("12 34 56"), quiet(0.9), said("78"),
                            quiet(0.6), said("90 11"), quiet(0.3)])
    _, phrases = cut_all(audio)
    assert [heard(p.samples) for p in phrases] == [["12", "34", "56"], ["78"], ["90", "11"]]
    assert [p.index for p in phrases] == [0, 1, 2]
    assert not any(p.forced for p in phrases)
    for a, b in itertools.pairwise(phrases):
        assert a.end <= b.start


def test_a_phrase_keeps_its_margins_and_the_recording_end():
    audio = np.concatenate([quiet(1.0), said("12"), quiet(1.0), said("34")])
    _, phrases = cut_all(audio)
    first_speech = SR  # the first tone starts at 1.0 s
    assert phrases[0].start == pytest.approx(first_speech - 0.2 * SR, abs=320)
    assert phrases[0].end == pytest.approx(SR + 0.26 * SR + 0.2 * SR, abs=320)
    # Stopped while the last word was still sounding: the phrase runs to the very end.
    assert phrases[1].end == audio.size
    assert heard(phrases[1].samples) == ["34"]


def test_a_word_at_the_first_sample_is_kept_whole():
    _, phrases = cut_all(np.concatenate([said("58"), quiet(1.0)]))
    assert phrases[0].start == 0
    assert heard(phrases[0].samples) == ["58"]


def test_long_speech_is_cut_at_the_length_limit_without_losing_a_sample():
    words = " ".join(f"{i % 10}{(i + 3) % 10}" for i in range(24))
    audio = np.concatenate([quiet(0.3), said(words), quiet(0.2)])  # ~13.6 s, no pause
    settings = PhraseSettings(max_phrase_seconds=4.0)
    _, phrases = cut_all(audio, settings)
    assert len(phrases) >= 3
    assert sum(p.forced for p in phrases) == len(phrases) - 1
    assert all(p.duration <= 4.0 + 0.06 for p in phrases)
    for a, b in itertools.pairwise(phrases):
        assert a.end == b.start  # contiguous: nothing dropped, nothing twice
    joined = np.concatenate([p.samples for p in phrases])
    assert np.array_equal(joined, audio[phrases[0].start:phrases[-1].end])
    assert [w for p in phrases for w in heard(p.samples)] == words.split()


def test_silence_and_noise_make_no_phrase():
    rng = np.random.default_rng(0)
    assert cut_all(quiet(4.0))[1] == []
    noisy = pcm(rng.normal(0, 10 ** (-38 / 20), 5 * SR))  # loud for the first-second prior
    assert cut_all(noisy)[1] == []


def test_audio_no_longer_needed_is_freed():
    audio = np.concatenate([said(f"{i}{i}", 0.8) for i in range(1, 8)] + [quiet(1.0)])
    cutter = PhraseCutter()
    for block in blocks(audio):
        for phrase in cutter.feed(block):
            cutter.discard_before(phrase.end)
    assert cutter.buffer.start > audio.size - 3 * SR
    assert cutter.finish() is None


def test_sample_buffer_slices_across_blocks():
    buffer = SampleBuffer()
    data = np.arange(1000, dtype=np.int16)
    for i in range(0, 1000, 300):
        buffer.append(data[i:i + 300])
    assert np.array_equal(buffer.slice(250, 910), data[250:910])
    buffer.discard_before(650)
    assert buffer.start == 600
    assert np.array_equal(buffer.slice(600, 1000), data[600:])
    with pytest.raises(ValueError, match="not held"):
        buffer.slice(500, 700)


# --- context --------------------------------------------------------------------------------
def test_context_is_the_vocabulary_then_the_end_of_the_text_within_the_budget():
    assert phrase_context("Kubernetes vLLM", "") == "Kubernetes vLLM"
    assert phrase_context("", "hello there") == "hello there"
    assert phrase_context("Kubernetes", "hello there") == "Kubernetes\nhello there"
    long_text = " ".join(f"word{i}" for i in range(500))
    context = phrase_context("vocab", long_text, previous_chars=60)
    assert context.startswith("vocab\n")
    assert long_text.endswith(context.split("\n", 1)[1])
    assert len(context.split("\n", 1)[1]) <= 60
    assert not context.split("\n", 1)[1].startswith("rd")  # no word cut in half
    big_vocabulary = "x" * (DEFAULT_CONTEXT_BUDGET - 10)
    assert len(phrase_context(big_vocabulary, long_text)) <= DEFAULT_CONTEXT_BUDGET
    assert text_tail("一二三四五", 3) == "三四五"  # CJK may start at any character


# --- the session ----------------------------------------------------------------------------
def test_phrases_are_sent_while_speaking_in_order_with_the_text_before_them():
    server = FakeServer()
    session = session_for(server)
    speak(session, quiet(0.3), said("12 34"), quiet(0.8))
    assert session.wait_for_phrases(1, timeout=10)
    speak(session, said("56"), quiet(0.8))
    assert session.wait_for_phrases(2, timeout=10)
    speak(session, said("78 90"))
    assert len(server.calls) == 2  # the last phrase is still being spoken
    result = session.finish(timeout=10)
    assert result.text == "12 34 56 78 90"
    assert not result.nothing_heard
    assert result.complete
    assert server.contexts == ["", "12 34", "12 34 56"]
    assert result.requests == 3
    assert result.requests_before_stop == 2
    assert [p.text for p in result.phrases] == ["12 34", "56", "78 90"]


def test_vocabulary_context_comes_first():
    server = FakeServer()
    session = session_for(server, vocabulary_context="Kubernetes vLLM")
    speak(session, said("12"), quiet(0.8))
    assert session.wait_for_phrases(1, timeout=10)
    speak(session, said("34"))
    assert session.finish(timeout=10).text == "12 34"
    assert server.contexts == ["Kubernetes vLLM", "Kubernetes vLLM\n12"]


def test_phrases_waiting_for_a_slow_server_go_together_in_order():
    server = FakeServer()
    started, release = threading.Event(), asyncio.Event()
    loop = None

    async def slow(samples, context):
        nonlocal loop
        if not started.is_set():
            loop = asyncio.get_running_loop()
            started.set()
            await release.wait()
        return await server.send(samples, context)

    session = DictationSession(FunctionSender(slow))
    speak(session, said("11"), quiet(0.8))
    assert started.wait(10)
    speak(session, said("22"), quiet(0.8), said("33"), quiet(0.8))
    assert session.phrases_cut == 3
    loop.call_soon_threadsafe(release.set)
    result = session.finish(timeout=10)
    assert result.text == "11 22 33"
    assert len(server.calls) == 2  # 22 and 33 waited together: one request
    assert heard(server.calls[1][0]) == ["22", "33"]
    assert server.calls[1][1] == "11"


def test_cjk_phrases_join_without_spaces():
    server = FakeServer()
    words = {"12": "你好", "34": "世界"}
    server.reply = lambda samples, context: "".join(words[w] for w in heard(samples))
    session = session_for(server)
    speak(session, said("12"), quiet(0.8), said("34"))
    assert session.finish(timeout=10).text == "你好世界"


def test_silence_sends_nothing_and_says_nothing_heard():
    server = FakeServer()
    session = session_for(server, vocabulary_context="Kubernetes vLLM")
    rng = np.random.default_rng(1)
    speak(session, quiet(1.0), pcm(rng.normal(0, 0.001, 3 * SR)), quiet(1.0))
    result = session.finish(timeout=10)
    assert result.text == ""
    assert result.nothing_heard
    assert server.calls == []
    assert result.requests == 0


def test_a_context_echo_is_asked_again_without_context():
    server = FakeServer()
    server.reply = lambda s, c: c if c else FakeServer.recognise(s, c)
    session = session_for(server, vocabulary_context="Kubernetes vLLM")
    speak(session, said("12"))
    result = session.finish(timeout=10)
    assert result.text == "12"
    assert server.contexts == ["Kubernetes vLLM", ""]
    assert result.requests == 2


def test_the_vocabulary_is_never_pasted_back():
    server = FakeServer()
    server.reply = lambda s, c: "Kubernetes, vLLM."  # what the model says to unclear audio
    session = session_for(server, vocabulary_context="Kubernetes vLLM")
    speak(session, said("12"))
    result = session.finish(timeout=10)
    assert result.text == ""
    assert result.nothing_heard
    assert result.phrases[0].echo_dropped
    assert server.contexts == ["Kubernetes vLLM", ""]


def test_a_phrase_said_twice_is_kept_twice():
    server = FakeServer()  # the second "123" looks like an echo of the text before it
    session = session_for(server)
    speak(session, said("123"), quiet(0.8))
    assert session.wait_for_phrases(1, timeout=10)
    speak(session, said("123"))
    result = session.finish(timeout=10)
    assert result.text == "123 123"
    assert server.contexts == ["", "123", ""]


def test_short_phrases_are_padded_to_half_a_second():
    server = FakeServer()
    session = session_for(server, phrase_settings=PhraseSettings(margin_seconds=0.02))
    speak(session, quiet(0.5), said("7"), quiet(0.2))  # a 100 ms tone
    result = session.finish(timeout=10)
    assert result.text == "7"
    samples = server.calls[0][0]
    assert samples.size == SR // 2
    assert not samples[-SR // 4:].any()  # zeros at the end
    assert heard(samples) == ["7"]


def test_a_failed_request_keeps_its_audio_and_says_why():
    server = FakeServer()

    def reply(samples, context):
        if heard(samples) == ["34"]:
            raise ServerUnreachableError("Server unreachable at 10.0.0.5:30101: connection "
                                         "refused (is the server running on that port?).")
        return FakeServer.recognise(samples, context)

    server.reply = reply
    session = session_for(server)
    speak(session, said("12"), quiet(0.8))
    assert session.wait_for_phrases(1, timeout=10)
    speak(session, said("34"), quiet(0.8))
    assert session.wait_for_phrases(2, timeout=10)  # returns on the failure
    assert session.error is not None
    speak(session, said("56"), quiet(0.8), said("78"))
    result = session.finish(timeout=10)
    assert not result.complete
    assert str(result.error).startswith("Server unreachable at 10.0.0.5:30101")
    assert result.text == "12"
    assert not result.nothing_heard
    assert [heard(s) for s, _ in server.calls] == [["12"], ["34"]]  # nothing after it
    # From the failed phrase to the end of the recording, nothing lost.
    assert heard(result.unsent_audio) == ["34", "56", "78"]
    recording_end = (3 * said("12").size + 3 * quiet(0.8).size + said("78").size) / SR
    assert result.unsent_start_seconds + result.unsent_audio.size / SR == pytest.approx(
        recording_end, abs=0.05)


def test_an_unexpected_failure_is_reported_in_words():
    server = FakeServer()
    server.reply = lambda s, c: {}["boom"]
    session = session_for(server)
    speak(session, said("12"))
    result = session.finish(timeout=10)
    assert "failed unexpectedly" in str(result.error)
    assert "KeyError" in result.error.details
    assert heard(result.unsent_audio) == ["12"]


def test_a_server_error_after_phrases_keeps_the_text_so_far():
    server = FakeServer()
    calls = 0

    def reply(samples, context):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ServerError("400: the server refused the request.", status=400)
        return FakeServer.recognise(samples, context)

    server.reply = reply
    session = session_for(server)
    speak(session, said("12"), quiet(0.8))
    assert session.wait_for_phrases(1, timeout=10)
    speak(session, said("34"))
    result = session.finish(timeout=10)
    assert result.text == "12"
    assert result.error.status == 400


def test_auto_stop_is_called_once_after_silence():
    server = FakeServer()
    stops = []
    session = session_for(server, auto_stop=AutoStop(1.0), on_auto_stop=lambda: stops.append(1))
    speak(session, quiet(0.5), said("12"), quiet(0.6))
    assert stops == []
    speak(session, quiet(1.0))
    assert stops == [1]
    speak(session, quiet(2.0))
    assert stops == [1]
    assert session.finish(timeout=10).text == "12"


def test_on_phrase_reports_each_text_and_finish_twice_returns_the_same():
    server = FakeServer()
    texts = []
    session = session_for(server, on_phrase=lambda p: texts.append(p.text))
    speak(session, said("12"), quiet(0.8), said("34"))
    result = session.finish(timeout=10)
    assert texts == ["12 34"] or texts == ["12", "34"]
    assert session.finish(timeout=10) == result
    session.feed(said("56"))  # after the stop: ignored
    assert len(server.calls) == len(texts)


def test_cancel_stops_without_sending_more():
    server = FakeServer()
    started = threading.Event()

    async def stuck(samples, context):
        server.calls.append((samples, context))
        started.set()
        await asyncio.Event().wait()  # a request that never ends
        return "never"

    session = DictationSession(FunctionSender(stuck))
    speak(session, said("12"), quiet(0.8))
    assert started.wait(10)
    session.cancel()
    speak(session, said("34"), quiet(0.8))
    assert len(server.calls) == 1
    with pytest.raises(CancelledError):
        session.finish(timeout=10)
