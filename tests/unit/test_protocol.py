"""Request bodies, reply parsing and error bodies (desktop_asr.core.protocol).

Expected values come from /work/shared/PROTOCOL.md ("The chat-completions request",
"The response") and from hand computation; never from the code's own output.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_asr.engine.replies import (
    error_from_response,
    fix_repetitions,
    is_context_echo,
    parse_asr_output,
    parse_chat_completion,
    parse_retry_after,
)
from desktop_asr.engine.requests import ASR_TEXT_TAG, build_chat_request, data_url
from desktop_asr.errors import (
    AsrError,
    AudioTooLongError,
    AuthenticationError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
    ServerError,
)
from desktop_asr.text.languages import SUPPORTED_LANGUAGES
from desktop_asr.text.vocabulary import VocabularyEntry

# A regression to an endless loop in fix_repetitions must fail fast, not after 120 s.
pytestmark = pytest.mark.timeout(10)

URL = "data:audio/flac;base64,ZkxhQw=="


def has_long_repeat(text: str, times: int = 20, max_pattern: int = 20) -> bool:
    """True when some pattern of 1..max_pattern characters occurs ``times`` times in a row
    (PROTOCOL.md rule 2 would then change the text)."""
    n = len(text)
    for k in range(1, max_pattern + 1):
        for i in range(0, n - k * times + 1):
            if text[i : i + k * times] == text[i : i + k] * times:
                return True
    return False


def assert_in_words(error: BaseException) -> None:
    """A message a user can read: a sentence, no traceback, no raw bytes repr."""
    message = str(error)
    assert re.search(r"[A-Za-z]{3,}\W+[A-Za-z]{2,}\W+[A-Za-z]{2,}", message), message
    assert "Traceback" not in message
    assert "b'" not in message
    assert 'b"' not in message
    assert "\\x" not in message


# --- parse_asr_output: rule 1 (strip, empty) ------------------------------------------------
@pytest.mark.parametrize("raw", ["", "   ", "\n\t \n", None])
def test_empty_or_blank_reply_gives_no_language_and_no_text(raw):
    assert parse_asr_output(raw) == ("", "")


@pytest.mark.parametrize("raw", ["", "  \n"])
def test_empty_reply_with_forced_language_gives_nothing(raw):
    # Rule 1 comes before rule 3.
    assert parse_asr_output(raw, forced_language="Chinese") == ("", "")


# --- rule 6: the normal reply -------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("language English<asr_text>Hello, how are you?", ("English", "Hello, how are you?")),
        ("language Chinese<asr_text>您好,请问有什么可以帮到您?",
         ("Chinese", "您好,请问有什么可以帮到您?")),
        ("  \nlanguage English<asr_text>  Hello.  \n", ("English", "Hello.")),
    ],
)
def test_seed_replies_parse_to_language_and_text(raw, expected):
    assert parse_asr_output(raw) == expected


@pytest.mark.parametrize(("name", "expected"),
                         [("english", "English"), ("CHINESE", "Chinese"), ("jApAnEsE", "Japanese")])
def test_language_name_is_title_cased(name, expected):
    assert parse_asr_output(f"language {name}<asr_text>text") == (expected, "text")


def test_language_comes_from_the_meta_line_that_starts_with_language():
    raw = "some other meta\nlanguage English\n<asr_text>Hi there"
    assert parse_asr_output(raw) == ("English", "Hi there")


def test_meta_without_a_language_line_gives_empty_language():
    assert parse_asr_output("meta only<asr_text>Hi") == ("", "Hi")


# --- rule 3, 4, 5 ---------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["你好世界", "language English<asr_text>Hello"])
def test_forced_language_returns_the_whole_text(raw):
    assert parse_asr_output(raw, forced_language="Chinese") == ("Chinese", raw)


def test_no_tag_gives_empty_language_and_the_whole_text():
    assert parse_asr_output("  Hello there  ") == ("", "Hello there")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("language None<asr_text>", ("", "")),
        ("language none<asr_text>", ("", "")),
        ("language None<asr_text>  noise ", ("", "noise")),
        ("meta\nlanguage None\n<asr_text>", ("", "")),
    ],
)
def test_language_none_means_no_language(raw, expected):
    assert parse_asr_output(raw) == expected


# --- rule 2: repetition repair -----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("嗯" * 25, "嗯"),  # a character repeated more than 20 times
        ("Okay" + "!" * 30, "Okay!"),
        ("I think " + "that is " * 25 + "right", "I think that is right"),
        ("start " + "abcdefghijklmnopqrst" * 20 + " end",  # a 20-char pattern, 20 times
         "start abcdefghijklmnopqrst end"),
        ("ha" * 40, "ha"),
    ],
)
def test_long_repetitions_collapse_to_one_copy(text, expected):
    assert fix_repetitions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "嗯" * 19,  # 19 repeats: under the threshold
        "Hello " + "ha" * 19 + " bye",
        "that is " * 19,
        "abcdefghijklmnopqrstu" * 25,  # a 21-character pattern is longer than 20
        "Hello, how are you?",
    ],
)
def test_text_without_20_repeats_is_left_alone(text):
    assert fix_repetitions(text) == text


def test_repetition_repair_applies_to_the_transcript():
    assert parse_asr_output("language Chinese<asr_text>" + "嗯" * 40) == ("Chinese", "嗯")


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60).filter(
    lambda t: ASR_TEXT_TAG not in t)


@settings(max_examples=60, deadline=None)
@given(language=st.sampled_from(SUPPORTED_LANGUAGES), text=_texts)
def test_any_language_and_text_round_trip(language, text):
    raw = f"language {language}<asr_text>{text}"
    if has_long_repeat(raw):
        return
    assert parse_asr_output(raw) == (language, text.strip())


_pieces = st.lists(
    st.tuples(st.text("ab 你好,.", min_size=1, max_size=4), st.integers(1, 19)), max_size=8)


@settings(max_examples=60, deadline=None)
@given(_pieces)
def test_fix_repetitions_leaves_text_without_long_runs_unchanged(pieces):
    text = "".join(p * n for p, n in pieces)
    if has_long_repeat(text):
        return
    assert fix_repetitions(text) == text


def test_has_long_repeat_helper_itself():
    # The filter above must be right for the property to mean anything.
    assert has_long_repeat("a" * 20)
    assert not has_long_repeat("a" * 19)
    assert has_long_repeat("x" + "abc" * 20 + "y")
    assert not has_long_repeat("abc" * 19 + "ab")


# --- build_chat_request -----------------------------------------------------------------
def _user_message(url: str) -> dict:
    return {"role": "user", "content": [{"type": "audio_url", "audio_url": {"url": url}}]}


def test_request_for_auto_language_is_exactly_the_documented_body():
    body = build_chat_request(model="qwen3-asr", audio_url=URL)
    assert body == {
        "model": "qwen3-asr",
        "stream": False,
        "temperature": 0,
        "max_tokens": 4096,
        "messages": [_user_message(URL)],
        "asr_options": {"language": "auto", "custom_vocabulary_word": []},
    }
    assert "continue_final_message" not in body
    assert "add_generation_prompt" not in body
    json.dumps(body)  # must be serialisable as is


def test_request_with_forced_language_prefills_the_assistant_turn():
    body = build_chat_request(model="qwen3-asr", audio_url=URL, language="Chinese")
    assert body["messages"] == [
        _user_message(URL),
        {"role": "assistant", "content": "language Chinese<asr_text>"},
    ]
    assert body["continue_final_message"] is True
    assert body["add_generation_prompt"] is False
    assert body["asr_options"]["language"] == "Chinese"


def test_context_goes_into_a_system_message_first():
    body = build_chat_request(model="m", audio_url=URL, context="不二家 Kubernetes vLLM")
    assert body["messages"] == [
        {"role": "system", "content": "不二家 Kubernetes vLLM"},
        _user_message(URL),
    ]


def test_no_system_message_without_context():
    body = build_chat_request(model="m", audio_url=URL, context="")
    assert [m["role"] for m in body["messages"]] == ["user"]


def test_content_part_type_is_audio_url_with_underscore():
    body = build_chat_request(model="m", audio_url=URL)
    part = body["messages"][-1]["content"][0]
    assert part["type"] == "audio_url"  # the seed's "audio url" is a typo


def test_temperature_zero_and_max_tokens_cap():
    body = build_chat_request(model="m", audio_url=URL, max_tokens=512)
    assert body["temperature"] == 0
    assert body["max_tokens"] == 512


def test_stream_options_only_when_streaming():
    plain = build_chat_request(model="m", audio_url=URL)
    streamed = build_chat_request(model="m", audio_url=URL, stream=True)
    assert "stream_options" not in plain
    assert streamed["stream"] is True
    # The usage chunk (choices: []) is only sent when asked for.
    assert streamed["stream_options"]["include_usage"] is True


def test_asr_options_in_the_seed_shape():
    vocabulary = [VocabularyEntry("不二家", ("bu er jia",)), VocabularyEntry("vLLM")]
    body = build_chat_request(model="qwen3-asr", audio_url=URL, vocabulary=vocabulary)
    assert body["asr_options"] == {
        "language": "auto",
        "custom_vocabulary_word": [
            {"word": "不二家", "sounds_like": ["bu er jia"]},
            {"word": "vLLM", "sounds_like": []},
        ],
    }


def test_asr_options_can_be_turned_off():
    body = build_chat_request(model="m", audio_url=URL, send_asr_options=False,
                              vocabulary=[VocabularyEntry("x")], language="English")
    assert "asr_options" not in body


def test_http_url_is_passed_through_untouched():
    url = "http://10.0.0.5:8001/files/Auto2.wav?x=1&y=%20"
    body = build_chat_request(model="m", audio_url=url)
    assert body["messages"][-1]["content"][0]["audio_url"]["url"] == url


@given(payload=st.binary(max_size=300), mime=st.sampled_from(["audio/flac", "audio/wav"]))
def test_data_url_round_trips_base64(payload, mime):
    url = data_url(payload, mime)
    prefix = f"data:{mime};base64,"
    assert url.startswith(prefix)
    assert base64.b64decode(url[len(prefix):], validate=True) == payload


# --- errors ---------------------------------------------------------------------------------
def _vllm_new(message: str, code: int, type_: str = "BadRequestError") -> bytes:
    return json.dumps({"error": {"message": message, "type": type_, "code": code}}).encode()


def _vllm_old(message: str, code: int, type_: str = "BadRequestError") -> bytes:
    return json.dumps({"object": "error", "message": message, "type": type_,
                       "param": None, "code": code}).encode()


ENCODER_CACHE = ("The encoder input of length 2600 exceeds the pre-allocated encoder cache "
                 "size 2048. Please reduce the input size.")
NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>"
             b"\r\n</body>\r\n</html>\r\n")


@pytest.mark.parametrize("make", [_vllm_new, _vllm_old])
def test_both_vllm_error_shapes_show_the_server_message(make):
    error = error_from_response(400, make("max_tokens must be at least 1, got 0.", 400))
    assert type(error) is ServerError
    assert error.status == 400
    assert "max_tokens must be at least 1, got 0." in str(error)
    assert_in_words(error)


def test_401_with_unauthorized_string_is_an_authentication_error():
    error = error_from_response(401, b'{"error": "Unauthorized"}')
    assert isinstance(error, AuthenticationError)
    assert error.status == 401
    assert "api key" in str(error).lower()
    assert_in_words(error)


def test_403_is_an_authentication_error():
    assert isinstance(error_from_response(403, b'{"error": "Forbidden"}'), AuthenticationError)


@pytest.mark.parametrize("make", [_vllm_new, _vllm_old])
def test_404_unknown_model_is_model_not_found(make):
    body = make("The model `x` does not exist.", 404, "NotFoundError")
    error = error_from_response(404, body, model="x")
    assert isinstance(error, ModelNotFoundError)
    assert "does not exist" in str(error)
    assert_in_words(error)


def test_404_of_a_wrong_path_is_not_model_not_found():
    error = error_from_response(404, b'{"detail":"Not Found"}', content_type="application/json")
    assert isinstance(error, ServerError)
    assert not isinstance(error, ModelNotFoundError)
    assert_in_words(error)


@pytest.mark.parametrize("make", [_vllm_new, _vllm_old])
def test_encoder_cache_400_is_audio_too_long(make):
    error = error_from_response(400, make(ENCODER_CACHE, 400))
    assert isinstance(error, AudioTooLongError)
    assert "encoder cache size 2048" in str(error)
    assert_in_words(error)


def test_413_is_audio_too_long():
    page = b"<html><head><title>413 Request Entity Too Large</title></head><body></body></html>"
    error = error_from_response(413, page, content_type="text/html")
    assert isinstance(error, AudioTooLongError)
    assert_in_words(error)


def test_429_is_retryable_and_keeps_retry_after():
    error = error_from_response(429, _vllm_new("Too many requests", 429), retry_after=3.0)
    assert isinstance(error, RetryableServerError)
    assert error.retryable is True
    assert error.retry_after == 3.0
    assert_in_words(error)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retryable(status):
    error = error_from_response(status, b"")
    assert isinstance(error, RetryableServerError)
    assert error.retryable is True
    assert error.status == status
    assert_in_words(error)


def test_nginx_html_502_page_shows_its_title():
    error = error_from_response(502, NGINX_502, content_type="text/html")
    assert isinstance(error, RetryableServerError)
    assert "502 Bad Gateway" in str(error)
    assert "<html" not in str(error)
    assert "<title>" not in str(error)
    assert_in_words(error)


def test_non_utf8_error_body_is_still_words():
    error = error_from_response(500, b"\xff\xfe\x80 internal failure")
    assert isinstance(error, ServerError)
    assert_in_words(error)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_vllm_new("The model `x` does not exist.", 404, "NotFoundError"), ModelNotFoundError),
        (_vllm_old(ENCODER_CACHE, 400), AudioTooLongError),
        (_vllm_new(ENCODER_CACHE, 400), AudioTooLongError),
        (_vllm_old("Service busy", 503, "ServiceUnavailableError"), RetryableServerError),
        (b'{"error": "Unauthorized", "code": 401}', AuthenticationError),
    ],
)
def test_error_body_sent_with_http_200_raises_the_typed_error(body, expected):
    with pytest.raises(expected) as info:
        parse_chat_completion(200, body)
    assert_in_words(info.value)


@pytest.mark.parametrize(
    "body",
    [b'{"choices": [{"message": {"content": "language Eng', b"not json at all", b"",
     b"\x89PNG\r\n\x1a\n"],
)
def test_malformed_or_truncated_json_with_200_is_a_bad_response(body):
    with pytest.raises(BadResponseError) as info:
        parse_chat_completion(200, body)
    assert_in_words(info.value)


@pytest.mark.parametrize("body", [b"{}", b'{"id": "chatcmpl-1", "choices": []}', b"[]",
                                  b'{"choices": null}'])
def test_reply_without_choices_is_a_bad_response(body):
    with pytest.raises(BadResponseError) as info:
        parse_chat_completion(200, body)
    assert_in_words(info.value)


def test_html_page_with_200_is_a_bad_response_naming_the_page():
    page = b"<!DOCTYPE html><html><head><title>Sign in - Proxy</title></head></html>"
    with pytest.raises(BadResponseError) as info:
        parse_chat_completion(200, page, content_type="text/html")
    assert "Sign in - Proxy" in str(info.value)
    assert_in_words(info.value)


def test_http_error_status_raises_through_parse_chat_completion():
    with pytest.raises(AuthenticationError):
        parse_chat_completion(401, b'{"error": "Unauthorized"}')


def test_empty_content_is_an_empty_transcript():
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": ""},
                         "finish_reason": "stop"}]}
    reply = parse_chat_completion(200, json.dumps(body).encode())
    assert (reply.text, reply.language, reply.finish_reason) == ("", "", "stop")


def test_seed_reply_parses_with_usage_and_finish_reason():
    body = {
        "id": "chatcmpl-86d9a374707f3816", "object": "chat.completion", "model": "qwen3-asr",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": "language English<asr_text>Hello, how are you?",
            "tool_calls": [], "reasoning_content": None}}],
        "usage": {"prompt_tokens": 41, "total_tokens": 51, "completion_tokens": 10},
    }
    reply = parse_chat_completion(200, json.dumps(body).encode())
    assert reply.text == "Hello, how are you?"
    assert reply.language == "English"
    assert reply.raw == "language English<asr_text>Hello, how are you?"
    assert reply.finish_reason == "stop"
    assert reply.usage["completion_tokens"] == 10


@pytest.mark.parametrize(("value", "expected"),
                         [("3", 3.0), (" 1.5 ", 1.5), (None, None), ("", None),
                          ("Wed, 21 Oct 2015 07:28:00 GMT", None)])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_every_error_is_an_asr_error():
    for status in (400, 401, 403, 404, 413, 429, 500, 502, 503, 504):
        assert isinstance(error_from_response(status, b"{}"), AsrError)


# --- is_context_echo ------------------------------------------------------------------------
CONTEXT = "不二家 Kubernetes vLLM"


def test_exact_context_is_an_echo():
    assert is_context_echo(CONTEXT, CONTEXT) is True


@pytest.mark.parametrize("text", ["不二家, kubernetes. VLLM!", "不二家，KUBERNETES vllm。",
                                  "  不二家 Kubernetes vLLM  "])
def test_context_with_other_punctuation_or_case_is_an_echo(text):
    assert is_context_echo(text, CONTEXT) is True


@pytest.mark.parametrize("text", ["我今天去超市买了不二家的棒棒糖，味道很好。",
                                  "We deployed the new Kubernetes cluster on Monday morning."])
def test_genuine_transcript_containing_one_word_is_not_an_echo(text):
    assert is_context_echo(text, CONTEXT) is False


@pytest.mark.parametrize(("text", "context"), [("", CONTEXT), (CONTEXT, ""), ("", ""),
                                               ("...", CONTEXT), (CONTEXT, " ,. ")])
def test_empty_side_is_never_an_echo(text, context):
    assert is_context_echo(text, context) is False


def test_data_url_in_slices_is_the_plain_base64():
    import base64
    import os

    from desktop_asr.engine.requests import _B64_SLICE, data_url

    for size in (0, 1, 2, 3, _B64_SLICE - 1, _B64_SLICE, _B64_SLICE + 1, 3 * _B64_SLICE + 2):
        payload = os.urandom(size)
        assert data_url(payload, "audio/flac") == (
            "data:audio/flac;base64," + base64.b64encode(payload).decode("ascii"))


def test_encoded_bodies_are_the_json_of_the_body():
    import os

    from desktop_asr.engine.requests import data_url, encode_json_body

    url = data_url(os.urandom(300_000), "audio/flac")
    body = build_chat_request(model="qwen3-asr", audio_url=url, context='不二家 "Q" \\ x',
                              vocabulary=(), language=None, stream=True)
    encoded = encode_json_body(body)
    assert json.loads(encoded) == body
    assert url.encode("ascii") in encoded  # copied in whole
    small = {"text": "line\nbreak \u2028 \x01", "n": [1, 2.5, None]}
    assert json.loads(encode_json_body(small)) == small
    weird = "data:" + "A" * 70000 + "\x07"  # not a clean data URL: left to the encoder
    assert json.loads(encode_json_body({"u": weird})) == {"u": weird}


def test_audio_goes_into_a_body_as_bytes_where_its_marker_is():
    import os

    from desktop_asr.engine.requests import data_url, data_url_bytes, encode_json_body

    payload = os.urandom(100_001)
    mark = "\x00audio\x00"
    body = build_chat_request(model="qwen3-asr", audio_url=mark, context='上下文 "q" \\ \x00audio',
                              vocabulary=(), language="Chinese", stream=False)
    encoded = encode_json_body(body, {mark: data_url_bytes(payload, "audio/flac")})
    expected = build_chat_request(model="qwen3-asr", audio_url=data_url(payload, "audio/flac"),
                                  context='上下文 "q" \\ \x00audio', vocabulary=(),
                                  language="Chinese", stream=False)
    assert json.loads(encoded) == expected
    with pytest.raises(ValueError, match="marker"):  # a marker the body does not hold
        encode_json_body({"u": "x"}, {mark: b"data:"})
    with pytest.raises(ValueError, match="MIME"):  # one that would break out of the string
        data_url_bytes(b"x", 'audio/flac"')


# --- fix_repetitions by the regex engine gives the official loop's results ----------------
def _official_fix_repetitions(text: str, threshold: int = 20, max_pattern: int = 20) -> str:
    """QwenLM's loop, as the engine had it: one list entry per character (a 1 Mi-character
    reply cost a list of a million strings), the shortest pattern at each place first."""
    text = re.sub(r"(.)\1{" + str(threshold) + ",}", r"\1", text, flags=re.DOTALL)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        end = None
        for k in range(1, max_pattern + 1):
            stop = i + k * threshold
            if stop > n:
                break
            if text[i + k] != text[i]:
                continue
            pattern = text[i : i + k]
            if text[i:stop] == pattern * threshold:
                while text[stop : stop + k] == pattern:
                    stop += k
                end = (stop, k)
                break
        if end is None:
            out.append(text[i])
            i += 1
        else:
            out.append(text[i : i + end[1]])
            i = end[0]
    return "".join(out)


@st.composite
def _looping_texts(draw) -> str:
    alphabet = draw(st.sampled_from(["ab", "abc", "a b", "您好a", "ab\n"]))
    text = draw(st.text(st.sampled_from(alphabet), max_size=200))
    for _ in range(draw(st.integers(0, 3))):
        pattern = draw(st.text(st.sampled_from(alphabet), min_size=1, max_size=22))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + pattern * draw(st.integers(15, 30)) + text[at:]
    return text


@settings(max_examples=400, deadline=None)
@given(text=_looping_texts())
def test_fix_repetitions_gives_the_official_loops_result(text):
    assert fix_repetitions(text) == _official_fix_repetitions(text)
