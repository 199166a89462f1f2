"""Requests over one or more servers: one client (connection pool) per endpoint and one
scheduler for all of them. A request that fails on an endpoint (unreachable, timed out, a
5xx, 429) is tried again on the endpoint with the most free capacity, which is another one
while the failing endpoint is out; 429 lowers that endpoint's concurrency for a while.

With a single endpoint the client retries on its own, with backoff and Retry-After, as it
always did; the scheduler still keeps the budget and learns from 429.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import replace
from typing import TypeVar

import httpx

from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.pipeline.endpoints import Endpoint
from desktop_asr.engine.pipeline.scheduler import (
    FAILED,
    GIVEN_UP,
    OK,
    THROTTLED,
    Priority,
    RequestScheduler,
)
from desktop_asr.errors import AsrError, RetryableServerError, ServerError

T = TypeVar("T")
Call = Callable[[AsrClient], Awaitable[T]]


def outcome_of(error: AsrError) -> tuple[str, float | None]:
    """What an error says about the endpoint (not about the request)."""
    if isinstance(error, RetryableServerError) and error.status == 429:
        return THROTTLED, error.retry_after
    if error.retryable or (isinstance(error, ServerError) and error.status >= 500):
        return FAILED, None
    return OK, None  # the endpoint answered; the request itself was refused


def _slow_down_on_429(endpoint: Endpoint) -> Callable[[AsrError], None]:
    def heard(error: AsrError) -> None:
        if outcome_of(error)[0] == THROTTLED:
            endpoint.slow_down()

    return heard


class Dispatcher:
    """``async with Dispatcher(configs, concurrency) as d: await d.call(priority, fn)``.
    ``configs`` are the endpoints' ServerConfigs (the same settings, other base URLs)."""

    def __init__(self, configs: Sequence[ServerConfig], concurrency: int, *,
                 clients: Sequence[AsrClient] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 transport: Callable[[], httpx.AsyncBaseTransport | None] | None = None,
                 ) -> None:
        if not configs and not clients:
            raise ValueError("a dispatcher needs at least one server")
        several = len(clients or configs) > 1
        if clients is None:
            self.clients = [AsrClient(
                replace(c, retry=replace(c.retry, attempts=1)) if several else c,
                transport=transport() if transport else None) for c in configs]
        else:
            self.clients = list(clients)
        self._owned = clients is None
        self.scheduler = RequestScheduler(
            [Endpoint(c.config.host_port, concurrency, index=i)
             for i, c in enumerate(self.clients)], clock=clock)
        self._attempts = (max(c.config.retry.attempts for c in self.clients)
                          * len(self.clients)) if several else 1
        self._several = several
        for client, endpoint in zip(self.clients, self.scheduler.endpoints, strict=True):
            client.retry_listeners.append(_slow_down_on_429(endpoint))

    @classmethod
    def of(cls, client: AsrClient, concurrency: int) -> Dispatcher:
        """One endpoint, the caller's client (closed by the caller)."""
        return cls([], concurrency, clients=[client])

    async def __aenter__(self) -> Dispatcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owned:
            for client in self.clients:
                await client.aclose()

    async def call(self, priority: Priority, fn: Call[T],
                   endpoint: Endpoint | None = None) -> T:
        """``fn(client)`` on ``endpoint`` (a slot the caller took) or the best endpoint, on
        others after a failure. The slot is given back whatever happens."""
        tried = 0
        while True:
            if endpoint is None:
                endpoint = await self.scheduler.acquire(priority)
            client = self.clients[self.scheduler.endpoints.index(endpoint)]
            try:
                result = await fn(client)
            except AsrError as exc:
                outcome, retry_after = outcome_of(exc)
                self.scheduler.release(endpoint, outcome, retry_after)
                tried += 1
                if outcome == OK or not self._several or tried >= self._attempts:
                    raise
                endpoint = None
                continue
            except BaseException:
                self.scheduler.release(endpoint, GIVEN_UP)
                raise
            self.scheduler.release(endpoint, OK)
            return result


class SharedDispatchers:
    """One Dispatcher for the jobs that run at once with the same servers (and the same
    ``owner``: a profile, whose other settings they share), so that their requests share
    one budget: ``async with shared.using(configs, concurrency, owner=...) as d``; the
    last job to leave closes it."""

    def __init__(self) -> None:
        self._open: dict[Hashable, tuple[Dispatcher, int]] = {}

    @contextlib.asynccontextmanager
    async def using(self, configs: Sequence[ServerConfig], concurrency: int, *,
                    owner: Hashable = None) -> AsyncIterator[Dispatcher]:
        key = (owner, concurrency, *((c.base_url, c.api_key) for c in configs))
        dispatcher, users = self._open.get(key) or (Dispatcher(configs, concurrency), 0)
        self._open[key] = (dispatcher, users + 1)
        try:
            yield dispatcher
        finally:
            dispatcher, users = self._open[key]
            if users <= 1:
                del self._open[key]
                await dispatcher.aclose()
            else:
                self._open[key] = (dispatcher, users - 1)
