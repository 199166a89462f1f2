"""The main window: record, drop files, watch the queue, read and save the transcript,
search the history. It only arranges widgets and forwards to the controller."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon
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
from desktop_asr.errors import AsrError
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.ui.controller import AppController
from desktop_asr.ui.transcript.wiring import TranscriptWiring
from desktop_asr.ui.transcription_queue import QueueItem
from desktop_asr.ui.widgets.drop_zone import DropZone
from desktop_asr.ui.widgets.error_details import show_error
from desktop_asr.ui.widgets.history_panel import HistoryPanel
from desktop_asr.ui.widgets.queue_view import QueueView
from desktop_asr.ui.widgets.record_panel import DeviceLister, RecordPanel
from desktop_asr.ui.widgets.transcript_view import TranscriptView


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

    def show_message(self, message: str, details: str = "") -> None:
        self.message.setText(message)
        self._details = details
        self.details_button.setVisible(bool(details))
        self.show()


class MainWindow(QMainWindow):
    profilesRequested = Signal()
    vocabularyRequested = Signal()
    settingsRequested = Signal()

    def __init__(self, controller: AppController, *, keep_running_in_tray: bool = False,
                 devices: DeviceLister | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.keep_running_in_tray = keep_running_in_tray
        self.setWindowTitle("desktop-asr")
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
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Profile:")))
        bar.addWidget(self.profile_box)
        bar.addWidget(self.profiles_button)
        bar.addStretch(1)
        bar.addWidget(self.vocabulary_button)
        bar.addWidget(self.settings_button)

        self.banner = ErrorBanner()
        self.record_panel = RecordPanel(controller, devices=devices)
        self.drop_zone = DropZone()
        self.drop_zone.sourcesDropped.connect(controller.transcribe_paths)
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

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        controller.errorRaised.connect(self.banner.show_message)
        controller.transcriptReady.connect(self._transcript_ready)
        controller.storesChanged.connect(self.refresh_profiles)
        if self.history_panel is not None:
            controller.historyChanged.connect(self.history_panel.refresh)
        self.refresh_profiles()

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
        self.tabs.setCurrentWidget(self.transcript_view)
        if self.history_panel is not None:
            self.history_panel.refresh()

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
            self.banner.show_message(str(exc), exc.details)
            return
        self.transcript_view.show_entry(entry)
        self.tabs.setCurrentWidget(self.transcript_view)

    def _entry_deleted(self, entry_id: int) -> None:
        if self.transcript_view.entry_id() == entry_id:
            self.transcript_view.clear()

    def _text_edited(self, entry_id: int, text: str) -> None:
        history = self.controller.history
        if history is None or entry_id is None:
            return
        try:
            history.update_text(entry_id, text)
        except AsrError as exc:
            self.banner.show_message(str(exc), exc.details)

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
