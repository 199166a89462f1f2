"""The decoder's outbox: how far a decoder process runs ahead of the requests (a few chunks,
or a few minutes of audio when that is more), in order, and never stuck once nobody reads.
A real pipe, in one process; the payloads are bigger than the pipe's buffer, so a message
being sent stays counted until it is read."""

from __future__ import annotations

import multiprocessing
import queue
import threading

import pytest

from desktop_asr.engine.chunking import ChunkInfo
from desktop_asr.engine.pipeline.preparing import _Outbox, _ParentGone

PAYLOAD = b"x" * 200_000  # more than a pipe holds: the sender waits for the reader


def chunk(index: int, seconds: float = 3.0) -> tuple[object, ...]:
    return ("chunk", ChunkInfo(index, index * 48000, int(seconds * 16000)), PAYLOAD)


@pytest.fixture
def pipe():
    reader, writer = multiprocessing.Pipe(duplex=False)
    yield reader, writer
    reader.close()


def fill(outbox: _Outbox, seconds: float = 3.0) -> int:
    """Put chunks until the outbox has no room; how many it took."""
    taken = 0
    while True:
        try:
            outbox.put(chunk(taken, seconds), block=False)
        except queue.Full:
            return taken
        taken += 1
        assert taken < 100, "the outbox never ran out of room"


def test_minutes_of_audio_may_wait_when_that_is_more_than_the_chunks(pipe):
    reader, writer = pipe
    outbox = _Outbox(writer, ahead=2, ahead_seconds=10.0)
    # 3-second chunks: room while less than 10 s wait, so four (12 s) fill it.
    assert fill(outbox) == 4
    assert reader.recv()[1].index == 0  # one read: 9 s wait, room for one more
    outbox.put(chunk(4), timeout=5)
    with pytest.raises(queue.Full):
        outbox.put(chunk(5), block=False)


def test_a_few_chunks_may_wait_however_short(pipe):
    _, writer = pipe
    outbox = _Outbox(writer, ahead=3, ahead_seconds=0.3)
    assert fill(outbox, seconds=0.2) == 3  # 0.4 s after two: the count still had room


def test_messages_arrive_in_order_and_the_pipe_closes_after_the_last(pipe):
    reader, writer = pipe
    outbox = _Outbox(writer, ahead=2, ahead_seconds=5.0)
    got: list[object] = []

    def read() -> None:
        try:
            while True:
                got.append(reader.recv())
        except EOFError:
            pass

    thread = threading.Thread(target=read)
    thread.start()
    for n in range(20):
        outbox.put(chunk(n), timeout=10)
    outbox.put(("end", 20 * 48000), timeout=10)
    outbox.close()
    thread.join(10)
    assert not thread.is_alive(), "the pipe was not closed after the last message"
    assert [m[1].index for m in got[:-1]] == list(range(20))  # type: ignore[index]
    assert got[-1] == ("end", 20 * 48000)


def test_a_decoder_waiting_for_room_stops_when_nobody_reads_any_more(pipe):
    reader, writer = pipe
    outbox = _Outbox(writer, ahead=1, ahead_seconds=0.0)
    outbox.put(chunk(0), block=False)  # being sent: the pipe is full
    reader.close()  # the main process gave the file up
    with pytest.raises(_ParentGone):  # woken, not left to wait for room
        outbox.put(chunk(1), timeout=30)
    outbox.close()  # returns at once

