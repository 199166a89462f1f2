"""Whether the active profile's server answers, shown next to the profile: "● Connected ·
qwen3-asr · 45 ms", "● Unreachable — retrying". Checked at start, when the profile
changes, after a failed transcription, and every few minutes while the app is idle (sooner
after a failure). A check is GET /v1/models with short timeouts, in the background; it is
sent without an API key first, and with the profile's key (from the keyring) only when the
server asks for one."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.connection_check import check_config
from desktop_asr.errors import (
    AsrError,
    AuthenticationError,
    ModelNotFoundError,
    ServerTimeoutError,
    ServerUnreachableError,
)
from desktop_asr.stores.run_plan import RunPlan
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.workers import Task, run_in_background

NONE, CHECKING, CONNECTED, UNREACHABLE, PROBLEM = (
    "none", "checking", "connected", "unreachable", "problem")
IDLE_INTERVAL_MS = 180_000  # while all is well
RETRY_INTERVAL_MS = 30_000  # after a failed check

_COLOURS = {CONNECTED: "#2e7d32", UNREACHABLE: "#c62828", PROBLEM: "#c62828",
            CHECKING: "palette(mid)"}


@dataclass(frozen=True)
class Reachable:
    model: str
    milliseconds: int


async def ping(config: ServerConfig, model: str | None) -> Reachable:
    """List the server's models (timed); ModelNotFoundError if ``model`` is not one."""
    async with AsrClient(check_config(config)) as client:
        started = time.perf_counter()
        models = await client.list_models()
        elapsed = time.perf_counter() - started
    chosen = model or (models[0] if models else "")
    if chosen not in models:
        raise ModelNotFoundError(f"Model not found: {chosen!r}.", model=chosen,
                                 available=models, where=config.host_port)
    return Reachable(chosen, round(elapsed * 1000))


class ServerStatus(QObject):
    """The state of the active profile's server; ``changed(state, text, tooltip)``."""

    changed = Signal(str, str, str)

    def __init__(self, plan_for: Callable[[str | None], RunPlan],
                 is_idle: Callable[[], bool] = lambda: True,
                 parent: QObject | None = None, *,
                 keyless: Callable[[str | None], tuple[ServerConfig, str | None]] | None = None,
                 ) -> None:
        super().__init__(parent)
        self._plan_for = plan_for
        self._keyless = keyless
        self._is_idle = is_idle
        self.profile: str | None = None
        self.state = NONE
        self.text = ""
        self.tooltip = ""
        self.task: Task | None = None
        self._generation = 0  # a result of an earlier profile's check is dropped
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._periodic)

    def set_profile(self, profile: str | None) -> None:
        """The active profile changed (None: there is none): check it now."""
        self.profile = profile
        self.check()

    def check(self) -> None:
        self._generation += 1
        self.timer.stop()
        if self.profile is None:
            self._set(NONE, "", "")
            return
        generation = self._generation
        profile = self.profile
        if self.state not in (CONNECTED, UNREACHABLE, PROBLEM):
            self._set(CHECKING, self.tr("● Checking the server…"), "")

        plan_for, keyless = self._plan_for, self._keyless

        async def work() -> Reachable | AsrError:
            try:  # the plan may fail too (a key that cannot be read)
                if keyless is not None:
                    try:
                        return await ping(*keyless(profile))
                    except AuthenticationError:
                        pass  # a key is needed: the profile's own
                plan = plan_for(profile)
                return await ping(plan.config, plan.settings.model)
            except AsrError as exc:  # the error itself: its kind says what to show
                return exc

        self.task = run_in_background(
            work, finished=lambda result: self._ended(generation, result),
            failed=lambda message, details: self._ended(
                generation, AsrError(message, details=details)))

    def _periodic(self) -> None:
        if self._is_idle():
            self.check()
        else:
            self.timer.start(RETRY_INTERVAL_MS)

    def _ended(self, generation: int, result: object) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return  # the window closed meanwhile, or the profile changed
        if isinstance(result, Reachable):
            self._set(CONNECTED, self.tr("● Connected · {0} · {1} ms").format(
                result.model, result.milliseconds), self.tr("The server answers."))
            self.timer.start(IDLE_INTERVAL_MS)
            return
        error = result
        message = error_words(error)[0] if isinstance(error, AsrError) else ""
        if isinstance(error, (ServerUnreachableError, ServerTimeoutError)):
            self._set(UNREACHABLE, self.tr("● Unreachable — retrying"), message)
        elif isinstance(error, AuthenticationError):
            self._set(PROBLEM, self.tr("● API key rejected"), message)
        elif isinstance(error, ModelNotFoundError):
            self._set(PROBLEM, self.tr("● Model not found"), message)
        else:
            self._set(PROBLEM, self.tr("● Server problem"), message)
        self.timer.start(RETRY_INTERVAL_MS)

    def _set(self, state: str, text: str, tooltip: str) -> None:
        self.state, self.text, self.tooltip = state, text, tooltip
        self.changed.emit(state, text, tooltip)


class ServerPill(QLabel):
    """The status in a coloured line next to the profile box; hidden with no profile."""

    def __init__(self, status: ServerStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # the model's name comes from outside
        self.setObjectName("serverStatus")
        status.changed.connect(self.show_state)
        self.show_state(status.state, status.text, status.tooltip)

    def show_state(self, state: str, text: str, tooltip: str) -> None:
        self.setText(text)
        self.setToolTip(tooltip)
        colour = _COLOURS.get(state, "")
        self.setStyleSheet(f"color: {colour};" if colour else "")
        self.setVisible(state != NONE)

