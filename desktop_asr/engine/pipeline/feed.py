"""One file's chunks, prepared by a worker process, in the order of the file: a decoder
process cuts it and encodes each chunk, and the job takes them as its requests can leave.
A few chunks, or a few minutes of audio, are kept ready ahead (encoded before a request slot
frees), never more: memory stays bounded whatever the file's length."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from desktop_asr import errors
from desktop_asr.engine.chunking import ChunkInfo
from desktop_asr.engine.pipeline.processes import AudioProcesses, shared
from desktop_asr.errors import AsrError

AHEAD = 3  # chunks encoded ahead of the requests (or preparing.AHEAD_SECONDS, if more)


@dataclass(frozen=True)
class Prepared:
    chunk: ChunkInfo  # its samples are in the payload only
    payload: bytes | None  # None: not encoded (its text is known from an earlier try)


class _DecoderSlots:
    """At most one decoder process per core at a time, across every event loop (the app
    runs its jobs on loops of their own). A file waiting for a slot sleeps until one is
    given back; it is woken on its own loop, in the order the files asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._used = 0
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    async def acquire(self, most: int) -> None:
        with self._lock:
            if self._used < most and not self._waiting:
                self._used += 1
                return
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
        try:
            await turn  # the slot is ours once this is done: release() handed it over
        except asyncio.CancelledError:
            with self._lock:
                if turn in self._waiting:
                    self._waiting.remove(turn)
                    raise
            self.release()  # handed over while being cancelled: pass it on
            raise

    def release(self) -> None:
        with self._lock:
            while self._waiting:
                turn = self._waiting.popleft()
                if not turn.cancelled() and not turn.get_loop().is_closed():
                    turn.get_loop().call_soon_threadsafe(_hand_over, turn)
                    return  # the slot passes to that file: still in use
            self._used -= 1


def _hand_over(turn: asyncio.Future[None]) -> None:
    if not turn.done():
        turn.set_result(None)


_SLOTS = _DecoderSlots()


def _error(name: str, message: str, details: str, code: str = "",
           params: dict[str, object] | None = None) -> AsrError:
    """The error a worker process reported, as its own kind, with its code and facts
    (the interface words it in the user's language)."""
    kind = getattr(errors, name, AsrError)
    if not (isinstance(kind, type) and issubclass(kind, AsrError)):
        kind = AsrError
    try:
        return kind(message, details=details, code=code, params=params)
    except TypeError:  # an error class that takes other arguments
        return AsrError(message, details=details, code=code, params=params)


class ChunkFeed:
    """``async with aclosing(feed.chunks()) as c: async for prepared in c``: the chunks of
    ``path`` in order. ``skip(chunk)``
    true: the chunk is not encoded (payload None). ``limit.value`` is the chunk limit in
    seconds, which the job may lower while the file is being cut."""

    def __init__(self, path: str, max_seconds: float, audio_format: str, *,
                 skip: Callable[[ChunkInfo], bool] | None = None,
                 processes: AudioProcesses | None = None, ahead: int = AHEAD,
                 pauses: bool = True) -> None:
        self._path = path
        self._pauses = pauses
        self._format = audio_format
        self._skip = skip
        self._processes = processes or shared()
        self._ahead = ahead
        self.limit: Any = self._processes.shared_number(max_seconds)
        self.total_samples = 0

    async def chunks(self) -> AsyncGenerator[Prepared, None]:
        await _SLOTS.acquire(self._processes.workers)
        released = False
        # Starting a process waits for the fork server (the first time, for it to start and
        # import PyAV and numpy): on a thread, never on the event loop.
        starting = asyncio.ensure_future(asyncio.to_thread(
            self._processes.start_decoder, self._path, self.limit, self._ahead,
            self._pauses, self._format))
        try:
            process, pipe = await asyncio.shield(starting)
            while True:
                message = await _receive(pipe, process)
                if message[0] == "end":
                    self.total_samples = int(message[1])
                    break
                if message[0] == "error":
                    raise _error(*message[1:])
                chunk, payload = message[1], message[2]
                if self._skip is not None and self._skip(chunk):
                    payload = None  # its text is known from an earlier try
                yield Prepared(chunk, payload)
                del payload, message
            # The file is read: its core goes to the next file while these requests run.
            _SLOTS.release()
            released = True
        finally:
            try:
                await _stop(starting)
            finally:  # also when cancelled again while winding down
                if not released:
                    _SLOTS.release()


