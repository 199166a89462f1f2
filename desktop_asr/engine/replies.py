"""The wire protocol of a Qwen3-ASR server (see PROTOCOL.md): chat-completions request
bodies, the fields of an OpenAI transcriptions upload, reply parsing and error bodies turned
into typed errors. No I/O here."""

from __future__ import annotations

import base64
import difflib
import html
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_asr.core.errors import (
    AsrError,
    AudioTooLongError,
    AuthenticationError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
    ServerError,
)
from desktop_asr.core.languages import _LANGUAGES, normalize_language_name
from desktop_asr.core.vocabulary import VocabularyEntry

ASR_TEXT_TAG = "<asr_text>"
DEFAULT_MAX_TOKENS = 4096
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

API_STYLES = ("chat", "transcriptions")
CHAT_PATH = "/v1/chat/completions"
TRANSCRIPTIONS_PATH = "/v1/audio/transcriptions"


@dataclass(frozen=True)
class AsrReply:
    """One parsed transcription reply."""

    text: str
    language: str = ""
    raw: str = ""
    finish_reason: str = ""
    usage: dict[str, Any] = field(default_factory=dict)


# --- requests ----------------------------------------------------------------------------
# Long audio is encoded in slices: each call into C is short, so a worker thread building a
# request never holds the interpreter for long (the UI thread stays responsive).
_B64_SLICE = 3 * 65536  # a multiple of 3: the slices' base64 concatenates exactly


def data_url(payload: bytes, mime: str) -> str:
    encoded = "".join(base64.b64encode(payload[i:i + _B64_SLICE]).decode("ascii")
                      for i in range(0, len(payload), _B64_SLICE))
    return f"data:{mime};base64,{encoded}"


_BIG_STRING = 65536


def encode_json_body(body: dict[str, Any]) -> bytes:
    """``json.dumps(body)`` as UTF-8 bytes, but long data URLs (which need no escaping) are
    copied in rather than scanned by the JSON encoder in one long call."""
    big: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        if (isinstance(value, str) and len(value) > _BIG_STRING
                and value.startswith("data:") and value.isascii() and value.isprintable()
                and '"' not in value and "\\" not in value):
            big.append(value)
            return f"\x00big{len(big) - 1}\x00"
        return value

    text = json.dumps(swap(body), ensure_ascii=False)
    if not big:
        return text.encode("utf-8")
    parts: list[bytes] = []
    rest = text
    for index, value in enumerate(big):
        marker = json.dumps(f"\x00big{index}\x00")[1:-1]  # as the encoder wrote it
        before, _, rest = rest.partition(marker)
        parts.append(before.encode("utf-8"))
        parts.append(value.encode("ascii"))
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


# --- replies -----------------------------------------------------------------------------
def fix_repetitions(text: str, threshold: int = 20, max_pattern: int = 20) -> str:
    """Collapse a character repeated more than ``threshold`` times to one, then a pattern of
    up to ``max_pattern`` characters repeated ``threshold``+ times to one copy (the model's
    known looping failure)."""
    text = re.sub(r"(.)\1{" + str(threshold) + ",}", r"\1", text, flags=re.DOTALL)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        end = _repeat_end(text, i, threshold, max_pattern)
        if end is None:
            out.append(text[i])
            i += 1
        else:
            out.append(text[i : i + end[1]])
            i = end[0]
    return "".join(out)


def _repeat_end(text: str, i: int, threshold: int, max_pattern: int) -> tuple[int, int] | None:
    """If a pattern of up to ``max_pattern`` characters starting at ``i`` repeats at least
    ``threshold`` times: (the index after its last repeat, the pattern length)."""
    n = len(text)
    for k in range(1, max_pattern + 1):
        end = i + k * threshold
        if end > n:
            return None
        if text[i + k] != text[i]:
            continue
        pattern = text[i : i + k]
        if text[i:end] == pattern * threshold:
            while text[end : end + k] == pattern:
                end += k
            return end, k
    return None


def parse_asr_output(raw: str | None, forced_language: str | None = None) -> tuple[str, str]:
    """``language English<asr_text>Hello`` -> ("English", "Hello"), by the rules of the
    official ``parse_asr_output``. Returns (language, text); language may be ""."""
    s = (raw or "").strip()
    if not s:
        return "", ""
    s = fix_repetitions(s)
    if forced_language:
        return forced_language, s
    if ASR_TEXT_TAG not in s:
        return "", s
    meta, text = s.split(ASR_TEXT_TAG, 1)
    text = text.strip()
    if "language none" in meta.lower():
        return "", text
    for line in meta.splitlines():
        line = line.strip()
        if line.lower().startswith("language "):
            value = line[len("language ") :].strip()
            return (normalize_language_name(value) if value else ""), text
    return "", text


