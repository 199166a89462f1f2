"""The worker processes that prepare audio: one per file being read (it decodes, cuts and
encodes), as many at a time as there are cores.

Processes, not threads: decoding, resampling and encoding hold the interpreter lock for most
of their time, so threads would share one core and stall the UI thread. Workers are never
forked from the app's process (a Qt process must not be forked): they start with
"forkserver" where it exists (a clean server process, started once, forks them with PyAV
and numpy already imported; in the Linux bundle too, whose entry point calls
``multiprocessing.freeze_support()``, where PyInstaller runs the server) and "spawn"
elsewhere.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from desktop_asr.engine.pipeline import preparing
from desktop_asr.engine.pipeline.memory import map_big_blocks

PRELOAD = ["desktop_asr.engine.pipeline.preparing"]


def start_method(platform: str = sys.platform, frozen: bool | None = None) -> str:
    """"forkserver" where it exists, "spawn" elsewhere (Windows) and in a bundle on other
    systems than Linux, where a frozen fork server has not been tried. A spawned worker
    starts a whole program (0.3 to 0.5 s of CPU a file); a fork server's is a fork."""
    if frozen is None:
        frozen = bool(getattr(sys, "frozen", False))
    if frozen and not platform.startswith("linux"):
        return "spawn"
    if "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return "spawn"


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class AudioProcesses:
    """The decoder processes of this process (one set per program: see ``shared()``).
    Thread-safe."""

    def __init__(self, workers: int | None = None, niceness: int = 0) -> None:
        map_big_blocks()  # encoded chunks pass through this process: their memory goes back
        self.workers = workers or cores()
        self.niceness = niceness  # the workers' lower priority (the app: its UI first)
        self._context: BaseContext = multiprocessing.get_context(start_method())
        if isinstance(self._context, multiprocessing.context.ForkServerContext):
            self._context.set_forkserver_preload(PRELOAD)
        self._lock = threading.Lock()
        self._decoders: set[BaseProcess] = set()
        self._warm = False

    def warm_up(self) -> None:
        """Start the fork server now (with PyAV and numpy imported in it), so that the
        first file waits for no imports; once. Nothing to do with "spawn"."""
        with self._lock:
            if self._warm:
                return
            self._warm = True
        if isinstance(self._context, multiprocessing.context.ForkServerContext):
            from multiprocessing import forkserver

            threading.Thread(target=forkserver.ensure_running, daemon=True,
                             name="desktop-asr-forkserver-start").start()

    def start_decoder(self, path: str, limit: Any, ahead: int, pauses: bool = True,
                      fmt: str = "flac") -> tuple[BaseProcess, Connection]:
        """A process decoding, cutting (at pauses, or at quiet moments only) and encoding
        ``path``; its messages come through the returned end of a pipe, at most ``ahead``
        chunks (or AHEAD_SECONDS of audio, if more) waiting at a time. The pipe's end
        reads as closed once the process is gone."""
        reader, writer = self._context.Pipe(duplex=False)
        process = self._context.Process(  # type: ignore[attr-defined]
            target=preparing.decode_file,
            args=(path, limit, writer, max(1, ahead), self.niceness, pauses, fmt),
            daemon=True,
            name="desktop-asr-decoder")
        try:
            process.start()
        except BaseException:
            reader.close()
            raise
        finally:
            writer.close()  # the process has its own: its end closes when it exits
        with self._lock:
            self._decoders = {p for p in self._decoders if p.is_alive()}
            self._decoders.add(process)
        return process, reader

    def shared_number(self, value: float) -> Any:
        return self._context.Value("d", value, lock=False)

    def shutdown(self) -> None:
        with self._lock:
            decoders, self._decoders = self._decoders, set()
        for process in decoders:
            if process.is_alive():
                process.terminate()
            process.join(timeout=2)


_shared: AudioProcesses | None = None
_shared_lock = threading.Lock()


def shared(niceness: int | None = None) -> AudioProcesses:
    """The program's worker processes, started on first use, stopped at exit. A program
    with a UI asks for them first with a ``niceness`` (WORKER_NICENESS_WITH_UI)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = AudioProcesses(niceness=niceness or 0)
            atexit.register(_shared.shutdown)
        elif niceness is not None:  # decoders started from now on
            _shared.niceness = max(_shared.niceness, niceness)
        return _shared


# The app's workers run at a lower priority than its UI: on a busy machine, preparing
# audio never takes the cores the event loop needs to answer within its 10 ms beat.
WORKER_NICENESS_WITH_UI = 10
