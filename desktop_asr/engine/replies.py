"""The replies of a Qwen3-ASR server (see PROTOCOL.md): transcription replies parsed as the
official code does, and error bodies turned into typed errors. No I/O here."""

from __future__ import annotations

import difflib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from desktop_asr.engine.requests import ASR_TEXT_TAG
from desktop_asr.errors import (
    AsrError,
    AudioTooLongError,
    AuthenticationError,
    BadResponseError,
    ModelNotFoundError,
    RetryableServerError,
    ServerError,
)
from desktop_asr.text.languages import _LANGUAGES, normalize_language_name

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class AsrReply:
    """One parsed transcription reply."""

    text: str
    language: str = ""
    raw: str = ""
    finish_reason: str = ""
    usage: dict[str, Any] = field(default_factory=dict)


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