async def _stop(starting: asyncio.Future[tuple[BaseProcess, Connection]]) -> None:
    """The decoder stopped and waited for (started or not, the file read or given up)."""
    await asyncio.wait([starting])
    if starting.cancelled() or starting.exception() is not None:
        return
    process, pipe = starting.result()
    pipe.close()  # a decoder still sending stops (its pipe is broken)
    if process.is_alive():
        process.terminate()
    await asyncio.to_thread(process.join, 5)


async def _receive(pipe: Connection, process: BaseProcess) -> tuple[Any, ...]:
    """The decoder's next message, read once the pipe holds one: the event loop watches
    the pipe (a thread waits where the loop cannot, as on Windows). The message is read on
    a thread: it is bigger than the pipe, and the rest of it may still be on its way (the
    loop must not wait for a decoder the system has not run yet). A pipe that closes
    before the end: the process stopped."""
    try:
        if not pipe.poll():
            await _readable(pipe)
        message: tuple[Any, ...] = await asyncio.to_thread(pipe.recv)
        return message
    except (EOFError, OSError):
        await asyncio.to_thread(process.join, 2)
        return ("error", "AsrError", "The audio could not be read: the process reading it "
                f"stopped (exit code {process.exitcode}).", "", "reader_stopped",
                {"exit_code": process.exitcode})


async def _readable(pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    fd = pipe.fileno()
    ready: asyncio.Future[None] = loop.create_future()
    try:
        loop.add_reader(fd, _wake, ready)
    except NotImplementedError:
        await asyncio.to_thread(pipe.poll, None)
        return
    try:
        await ready
    finally:
        loop.remove_reader(fd)


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


class ThreadFeed:
    """The same chunks prepared in this process, one after another on a thread: for a
    program that may not start processes, and the reference the worker path is tested
    against."""

    def __init__(self, path: str, max_seconds: float, audio_format: str, *,
                 skip: Callable[[ChunkInfo], bool] | None = None, pauses: bool = True) -> None:
        self._path = path
        self._pauses = pauses
        self._format = audio_format
        self._skip = skip
        self.limit = _Number(max_seconds)
        self.total_samples = 0

    async def chunks(self) -> AsyncGenerator[Prepared, None]:
        async with contextlib.aclosing(_prepared_here(
                self._path, self.limit, self._pauses, self._format, self._skip)) as chunks:
            async for prepared in chunks:
                self.total_samples += prepared.chunk.size
                yield prepared


async def _prepared_here(path: str, limit: Any, pauses: bool, fmt: str,
                         skip: Callable[[ChunkInfo], bool] | None,
                         ) -> AsyncGenerator[Prepared, None]:
    """The chunks of ``path``, cut and encoded in this process, one after another on a
    thread."""
    from desktop_asr.engine import audio
    from desktop_asr.engine.pipeline.preparing import planner

    source = planner(limit, pauses).chunks(audio.decode_pcm(path))

    def prepare() -> Prepared | None:
        chunk = next(source, None)
        if chunk is None:
            return None
        if skip is not None and skip(chunk.info):
            return Prepared(chunk.info, None)
        return Prepared(chunk.info, audio.encode(chunk.padded(), fmt))

    try:
        while (prepared := await asyncio.to_thread(prepare)) is not None:
            yield prepared
    finally:
        close = getattr(source, "close", None)  # the file is closed now, not when collected
        with contextlib.suppress(ValueError):  # still running on its thread (cancelled)
            if close is not None:
                close()


@dataclass
class _Number:
    value: float
