"""The replies of a Qwen3-ASR server (see PROTOCOL.md): transcription replies parsed as the
official code does, and error bodies turned into typed errors. No I/O here.

Every reply is hostile until checked: JSON of any type or nesting (a wrong type is a
BadResponseError, never an AttributeError or a RecursionError), texts over the caps of
engine/limits.py, and control characters in the words quoted from the server."""

from __future__ import annotations

import difflib
import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from desktop_asr.engine.limits import MAX_MESSAGE_CHARS, MAX_TEXT_CHARS, too_large
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
from desktop_asr.text.plain_text import plain_line

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
    known looping failure). The shortest repeating pattern at the leftmost place wins, as
    in the official code's loop; done by the regex engine, so a long text costs no list of
    characters."""
    text = re.sub(r"(.)\1{" + str(threshold) + ",}", r"\1", text, flags=re.DOTALL)
    lazy_pattern = r"(.{1," + str(max_pattern) + "}?)"  # the shortest pattern first
    pattern = re.compile(lazy_pattern + r"\1{" + str(threshold - 1) + ",}", re.DOTALL)
    return pattern.sub(r"\1", text)


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
    status: int, body: bytes, *, content_type: str = "", forced_language: str | None = None,
    max_text_chars: int = MAX_TEXT_CHARS,
) -> AsrReply:
    """A complete (non-streamed) reply -> AsrReply, or raise the typed error it carries."""
    if status >= 400:
        raise error_from_response(status, body, content_type=content_type)
    data = _json_or_error(status, body, content_type)
    if not isinstance(data, dict) or not data.get("choices"):
        raise error_from_json_body(data, body) or BadResponseError(
            "The server sent a reply that holds no transcription (no 'choices').",
            status=status, details=_preview(body),
        )
    choices = data["choices"]
    choice = choices[0] if isinstance(choices, list) else None
    message = choice.get("message") if isinstance(choice, dict) else None
    if not isinstance(choice, dict) or not isinstance(message, dict):
        raise BadResponseError("The server sent a reply that is not a chat completion.",
                               status=status, details=_preview(body))
    raw, finish_reason = message.get("content"), choice.get("finish_reason")
    for value, what in ((raw, "text"), (finish_reason, "finish reason")):
        if not isinstance(value, str | None):
            raise BadResponseError(f"The server sent a reply whose {what} is not a string.",
                                   status=status, details=_preview(body))
    check_text_size(raw or "", max_text_chars)
    language, text = parse_asr_output(raw, forced_language)
    return AsrReply(text=text, language=language, raw=raw or "",
                    finish_reason=finish_reason or "", usage=usage_of(data))


def usage_of(data: dict[str, Any]) -> dict[str, Any]:
    """The token counts of a reply, {} when there are none or they are not an object."""
    usage = data.get("usage")
    return usage if isinstance(usage, dict) else {}


def check_text_size(text: str, limit: int) -> None:
    if len(text) > limit:
        raise too_large(f"a transcript of more than {limit:,} characters")


def loads(data: bytes | str) -> Any:
    """``json.loads`` for a server's bytes: JSON nested deeper than the parser can go is a
    ValueError like any invalid JSON, not a RecursionError."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def parse_transcription(
    status: int, body: bytes, *, content_type: str = "", forced_language: str | None = None,
    max_text_chars: int = MAX_TEXT_CHARS,
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
        check_text_size(raw, max_text_chars)
        return transcription_reply(raw, forced_language)
    data = _json_or_error(status, body, content_type)
    error = error_from_json_body(data, body)
    if error is not None:
        raise error
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise BadResponseError(
            "The server sent a reply that holds no transcription (no 'text').",
            status=status, details=_preview(body),
        )
    check_text_size(data["text"], max_text_chars)
    reported = data.get("language")
    return transcription_reply(
        data["text"], forced_language,
        reported_language=reported[:100] if isinstance(reported, str) else "",
        usage=usage_of(data),
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


def _json_or_error(status: int, body: bytes, content_type: str) -> Any:
    try:
        return loads(body)
    except ValueError:  # invalid JSON, invalid UTF-8, nesting too deep
        if _looks_like_html(body, content_type):
            raise BadResponseError(
                "The server answered with a web page instead of a transcription"
                f"{_html_title_suffix(body)}. Is the URL right, or is a proxy in the way?",
                status=status, details=_preview(body), code="server_web_page",
            ) from None
        raise BadResponseError(
            "The server sent a reply that is not valid JSON (it may have been cut off).",
            status=status, details=_preview(body),
        ) from None


# --- errors ------------------------------------------------------------------------------
_TOO_LONG = re.compile(
    r"encoder cache|too long|longer than the maximum|maximum context length"
    r"|exceeds? the max|too many (audio )?tokens",
    re.IGNORECASE,
)


def server_message(body: bytes, content_type: str = "") -> str:
    """The human part of an error body, whatever its shape: one line of plain text (no
    control character reaches a terminal), at most MAX_MESSAGE_CHARS long."""
    try:
        data = loads(body)
    except ValueError:
        data = None
    msg = _message_from_json(data) if isinstance(data, dict) else _cut_json_message(body)
    if not msg and _looks_like_html(body, content_type):
        msg = _html_text(body)
    if not msg:
        msg = body[: MAX_MESSAGE_CHARS * 4].decode("utf-8", "replace")
    return clip(msg)


_CUT_MESSAGE = re.compile(rb'^\s*\{.{0,200}?"(?:message|detail)"\s*:\s*"((?:[^"\\]|\\.)+)',
                          re.DOTALL)


def _cut_json_message(body: bytes) -> str:
    """The message of an error JSON that was cut at the read cap (a body too large)."""
    found = _CUT_MESSAGE.match(body[: MAX_MESSAGE_CHARS * 8])
    if found is None:
        return ""
    return found.group(1).decode("utf-8", "replace").replace('\\"', '"')


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A server's words as one line of plain text of at most ``limit`` characters."""
    text = plain_line(text[: limit * 2]).strip()
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _message_from_json(data: dict[str, Any]) -> str:
    err = data.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str) and err["message"]:
        return str(err["message"])
    if isinstance(err, str) and err:
        return err
    for key in ("message", "detail"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list) and value:  # FastAPI validation errors
            return "; ".join(v["msg"] if isinstance(v, dict) and isinstance(v.get("msg"), str)
                             else "?" for v in value[:10])
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
    except (TypeError, ValueError, OverflowError):  # "rate_limit", 1e999, a list...
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
            status=status, server_message=msg, details=details, params={"status": status},
        )
    if status == 404 and ("does not exist" in msg.lower() or "model" in msg.lower()):
        return ModelNotFoundError(f"Model not found.{said}", model=model, status=status,
                                  server_message=msg)
    if status == 404:
        return ServerError(
            "404 not found: nothing answers at this address. Check the server URL "
            f"(it should point at the OpenAI-compatible API).{said}",
            status=status, server_message=msg, details=details, code="server_wrong_url",
            params={"said": msg},
        )
    if status == 413 or (status == 400 and _TOO_LONG.search(msg)):
        return AudioTooLongError(f"The server cannot take this much audio at once.{said}",
                                 status=status, server_message=msg, details=details,
                                 params={"said": msg})
    if status == 429:
        return RetryableServerError(f"429 too many requests: the server is busy.{said}",
                                    status=status, server_message=msg,
                                    retry_after=retry_after, details=details,
                                    code="server_busy", params={"said": msg})
    if status in RETRYABLE_STATUSES:
        return RetryableServerError(
            f"{status} {_REASONS.get(status, 'error')}: the server or a proxy in front of it "
            f"is unavailable.{said}",
            status=status, server_message=msg, retry_after=retry_after, details=details,
            code="server_unavailable", params={"status": status, "said": msg},
        )
    if 400 <= status < 500:
        return ServerError(f"{status}: the server refused the request.{said}",
                           status=status, server_message=msg, details=details,
                           code="server_refused_request",
                           params={"status": status, "said": msg})
    return ServerError(f"{status}: the server failed.{said}", status=status,
                       server_message=msg, details=details, code="server_failed",
                       params={"status": status, "said": msg})


_REASONS = {502: "bad gateway", 503: "service unavailable", 504: "gateway timeout"}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds only; dates are rare here)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:200].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<h1"))


def _html_text(body: bytes, limit: int = 64 * 1024) -> str:
    """The title (or text) of a web page, from its first ``limit`` bytes, clipped."""
    text = body[:limit].decode("utf-8", "replace")
    for tag in ("title", "h1"):
        m = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
        if m and m.group(1).strip():
            return clip(html.unescape(re.sub(r"\s+", " ", m.group(1))), 200)
    plain = re.sub(r"<[^>]+>", " ", text)
    return clip(html.unescape(re.sub(r"\s+", " ", plain)), 200)


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
