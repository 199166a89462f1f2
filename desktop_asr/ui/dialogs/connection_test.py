""""Test connection" and "Fetch models" for the profile and first-run dialogs: the work runs
in the background (run_in_background) and the result is shown in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop_asr.engine.client import AsrClient, ServerConfig
from desktop_asr.engine.connection_check import ConnectionReport, check_config, check_connection
from desktop_asr.errors import AsrError, scrub
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.widgets.error_details import ErrorPanel
from desktop_asr.ui.workers import Task, run_in_background


@dataclass(frozen=True)
class CheckRequest:
    """What to test: the server (with its key) and the profile's model, style, language;
    ``note`` is said with the result (e.g. that a stored key was not sent)."""

    config: ServerConfig
    model: str | None
    api_style: str
    language: str
    note: str = ""


def report_text(report: ConnectionReport) -> str:
    """"Connected: serves qwen3-asr; a 1-second test tone took 0.21 s." """
    return QCoreApplication.translate(
        "ConnectionTest", "Connected: serves {0}; a 1-second test tone took {1} s.").format(
        ", ".join(report.models), f"{report.round_trip_seconds:.2f}")


async def fetch_models(config: ServerConfig) -> list[str]:
    """The models the server lists (GET /v1/models), asked once with short timeouts."""
    async with AsrClient(check_config(config)) as client:
        return await client.list_models()


def alive(widget: QWidget) -> bool:
    """Whether the widget still exists (a background result may arrive after it closed)."""
    return shiboken6.isValid(widget)


class ConnectionTestPanel(QWidget):
    """A "Test connection" button and the result in words below it. ``prepare`` gives what
    to test, or raises AsrError (e.g. a field is wrong), shown instead."""

    finished = Signal(bool)  # whether the server answered as it should
    modelsFound = Signal(list)  # the models the server listed (on success)

    def __init__(self, prepare: Callable[[], CheckRequest], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._prepare = prepare
        self.task: Task | None = None
        self._note = ""
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.start)
        self.result = ErrorPanel()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.result)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done

    def start(self) -> None:
        if self.running:
            return
        try:
            request = self._prepare()
        except AsrError as exc:
            self.result.show_error(*error_words(exc))
            self.finished.emit(False)
            return
        self.test_button.setEnabled(False)
        self._note = request.note
        self.result.show_message(self.tr("Testing the connection to {0}...").format(
            request.config.base_url))
        self.task = run_in_background(
            lambda: check_connection(request.config, model=request.model,
                                     api_style=request.api_style, language=request.language),
            finished=self._succeeded, failed=self._failed)

    def _succeeded(self, report: Any) -> None:
        if not alive(self):
            return
        self.test_button.setEnabled(True)
        self.result.show_message(f"{report_text(report)} {self._note}".strip(),
                                 "warning" if self._note else "success")
        self.modelsFound.emit(list(report.models))
        self.finished.emit(True)

    def _failed(self, message: str, details: str) -> None:
        if not alive(self):
            return
        self.test_button.setEnabled(True)  # an unexpected error's text is scrubbed too
        self.result.show_error(scrub(f"{message} {self._note}".strip()), scrub(details))
        self.finished.emit(False)
