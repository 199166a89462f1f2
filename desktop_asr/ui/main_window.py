"""The main window: record, drop files, watch the queue, read and save the transcript,
search the history. It only arranges widgets and forwards to the controller."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr import resources
from desktop_asr.engine.pipeline import processes
from desktop_asr.errors import AsrError
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.ui.controller import AppController
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.status.server_status import ServerPill, ServerStatus
from desktop_asr.ui.status.setup_banner import SetupBanner
from desktop_asr.ui.transcript.wiring import TranscriptWiring
from desktop_asr.ui.transcription_queue import QueueItem
from desktop_asr.ui.widgets.drop_zone import DropZone
from desktop_asr.ui.widgets.error_details import show_error
from desktop_asr.ui.widgets.history_panel import HistoryPanel
from desktop_asr.ui.widgets.queue_view import QueueView
from desktop_asr.ui.widgets.record_panel import DeviceLister, RecordPanel
from desktop_asr.ui.widgets.transcript_view import TranscriptView

NOTICE_MS = 5000  # how long a notice stays


class ErrorBanner(QWidget):
    """The last error in words, with Details when there are any, and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._details = ""
        self.details_button = QPushButton(self.tr("Details…"))
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        self.details_button.clicked.connect(
            lambda: show_error(self, self.message.text(), self._details))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(self.close_button)
        self.setAutoFillBackground(True)
        self.setStyleSheet("ErrorBanner { background: palette(alternate-base); "
                           "border: 1px solid palette(mid); border-radius: 4px; }")
        self._details = ""
        self.hide()

    def show_notice(self, message: str) -> None:
        """Something to know, not an error ("Nothing heard."): shown for a few seconds."""
        self.show_message(message)
        QTimer.singleShot(NOTICE_MS, lambda: self._expire(message))

    def _expire(self, message: str) -> None:
        if self.message.text() == message and not self._details:
            self.hide()

    def show_message(self, message: str, details: str = "") -> None:
        self.message.setText(message)
        self._details = details
        self.details_button.setVisible(bool(details))
        self.show()


def warm_workers() -> None:
    """Files are on their way (dragged over the window, or being chosen): the worker
    processes that read them start now, not when the first is queued."""
    processes.shared(processes.WORKER_NICENESS_WITH_UI).warm_up()


