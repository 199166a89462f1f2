"""The background-work primitive: results, errors in words and cancellation arrive on the UI
thread, never from the worker thread."""

from __future__ import annotations

import threading

from desktop_asr.errors import CancelledError, ServerUnreachableError
from desktop_asr.ui.workers import run_in_background


def test_the_result_arrives_on_the_ui_thread(qtbot):
    ui_thread = threading.get_ident()
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 6 * 7

    run_in_background(work, finished=lambda result: seen.update(
        result=result, slot=threading.get_ident()))
    qtbot.waitUntil(lambda: "slot" in seen)
    assert seen["result"] == 42
    assert seen["worker"] != ui_thread
    assert seen["slot"] == ui_thread


def test_a_coroutine_runs_in_its_own_event_loop(qtbot):
    async def work():
        return "from a coroutine"

    results = []
    run_in_background(work, finished=results.append)
    qtbot.waitUntil(lambda: results == ["from a coroutine"])


def test_errors_arrive_in_words_with_details(qtbot):
    def refused():
        raise ServerUnreachableError("Server unreachable at 10.0.0.5:30101: connection "
                                     "refused.", details="[Errno 111]")

    errors = []
    run_in_background(refused, failed=lambda *args: errors.append(list(args)))
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert errors[0] == ["Server unreachable at 10.0.0.5:30101: connection refused.",
                            "[Errno 111]"]

    def bug():
        return {}["missing"]

    run_in_background(bug, failed=lambda *args: errors.append(list(args)))
    qtbot.waitUntil(lambda: len(errors) == 2)
    message, details = errors[1]
    assert message == "Unexpected error: KeyError: 'missing'"
    assert "Traceback" not in message
    assert "Traceback" in details


def test_cancellation_is_its_own_signal(qtbot):
    def cancelled():
        raise CancelledError("Cancelled.")

    seen = []
    task = run_in_background(cancelled, cancelled=lambda: seen.append("cancelled"),
                             failed=lambda *a: seen.append("failed"))
    qtbot.waitUntil(lambda: seen == ["cancelled"])
    assert task.done
