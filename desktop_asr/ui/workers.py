"""The one way the UI runs work off the UI thread.

``run_in_background(fn, finished=..., failed=...)`` calls ``fn`` on a pool thread; the
callbacks run on the UI thread: ``finished(result)``, ``failed(message, details)`` or
``cancelled()``. ``fn`` may
be a coroutine function: it then runs in an event loop of its own on that thread. Errors
the core raises on purpose (AsrError) carry their message in words; anything else becomes
"Unexpected error" with the traceback only in ``details``, for a Details expander.

Cancellation is cooperative: work that can stop early (a TranscriptionJob) is cancelled by
the caller through its own ``cancel()``; a thread is never terminated.
"""

from __future__ import annotations

import asyncio
import inspect
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop_asr.errors import AsrError, CancelledError, scrub
from desktop_asr.ui.status.error_text import error_words


class Task(QObject):
    """Signals of one background call; they are delivered on the thread the Task lives in
    (the UI thread when created there)."""

    finished = Signal(object)  # the result
    failed = Signal(str, str)  # message in words, details
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.done = False


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], task: Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._task = task

    def run(self) -> None:
        task = self._task
        try:
            result = self._fn()
            if inspect.iscoroutine(result):
                result = asyncio.run(result)
        except CancelledError:
            task.done = True
            task.cancelled.emit()
        except AsrError as exc:
            task.done = True
            task.failed.emit(*error_words(exc))
        except Exception as exc:  # a bug: words for the user, the traceback for Details
            task.done = True
            task.failed.emit(
                scrub(f"Unexpected error: {exc.__class__.__name__}: {exc}"),
                scrub(traceback.format_exc()))
        else:
            task.done = True
            task.finished.emit(result)


_tasks: set[Task] = set()  # keeps each Task alive until its work has ended


def run_in_background(fn: Callable[[], Any], *,
                      finished: Callable[[Any], Any] | None = None,
                      failed: Callable[[str, str], Any] | None = None,
                      cancelled: Callable[[], Any] | None = None,
                      pool: QThreadPool | None = None,
                      parent: QObject | None = None) -> Task:
    """Run ``fn()`` (or the coroutine it returns) on ``pool`` (the global pool by default).

    The callbacks are connected before the work starts, so none can be missed; they run on
    this (the UI) thread. Connecting to the returned Task later may miss a fast result.
    """
    task = Task(parent)
    _tasks.add(task)
    for signal, slot in ((task.finished, finished), (task.failed, failed),
                         (task.cancelled, cancelled)):
        if slot is not None:
            signal.connect(slot)

    def forget(*_: object) -> None:
        _tasks.discard(task)

    task.finished.connect(forget)
    task.failed.connect(forget)
    task.cancelled.connect(forget)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, task))
    return task
