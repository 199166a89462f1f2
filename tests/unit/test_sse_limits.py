"""A hostile stream (desktop_asr.engine.sse): events of the wrong JSON type are a
BadResponseError (never an AttributeError or a RecursionError), lines, events and the
transcript are refused past their caps, and the work is linear in the stream's length."""

from __future__ import annotations

import json
import time

import pytest

from desktop_asr.engine.limits import MAX_REPLY_BYTES, MAX_TEXT_CHARS
from desktop_asr.engine.sse import SseDecoder, StreamAssembler
from desktop_asr.errors import BadResponseError

pytestmark = pytest.mark.timeout(20)


def chunk(choice: object) -> str:
    return json.dumps({"id": "chatcmpl-1", "object": "chat.completion.chunk",
                       "choices": [choice]})


def delta(content: object = None, finish_reason: object = None) -> str:
    return chunk({"index": 0, "delta": {"content": content}, "finish_reason": finish_reason})


# --- wrong JSON types ----------------------------------------------------------------------
@pytest.mark.parametrize(("event", "words"), [
    ('[{"choices": []}]', "not a JSON object"),  # an array, not an object
    ('"language English<asr_text>Hi"', "not a JSON object"),
    ("42", "not a JSON object"),
    ("null", "not a JSON object"),
    (json.dumps({"choices": {"0": {"delta": {"content": "Hi"}}}}), "'choices' is not a list"),
    (json.dumps({"choices": "language English<asr_text>Hi"}), "'choices' is not a list"),
    (json.dumps({"choices": ["Hi"]}), "choice is not an object"),
    (json.dumps({"choices": [None]}), "choice is not an object"),
    (chunk({"index": 0, "delta": "Hi"}), "'delta' is not an object"),
    (chunk({"index": 0, "delta": ["Hi"]}), "'delta' is not an object"),
    (delta({"text": "Hi"}), "text is not a string"),
    (delta(42), "text is not a string"),
    (delta(["H", "i"]), "text is not a string"),
    (delta("Hi", finish_reason=["stop"]), "finish reason is not a string"),
    (delta("Hi", finish_reason=1), "finish reason is not a string"),
])
def test_an_event_of_the_wrong_type_is_a_bad_response_in_words(event, words):
    assembler = StreamAssembler()
    assembler.add(delta("language English<asr_text>"))
    with pytest.raises(BadResponseError) as info:
        assembler.add(event)
    assert words in str(info.value)
    assert str(info.value).startswith("The server sent ")


def test_json_nested_past_the_parsers_depth_is_a_bad_response():
    deep = '{"choices": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(BadResponseError, match="malformed"):
        StreamAssembler().add(deep)


@pytest.mark.parametrize("usage", ["lots", 42, ["a"]])
def test_a_usage_that_is_not_an_object_is_ignored(usage):
    assembler = StreamAssembler()
    assembler.add(delta("language English<asr_text>Hi", finish_reason="stop"))
    assembler.add(json.dumps({"choices": [], "usage": usage}))
    assert assembler.usage == {}
    assert assembler.reply().text == "Hi"


def test_null_parts_are_nothing_rather_than_wrong():
    # A guard on the checks above (it passed before them too): vLLM sends "content": null
    # and "finish_reason": null, and a usage chunk has no choices.
    assembler = StreamAssembler()
    for event in [chunk({"index": 0, "delta": {"role": "assistant", "content": None}}),
                  chunk({"index": 0, "delta": None}), json.dumps({"choices": None}),
                  delta("language English<asr_text>Hi"), delta(None, "stop")]:
        assembler.add(event)
    assert (assembler.reply().text, assembler.finish_reason) == ("Hi", "stop")


# --- caps ----------------------------------------------------------------------------------
def test_the_caps_are_far_above_a_transcript_and_far_below_harm():
    assert MAX_REPLY_BYTES == 16 * 1024 * 1024
    assert MAX_TEXT_CHARS == 1024 * 1024  # a chunk's text is some kilobytes


def test_a_line_that_never_ends_is_refused_past_the_cap():
    decoder = SseDecoder(max_chars=10_000)
    decoder.feed(b"data: ")
    fed = [6]

    def forever() -> None:  # a server that never sends the end of the line
        while fed[0] < 1_000_000:
            decoder.feed(b"x" * 1000)
            fed[0] += 1000

    with pytest.raises(BadResponseError, match="too large"):
        forever()
    assert fed[0] <= 11_000  # refused as soon as the line passed 10 000 characters


def test_a_long_line_in_one_read_is_refused():
    with pytest.raises(BadResponseError, match="too large"):
        SseDecoder(max_chars=1000).feed(b"data: " + b"x" * 2000 + b"\n\n")


def test_an_event_of_many_data_lines_is_refused_past_the_cap():
    decoder = SseDecoder(max_chars=1000)
    lines = [b"data: " + b"x" * 100 + b"\n"] * 100  # no empty line: all one event
    with pytest.raises(BadResponseError, match="too large"):
        [decoder.feed(line) for line in lines]


def test_lines_and_events_up_to_the_cap_pass():
    decoder = SseDecoder(max_chars=1000)
    line = "x" * 994
    assert decoder.feed(f"data: {line}\n\n".encode()) == [line]


def test_keep_alive_comments_forever_hold_nothing():
    decoder = SseDecoder(max_chars=1000)
    for _ in range(10_000):
        assert decoder.feed(b": ping\n\n") == []
    assert decoder.feed(b"data: x\n\n") == ["x"]


def test_a_transcript_past_its_cap_is_refused():
    assembler = StreamAssembler(max_text_chars=1000)
    assembler.add(delta("language English<asr_text>"))
    with pytest.raises(BadResponseError, match="too large"):
        [assembler.add(delta("x" * 100)) for _ in range(100)]
    assert len(assembler.raw) <= 1000


# --- linear work ---------------------------------------------------------------------------
def test_assembly_keeps_the_pieces_not_one_growing_string():
    """By design: the text is a list of pieces joined once; the only string kept is the
    short start that may still be "language X<asr_text>" (a `text += piece` over the whole
    text, or a rescan of it, on every event would make a long stream quadratic)."""
    assembler = StreamAssembler()
    shown = [assembler.add(delta("language English<asr_text>"))]
    shown += [assembler.add(delta(f"w{i} ")) for i in range(20_000)]
    strings = [value for value in vars(assembler).values() if isinstance(value, str)]
    assert max(map(len, strings)) < 300, "a string attribute grows with the text"
    text = " ".join(f"w{i}" for i in range(20_000))
    assert "".join(shown) == text
    assert assembler.reply().text == text


def test_decoding_many_events_in_one_read_is_linear():
    # 100 000 events (8.7 MB) in one read: the earlier decoder cut the buffer one line at
    # a time (a copy of the rest per line) and took about 18 s; this one splits once.
    events = [delta("abc")] * 100_000
    data = "".join(f"data: {e}\n\n" for e in events).encode()
    started = time.perf_counter()
    decoded = SseDecoder().feed(data)
    assert time.perf_counter() - started < 5
    assert len(decoded) == len(events)
