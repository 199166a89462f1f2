"""The app's queue of transcriptions: dropped files, URLs and recordings, run off the UI
thread on one asyncio loop, each kept in the history from the moment it starts.

An item whose server could not be reached (down, timing out, overloaded) stays *waiting*:
its history entry stays pending, and it is retried by itself with growing pauses (and at
once with Retry, or when the app starts again). Errors that waiting cannot mend (a
rejected key, a corrupt file) end the item as failed. The user's Cancel is final (the
entry is marked cancelled, never resumed); items the app's shutdown interrupts stay
pending, for the next start. After each transcript the history's retention is applied
(retention "none" deletes the recording's audio at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_asr.engine.chunk_results import ChunkResults
from desktop_asr.engine.pipeline import processes
from desktop_asr.engine.pipeline.dispatch import SharedDispatchers
from desktop_asr.engine.transcribe import JobEvent, JobProgress, PartialText, TranscriptionJob
from desktop_asr.errors import AsrError, CancelledError
from desktop_asr.stores.chunk_progress import ChunkProgressStore
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.run_plan import RunPlan
from desktop_asr.text.transcript import Transcript
from desktop_asr.ui.status.error_text import error_words

QUEUED, RUNNING, WAITING, DONE, FAILED, CANCELLED = (
    "queued", "running", "waiting", "done", "failed", "cancelled")
RETRY_DELAYS = (5.0, 10.0, 20.0, 40.0, 60.0)  # seconds before retries of a waiting item
PARALLEL = 8  # items at once: their requests share one budget, so short files keep it full


@dataclass(frozen=True)
class QueueItem:
    """A snapshot of one item; the queue sends a new one with every change."""

    id: int
    source: str  # what is transcribed: a path or an http(s) URL
    label: str  # what the history and the window call it
    kind: str  # "file" | "url" | "recording"
    profile: str | None = None  # None: the default profile when it starts
    status: str = QUEUED
    progress: float | None = None  # 0..1 when known
    error: str = ""
    details: str = ""
    history_id: int | None = None
    audio_path: Path | None = None  # a recording's file
    transcript: Transcript | None = None
    attempts: int = 0
    recovered: bool = False  # a recording of an earlier run that ended unexpectedly
    retry_at: float | None = None  # WAITING: when the next try starts (time.monotonic())
    chunks_done: int = 0  # of this item's requests (chunks), finished
    chunks_total: int | None = None  # None while the file is still being cut
    error_code: str = ""  # what went wrong (AsrError.code): some errors no retry can mend
    finished_at: float | None = None  # DONE: when (time.monotonic()), for "Done in 4 s"
    started_at: float | None = None  # RUNNING: when the first try started (monotonic)

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED, CANCELLED)


PlanFactory = Callable[[str | None], RunPlan]  # profile name (None: default) -> plan


class TranscriptionQueue(QObject):
    """Runs items ``parallel`` at a time. Signals arrive on the UI thread."""

    itemAdded = Signal(object)  # QueueItem
    itemChanged = Signal(object)  # QueueItem
    itemFinished = Signal(object)  # QueueItem (done, failed or cancelled)
    partialText = Signal(int, int, str)  # item id, chunk index, the chunk's text so far
    segmentsReady = Signal(int, object)  # item id, a finished chunk's timed segments (tuple)
    _scheduleTimer = Signal(int, float)  # from the loop thread to the UI thread

    def __init__(self, plan_for: PlanFactory, history: HistoryStore | None, *,
                 parallel: int = PARALLEL, retry_delays: tuple[float, ...] = RETRY_DELAYS,
                 chunk_progress: ChunkProgressStore | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan_for = plan_for
        self._history = history
        # Chunks already transcribed: a try after a failure sends only the others, also
        # after a restart (kept beside the history).
        self._kept: dict[int, ChunkResults] = {}
        self._kept_counts: dict[int, int] = {}
        self._progress_store = chunk_progress if chunk_progress is not None else (
            ChunkProgressStore(history.path.parent / "partial") if history is not None
            else None)
        self._retry_delays = retry_delays
        self._ids = itertools.count(1)
        self._items: dict[int, QueueItem] = {}
        self._jobs: dict[int, TranscriptionJob] = {}
        self._futures: dict[int, object] = {}
        self._timers: dict[int, QTimer] = {}
        self._cancelled_by_user: set[int] = set()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="transcription-queue", daemon=True)
        self._thread.start()
        self._closing = False
        self._slots = asyncio.Semaphore(parallel)
        processes.shared(processes.WORKER_NICENESS_WITH_UI)  # the UI first, then the audio
        self._dispatchers = SharedDispatchers()
        self._scheduleTimer.connect(self._arm_retry)

    # --- adding and controlling -----------------------------------------------------------
    def add(self, source: str, *, kind: str = "", label: str = "", profile: str | None = None,
            audio_path: Path | None = None, history_id: int | None = None,
            recovered: bool = False) -> QueueItem:
        if not kind:
            kind = "url" if source.lower().startswith(("http://", "https://")) else "file"
        if not label:
            label = source if kind != "file" else str(Path(source).absolute())
        item = QueueItem(next(self._ids), source, label, kind, profile,
                         audio_path=audio_path, history_id=history_id, recovered=recovered)
        self._set(item, announce=False)
        self.itemAdded.emit(item)
        self._start(item)
        return item

    def items(self) -> list[QueueItem]:
        with self._lock:
            return list(self._items.values())

    def item(self, item_id: int) -> QueueItem:
        with self._lock:
            return self._items[item_id]

    def active_count(self) -> int:
        return sum(not i.finished for i in self.items())

    def cancel(self, item_id: int) -> None:
        """The user's cancel: final (the history entry is marked cancelled)."""
        item = self.item(item_id)
        if item.finished:
            return
        self._cancelled_by_user.add(item_id)
        timer = self._timers.pop(item_id, None)
        if timer is not None:
            timer.stop()
        job = self._jobs.get(item_id)
        if job is not None:
            job.cancel()
        future = self._futures.get(item_id)
        if future is not None:
            self._loop.call_soon_threadsafe(future.cancel)  # type: ignore[attr-defined]
        if item.status in (QUEUED, WAITING) or job is None:
            self._end_cancelled(item_id)

    def retry(self, item_id: int) -> None:
        """Try a waiting or failed item again now."""
        item = self.item(item_id)
        if item.status not in (WAITING, FAILED):
            return
        timer = self._timers.pop(item_id, None)
        if timer is not None:
            timer.stop()
        # A waiting item keeps what it reached: only its missing chunks are sent.
        item = replace(item, status=QUEUED, retry_at=None,
                       progress=item.progress if item.status == WAITING else None)
        self._set(item)
        self._start(item)

    def retry_waiting(self) -> None:
        for item in self.items():
            if item.status == WAITING:
                self.retry(item.id)

    def shutdown(self) -> None:
        """Cancel what runs, wait for it to wind down, and stop the loop (the app is
        quitting). Pending history entries stay pending, to be retried at the next start."""
        if not self._thread.is_alive():
            return
        self._closing = True
        for timer in self._timers.values():
            timer.stop()
        for job in list(self._jobs.values()):
            job.cancel()

        async def drain() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):  # a loop that cannot drain is stopped anyway
            asyncio.run_coroutine_threadsafe(drain(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # --- running (on the loop thread) -----------------------------------------------------
    def _start(self, item: QueueItem) -> None:
        if self._closing:
            self._end_cancelled(item.id)
            return
        future = asyncio.run_coroutine_threadsafe(self._run(item.id), self._loop)
        self._futures[item.id] = future

    async def _run(self, item_id: int) -> None:
        try:
            async with self._slots:
                await self._transcribe(item_id)
        except asyncio.CancelledError:
            self._end_cancelled(item_id)
        finally:
            self._jobs.pop(item_id, None)

    async def _transcribe(self, item_id: int) -> None:
        item = self.item(item_id)
        if item.finished:
            return
        item = replace(item, status=RUNNING, error="", details="", retry_at=None,
                       attempts=item.attempts + 1, error_code="",
                       started_at=item.started_at or time.monotonic())  # progress is kept
        self._set(item)
        try:
            plan = self._plan_for(item.profile)
            job = TranscriptionJob(item.source, plan.settings,
                                   listener=lambda event: self._on_event(item_id, event),
                                   resume=self._kept_chunks(item))
            self._jobs[item_id] = job
            await asyncio.to_thread(job.prepare)  # a file that is not audio ends here
            item = self._remember(item_id, plan)
            # The requests of the items running with the same servers share one budget.
            async with self._dispatchers.using(plan.configs, plan.settings.concurrency,
                                               owner=plan.profile_name) as client:
                transcript = await job.run(client)
        except CancelledError:
            self._end_cancelled(item_id)
            return
        except AsrError as exc:
            self._failed(item_id, exc)
            return
        except Exception as exc:  # a bug: still an ended item, in words
            self._failed(item_id, AsrError(f"Unexpected error: {exc.__class__.__name__}: "
                                           f"{exc}", details=repr(exc)))
            return
        item = self.item(item_id)
        if self._history is not None and item.history_id is not None:
            try:
                self._history.mark_done(item.history_id, transcript, profile=item.profile)
            except AsrError as exc:
                item = replace(item, details=f"Not kept in the history: {exc}")
        if self._history is not None:
            try:  # "delete recordings once transcribed": this one's audio goes now
                self._history.apply_retention()
            except AsrError as exc:
                item = replace(item, details=str(exc))
        item = replace(item, status=DONE, progress=1.0, transcript=transcript,
                       finished_at=time.monotonic())
        self._forget_chunks(item)
        self._set(item)
        self.itemFinished.emit(item)

    def _remember(self, item_id: int, plan: RunPlan) -> QueueItem:
        """The profile really used, and a pending history entry before anything is sent
        (none for an item cancelled meanwhile: CancelledError)."""
        item = self._change(item_id, profile=plan.profile_name)
        if self._history is not None and item.history_id is None:
            try:
                entry_id = self._history.add_pending(item.label, item.kind, item.profile,
                                                     audio_path=item.audio_path)
            except AsrError as exc:
                return self._change(item_id, details=f"Not kept in the history: {exc}")
            try:
                item = self._change(item_id, history_id=entry_id)
            except CancelledError:
                if item_id in self._cancelled_by_user:
                    with contextlib.suppress(AsrError):
                        self._history.mark_cancelled(entry_id)
                raise
        return item

    def _change(self, item_id: int, **changes: object) -> QueueItem:
        """Change an item that has not ended (CancelledError if it has: the user's cancel
        ended it on the UI thread meanwhile)."""
        with self._lock:
            item = self._items[item_id]
            if item.finished:
                raise CancelledError("cancelled")
            item = replace(item, **changes)  # type: ignore[arg-type]
            self._items[item_id] = item
        self.itemChanged.emit(item)
        return item

    def _failed(self, item_id: int, exc: AsrError) -> None:
        if self._closing:  # quitting: the entry stays pending for the next start
            self._end_cancelled(item_id)
            return
        item = self.item(item_id)
        if exc.retryable and item.attempts <= len(self._retry_delays) + 1:
            # The server may be back soon: wait, retry, keep the entry pending.
            delay = self._retry_delays[min(item.attempts, len(self._retry_delays)) - 1]
            error, details = error_words(exc)
            item = replace(item, status=WAITING, error=error, details=details,
                           error_code=exc.code, retry_at=time.monotonic() + delay)
            self._set(item)
            self._schedule_retry(item_id, delay)
            return
        if self._history is not None and item.history_id is not None:
            with contextlib.suppress(AsrError):  # the item shows the failure anyway
                self._history.mark_failed(item.history_id, error_words(exc)[0])
        error, details = error_words(exc)
        item = replace(item, status=FAILED, error=error, details=details, error_code=exc.code)
        self._forget_chunks(item)
        self._set(item)
        self.itemFinished.emit(item)

    def _schedule_retry(self, item_id: int, delay: float) -> None:
        # Timers live on the UI thread: hop there through a queued signal.
        self._scheduleTimer.emit(item_id, delay)

    def _arm_retry(self, item_id: int, delay: float) -> None:
        if self._closing or self.item(item_id).status != WAITING:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self.retry(item_id))
        self._timers[item_id] = timer
        timer.start(int(delay * 1000))

    def _end_cancelled(self, item_id: int) -> None:
        """Cancelled by the user (final: the entry is marked cancelled), or interrupted
        by the shutdown (the entry stays pending, resumed at the next start)."""
        with self._lock:
            item = self._items[item_id]
            if item.finished:
                return
            item = replace(item, status=CANCELLED, progress=None)
            self._items[item_id] = item
        if (item_id in self._cancelled_by_user and self._history is not None
                and item.history_id is not None):
            with contextlib.suppress(AsrError):  # the item shows it was cancelled anyway
                self._history.mark_cancelled(item.history_id)
        if item_id in self._cancelled_by_user:  # a shutdown keeps them for the next start
            self._forget_chunks(item)
        self.itemChanged.emit(item)
        self.itemFinished.emit(item)

    # --- chunks already transcribed --------------------------------------------------------
    def _kept_chunks(self, item: QueueItem) -> ChunkResults:
        kept = self._kept.get(item.id)
        if kept is None:
            kept = ChunkResults()
            if self._progress_store is not None and item.history_id is not None:
                kept = self._progress_store.load(item.history_id)  # from an earlier run
            self._kept[item.id] = kept
            self._kept_counts[item.id] = len(kept)
        return kept

    def _keep_chunks(self, item_id: int) -> None:
        """A chunk finished: keep it on disk too, for a try after a restart."""
        kept, item = self._kept.get(item_id), self.item(item_id)
        if (kept is None or len(kept) == self._kept_counts.get(item_id)
                or self._progress_store is None or item.history_id is None):
            return
        self._kept_counts[item_id] = len(kept)
        with contextlib.suppress(AsrError):  # at worst those chunks are sent again
            self._progress_store.save(item.history_id, kept)

    def _forget_chunks(self, item: QueueItem) -> None:
        self._kept.pop(item.id, None)
        self._kept_counts.pop(item.id, None)
        if self._progress_store is not None and item.history_id is not None:
            self._progress_store.discard(item.history_id)

    def _on_event(self, item_id: int, event: JobEvent) -> None:
        if isinstance(event, JobProgress):
            self._keep_chunks(item_id)
            item = self.item(item_id)
            fraction = None
            if event.seconds_total:
                fraction = min(1.0, event.seconds_done / event.seconds_total)
            self._set(replace(item, progress=fraction, chunks_done=event.chunks_done,
                              chunks_total=event.chunks_total))
        elif isinstance(event, PartialText):
            self.partialText.emit(item_id, event.chunk_index, event.text)
            if event.done and event.segments:
                self.segmentsReady.emit(item_id, event.segments)

    def _set(self, item: QueueItem, *, announce: bool = True) -> None:
        with self._lock:
            self._items[item.id] = item
        if announce:
            self.itemChanged.emit(item)
