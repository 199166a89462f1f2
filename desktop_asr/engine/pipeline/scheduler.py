"""One in-flight budget for every request of a batch, over one or more endpoints.

A request asks for a slot with a priority (its job's place in the batch, then its chunk's
place in the file: earlier files finish first, and a file's chunks leave in order); it gets
the endpoint with the most free capacity as soon as there is one. Endpoints that are out
(failing, or told to wait by a 429) come back by themselves when their time is up."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable

from desktop_asr.engine.pipeline.endpoints import Endpoint, best, next_change

Priority = tuple[int, ...]
OK, FAILED, THROTTLED, GIVEN_UP = "ok", "failed", "throttled", "given up"


class RequestScheduler:
    def __init__(self, endpoints: list[Endpoint], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not endpoints:
            raise ValueError("a scheduler needs at least one endpoint")
        self.endpoints = endpoints
        self._clock = clock
        self._waiters: list[tuple[Priority, int, asyncio.Future[Endpoint]]] = []
        self._order = itertools.count()
        self._jobs = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self.most_in_flight = 0

    def next_job(self) -> int:
        """A job's place in the batch (the first part of its requests' priorities)."""
        return next(self._jobs)

    @property
    def in_flight(self) -> int:
        return sum(e.in_flight for e in self.endpoints)

    @property
    def waiting(self) -> int:
        return sum(not f.done() for _, _, f in self._waiters)

    async def acquire(self, priority: Priority) -> Endpoint:
        """Wait for a slot; the endpoint it is on. Give it back with ``release``."""
        future: asyncio.Future[Endpoint] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        self._dispatch()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(future.result(), GIVEN_UP)
            raise

    def release(self, endpoint: Endpoint, outcome: str = OK,
                retry_after: float | None = None) -> None:
        now = self._clock()
        if outcome == OK:
            endpoint.done(now)
        elif outcome == FAILED:
            endpoint.failed(now)
        elif outcome == THROTTLED:
            endpoint.throttled(now, retry_after)
        else:
            endpoint.released()
        self._dispatch()

    def choose(self) -> Endpoint | None:
        """Where a request would go now (None: it would wait)."""
        return best(self.endpoints, self._clock())

    def _dispatch(self) -> None:
        while self._waiters:
            if self._waiters[0][2].done():  # cancelled while waiting
                heapq.heappop(self._waiters)
                continue
            endpoint = self.choose()
            if endpoint is None:
                break
            _, _, future = heapq.heappop(self._waiters)
            endpoint.take()
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            future.set_result(endpoint)
        self._arm_timer()

    def _arm_timer(self) -> None:
        """While requests wait and an endpoint is out, look again when it comes back."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._waiters:
            return
        now = self._clock()
        back = next_change(self.endpoints, now)
        if back is None:
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(max(0.0, back - now) + 0.001, self._dispatch)
