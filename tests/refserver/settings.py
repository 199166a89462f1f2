"""Start-up and runtime configuration of the reference server."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

MODES = ("ok", "malformed_json", "html_error", "error_200", "drop", "hang")
FAILURE_BODIES = ("json", "html", "empty")


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
    min_latency_s: float = 0.0
    max_fetch_seconds: float = 10.0
    mode: str = "ok"
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
            elif key in ("latency_scale", "min_latency_s", "max_fetch_seconds"):
                if not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"{key} must be a number >= 0")
                setattr(new, key, float(value))
            elif key == "encoder_cache_tokens":
                if not isinstance(value, int) or value < 1:
                    raise ValueError("encoder_cache_tokens must be a positive integer")
                new.encoder_cache_tokens = value
            elif key == "mode":
                if value not in MODES:
                    raise ValueError(f"mode must be one of {MODES}")
                new.mode = value
            elif key == "api_key":
                if value is not None and not isinstance(value, str):
                    raise ValueError("api_key must be a string or null")
                new.api_key = value or None
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
