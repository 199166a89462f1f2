"""Joining chunk texts, the Transcript, and its exports (transcript.py, export.py).

Timestamps are computed by hand; SRT/WebVTT layout follows those formats (numbered cues,
``HH:MM:SS,mmm`` vs ``HH:MM:SS.mmm``, a ``WEBVTT`` header line then a blank line).
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from desktop_asr.text.cues import LINE_WIDTH, MAX_CUE_SECONDS, text_width
from desktop_asr.text.export import (
    EXTENSIONS,
    FORMATS,
    export,
    to_json,
    to_markdown,
    to_srt,
    to_text,
    to_vtt,
)
from desktop_asr.text.transcript import Segment, Transcript, join_texts


# --- join_texts -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["你好", "世界"], "你好世界"),  # CJK + CJK: nothing between
        (["こんにちは。", "元気ですか"], "こんにちは。元気ですか"),
        (["Hello", "world"], "Hello world"),  # Latin + Latin: one space
        (["Hello.", "  How are you? "], "Hello. How are you?"),
        (["我们用", "Kubernetes"], "我们用Kubernetes"),  # CJK + Latin: nothing between
        (["Kubernetes", "集群"], "Kubernetes集群"),
        (["안녕하세요", "반갑습니다"], "안녕하세요 반갑습니다"),  # Korean keeps its spaces
        (["", "Hello", "   ", "world", ""], "Hello world"),  # empty parts skipped
        ([], ""),
        (["", " "], ""),
    ],
)
def test_join_texts(parts, expected):
    assert join_texts(parts) == expected


def test_join_texts_takes_a_generator():
    assert join_texts(p for p in ["a", "b"]) == "a b"


# --- Transcript.from_segments -------------------------------------------------------------
def test_from_segments_orders_by_start_and_merges_languages():
    segments = [
        Segment(20.0, 30.0, "Second part.", "English"),
        Segment(0.0, 10.0, "第一部分。", "Chinese"),
        Segment(10.0, 20.0, "First part.", "English"),
    ]
    t = Transcript.from_segments("talk.wav", segments, duration=30.0)
    assert [s.start for s in t.segments] == [0.0, 10.0, 20.0]
    assert t.text == "第一部分。First part. Second part."
    assert t.language == "Chinese,English"
    assert (t.source, t.duration) == ("talk.wav", 30.0)


def test_languages_of_empty_segments_are_ignored():
    segments = [Segment(0, 1, "", "Japanese"), Segment(1, 2, "Hi", "English"),
                Segment(2, 3, "你好", "Chinese"), Segment(3, 4, "there", "English")]
    t = Transcript.from_segments("x", segments, duration=None)
    assert t.language == "English,Chinese,English"  # consecutive repeats only
    assert t.text == "Hi你好there"


def test_to_dict_is_plain_data():
    t = Transcript.from_segments("a.wav", [Segment(0.0, 1.5, "Hi", "English")], 1.5)
    assert t.to_dict() == {
        "source": "a.wav", "text": "Hi", "language": "English", "duration": 1.5,
        "segments": [{"start": 0.0, "end": 1.5, "text": "Hi", "language": "English"}],
    }


# --- timestamps ---------------------------------------------------------------------------
def _one(start: float, end: float, text: str = "Hello.") -> Transcript:
    return Transcript("a.wav", text, "English", end, (Segment(start, end, text, "English"),))


@pytest.mark.parametrize(
    ("start", "end", "srt", "vtt"),
    [
        (3661.5, 3663.0, "01:01:01,500 --> 01:01:03,000", "01:01:01.500 --> 01:01:03.000"),
        (0.0, 2.5, "00:00:00,000 --> 00:00:02,500", "00:00:00.000 --> 00:00:02.500"),
        # 59.9996 s rounds to 60.000 s: the carry reaches the minutes
        (59.9996, 61.0004, "00:01:00,000 --> 00:01:01,000", "00:01:00.000 --> 00:01:01.000"),
        (36000.001, 36001.0, "10:00:00,001 --> 10:00:01,000", "10:00:00.001 --> 10:00:01.000"),
    ],
)
def test_srt_and_vtt_timestamps(start, end, srt, vtt):
    t = _one(start, end)
    assert to_srt(t).splitlines()[1] == srt
    assert to_vtt(t).splitlines()[2] == vtt


def test_srt_cues_are_numbered_from_one_and_separated_by_blank_lines():
    t = Transcript("a.wav", "", "", 9.0, (
        Segment(0.0, 2.5, "Hello there.", "English"),
        Segment(3.0, 5.0, "你好。", "Chinese"),
        Segment(6.0, 9.0, "Bye.", "English"),
    ))
    blocks = to_srt(t).strip("\n").split("\n\n")
    assert blocks == [
        "1\n00:00:00,000 --> 00:00:02,500\nHello there.",
        "2\n00:00:03,000 --> 00:00:05,000\n你好。",
        "3\n00:00:06,000 --> 00:00:09,000\nBye.",
    ]


def test_vtt_has_the_header_and_no_numbers():
    t = Transcript("a.wav", "", "", 5.0, (Segment(0.0, 2.5, "Hello there.", "English"),
                                          Segment(3.0, 5.0, "Bye.", "English")))
    vtt = to_vtt(t)
    assert vtt.startswith("WEBVTT\n\n")
    blocks = vtt.strip("\n").split("\n\n")
    assert blocks == ["WEBVTT", "00:00:00.000 --> 00:00:02.500\nHello there.",
                      "00:00:03.000 --> 00:00:05.000\nBye."]


def test_two_sentences_share_the_segment_time_by_how_long_they_take_to_say():
    # Letters: Hello there = 10, How are you = 9; over 4 s the cut falls at 4 * 10/19 s.
    t = _one(10.0, 14.0, "Hello there. How are you?")
    blocks = to_srt(t).strip("\n").split("\n\n")
    assert blocks == ["1\n00:00:10,000 --> 00:00:12,105\nHello there.",
                      "2\n00:00:12,105 --> 00:00:14,000\nHow are you?"]


def _cues(srt: str) -> list[tuple[str, str, str]]:
    out = []
    for block in srt.strip("\n").split("\n\n"):
        number, times, *text = block.split("\n")
        assert number.isdigit()
        start, end = times.split(" --> ")
        out.append((start, end, "\n".join(text)))
    return out


def _seconds(stamp: str) -> float:
    h, m, s = stamp.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _assert_readable(cues: list[tuple[str, str, str]]) -> None:
    for start, end, text in cues:
        lines = text.split("\n")
        assert 1 <= len(lines) <= 2, text
        assert all(0 < text_width(line) <= LINE_WIDTH for line in lines), text
        assert _seconds(end) - _seconds(start) <= MAX_CUE_SECONDS + 0.001, (start, end)


def test_cues_stop_at_pauses_and_keep_words_whole():
    t = Transcript.from_segments("a.wav", [
        Segment(1.0, 2.0, "one two", "English"),
        Segment(2.3, 3.0, "three", "English"),  # 0.3 s later: may share a cue
        Segment(6.0, 7.5, "four five", "English"),  # 3 s later: a new cue
    ], 8.0)
    cues = _cues(to_srt(t))
    assert cues == [("00:00:01,000", "00:00:03,000", "one two three"),
                    ("00:00:06,000", "00:00:07,500", "four five")]


def test_two_lines_are_balanced_and_never_split_a_word():
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"  # 67 columns
    (cue,) = _cues(to_srt(_one(0.0, 5.0, text)))
    first, second = cue[2].split("\n")
    assert (first, second) == ("alpha beta gamma delta epsilon",
                               "zeta eta theta iota kappa lambda mu")


def test_a_long_stretch_of_speech_makes_cues_of_at_most_seven_seconds():
    words = " ".join(["go"] * 60)  # 60 short words over 30 s of continuous speech
    cues = _cues(to_srt(_one(0.0, 30.0, words)))
    _assert_readable(cues)
    assert len(cues) >= 30 / MAX_CUE_SECONDS


def test_long_latin_segment_is_split_into_cues_that_fit_and_keep_all_words():
    words = [f"word{i}" for i in range(150)]
    text = " ".join(words)  # no sentence end at all: split by length only
    cues = _cues(to_srt(_one(100.0, 160.0, text)))
    assert len(cues) > 1
    _assert_readable(cues)
    assert " ".join(c[2] for c in cues).split() == words
    assert _seconds(cues[0][0]) == 100.0
    assert _seconds(cues[-1][1]) == pytest.approx(160.0, abs=0.001)
    for (_, end, _), (start, _, _) in itertools.pairwise(cues):
        assert start == end  # consecutive cues meet


def test_long_cjk_segment_is_split_into_cues_that_fit_and_keep_all_characters():
    text = "我们今天讨论语音识别模型的部署" * 10  # 150 characters, no punctuation
    cues = _cues(to_srt(_one(0.0, 30.0, text)))
    assert len(cues) >= 150 / 36  # at most two lines of 18
    _assert_readable(cues)
    assert all(len(line) <= 18 for c in cues for line in c[2].split("\n"))
    assert "".join(c[2].replace("\n", "") for c in cues) == text
    assert _seconds(cues[-1][1]) == pytest.approx(30.0, abs=0.001)


def test_sentences_longer_than_the_limit_still_fit():
    text = ("This is a rather long sentence that goes on and on without stopping for quite "
            "a while indeed. Short one. ") * 3
    cues = _cues(to_srt(_one(0.0, 40.0, text.strip())))
    _assert_readable(cues)
    assert " ".join(c[2] for c in cues).split() == text.split()


def test_cjk_sentence_ends_split_without_spaces():
    # 3 + 3 characters over 6 s: 3 s each.
    cues = _cues(to_srt(_one(0.0, 6.0, "你好。再见！")))
    assert cues == [("00:00:00,000", "00:00:03,000", "你好。"),
                    ("00:00:03,000", "00:00:06,000", "再见！")]


@pytest.mark.parametrize("text", ["The price rose 3.5 percent today.",
                                  "Upgrade vLLM to v0.14.1 first!"])
def test_a_period_inside_a_word_is_not_a_sentence_end(text):
    cues = _cues(to_srt(_one(0.0, 4.0, text)))
    assert [c[2] for c in cues] == [text]


def test_empty_segments_make_no_cues():
    t = Transcript("a.wav", "", "", 3.0, (Segment(0.0, 3.0, "", ""),))
    assert _cues_or_none(to_srt(t)) == []
    assert to_vtt(t).strip() == "WEBVTT"


def _cues_or_none(srt: str) -> list:
    return _cues(srt) if srt.strip() else []


# --- json, text, markdown -----------------------------------------------------------------
def _sample() -> Transcript:
    return Transcript.from_segments("/recordings/meeting.wav", [
        Segment(0.0, 12.3456, "大家好。", "Chinese"),
        Segment(12.3456, 20.0, "Welcome to the meeting.", "English"),
    ], duration=20.00049)


def test_json_has_exactly_the_documented_keys():
    data = json.loads(to_json(_sample()))
    assert set(data) == {"source", "text", "language", "duration", "segments"}
    assert data["source"] == "/recordings/meeting.wav"
    assert data["text"] == "大家好。Welcome to the meeting."
    assert data["language"] == "Chinese,English"
    assert data["duration"] == pytest.approx(20.0, abs=0.001)
    assert [set(s) for s in data["segments"]] == [{"start", "end", "text", "language"}] * 2
    assert data["segments"][0]["text"] == "大家好。"
    assert data["segments"][1]["start"] == pytest.approx(12.3456, abs=0.001)


def test_json_keeps_cjk_readable_and_allows_unknown_duration():
    t = Transcript("x", "你好", "Chinese", None, ())
    raw = to_json(t)
    assert "你好" in raw
    assert json.loads(raw)["duration"] is None
    assert json.loads(raw)["segments"] == []


def test_text_export():
    assert to_text(_sample()) == "大家好。Welcome to the meeting.\n"
    assert to_text(Transcript("x", "", "", None, ())) == ""


def test_text_and_markdown_start_a_paragraph_after_a_long_pause():
    t = Transcript.from_segments("talk.wav", [
        Segment(0.0, 2.0, "First point.", "English"),
        Segment(3.0, 4.0, "Still first.", "English"),  # 1 s pause: same paragraph
        Segment(9.0, 10.0, "Second point.", "English"),  # 5 s pause: a new one
    ], 10.0)
    assert to_text(t) == "First point. Still first.\n\nSecond point.\n"
    md = to_markdown(t)
    assert "**[00:00:00]** First point. Still first.\n\n**[00:00:09]** Second point." in md


def test_markdown_contains_the_text_and_the_file_name():
    md = to_markdown(_sample())
    assert md.startswith("# meeting.wav")
    assert "大家好。" in md
    assert "Welcome to the meeting." in md
    assert "Chinese,English" in md
    single = to_markdown(Transcript("a.wav", "Just one line.", "English", 2.0,
                                    (Segment(0, 2, "Just one line.", "English"),)))
    assert "Just one line." in single


def test_export_dispatches_by_format_and_refuses_unknown_ones():
    t = _sample()
    assert export(t, "srt") == to_srt(t)
    assert export(t, "json") == to_json(t)
    assert set(FORMATS) == set(EXTENSIONS) == {"text", "json", "srt", "vtt", "md"}
    with pytest.raises(ValueError, match=re.escape("docx")):
        export(t, "docx")
