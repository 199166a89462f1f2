"""Validating a chat-completions request the way vLLM 0.14 does, for a Qwen3-ASR model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .audio import decode_base64, describe, parse_data_url
from .errors import ApiError, model_not_found

# Top-level fields vLLM's ChatCompletionRequest knows; anything else is accepted and ignored.
KNOWN_FIELDS = frozenset(
    {
        "messages",
        "model",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "max_tokens",
        "max_completion_tokens",
        "n",
        "presence_penalty",
        "response_format",
        "seed",
        "stop",
        "stream",
        "stream_options",
        "temperature",
        "top_p",
        "tools",
        "tool_choice",
        "reasoning_effort",
        "include_reasoning",
        "parallel_tool_calls",
        "user",
        "best_of",
        "use_beam_search",
        "top_k",
        "min_p",
        "repetition_penalty",
        "length_penalty",
        "stop_token_ids",
        "include_stop_str_in_output",
        "ignore_eos",
        "min_tokens",
        "skip_special_tokens",
        "spaces_between_special_tokens",
        "truncate_prompt_tokens",
        "prompt_logprobs",
        "allowed_token_ids",
        "bad_words",
        "echo",
        "add_generation_prompt",
        "continue_final_message",
        "add_special_tokens",
        "documents",
        "chat_template",
        "chat_template_kwargs",
        "mm_processor_kwargs",
        "structured_outputs",
        "guided_json",
        "guided_regex",
        "guided_choice",
        "guided_grammar",
        "structural_tag",
        "guided_decoding_backend",
        "guided_whitespace_pattern",
        "priority",
        "request_id",
        "logits_processors",
        "return_tokens_as_token_ids",
        "return_token_ids",
        "cache_salt",
        "kv_transfer_params",
        "vllm_xargs",
    }
)
PART_TYPES = ("text", "audio_url", "input_audio")
FORCED_PREFIX = re.compile(r"^language ([A-Za-z]+)<asr_text>")


@dataclass
class ChatRequest:
    context: str
    audio_url: str | None
    audio_base64: str | None
    forced_language: str | None
    stream: bool
    include_usage: bool
    max_tokens: int | None


def ignored_fields(body: dict[str, Any]) -> list[str]:
    return sorted(set(body) - KNOWN_FIELDS)


def sanitise(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A copy of the body for the request log, with every inline audio replaced by a summary.

    Also returns the summaries keyed by the replaced string, so the handler can add the
    decoded duration to the very dict the log shows.
    """
    summaries: dict[str, dict[str, Any]] = {}

    def summary(value: str, data_url: bool) -> dict[str, Any]:
        if value not in summaries:
            try:
                raw = parse_data_url(value) if data_url else decode_base64(value)
                summaries[value] = describe(raw)
            except ApiError:
                summaries[value] = {
                    "bytes": 0,
                    "format": "invalid",
                    "duration": None,
                    "sha256": None,
                }
        return summaries[value]

    def clean_part(part: Any) -> Any:
        if not isinstance(part, dict):
            return part
        part = dict(part)
        audio_url = part.get("audio_url")
        if isinstance(audio_url, dict) and str(audio_url.get("url", "")).startswith("data:"):
            part["audio_url"] = {**audio_url, "url": summary(audio_url["url"], True)}
        inline = part.get("input_audio")
        if isinstance(inline, dict) and isinstance(inline.get("data"), str):
            part["input_audio"] = {**inline, "data": summary(inline["data"], False)}
        return part

    clean = dict(body)
    messages = body.get("messages")
    if isinstance(messages, list):
        clean["messages"] = [
            {**m, "content": [clean_part(p) for p in m["content"]]}
            if isinstance(m, dict) and isinstance(m.get("content"), list)
            else m
            for m in messages
        ]
    return clean, summaries


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content if p.get("type") == "text")


def _check_part(part: Any, index: int) -> None:
    if not isinstance(part, dict) or not isinstance(part.get("type"), str):
        raise ApiError(f"messages[{index}]: every content part needs a string `type`.")
    kind = part["type"]
    if kind not in PART_TYPES:
        raise ApiError(f"Unknown part type: {kind}")
    if kind == "text" and not isinstance(part.get("text"), str):
        raise ApiError(f"messages[{index}]: a text part needs a string `text`.")
    if kind == "audio_url":
        audio_url = part.get("audio_url")
        if not isinstance(audio_url, dict) or not isinstance(audio_url.get("url"), str):
            raise ApiError(f"messages[{index}]: an audio_url part needs `audio_url.url`.")
    if kind == "input_audio":
        inline = part.get("input_audio")
        if not isinstance(inline, dict) or not isinstance(inline.get("data"), str):
            raise ApiError(f"messages[{index}]: an input_audio part needs `input_audio.data`.")


def _check_messages(messages: Any) -> list[dict[str, Any]]:
    if not isinstance(messages, list) or not messages:
        raise ApiError("Field required: `messages` must be a non-empty list.", param="messages")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise ApiError(f"messages[{index}]: every message needs a string `role`.")
        content = message.get("content")
        if content is None or isinstance(content, str):
            continue
        if not isinstance(content, list):
            raise ApiError(f"messages[{index}]: `content` must be a string or a list of parts.")
        for part in content:
            _check_part(part, index)
    return messages


def _flag(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ApiError(f"`{name}` must be a boolean.", param=name)
    return value


def _max_tokens(body: dict[str, Any]) -> int | None:
    value = body.get("max_completion_tokens")
    if value is None:
        value = body.get("max_tokens")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ApiError(f"max_tokens must be at least 1, got {value}.", param="max_tokens")
    return value


def parse_chat(body: dict[str, Any], served_model: str) -> ChatRequest:
    """Validate `body`; raises ApiError with vLLM's status and a message like vLLM's."""
    model = body.get("model")
    if model is not None and model != served_model:
        raise model_not_found(model)
    messages = _check_messages(body.get("messages"))

    continue_final = _flag(body, "continue_final_message", False)
    generation_prompt = _flag(body, "add_generation_prompt", True)
    if continue_final and generation_prompt:
        raise ApiError(
            "Cannot set both `continue_final_message` and `add_generation_prompt` to True."
        )
    forced = None
    if continue_final:
        last = messages[-1]
        if last["role"] != "assistant":
            raise ApiError(
                "`continue_final_message` requires the final message to be an assistant message."
            )
        match = FORCED_PREFIX.match(_text_of(last.get("content")))
        forced = match.group(1) if match else None

    audio: list[tuple[str, dict[str, Any]]] = [
        (m["role"], p)
        for m in messages
        if isinstance(m.get("content"), list)
        for p in m["content"]
        if p["type"] in ("audio_url", "input_audio")
    ]
    if len(audio) != 1 or audio[0][0] != "user":
        raise ApiError(
            f"Qwen3-ASR expects exactly one audio item in the user message, got {len(audio)}."
        )
    part = audio[0][1]

    stream = _flag(body, "stream", False)
    options = body.get("stream_options")
    if options is not None and not stream:
        raise ApiError("Stream options can only be defined when `stream=True`.")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True

    system = next((m for m in messages if m["role"] == "system"), None)
    return ChatRequest(
        context=_text_of(system.get("content")).strip() if system else "",
        audio_url=part["audio_url"]["url"] if part["type"] == "audio_url" else None,
        audio_base64=part["input_audio"]["data"] if part["type"] == "input_audio" else None,
        forced_language=forced,
        stream=stream,
        include_usage=include_usage,
        max_tokens=_max_tokens(body),
    )
