"""Start-up and runtime configuration of the reference server."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

MODES = ("ok", "malformed_json", "html_error", "error_200", "drop", "hang",
         "huge", "keepalive", "trickle", "wrong_type")
MODELS_MODES = ("ok", "huge", "keepalive", "trickle", "wrong_type")
FAILURE_BODIES = ("json", "html", "empty", "huge")
# What mode "wrong_type" breaks: the whole event/reply, or one field of it given the wrong
# JSON type; "nesting" sends JSON nested deeper than any parser's recursion limit.
WRONG_TYPES = ("event", "choices", "choice", "delta", "message", "content", "finish_reason",
               "usage", "nesting")
GPU_MODELS = ("0.6b", "1.7b")
POSITIVE_NUMBERS = ("latency_scale", "min_latency_s", "max_fetch_seconds",
                    "keepalive_interval_s", "trickle_interval_s")


@dataclass
class Failure:
    """One entry of `fail_next`: answer `count` requests with `status` before validating."""

    status: int
    count: int = 1
    retry_after: float | None = None
    body: str = "json"

    @classmethod
    def from_json(cls, raw: Any) -> Failure:
        if not isinstance(raw, dict) or not isinstance(raw.get("status"), int):
            raise ValueError(f"fail_next entries need an integer status: {raw!r}")
        unknown = set(raw) - {"status", "count", "retry_after", "body"}
        if unknown:
            raise ValueError(f"unknown fail_next keys: {sorted(unknown)}")
        failure = cls(
            status=raw["status"],
            count=int(raw.get("count", 1)),
            retry_after=raw.get("retry_after"),
            body=raw.get("body", "json"),
        )
        if failure.body not in FAILURE_BODIES:
            raise ValueError(f"fail_next body must be one of {FAILURE_BODIES}")
        if not 100 <= failure.status <= 599 or failure.count < 0:
            raise ValueError(f"bad fail_next entry: {raw!r}")
        return failure


@dataclass
class Settings:
    """Everything POST /_test/config may change, plus the served model name."""

    model: str = "qwen3-asr"
    api_key: str | None = None
    encoder_cache_tokens: int = 8192
    latency_scale: float = 0.0
    gpu_model: str = "0.6b"  # whose throughput the latency model follows: 0.6b or 1.7b
    min_latency_s: float = 0.0
    max_fetch_seconds: float = 10.0
    mode: str = "ok"
    models_mode: str = "ok"  # the same hostile answers for GET /v1/models
    huge_bytes: int = 64 * 1024 * 1024  # mode "huge": this much text in the reply
    huge_piece_bytes: int = 64 * 1024  # ... streamed in deltas (and written) this long
    keepalive_interval_s: float = 0.5  # mode "keepalive": ": ping" (or " ") this often
    trickle_interval_s: float = 0.25  # mode "trickle": one byte of the reply this often
    wrong_type: str = "choices"  # mode "wrong_type": which part (WRONG_TYPES)
    # Added to every recognised text, as a hostile server or a man in the middle of a
    # plain-HTTP connection would: line breaks, escape sequences, bidi controls...
    append_text: str = ""
    fail_next: list[Failure] = field(default_factory=list)

    def copy(self) -> Settings:
        return dataclasses.replace(self, fail_next=[dataclasses.replace(f) for f in self.fail_next])

    def merged(self, changes: dict[str, Any]) -> Settings:
        """A copy with `changes` applied; raises ValueError on unknown keys or bad values."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        new = self.copy()
        for key, value in changes.items():
            if key == "fail_next":
                if not isinstance(value, list):
                    raise ValueError("fail_next must be a list")
                new.fail_next = [Failure.from_json(item) for item in value]
            elif key in POSITIVE_NUMBERS:
                if not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"{key} must be a number >= 0")
                setattr(new, key, float(value))
            elif key in ("encoder_cache_tokens", "huge_bytes", "huge_piece_bytes"):
                if not isinstance(value, int) or value < 1:
                    raise ValueError(f"{key} must be a positive integer")
                setattr(new, key, value)
            elif key in ("mode", "models_mode", "wrong_type", "gpu_model"):
                choices = {"mode": MODES, "models_mode": MODELS_MODES, "wrong_type": WRONG_TYPES,
                           "gpu_model": GPU_MODELS}
                if value not in choices[key]:
                    raise ValueError(f"{key} must be one of {choices[key]}")
                setattr(new, key, value)
            elif key == "api_key":
                if value is not None and not isinstance(value, str):
                    raise ValueError("api_key must be a string or null")
                new.api_key = value or None
            elif key == "append_text":
                if not isinstance(value, str):
                    raise ValueError("append_text must be a string")
                new.append_text = value
            elif key == "model":
                if not isinstance(value, str) or not value:
                    raise ValueError("model must be a non-empty string")
                new.model = value
        return new

    def public(self) -> dict[str, Any]:
        """The settings as JSON, with the API key reduced to whether one is set."""
        data = dataclasses.asdict(self)
        data["api_key"] = self.api_key is not None
        return data
