"""Subtitles that fit the speech: audio with known word times (tests/timed_speech.py)
through the real command and the reference server, to SRT, VTT and JSON, matched cue by
cue to the words spoken (the issue's targets)."""

from __future__ import annotations

import pytest

from desktop_asr.engine import audio
from tests.timed_speech import generate, read_cues, score

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("language", ["English", "Chinese"])
def test_cues_start_and_end_with_the_words(refserver, run_cli, tmp_path, language):
    speech = generate(100.0, language, seed=5)
    path = tmp_path / "talk.flac"
    path.write_bytes(audio.encode(speech.samples, "flac"))
    for fmt in ("srt", "vtt", "json"):
        result = run_cli("transcribe", str(path), "--server", refserver.url, "--format", fmt)
        assert result.returncode == 0, result.stderr
        fit = score(read_cues(result.stdout, fmt), speech.words)
        assert fit.words_in_order, fmt
        assert fit.start_median <= 0.25, (fmt, fit.line())
        assert fit.start_p90 <= 0.6, (fmt, fit.line())
        assert fit.end_median <= 0.35, (fmt, fit.line())
        assert fit.longest_cue <= 8.0, (fmt, fit.line())
        if fmt != "json":
            assert fit.cues >= len(speech.words) / 8  # cues follow the phrases


def test_text_keeps_paragraphs_at_long_pauses(refserver, run_cli, tmp_path):
    speech = generate(60.0, "English", seed=3)
    path = tmp_path / "talk.wav"
    path.write_bytes(audio.encode(speech.samples, "wav"))
    result = run_cli("transcribe", str(path), "--server", refserver.url, "--format", "text")
    assert result.returncode == 0, result.stderr
    paragraphs = result.stdout.strip().split("\n\n")
    long_pauses = sum(1 for a, b in zip(speech.words, speech.words[1:], strict=False)
                      if b.start - a.end >= 3.0)
    assert len(paragraphs) == long_pauses + 1
    assert " ".join(paragraphs).split() == [w.text for w in speech.words]
