"""The requests of the wire protocol of a Qwen3-ASR server (see PROTOCOL.md): chat-completions
request bodies and the fields of an OpenAI transcriptions upload. No I/O here."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from desktop_asr.text.languages import _LANGUAGES
from desktop_asr.text.vocabulary import VocabularyEntry

ASR_TEXT_TAG = "<asr_text>"
DEFAULT_MAX_TOKENS = 4096

API_STYLES = ("chat", "transcriptions")
CHAT_PATH = "/v1/chat/completions"
TRANSCRIPTIONS_PATH = "/v1/audio/transcriptions"


# --- requests ----------------------------------------------------------------------------
# Long audio is encoded in slices: each call into C is short, so a worker thread building a
# request never holds the interpreter for long (the UI thread stays responsive).
_B64_SLICE = 3 * 65536  # a multiple of 3: the slices' base64 concatenates exactly


def data_url(payload: bytes, mime: str) -> str:
    encoded = "".join(base64.b64encode(payload[i:i + _B64_SLICE]).decode("ascii")
                      for i in range(0, len(payload), _B64_SLICE))
    return f"data:{mime};base64,{encoded}"


def data_url_bytes(payload: bytes, mime: str) -> bytes:
    """``data_url`` as ASCII bytes, to go into a body through ``encode_json_body``'s
    ``blobs`` (never a str: the audio is not copied into text and back)."""
    if not (mime.isascii() and mime.isprintable() and '"' not in mime and "\\" not in mime):
        raise ValueError(f"not a MIME type: {mime!r}")
    return b"".join((b"data:", mime.encode("ascii"), b";base64,", base64.b64encode(payload)))


_BIG_STRING = 65536


def _swap_big(value: Any, big: list[str]) -> Any:
    """``value`` with each long data URL put in ``big`` and replaced by a marker. A plain
    function (a nested one calling itself would be a cycle that keeps the strings)."""
    if isinstance(value, dict):
        return {k: _swap_big(v, big) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap_big(v, big) for v in value]
    if (isinstance(value, str) and len(value) > _BIG_STRING
            and value.startswith("data:") and value.isascii() and value.isprintable()
            and '"' not in value and "\\" not in value):
        big.append(value)
        return f"\x00big{len(big) - 1}\x00"
    return value


def encode_json_body(body: dict[str, Any], blobs: Mapping[str, bytes] | None = None) -> bytes:
    """``json.dumps(body)`` as UTF-8 bytes, but long data URLs (which need no escaping) are
    copied in rather than scanned by the JSON encoder in one long call. ``blobs``: strings
    of ``body`` (markers, each used once) that stand for these bytes, which go in as they
    are; they must be valid inside a JSON string (``data_url_bytes``)."""
    big: list[str] = []
    text = json.dumps(_swap_big(body, big), ensure_ascii=False)
    inserts = {json.dumps(f"\x00big{i}\x00")[1:-1]: v.encode("ascii")  # as the encoder wrote it
               for i, v in enumerate(big)}
    inserts.update((json.dumps(mark)[1:-1], value) for mark, value in (blobs or {}).items())
    if not inserts:
        return text.encode("utf-8")
    parts: list[bytes] = []
    rest = text
    for marker in sorted(inserts, key=text.find):
        before, found, rest = rest.partition(marker)
        if not found:
            raise ValueError("a blob's marker is not in the body")
        parts.append(before.encode("utf-8"))
        parts.append(inserts[marker])
    parts.append(rest.encode("utf-8"))
    return b"".join(parts)


def build_chat_request(
    *,
    model: str,
    audio_url: str,
    context: str = "",
    vocabulary: Sequence[VocabularyEntry] = (),
    language: str | None = None,
    stream: bool = False,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    send_asr_options: bool = True,
) -> dict[str, Any]:
    """The body of ``POST /v1/chat/completions`` for one piece of audio.

    ``audio_url`` is a ``data:`` URL or an http(s) URL the server fetches itself.
    ``context`` goes into the system message (Qwen3-ASR's context biasing); ``language``
    is a model language name (e.g. "Chinese") to force, or None for detection.
    """
    messages: list[dict[str, Any]] = []
    if context:
        messages.append({"role": "system", "content": context})
    messages.append(
        {"role": "user", "content": [{"type": "audio_url", "audio_url": {"url": audio_url}}]}
    )
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "stream": stream,
        "temperature": 0,
        "max_tokens": max_tokens,
    }
    if language:
        messages.append({"role": "assistant", "content": f"language {language}{ASR_TEXT_TAG}"})
        body["continue_final_message"] = True
        body["add_generation_prompt"] = False
    if stream:
        body["stream_options"] = {"include_usage": True}
    if send_asr_options:
        # DashScope's field, as the seed sends it. vLLM ignores it; gateways may use it.
        body["asr_options"] = {
            "language": language or "auto",
            "custom_vocabulary_word": [e.as_seed_dict() for e in vocabulary],
        }
    return body


def language_code(language: str) -> str:
    """A model language name -> the ISO 639-1 code an OpenAI transcriptions endpoint takes
    ("Chinese" -> "zh"); languages without one keep their ISO 639-3 code ("Cantonese" ->
    "yue"). Unknown names come back lower-cased."""
    for name, codes in _LANGUAGES:
        if name.lower() == language.strip().lower():
            two_letters = [c for c in codes if len(c) == 2 and c.isascii() and c.isalpha()]
            return (two_letters or [codes[0]])[0]
    return language.strip().lower()


def build_transcription_fields(
    *,
    model: str,
    context: str = "",
    language: str | None = None,
    stream: bool = False,
) -> dict[str, str]:
    """The form fields (besides ``file``) of ``POST /v1/audio/transcriptions``.

    ``language`` is a model language name to force; it is sent as its ISO code. ``context``
    goes in ``prompt`` (vLLM ignores both, other servers use them).
    """
    fields = {"model": model, "response_format": "json", "temperature": "0"}
    if language:
        fields["language"] = language_code(language)
    if context:
        fields["prompt"] = context
    if stream:
        fields["stream"] = "true"
    return fields


def upload_filename(audio_format: str) -> str:
    return f"chunk.{audio_format}"
