"""Server-Sent Events decoding and stream assembly (desktop_asr.engine.sse).

The stream format is PROTOCOL.md's "stream: true" paragraph and the WHATWG SSE rules quoted
in SseDecoder's docstring; expected events are written out by hand.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_asr.engine.sse import SseDecoder, StreamAssembler
from desktop_asr.errors import (
    AsrError,
    AudioTooLongError,
    BadResponseError,
    RetryableServerError,
    ServerError,
)
from desktop_asr.text.languages import SUPPORTED_LANGUAGES

pytestmark = pytest.mark.timeout(10)


def feed_all(pieces: list[bytes]) -> list[str]:
    decoder = SseDecoder()
    events: list[str] = []
    for piece in pieces:
        events += decoder.feed(piece)
    return events + decoder.close()


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(cuts)), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def delta(content: str | None = None, *, role: str | None = None,
          finish_reason: str | None = None) -> str:
    d: dict = {}
    if role is not None:
        d["role"] = role
    if content is not None:
        d["content"] = content
    return json.dumps({"id": "chatcmpl-1", "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": d, "finish_reason": finish_reason}]},
                      ensure_ascii=False)


# --- SseDecoder ---------------------------------------------------------------------------
def test_one_event():
    assert feed_all([b'data: {"a": 1}\n\n']) == ['{"a": 1}']


def test_several_events_in_one_chunk():
    assert feed_all([b"data: one\n\ndata: two\n\ndata: [DONE]\n\n"]) == ["one", "two", "[DONE]"]


def test_comments_and_other_fields_are_ignored():
    stream = b": keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: x\n\n: bye\n\n"
    assert feed_all([stream]) == ["x"]


def test_multi_line_data_joins_with_newline():
    assert feed_all([b"data: line1\ndata: line2\ndata:\n\n"]) == ["line1\nline2\n"]


def test_only_one_space_after_the_colon_is_removed():
    assert feed_all([b"data:no-space\n\ndata:  two spaces\n\n"]) == ["no-space", " two spaces"]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_all_three_line_endings(eol):
    stream = b"data: a" + eol + b"data: b" + eol + eol + b"data: c" + eol + eol
    assert feed_all([stream]) == ["a\nb", "c"]


def test_unterminated_final_event_counts_at_close():
    decoder = SseDecoder()
    assert decoder.feed(b"data: tail") == []
    assert decoder.close() == ["tail"]


def test_nothing_pending_closes_to_nothing():
    decoder = SseDecoder()
    assert decoder.feed(b"data: x\n\n") == ["x"]
    assert decoder.close() == []


STREAM_ASCII = (b'data: {"choices":[{"delta":{"role":"assistant"}}]}\r\n\r\n'
                b": ping\r\n\r\n"
                b'data: {"choices":[{"delta":{"content":"language English<asr_text>Hi"}}]}\r\n'
                b"\r\n"
                b"data: [DONE]\r\n\r\n")
EXPECTED_ASCII = ['{"choices":[{"delta":{"role":"assistant"}}]}',
                  '{"choices":[{"delta":{"content":"language English<asr_text>Hi"}}]}',
                  "[DONE]"]


def test_split_at_every_single_byte_boundary():
    assert feed_all([STREAM_ASCII]) == EXPECTED_ASCII
    for i in range(1, len(STREAM_ASCII)):
        assert feed_all(split_at(STREAM_ASCII, [i])) == EXPECTED_ASCII, i


def test_fed_one_byte_at_a_time():
    assert feed_all([bytes([b]) for b in STREAM_ASCII]) == EXPECTED_ASCII


STREAM_CJK = 'data: {"content":"您好，请问有什么可以帮到您?"}\n\n'.encode()


def test_multibyte_character_split_across_chunks_survives():
    expected = ['{"content":"您好，请问有什么可以帮到您?"}']
    for i in range(1, len(STREAM_CJK)):
        assert feed_all(split_at(STREAM_CJK, [i])) == expected, i


def test_an_empty_read_between_cr_and_lf_changes_nothing():
    assert feed_all([b"data: a\r", b"", b"\ndata: b\r\n\r\n"]) == ["a\nb"]


_line = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028"),
                max_size=20)
_event = st.lists(_line, min_size=1, max_size=3)


def _encode(events: list[list[str]], eol: str, with_comments: bool) -> bytes:
    out = ""
    for lines in events:
        if with_comments:
            out += ": keep-alive" + eol
        out += "".join(f"data: {line}{eol}" for line in lines) + eol
    return out.encode()


@settings(max_examples=150, deadline=None)
@given(events=st.lists(_event, max_size=5), eol=st.sampled_from(["\n", "\r\n", "\r"]),
       comments=st.booleans(), data=st.data())
def test_random_splits_give_the_same_events_ascii(events, eol, comments, data):
    events = [[line.encode("ascii", "ignore").decode() for line in ev] for ev in events]
    stream = _encode(events, eol, comments)
    cuts = data.draw(st.lists(st.integers(1, max(1, len(stream) - 1)), max_size=12))
    assert feed_all(split_at(stream, cuts)) == ["\n".join(ev) for ev in events]


@settings(max_examples=150, deadline=None)
@given(events=st.lists(_event, max_size=5), eol=st.sampled_from(["\n", "\r\n", "\r"]),
       comments=st.booleans(), data=st.data())
def test_random_splits_give_the_same_events_unicode(events, eol, comments, data):
    stream = _encode(events, eol, comments)
    cuts = data.draw(st.lists(st.integers(1, max(1, len(stream) - 1)), max_size=12))
    assert feed_all(split_at(stream, cuts)) == ["\n".join(ev) for ev in events]


# --- StreamAssembler ----------------------------------------------------------------------
def test_role_only_first_delta_shows_nothing():
    assembler = StreamAssembler()
    assert assembler.add(delta(role="assistant")) == ""
    assert assembler.add(delta("", role="assistant")) == ""
    assert assembler.raw == ""


def test_prefix_split_across_events_is_held_back_until_the_tag():
    assembler = StreamAssembler()
    pieces = ["lang", "uage Eng", "lish<as", "r_text>Hel", "lo, how", " are you?"]
    shown = [assembler.add(delta(p)) for p in pieces]
    assert shown == ["", "", "", "Hel", "lo, how", " are you?"]
    assert assembler.raw == "language English<asr_text>Hello, how are you?"


def test_whole_prefix_in_one_event_then_text():
    assembler = StreamAssembler()
    assert assembler.add(delta("language Chinese<asr_text>")) == ""
    assert assembler.add(delta("您好")) == "您好"
    assert assembler.add(delta("，请问")) == "，请问"


def test_forced_language_text_is_visible_at_once():
    assembler = StreamAssembler(forced_language="Chinese")
    assert assembler.add(delta("您")) == "您"
    assert assembler.add(delta("好")) == "好"


def test_text_that_cannot_be_a_prefix_is_shown_as_it_comes():
    # A server that sends no "language X<asr_text>" prefix (another OpenAI-compatible one).
    assembler = StreamAssembler()
    assert assembler.add(delta("Hello")) == "Hello"
    assert assembler.add(delta(" world")) == " world"


def test_done_marks_the_end():
    assembler = StreamAssembler()
    assert assembler.done is False
    assert assembler.add("[DONE]") == ""
    assert assembler.done is True


def test_usage_chunk_with_empty_choices():
    assembler = StreamAssembler()
    assembler.add(delta("language English<asr_text>Hi", finish_reason="stop"))
    usage = {"prompt_tokens": 41, "completion_tokens": 10, "total_tokens": 51}
    assert assembler.add(json.dumps({"choices": [], "usage": usage})) == ""
    assert assembler.usage == usage
    assert assembler.finish_reason == "stop"


def test_reply_after_a_full_stream():
    assembler = StreamAssembler()
    for piece in ["language English", "<asr_text>", "Hello, ", "how are you?"]:
        assembler.add(delta(piece))
    assembler.add(delta(finish_reason="stop"))
    assembler.add("[DONE]")
    reply = assembler.reply()
    assert (reply.language, reply.text) == ("English", "Hello, how are you?")
    assert reply.raw == "language English<asr_text>Hello, how are you?"
    assert reply.finish_reason == "stop"


def test_forced_language_reply():
    assembler = StreamAssembler(forced_language="Japanese")
    assembler.add(delta("こんにちは"))
    assert (assembler.reply().language, assembler.reply().text) == ("Japanese", "こんにちは")


ENCODER_CACHE = ("The encoder input of length 2600 exceeds the pre-allocated encoder cache "
                 "size 2048.")


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"error": {"message": ENCODER_CACHE, "type": "BadRequestError", "code": 400}},
         AudioTooLongError),
        ({"object": "error", "message": "busy", "type": "ServiceUnavailableError",
          "code": 503}, RetryableServerError),
        ({"error": {"message": "bad sampling", "type": "BadRequestError", "code": 400}},
         ServerError),
    ],
)
def test_error_event_raises_the_typed_error(event, expected):
    assembler = StreamAssembler()
    assembler.add(delta("language English<asr_text>Hel"))
    with pytest.raises(expected) as info:
        assembler.add(json.dumps(event))
    assert "Traceback" not in str(info.value)


def test_error_event_with_a_string_error_is_typed():
    # {"error": "Unauthorized"} is the shape of vLLM's API-key check.
    with pytest.raises(ServerError) as info:
        StreamAssembler().add(json.dumps({"error": "Unauthorized"}))
    assert "Unauthorized" in str(info.value)


def test_error_event_with_a_non_numeric_code_is_typed():
    event = {"error": {"message": "Rate limit", "type": "requests", "code": "rate_limit_exceeded"}}
    with pytest.raises(AsrError) as info:
        StreamAssembler().add(json.dumps(event))
    assert "Rate limit" in str(info.value)


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"text"'])
def test_malformed_event_is_a_bad_response(data):
    with pytest.raises(BadResponseError):
        StreamAssembler().add(data)


_stream_texts = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from("<>_"),
                        min_size=1, max_size=40)


def _no_long_repeat(text: str) -> bool:
    n = len(text)
    return not any(text[i : i + 20 * k] == text[i : i + k] * 20
                   for k in range(1, 21) for i in range(n - 20 * k + 1))


@settings(max_examples=150, deadline=None)
@given(language=st.sampled_from(SUPPORTED_LANGUAGES), text=_stream_texts, data=st.data())
def test_shown_pieces_add_up_to_the_reply_text(language, text, data):
    text = text.strip()
    if not text or "<asr_text>" in text or not _no_long_repeat(text):
        return
    content = f"language {language}<asr_text>{text}"
    cuts = data.draw(st.lists(st.integers(1, len(content) - 1), max_size=10))
    bounds = [0, *sorted(set(cuts)), len(content)]
    assembler = StreamAssembler()
    shown = [assembler.add(delta(role="assistant"))]
    tag_end = len(content) - len(text)
    for a, b in itertools.pairwise(bounds):
        piece = assembler.add(delta(content[a:b]))
        if b < tag_end:
            assert piece == "", "text shown before the <asr_text> tag was complete"
        shown.append(piece)
    assembler.add("[DONE]")
    assert "".join(shown) == text
    reply = assembler.reply()
    assert (reply.language, reply.text) == (language, text)


@settings(max_examples=100, deadline=None)
@given(text=_stream_texts, data=st.data())
def test_forced_language_pieces_add_up_to_the_reply_text(text, data):
    text = text.strip()
    if not text or not _no_long_repeat(text):
        return
    cuts = data.draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=10))
    bounds = [0, *sorted(set(cuts)), len(text)]
    assembler = StreamAssembler(forced_language="Chinese")
    shown = [assembler.add(delta(text[a:b])) for a, b in itertools.pairwise(bounds) if b > a]
    assert "".join(shown) == text
    assert assembler.reply().text == text


@pytest.mark.parametrize("forced", [None, "English"])
def test_trailing_whitespace_is_not_shown_when_the_reply_drops_it(forced):
    prefix = "" if forced else "language English<asr_text>"
    assembler = StreamAssembler(forced_language=forced)
    pieces = [assembler.add(delta(p)) for p in [prefix + "Hello ", "world.", "\n", " "]]
    assert "".join(pieces) == assembler.reply().text == "Hello world."


def test_decoder_and_assembler_together_on_a_vllm_stream():
    stream = "".join(f"data: {e}\n\n" for e in [
        delta("", role="assistant"), delta("language Chinese"), delta("<asr_text>您好"),
        delta("，世界"), delta(finish_reason="stop"),
        json.dumps({"choices": [], "usage": {"completion_tokens": 6}}),
    ]) + "data: [DONE]\n\n"
    decoder, assembler = SseDecoder(), StreamAssembler()
    shown = [assembler.add(e) for e in decoder.feed(stream.encode()) + decoder.close()]
    assert [s for s in shown if s] == ["您好", "，世界"]
    assert assembler.done is True
    assert assembler.reply().text == "您好，世界"
    assert assembler.reply().language == "Chinese"
    assert assembler.usage == {"completion_tokens": 6}