def parse_chat_completion(
    status: int, body: bytes, *, content_type: str = "", forced_language: str | None = None
) -> AsrReply:
    """A complete (non-streamed) reply -> AsrReply, or raise the typed error it carries."""
    if status >= 400:
        raise error_from_response(status, body, content_type=content_type)
    data = _json_or_error(status, body, content_type)
    if not isinstance(data, dict) or not data.get("choices"):
        raise error_from_json_body(data, body) or BadResponseError(
            "The server's reply holds no transcription (no 'choices').",
            status=status, details=_preview(body),
        )
    try:
        choice = data["choices"][0]
        raw = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise BadResponseError(
            "The server's reply is not a chat completion.", status=status,
            details=_preview(body),
        ) from None
    if raw is not None and not isinstance(raw, str):
        raise BadResponseError("The server's reply text is not a string.", status=status,
                               details=_preview(body))
    language, text = parse_asr_output(raw, forced_language)
    return AsrReply(text=text, language=language, raw=raw or "",
                    finish_reason=str(choice.get("finish_reason") or ""),
                    usage=data.get("usage") or {})


def parse_transcription(
    status: int, body: bytes, *, content_type: str = "", forced_language: str | None = None
) -> AsrReply:
    """A transcriptions reply (``json``, ``verbose_json`` or plain ``text``) -> AsrReply, or
    raise the typed error it carries.

    The text may still start with ``language X<asr_text>`` (vLLM leaves it in when
    streaming, some versions in any case), so it is parsed by the same rules as a chat
    reply, never trusting that a forced language removed the prefix: the endpoint may
    ignore ``language``.
    """
    if status >= 400:
        raise error_from_response(status, body, content_type=content_type)
    if content_type.lower().startswith("text/plain"):
        raw = body.decode("utf-8", "replace")
        return transcription_reply(raw, forced_language)
    data = _json_or_error(status, body, content_type)
    error = error_from_json_body(data, body)
    if error is not None:
        raise error
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise BadResponseError(
            "The server's reply holds no transcription (no 'text').", status=status,
            details=_preview(body),
        )
    reported = data.get("language")
    usage = data.get("usage")
    return transcription_reply(
        data["text"], forced_language,
        reported_language=reported if isinstance(reported, str) else "",
        usage=usage if isinstance(usage, dict) else {},
    )


def transcription_reply(raw: str, forced_language: str | None = None, *,
                        reported_language: str = "", finish_reason: str = "",
                        usage: dict[str, Any] | None = None) -> AsrReply:
    """The text of a transcriptions reply -> AsrReply. The language is the one in the
    text's prefix, else the one the server reported, else the forced one."""
    language, text = parse_asr_output(raw)
    if not language and reported_language:
        language = _language_name(reported_language)
    return AsrReply(text=text, language=language or forced_language or "", raw=raw,
                    finish_reason=finish_reason, usage=usage or {})


def _language_name(reported: str) -> str:
    """"english" / "en" (as verbose_json reports it) -> "English"."""
    key = reported.strip().lower()
    for name, codes in _LANGUAGES:
        if key == name.lower() or key in codes:
            return name
    return normalize_language_name(reported)


def transcription_event_as_chunk(data: str) -> str:
    """An SSE payload of a transcriptions stream -> the chat-completion chunk shape the
    stream assembler reads. vLLM already sends that shape; OpenAI's own
    ``transcript.text.delta`` / ``transcript.text.done`` events are converted."""
    if '"transcript.text.' not in data:
        return data
    try:
        event = json.loads(data)
    except json.JSONDecodeError:
        return data
    if not isinstance(event, dict):
        return data
    kind = event.get("type")
    if kind == "transcript.text.delta" and isinstance(event.get("delta"), str):
        choice: dict[str, Any] = {"index": 0, "delta": {"content": event["delta"]},
                                  "finish_reason": None}
    elif kind == "transcript.text.done":
        choice = {"index": 0, "delta": {}, "finish_reason": "stop"}
    else:
        return data
    chunk: dict[str, Any] = {"choices": [choice]}
    if isinstance(event.get("usage"), dict):
        chunk["usage"] = event["usage"]
    return json.dumps(chunk, ensure_ascii=False)


