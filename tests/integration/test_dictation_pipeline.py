"""Pipelined dictation against the real reference server: phrases go out while the user
speaks, each with the text before it as context, and the final text is what was said."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_asr.dictation.sender import ClientSender
from desktop_asr.dictation.session import DictationSession
from desktop_asr.engine.client import RetryPolicy, ServerConfig
from desktop_asr.engine.transcribe import TranscriptionSettings
from desktop_asr.text.vocabulary import VocabularyEntry
from tests import dtmf

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

SR = 16000
BLOCK = 800
PHRASES = ["123 45", "678", "90 11 22", "345 6"]


def pcm(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


def said(text: str, pause_before: float = 0.0) -> np.ndarray:
    return pcm(dtmf.synthesize(text, SR, word_gap_ms=300, lead_ms=pause_before * 1000,
                               tail_ms=0))


def speak(session: DictationSession, samples: np.ndarray) -> None:
    for i in range(0, samples.size, BLOCK):
        session.feed(samples[i:i + BLOCK])


def system_message(entry: dict) -> str:
    messages = entry["body"]["messages"]
    return next((m["content"] for m in messages if m["role"] == "system"), "")


def make_session(url: str, **settings) -> DictationSession:
    plan = TranscriptionSettings(model="qwen3-asr", **settings)
    config = ServerConfig(base_url=url, retry=RetryPolicy(attempts=1))
    return DictationSession(ClientSender(config, plan), vocabulary_context=plan.context_text)


def test_phrases_are_sent_while_speaking_with_the_text_before_them(refserver):
    session = make_session(refserver.url)
    session.start()
    for k, phrase in enumerate(PHRASES[:-1]):
        speak(session, said(phrase, pause_before=0.8 if k else 0.3))
        speak(session, np.zeros(round(0.7 * SR), dtype=np.int16))  # a pause: phrase ends
        assert session.wait_for_phrases(k + 1, timeout=20)
    speak(session, said(PHRASES[-1], pause_before=0.3))  # still speaking at the stop
    before_stop = refserver.requests()
    result = session.finish(timeout=20)

    assert result.text == " ".join(PHRASES)
    assert result.complete
    assert len(before_stop) == len(PHRASES) - 1  # all but the last, before finish()
    log = refserver.requests()
    assert len(log) == len(PHRASES)
    assert [e["status"] for e in log] == [200] * len(PHRASES)
    assert system_message(log[0]) == ""
    for k in range(1, len(PHRASES)):
        assert system_message(log[k]) == " ".join(PHRASES[:k])
    durations = [e["body"]["messages"][-1]["content"][0]["audio_url"]["url"]["duration"]
                 for e in log]
    assert all(d < 3.0 for d in durations)  # phrases, not the whole recording


def test_vocabulary_and_earlier_text_share_the_system_message(refserver):
    vocabulary = (VocabularyEntry("Kubernetes"), VocabularyEntry("vLLM"))
    session = make_session(refserver.url, vocabulary=vocabulary)
    speak(session, said("12"))
    speak(session, np.zeros(round(0.7 * SR), dtype=np.int16))
    assert session.wait_for_phrases(1, timeout=20)
    speak(session, said("#2 34", pause_before=0.1))  # "#2" = the second context term
    result = session.finish(timeout=20)
    assert result.text == "12 vLLM 34"
    assert [system_message(e) for e in refserver.requests()] == [
        "Kubernetes vLLM", "Kubernetes vLLM\n12"]


def test_unclear_audio_never_pastes_the_vocabulary(refserver):
    # Speech-like noise: the detector hears a voice, the server hears no words and (like
    # Qwen3-ASR) answers with the context; asked again without it, it answers nothing.
    rng = np.random.default_rng(5)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * np.arange(SR) / SR)
    mumble = pcm(rng.normal(0, 0.05, SR) * envelope)
    session = make_session(refserver.url, vocabulary=(VocabularyEntry("Kubernetes"),))
    speak(session, np.concatenate([np.zeros(SR // 2, dtype=np.int16), mumble]))
    result = session.finish(timeout=20)
    assert result.text == ""
    assert result.nothing_heard
    assert [system_message(e) for e in refserver.requests()] == ["Kubernetes", ""]


def test_silence_sends_no_request(refserver):
    session = make_session(refserver.url, vocabulary=(VocabularyEntry("Kubernetes"),))
    rng = np.random.default_rng(2)
    speak(session, pcm(rng.normal(0, 0.002, 3 * SR)))
    result = session.finish(timeout=20)
    assert result.nothing_heard
    assert result.text == ""
    assert refserver.requests() == []


def test_a_refused_phrase_keeps_the_audio_for_a_fallback(refserver):
    session = make_session(refserver.url)
    speak(session, said("12"))
    speak(session, np.zeros(round(0.7 * SR), dtype=np.int16))
    assert session.wait_for_phrases(1, timeout=20)
    refserver.configure(fail_next=[{"status": 400, "count": 1}])
    rest = said("34 56", pause_before=0.1)
    speak(session, rest)
    result = session.finish(timeout=20)
    assert result.text == "12"
    assert not result.complete
    assert str(result.error).startswith("400")
    words = dtmf.detect(result.unsent_audio.astype(np.float32) / 32767, SR)
    assert words == ["34", "56"]
