"""Mutable server state: runtime settings, the request log, statistics and the GPU model."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from .gpu import Gpu
from .settings import Failure, Settings


class ServerState:
    def __init__(self, startup: Settings) -> None:
        self.startup = startup.copy()
        self.settings = startup.copy()
        self.log: list[dict[str, Any]] = []
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.gpu = Gpu(lambda: self.settings.latency_scale, lambda: self.settings.gpu_model)
        self.http: aiohttp.ClientSession | None = None

    def reset(self) -> None:
        self.settings = self.startup.copy()
        self.log.clear()
        self.requests = 0
        self.max_in_flight = self.in_flight

    def begin(self, request: web.Request) -> dict[str, Any]:
        """Log a recognition request (never the Authorization value) and count it in flight."""
        entry: dict[str, Any] = {
            "path": request.path,
            "auth": "Authorization" in request.headers,
            "body": None,
            "ignored_fields": [],
            "status": None,
        }
        self.log.append(entry)
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return entry

    def end(self) -> None:
        self.in_flight -= 1

    def take_failure(self) -> Failure | None:
        """The next scripted failure from `fail_next`, consuming one of its count."""
        pending = self.settings.fail_next
        while pending and pending[0].count <= 0:
            pending.pop(0)
        if not pending:
            return None
        failure = pending[0]
        failure.count -= 1
        if failure.count <= 0:
            pending.pop(0)
        return failure

    def stats(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
        }

    def authorised(self, request: web.Request) -> bool:
        key = self.settings.api_key
        return key is None or request.headers.get("Authorization") == f"Bearer {key}"


STATE: web.AppKey[ServerState] = web.AppKey("refserver_state", ServerState)