def _json_or_error(status: int, body: bytes, content_type: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        if _looks_like_html(body, content_type):
            raise BadResponseError(
                "The server answered with a web page instead of a transcription"
                f"{_html_title_suffix(body)}. Is the URL right, or is a proxy in the way?",
                status=status, details=_preview(body),
            ) from None
        raise BadResponseError(
            "The server's reply is not valid JSON (it may have been cut off).",
            status=status, details=_preview(body),
        ) from None


# --- errors ------------------------------------------------------------------------------
_TOO_LONG = re.compile(
    r"encoder cache|too long|longer than the maximum|maximum context length"
    r"|exceeds? the max|too many (audio )?tokens",
    re.IGNORECASE,
)


def server_message(body: bytes, content_type: str = "") -> str:
    """The human part of an error body, whatever its shape."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict):
        msg = _message_from_json(data)
        if msg:
            return msg
    if _looks_like_html(body, content_type):
        return _html_text(body)
    return body.decode("utf-8", "replace").strip()[:300]


def _message_from_json(data: dict[str, Any]) -> str:
    err = data.get("error")
    if isinstance(err, dict) and err.get("message"):
        return str(err["message"])
    if isinstance(err, str) and err:
        return err
    for key in ("message", "detail"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list) and value:  # FastAPI validation errors
            return "; ".join(str(v.get("msg", v)) if isinstance(v, dict) else str(v)
                             for v in value)
    return ""


def error_from_json_body(data: Any, body: bytes) -> AsrError | None:
    """An error delivered inside a 200 answer or a stream event (some vLLM versions) -> the
    typed error it describes; None when ``data`` is not an error."""
    if not isinstance(data, dict) or not (data.get("object") == "error" or "error" in data):
        return None
    error = data.get("error")
    code = data.get("code")
    if code is None and isinstance(error, dict):
        code = error.get("code")
    try:
        effective = int(code) if code is not None else 500
    except (TypeError, ValueError):
        effective = 500
    if not 400 <= effective < 600:
        effective = 500
    return error_from_response(effective, body)


def error_from_response(
    status: int, body: bytes, *, content_type: str = "", retry_after: float | None = None,
    model: str = "",
) -> AsrError:
    """An HTTP error answer -> a typed error whose message says what to do."""
    msg = server_message(body, content_type)
    said = f" The server said: {msg}" if msg else ""
    details = _preview(body)
    if status in (401, 403):
        return AuthenticationError(
            f"{status} unauthorized: the server rejected the API key, check the API key.",
            status=status, server_message=msg, details=details,
        )
    if status == 404 and ("does not exist" in msg.lower() or "model" in msg.lower()):
        return ModelNotFoundError(f"Model not found.{said}", model=model, status=status,
                                  server_message=msg)
    if status == 404:
        return ServerError(
            "404 not found: nothing answers at this address. Check the server URL "
            f"(it should point at the OpenAI-compatible API).{said}",
            status=status, server_message=msg, details=details,
        )
    if status == 413 or (status == 400 and _TOO_LONG.search(msg)):
        return AudioTooLongError(f"The server cannot take this much audio at once.{said}",
                                 status=status, server_message=msg, details=details)
    if status == 429:
        return RetryableServerError(f"429 too many requests: the server is busy.{said}",
                                    status=status, server_message=msg,
                                    retry_after=retry_after, details=details)
    if status in RETRYABLE_STATUSES:
        return RetryableServerError(
            f"{status} {_REASONS.get(status, 'error')}: the server or a proxy in front of it "
            f"is unavailable.{said}",
            status=status, server_message=msg, retry_after=retry_after, details=details,
        )
    if 400 <= status < 500:
        return ServerError(f"{status}: the server refused the request.{said}",
                           status=status, server_message=msg, details=details)
    return ServerError(f"{status}: the server failed.{said}", status=status,
                       server_message=msg, details=details)


_REASONS = {502: "bad gateway", 503: "service unavailable", 504: "gateway timeout"}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds only; dates are rare here)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:200].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<h1"))


def _html_text(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    for tag in ("title", "h1"):
        m = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
        if m and m.group(1).strip():
            return html.unescape(re.sub(r"\s+", " ", m.group(1))).strip()
    plain = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(re.sub(r"\s+", " ", plain)).strip()[:200]


def _html_title_suffix(body: bytes) -> str:
    title = _html_text(body)
    return f" (\u201c{title}\u201d)" if title else ""


def _preview(body: bytes, limit: int = 2000) -> str:
    return body[:limit].decode("utf-8", "replace")


# --- context echo --------------------------------------------------------------------------
def _normalize(text: str) -> str:
    return "".join(ch.lower() for ch in text
                   if not unicodedata.category(ch).startswith(("P", "Z", "S", "C")))


def is_context_echo(text: str, context: str) -> bool:
    """True when a transcript is essentially the context sent with it: Qwen3-ASR's known
    answer to silence or unclear audio (QwenLM/Qwen3-ASR#106, #140). Punctuation, spacing
    and case are ignored; a transcript that holds the context words among other words is
    speech, not an echo."""
    t, c = _normalize(text), _normalize(context)
    if not t or not c:
        return False
    if t == c:
        return True
    if not 0.9 <= len(t) / len(c) <= 1.1:
        return False
    return difflib.SequenceMatcher(None, t, c, autojunk=False).ratio() >= 0.95
