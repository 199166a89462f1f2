"""What the worker processes run: no asyncio, no httpx, only PyAV and numpy.

A *decoder* process reads one file, streaming, cuts it exactly as the job in one process
does (PausePlanner over decode_pcm: requests cut at pauses) and encodes each chunk (FLAC or
WAV): the chunk's place and speech (ChunkInfo, not its samples) and its encoding go to the
main process through a pipe. A thread of the decoder writes them into the pipe from a
bounded outbox, so the decoder runs a few chunks (or a few minutes of audio) ahead of the
requests, never more, and the main process's event loop reads them as they come (no
thread, no polling). The main process does no audio work: it sends.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import queue
import threading
from multiprocessing.connection import Connection
from typing import Any, Protocol

from desktop_asr.engine import audio
from desktop_asr.engine.audio import SAMPLE_RATE
from desktop_asr.engine.chunking import ChunkPlanner
from desktop_asr.engine.speech import PausePlanner
from desktop_asr.errors import AsrError

BLOCK_SECONDS = 30.0  # what FFmpeg hands to Python at a time
# How far a decoder may run ahead of the requests, in audio (a few megabytes of FLAC).
AHEAD_SECONDS = 300.0
PARENT_CHECK_S = 1.0


class Putter(Protocol):
    def put(self, obj: Any, block: bool = ..., timeout: float | None = ...) -> None: ...


class SharedNumber(Protocol):
    value: float


class _LiveLimit:
    """A planner's ``max_seconds`` that follows a number shared with the main process
    (lowered there after a server found a chunk too long)."""

    def __get__(self, planner: _Live | _LiveQuietest, owner: type | None = None) -> float:
        return max(planner.limit.value, 0.001)

    def __set__(self, planner: _Live | _LiveQuietest, value: float) -> None:
        pass  # set by the main process only


class _Live(PausePlanner):
    """Chunks cut at pauses, each with its speech, under the shared limit."""

    max_seconds = _LiveLimit()

    def __init__(self, limit: SharedNumber) -> None:
        self.limit = limit
        super().__init__(max(limit.value, 0.001))


class _LiveQuietest(ChunkPlanner):
    """Chunks cut at the quietest moment near the shared limit (no speech found)."""

    max_seconds = _LiveLimit()

    def __init__(self, limit: SharedNumber) -> None:
        self.limit = limit
        super().__init__(max(limit.value, 0.001))


def planner(limit: SharedNumber, pauses: bool = True) -> ChunkPlanner:
    """The planner of both paths (worker processes and one thread), so that both cut a
    file into the same chunks: at pauses, or (``pauses`` False) at quiet moments only."""
    return _Live(limit) if pauses else _LiveQuietest(limit)


class _ParentGone(Exception):
    pass


def _put(out: Putter, message: tuple[Any, ...] | None) -> None:
    """Wait for room in the outbox, but not for a program that is gone (killed)."""
    while True:
        try:
            out.put(message, True, PARENT_CHECK_S)
            return
        except queue.Full:
            parent = multiprocessing.parent_process()
            if parent is not None and not parent.is_alive():
                raise _ParentGone() from None


def _seconds(message: tuple[Any, ...] | None) -> float:
    if message is not None and message[0] == "chunk":
        return float(message[1].size) / SAMPLE_RATE
    return 0.0


class _Outbox:
    """Messages for the main process, sent in order by a thread of their own. The decoder
    may run ahead by ``ahead`` chunks, or by ``ahead_seconds`` of audio if that is more: a
    few long chunks (minutes of quiet) are then ready as soon as the short ones before them
    have left, while memory stays bounded (seconds of FLAC are kilobytes)."""

    def __init__(self, pipe: Connection, ahead: int, ahead_seconds: float = 0.0) -> None:
        self._ahead = max(1, ahead)
        self._ahead_seconds = ahead_seconds
        self._waiting: collections.deque[tuple[Any, ...] | None] = collections.deque()
        self._seconds = 0.0  # of audio waiting or being sent
        self._changed = threading.Condition()
        self.broken = False
        self._sender = threading.Thread(target=self._send_all, args=(pipe,),
                                        name="desktop-asr-decoder-send", daemon=True)
        self._sender.start()

    def _room(self) -> bool:
        return (self.broken or len(self._waiting) < self._ahead
                or self._seconds < self._ahead_seconds)

    def put(self, message: tuple[Any, ...] | None, block: bool = True,
            timeout: float | None = None) -> None:
        """Queue ``message``, waiting up to ``timeout`` for room (queue.Full after that)."""
        with self._changed:
            if not self._changed.wait_for(self._room, timeout if block else 0):
                raise queue.Full
            if self.broken:
                raise _ParentGone()
            self._waiting.append(message)
            self._seconds += _seconds(message)
            self._changed.notify_all()

    def _send_all(self, pipe: Connection) -> None:
        """The messages into the pipe, in order, until None (or until nobody reads the
        pipe any more: the main process closed its end, it stopped this file)."""
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: bool(self._waiting))
                    message = self._waiting[0]
                if message is None:
                    return
                pipe.send(message)
                with self._changed:
                    self._waiting.popleft()
                    self._seconds -= _seconds(message)
                    self._changed.notify_all()
        except OSError:
            with self._changed:
                self.broken = True
                self._waiting.clear()
                self._changed.notify_all()  # free a decoder waiting for room
        finally:
            pipe.close()

    def close(self) -> None:
        """Send what waits, then close the pipe (the main process reads its end)."""
        try:
            _put(self, None)
        except _ParentGone:  # nobody reads: the sender has stopped, or stops at once
            return
        self._sender.join()


def lower_priority(niceness: int) -> None:
    """A worker's first step: it yields the cores to the app's own threads (the UI)."""
    if niceness > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness)


def decode_file(path: str, limit: SharedNumber, pipe: Connection, ahead: int,
                niceness: int = 0, pauses: bool = True, fmt: str = "flac") -> None:
    """Run in a decoder process: send ("chunk", ChunkInfo, its encoding in ``fmt``) for
    every chunk (its speech included), then ("end", total_samples), or ("error", class name,
    message, details, code, params), through ``pipe``, at most ``ahead`` chunks or
    AHEAD_SECONDS of audio waiting."""
    lower_priority(niceness)
    outbox = _Outbox(pipe, ahead, AHEAD_SECONDS)
    try:
        prepare_file(path, limit, outbox, pauses, fmt)
    finally:
        outbox.close()


def prepare_file(path: str, limit: SharedNumber, out: Putter, pauses: bool = True,
                 fmt: str = "flac") -> None:
    """Put ("chunk", ChunkInfo, encoding) for every chunk of ``path``, then ("end",
    total_samples), or ("error", ...) (see ``decode_file``)."""
    try:
        try:
            total = 0
            chunks = planner(limit, pauses).chunks(audio.decode_pcm(path, BLOCK_SECONDS))
            for chunk in chunks:
                total += chunk.samples.size
                # Big frames into the encoder: nothing waits on this process's interpreter.
                payload = audio.encode(chunk.padded(), fmt, block=audio.ENCODE_BLOCK_WORKER)
                _put(out, ("chunk", chunk.info, payload))
            _put(out, ("end", total))
        except AsrError as exc:
            _put(out, ("error", type(exc).__name__, exc.message, exc.details, exc.code,
                       exc.params))
        except _ParentGone:
            raise
        except Exception as exc:  # a bug or an FFmpeg surprise: reported in words
            _put(out, ("error", "AsrError",
                       f"Reading the audio failed: {type(exc).__name__}", str(exc)))
    except _ParentGone:
        return

