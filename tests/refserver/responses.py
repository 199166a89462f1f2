"""Response bodies shaped like vLLM 0.14's chat.completion and chat.completion.chunk."""

from __future__ import annotations

import secrets
import time
from typing import Any

from aiohttp import web

from .errors import compact_json


def new_id(prefix: str = "chatcmpl") -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "completion_tokens": completion_tokens,
        "prompt_tokens_details": None,
    }


def chat_completion(
    model: str, content: str, finish_reason: str, token_usage: dict[str, Any]
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "annotations": None,
        "audio": None,
        "function_call": None,
        "tool_calls": [],
        "reasoning": None,
        "reasoning_content": None,
    }
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": finish_reason,
        "stop_reason": None,
        "token_ids": None,
    }
    return {
        "id": new_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "service_tier": None,
        "system_fingerprint": None,
        "usage": token_usage,
        "prompt_logprobs": None,
        "prompt_token_ids": None,
        "kv_transfer_params": None,
    }


class ChunkMaker:
    """chat.completion.chunk objects sharing one id and creation time."""

    def __init__(self, model: str, obj: str = "chat.completion.chunk", prefix: str = "chatcmpl"):
        self.id = new_id(prefix)
        self.created = int(time.time())
        self.model = model
        self.object = obj

    def _base(self, choices: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }

    def delta(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        choice: dict[str, Any] = {
            "index": 0,
            "delta": delta,
            "logprobs": None,
            "finish_reason": finish_reason,
        }
        if finish_reason is not None:
            choice["stop_reason"] = None
        return self._base([choice])

    def usage(self, token_usage: dict[str, Any]) -> dict[str, Any]:
        chunk = self._base([])
        chunk["usage"] = token_usage
        return chunk


def pieces(text: str, size: int = 3) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


async def start_sse(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(status=200)
    response.content_type = "text/event-stream"
    response.charset = "utf-8"
    response.headers["Cache-Control"] = "no-cache"
    await response.prepare(request)
    return response


async def send_event(response: web.StreamResponse, data: object | str) -> None:
    text = data if isinstance(data, str) else compact_json(data)
    await response.write(f"data: {text}\n\n".encode())


async def send_done(response: web.StreamResponse) -> None:
    await send_event(response, "[DONE]")
