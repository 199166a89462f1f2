"""One server endpoint as the scheduler sees it: how many requests it may have in flight
now, and whether it is taken out for a while. Pure state and arithmetic (the clock is
passed in), so the scheduler's choices are tested without a network or a real clock.

- A failure (refused, reset, timeout, 5xx) takes the endpoint out for a while, doubling
  with each failure in a row (OUT_FIRST_S up to OUT_MOST_S); then it is tried again.
- 429 "too many requests" halves its concurrency (not below 1) and waits out Retry-After;
  each run of successes as long as the current concurrency raises it by one again, up to
  the configured concurrency (additive increase, multiplicative decrease).
"""

from __future__ import annotations

from dataclasses import dataclass

OUT_FIRST_S = 1.0
OUT_MOST_S = 30.0
RETRY_AFTER_MOST_S = 60.0


@dataclass(eq=False)
class Endpoint:
    name: str  # host:port, for messages
    limit: int  # the configured concurrency
    index: int = 0  # its place in the profile's list (ties go to the first)
    cap: int = 0  # the concurrency allowed now (0: the limit)
    in_flight: int = 0
    out_until: float = 0.0
    failures: int = 0  # in a row
    successes: int = 0  # since the concurrency last changed
    sent: int = 0
    succeeded: int = 0
    lowest_cap: int = 0  # the lowest concurrency it was brought down to

    def __post_init__(self) -> None:
        self.limit = max(1, self.limit)
        if self.cap <= 0:
            self.cap = self.limit
        self.lowest_cap = self.cap

    def is_out(self, now: float) -> bool:
        return now < self.out_until

    def free(self, now: float) -> int:
        """Requests it may take now."""
        return 0 if self.is_out(now) else max(0, self.cap - self.in_flight)

    def take(self) -> None:
        self.in_flight += 1
        self.sent += 1

    def done(self, now: float) -> None:
        """A request answered (an error that is the request's own counts too)."""
        self.in_flight = max(0, self.in_flight - 1)
        self.failures = 0
        self.succeeded += 1
        self.successes += 1
        if self.cap < self.limit and self.successes >= self.cap:
            self.cap += 1
            self.successes = 0

    def failed(self, now: float) -> None:
        """Unreachable, timed out or a 5xx: out for a while."""
        self.in_flight = max(0, self.in_flight - 1)
        self.failures += 1
        self.successes = 0
        pause = min(OUT_MOST_S, OUT_FIRST_S * 2 ** (self.failures - 1))
        self.out_until = max(self.out_until, now + pause)

    def throttled(self, now: float, retry_after: float | None) -> None:
        """429: fewer requests at once, and none before Retry-After."""
        self.in_flight = max(0, self.in_flight - 1)
        self.cap = max(1, self.cap // 2)
        self.lowest_cap = min(self.lowest_cap, self.cap)
        self.successes = 0
        wait = OUT_FIRST_S if retry_after is None else min(RETRY_AFTER_MOST_S,
                                                           max(0.0, retry_after))
        self.out_until = max(self.out_until, now + wait)

    def slow_down(self) -> None:
        """429 on a request that stays in flight (its client waits and tries again)."""
        self.cap = max(1, self.cap // 2)
        self.lowest_cap = min(self.lowest_cap, self.cap)
        self.successes = 0

    def released(self) -> None:
        """A request given up (cancelled) without an answer."""
        self.in_flight = max(0, self.in_flight - 1)


def best(endpoints: list[Endpoint], now: float) -> Endpoint | None:
    """The endpoint with the most free capacity now (ties: the one sent fewer requests so
    far, then the earlier in the list: idle endpoints take turns), or None when every
    endpoint is full or out."""
    free = [e for e in endpoints if e.free(now) > 0]
    if not free:
        return None
    return max(free, key=lambda e: (e.free(now), -e.sent, -e.index))


def next_change(endpoints: list[Endpoint], now: float) -> float | None:
    """When the first endpoint that is out comes back (None: none is out)."""
    times = [e.out_until for e in endpoints if e.is_out(now)]
    return min(times) if times else None
