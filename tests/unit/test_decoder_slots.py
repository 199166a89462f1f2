"""The decoder slots (engine/pipeline/feed.py): one decoder per core across every event
loop; files waiting for a slot sleep (no polling) and get it in the order they asked, also
when the slot is given back from another loop's thread, and a cancelled waiter loses
nothing."""

from __future__ import annotations

import asyncio
import threading

from desktop_asr.engine.pipeline.feed import _DecoderSlots


def test_waiters_get_the_slot_in_order_and_a_cancelled_one_passes_it_on():
    slots = _DecoderSlots()
    order: list[str] = []

    async def main() -> None:
        await slots.acquire(1)
        first = asyncio.create_task(slots.acquire(1))
        gone = asyncio.create_task(slots.acquire(1))
        last = asyncio.create_task(slots.acquire(1))
        for name, task in (("first", first), ("last", last)):
            task.add_done_callback(lambda _t, name=name: order.append(name))
        await asyncio.sleep(0.01)
        assert order == []  # nobody gets a slot that is in use
        gone.cancel()
        slots.release()  # from here on the slot goes to "first"
        await first
        assert order == ["first"]
        slots.release()  # "gone" was cancelled: the slot goes past it to "last"
        await asyncio.wait_for(last, 2)
        assert order == ["first", "last"]
        slots.release()

    asyncio.run(main())
    assert slots._used == 0
    assert not slots._waiting


def test_a_slot_given_back_on_another_loop_wakes_the_waiter_on_its_own():
    slots = _DecoderSlots()
    taken = threading.Event()
    done = threading.Event()

    async def holder() -> None:
        await slots.acquire(1)
        taken.set()
        await asyncio.sleep(0.2)
        slots.release()

    async def waiter() -> None:
        taken.wait(5)
        await asyncio.wait_for(slots.acquire(1), 5)
        done.set()
        slots.release()

    other = threading.Thread(target=lambda: asyncio.run(holder()))
    other.start()
    asyncio.run(waiter())
    other.join(5)
    assert done.is_set()
    assert slots._used == 0
