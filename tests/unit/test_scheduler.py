"""The request scheduler's choices, with a fake clock: where a request goes, when a failing
or throttled endpoint comes back, and in which order waiting requests leave."""

from __future__ import annotations

import asyncio

import pytest

from desktop_asr.engine.pipeline.dispatch import outcome_of
from desktop_asr.engine.pipeline.endpoints import OUT_FIRST_S, Endpoint, best
from desktop_asr.engine.pipeline.scheduler import FAILED, OK, THROTTLED, RequestScheduler
from desktop_asr.errors import (
    AuthenticationError,
    RetryableServerError,
    ServerError,
    ServerUnreachableError,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_endpoint_with_the_most_free_capacity_is_chosen():
    a, b = Endpoint("a", 4, index=0), Endpoint("b", 8, index=1)
    assert best([a, b], 0) is b
    for _ in range(5):
        b.take()
    assert best([a, b], 0) is a  # 4 free against 3
    a.take()
    assert best([a, b], 0) is a  # 3 against 3: the one sent fewer requests
    c, d = Endpoint("c", 2, index=0), Endpoint("d", 2, index=1)
    turns = []
    for _ in range(4):  # idle endpoints take turns
        chosen = best([c, d], 0)
        turns.append(chosen.name)
        chosen.take()
        chosen.done(0)
    assert turns == ["c", "d", "c", "d"]


def test_a_failing_endpoint_is_out_for_a_while_then_back_and_longer_each_time():
    e = Endpoint("a", 2)
    e.take()
    e.failed(10.0)
    assert e.free(10.0) == 0
    assert e.free(10.0 + OUT_FIRST_S) == 2
    e.take()
    e.failed(20.0)
    assert e.free(20.0 + OUT_FIRST_S) == 0
    assert e.free(20.0 + 2 * OUT_FIRST_S) == 2
    e.take()
    e.done(30.0)
    assert e.failures == 0


def test_429_halves_the_concurrency_and_successes_raise_it_again():
    e = Endpoint("a", 8)
    e.take()
    e.throttled(0.0, 2.0)
    assert e.cap == 4
    assert e.free(1.0) == 0
    assert e.free(2.0) == 4
    for _ in range(4):
        e.take()
        e.done(3.0)
    assert e.cap == 5
    for _ in range(50):
        e.take()
        e.done(4.0)
    assert e.cap == 8  # never above the configured concurrency


@pytest.mark.parametrize(("error", "outcome"), [
    (RetryableServerError("busy", status=429, retry_after=3.0), (THROTTLED, 3.0)),
    (RetryableServerError("gone", status=503), (FAILED, None)),
    (ServerError("bug", status=500), (FAILED, None)),
    (ServerUnreachableError("refused"), (FAILED, None)),
    (AuthenticationError("key", status=401), (OK, None)),
])
def test_what_an_error_says_about_the_endpoint(error, outcome):
    assert outcome_of(error) == outcome


def test_waiting_requests_leave_in_priority_order_and_a_shared_budget_is_kept():
    clock = Clock()
    order: list[tuple[int, int]] = []

    async def scenario() -> None:
        scheduler = RequestScheduler([Endpoint("a", 1), Endpoint("b", 1, index=1)],
                                     clock=clock)
        first = await scheduler.acquire((0, 0))
        second = await scheduler.acquire((0, 1))
        assert {first.name, second.name} == {"a", "b"}

        async def later(priority: tuple[int, int]) -> None:
            endpoint = await scheduler.acquire(priority)
            order.append(priority)
            scheduler.release(endpoint, OK)

        waiting = [asyncio.create_task(later(p)) for p in [(1, 0), (0, 3), (0, 2)]]
        await asyncio.sleep(0)
        assert scheduler.in_flight == 2
        assert scheduler.waiting == 3
        scheduler.release(first, OK)
        scheduler.release(second, OK)
        await asyncio.gather(*waiting)
        assert scheduler.most_in_flight == 2

    asyncio.run(scenario())
    assert order == [(0, 2), (0, 3), (1, 0)]


def test_requests_wait_while_every_endpoint_is_out_and_go_when_one_is_back():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        scheduler = RequestScheduler([Endpoint("a", 1)], clock=loop.time)
        endpoint = await scheduler.acquire((0,))
        scheduler.release(endpoint, FAILED)
        started = loop.time()
        again = await asyncio.wait_for(scheduler.acquire((0,)), 5)
        assert again is endpoint
        assert loop.time() - started >= OUT_FIRST_S * 0.9

    asyncio.run(scenario())
