"""A simulated batching GPU: concurrent requests share a throughput that grows with batch size.

Throughput points are Qwen3-ASR-0.6B's (technical report, Table 2), in audio seconds
processed per second with n requests in flight; between points the curve is linear in log(n).
Modelled time is turned into wall time by multiplying with `latency_scale` (0 = instant).
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

THROUGHPUT_POINTS = ((1, 106.0), (8, 500.0), (32, 1099.0), (128, 2000.0))
# Qwen3-ASR-1.7B (the same table): 67 audio-s/s alone, 400 at 8, 806 at 32, 1220 at 128.
MODELS = {"0.6b": THROUGHPUT_POINTS,
          "1.7b": ((1, 67.0), (8, 400.0), (32, 806.0), (128, 1220.0))}
OVERHEAD_S = 0.03
TICK_S = 0.005


def throughput(active: int, model: str = "0.6b") -> float:
    """Total audio-seconds per second with `active` requests batched together."""
    points = MODELS[model]
    if active <= points[0][0]:
        return points[0][1]
    for (n0, t0), (n1, t1) in itertools.pairwise(points):
        if active <= n1:
            share = (math.log(active) - math.log(n0)) / (math.log(n1) - math.log(n0))
            return t0 + share * (t1 - t0)
    return points[-1][1]


@dataclass
class Job:
    work: float
    done: float = 0.0
    waiters: list[tuple[float, asyncio.Future[None]]] = field(default_factory=list)

    @property
    def progress(self) -> float:
        return 1.0 if self.work <= 0 else min(1.0, self.done / self.work)

    def wake(self) -> None:
        still: list[tuple[float, asyncio.Future[None]]] = []
        for fraction, future in self.waiters:
            if self.progress >= fraction - 1e-9:
                if not future.done():
                    future.set_result(None)
            else:
                still.append((fraction, future))
        self.waiters = still


class Gpu:
    """Runs jobs of `work` audio-seconds; a tick loop advances all active jobs together."""

    def __init__(self, scale: Callable[[], float],
                 model: Callable[[], str] = lambda: "0.6b") -> None:
        self._scale = scale
        self._model = model
        self._jobs: list[Job] = []
        self._ticker: asyncio.Task[None] | None = None

    @property
    def active(self) -> int:
        return len(self._jobs)

    async def overhead(self) -> None:
        """The fixed per-request cost (tokenising, scheduling), not shared between requests."""
        scale = self._scale()
        if scale > 0:
            await asyncio.sleep(OVERHEAD_S * scale)

    def submit(self, work: float) -> Job:
        job = Job(work=work)
        if self._scale() <= 0 or work <= 0:
            job.done = job.work
            return job
        self._jobs.append(job)
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick_loop())
        return job

    def cancel(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)

    async def wait(self, job: Job, fraction: float = 1.0) -> None:
        """Until `job` has done `fraction` of its work; leaving early drops it from the batch."""
        if job.progress >= fraction - 1e-9:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        job.waiters.append((fraction, future))
        try:
            await future
        except asyncio.CancelledError:
            self.cancel(job)
            raise

    async def run(self, work: float) -> None:
        await self.overhead()
        await self.wait(self.submit(work))

    async def _tick_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while self._jobs:
            await asyncio.sleep(TICK_S)
            now = loop.time()
            elapsed, last = now - last, now
            scale = self._scale()
            rate = throughput(len(self._jobs), self._model()) / len(self._jobs)
            for job in list(self._jobs):
                job.done = job.done + rate * elapsed / scale if scale > 0 else job.work
                job.wake()
                if job.progress >= 1.0:
                    self._jobs.remove(job)