class MainWindow(QMainWindow):
    profilesRequested = Signal()
    vocabularyRequested = Signal()
    settingsRequested = Signal()
    setupRequested = Signal()

    def __init__(self, controller: AppController, *, keep_running_in_tray: bool = False,
                 devices: DeviceLister | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.keep_running_in_tray = keep_running_in_tray
        self.setWindowTitle(self.tr("desktop-asr — Transcribe"))
        self.setWindowIcon(QIcon(str(resources.icon_path("app"))))
        self.resize(1000, 640)

        self.profile_box = QComboBox()
        self.profile_box.setMinimumContentsLength(14)
        self.profile_box.activated.connect(self._profile_chosen)
        self.profiles_button = QPushButton(self.tr("Profiles…"))
        self.vocabulary_button = QPushButton(self.tr("Vocabulary…"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.profiles_button.clicked.connect(self.profilesRequested)
        self.vocabulary_button.clicked.connect(self.vocabularyRequested)
        self.settings_button.clicked.connect(self.settingsRequested)
        profile_label = QLabel(self.tr("Default profile:"))
        why = self.tr("The server profile the app uses, and the default of the desktop-asr "
                      "command line.")
        profile_label.setToolTip(why)
        self.profile_box.setToolTip(why)
        self.server_status = ServerStatus(controller.plan_for,
                                          lambda: controller.state in ("idle", "error"),
                                          parent=self, keyless=controller.keyless_server)
        self.server_pill = ServerPill(self.server_status)
        bar = QHBoxLayout()
        bar.addWidget(profile_label)
        bar.addWidget(self.profile_box)
        bar.addWidget(self.server_pill)
        bar.addWidget(self.profiles_button)
        bar.addStretch(1)
        bar.addWidget(self.vocabulary_button)
        bar.addWidget(self.settings_button)

        self.banner = ErrorBanner()
        self.setup_banner = SetupBanner()
        self.setup_banner.setupRequested.connect(self.setupRequested)
        self.record_panel = RecordPanel(controller, devices=devices)
        self.drop_zone = DropZone()
        self.drop_zone.sourcesDropped.connect(controller.transcribe_paths)
        self.drop_zone.filesComing.connect(warm_workers)
        self.queue_view = QueueView(controller.queue)
        self.queue_view.openRequested.connect(self._open_item)
        self.clear_button = QPushButton(self.tr("Clear finished"))
        self.clear_button.clicked.connect(self.queue_view.clear_finished)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.record_panel)
        left_layout.addWidget(self.drop_zone)
        left_layout.addWidget(self.queue_view, 1)
        left_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignRight)

        self.transcript_view = TranscriptView()
        self.transcript_view.textEdited.connect(self._text_edited)
        self.transcript_view.set_clipboard = controller.copy_text
        self.transcript_wiring = TranscriptWiring(self.transcript_view, controller,
                                                  lambda words, details: self.banner
                                                  .show_message(words, details))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.transcript_view, self.tr("Transcript"))
        self.history_panel: HistoryPanel | None = None
        if controller.history is not None:
            self.history_panel = HistoryPanel(controller.history)
            self.history_panel.profile_names = controller.profile_names
            self.history_panel.openRequested.connect(self._open_entry)
            self.history_panel.rerunRequested.connect(controller.rerun)
            self.history_panel.set_clipboard = controller.copy_text
            self.history_panel.entryDeleted.connect(self._entry_deleted)
            self.tabs.addTab(self.history_panel, self.tr("History"))

        self.tabs.currentChanged.connect(self._tab_changed)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.setup_banner)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        controller.errorRaised.connect(self.banner.show_message)
        controller.noticeRaised.connect(self.banner.show_notice)
        controller.errorCleared.connect(self.banner.hide)
        controller.transcriptReady.connect(self._transcript_ready)
        controller.itemFinished.connect(self._item_finished)
        controller.storesChanged.connect(self.refresh_profiles)
        if self.history_panel is not None:
            controller.historyChanged.connect(self.history_panel.refresh)
        self._add_shortcuts()
        self.refresh_profiles()

    def _add_shortcuts(self) -> None:
        """Ctrl+O files, Ctrl+F search, Ctrl+S save, Ctrl+Shift+C copy, Ctrl+R record."""
        keys = ((QKeySequence.StandardKey.Open, self.drop_zone.choose),
                (QKeySequence.StandardKey.Find, self.search_history),
                (QKeySequence.StandardKey.Save, self.transcript_view.save_as),
                (QKeySequence("Ctrl+Shift+C"), self.transcript_view.copy),
                (QKeySequence("Ctrl+R"), self.record_panel.button.click))
        self.shortcuts = [QShortcut(QKeySequence(key), self, slot) for key, slot in keys]

    def search_history(self) -> None:
        if self.history_panel is not None:
            self.tabs.setCurrentWidget(self.history_panel)
            self.history_panel.search_box.setFocus()
            self.history_panel.search_box.selectAll()

    # --- profiles ------------------------------------------------------------------------
    def refresh_profiles(self) -> None:
        names = self.controller.profile_names()
        active = self.controller.active_profile()
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        self.profile_box.addItems(names)
        if active in names:
            self.profile_box.setCurrentIndex(names.index(active))
        self.profile_box.setEnabled(bool(names))
        self.profile_box.blockSignals(False)
        # No server yet: say so, and nothing can be sent until there is one.
        self.setup_banner.setVisible(not names)
        self.profile_box.setVisible(bool(names))
        self.record_panel.set_server_ready(bool(names))
        self.drop_zone.setEnabled(bool(names))
        current = active if active in names else None
        if current != self.server_status.profile or not names:
            self.server_status.set_profile(current)

    def _profile_chosen(self, index: int) -> None:
        name = self.profile_box.itemText(index)
        if name and name != self.controller.active_profile():
            self.controller.set_active_profile(name)

    # --- transcripts ----------------------------------------------------------------------
    def _transcript_ready(self, result: HistoryEntry | QueueItem) -> None:
        if isinstance(result, HistoryEntry):
            self.transcript_view.show_entry(result)
        elif result.transcript is not None:
            self.transcript_view.show_transcript(result.transcript, result.profile, None)
        self.banner.hide()  # a job succeeded: an earlier error is stale now
        if self.tabs.currentWidget() is not self.transcript_view:
            # The user browses elsewhere: never switch under them; the tab says it.
            self.tabs.setTabText(0, self.tr("Transcript (new)"))
        if self.history_panel is not None:
            self.history_panel.refresh()

    def _item_finished(self, item: QueueItem) -> None:
        if item.error:  # the server may be gone: the status says so at once
            self.server_status.check()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.transcript_view:
            self.tabs.setTabText(0, self.tr("Transcript"))

    def _open_item(self, item_id: int) -> None:
        item = self.controller.queue.item(item_id)
        if item.history_id is not None:
            self._open_entry(item.history_id)
        elif item.transcript is not None:
            self.transcript_view.show_transcript(item.transcript, item.profile, None)
            self.tabs.setCurrentWidget(self.transcript_view)

    def _open_entry(self, entry_id: int) -> None:
        history = self.controller.history
        if history is None:
            return
        try:
            entry = history.get(entry_id)
        except AsrError as exc:
            self.banner.show_message(*error_words(exc))
            return
        self.transcript_view.show_entry(entry)
        self.tabs.setCurrentWidget(self.transcript_view)

    def _entry_deleted(self, entry_id: int) -> None:
        self.queue_view.entry_deleted(entry_id)
        if self.transcript_view.entry_id() == entry_id:
            self.transcript_view.clear()

    def _text_edited(self, entry_id: int, text: str) -> None:
        history = self.controller.history
        if history is None or entry_id is None:
            return
        try:
            history.update_text(entry_id, text)
        except AsrError as exc:
            self.banner.show_message(*error_words(exc))

    # --- showing and hiding -----------------------------------------------------------------
    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.bring_to_front()

    def bring_to_front(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.transcript_view.flush_edits()
        if self.keep_running_in_tray:
            event.ignore()
            self.hide()
        else:
            event.accept()
            self.controller.request_quit()
