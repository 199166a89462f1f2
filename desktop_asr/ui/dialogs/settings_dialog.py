"""The app's settings: input device, auto-copy, auto-save, how long recordings are kept,
start at login, interface language, notifications, recent transcripts in the tray menu.

OK saves through AppSettingsStore (retention through HistoryStore.set_retention, applied at
once; start at login through Autostart) and emits ``settingsChanged(AppSettings)``; anything
that fails is said in words and the dialog stays open. The input devices are listed in the
background by an injected callable (names and whether each is the system default), since
the recording layer can be missing or slow to start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.dictation.session_plan import SessionPlan
from desktop_asr.errors import AsrError, InputError
from desktop_asr.stores.app_settings import MAX_RECENT_COUNT, AppSettings, AppSettingsStore
from desktop_asr.stores.history.entry import MAX_RETENTION_DAYS, Retention
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.system.autostart import Autostart
from desktop_asr.text import export
from desktop_asr.ui.dialogs.connection_test import alive
from desktop_asr.ui.dialogs.dictation_settings import DictationSettings
from desktop_asr.ui.status.error_text import SHOWN, error_words
from desktop_asr.ui.widgets.error_details import ErrorPanel
from desktop_asr.ui.workers import Task, run_in_background

Devices = Callable[[], "list[tuple[str, bool]]"]
FolderChooser = Callable[[QWidget, str], "str | None"]


def choose_folder(parent: QWidget, current: str) -> str | None:
    return QFileDialog.getExistingDirectory(
        parent, QCoreApplication.translate("SettingsDialog", "Save transcripts in"),
        current) or None


class SettingsDialog(QDialog):
    settingsChanged = Signal(object)  # the AppSettings saved
    keysBeingEdited = Signal(bool)  # a dictation key editor has the focus

    def __init__(self, settings_store: AppSettingsStore, history: HistoryStore | None,
                 devices: Devices, autostart: Autostart | None = None,
                 parent: QWidget | None = None, *, recording_problem: str = "",
                 hotkey_problem: str = "", plan: SessionPlan | None = None,
                 choose_folder: FolderChooser = choose_folder) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings_store = settings_store
        self.history = history
        self.autostart = autostart if autostart is not None else Autostart()
        self._choose_folder = choose_folder
        self.devices_task: Task | None = None
        self._retention_loaded: Retention = Retention.ALL
        self.message = ErrorPanel()
        try:
            self.loaded = settings_store.load()
        except AsrError as exc:  # a broken file: start from the defaults, keep a copy on OK
            self.loaded = AppSettings()
            self.message.show_error(*error_words(exc))
        s = self.loaded

        # --- recording ------------------------------------------------------------------
        self.device_combo = QComboBox()
        self.device_problem = ErrorPanel()
        self._fill_devices([], s.input_device)
        recording = QGroupBox(self.tr("Recording"))
        rec_layout = QFormLayout(recording)
        rec_layout.addRow(self.tr("Input device:"), self.device_combo)
        rec_layout.addRow(self.device_problem)

        # --- transcripts ----------------------------------------------------------------
        self.auto_copy_check = QCheckBox(self.tr("Copy each transcript to the clipboard when "
                                                 "it is done"))
        self.auto_copy_check.setChecked(s.auto_copy)
        self.auto_save_check = QCheckBox(self.tr("Save each transcript in a folder:"))
        self.auto_save_check.setChecked(s.auto_save_dir is not None)
        self.auto_save_edit = QLineEdit(s.auto_save_dir or "")
        self.auto_save_button = QPushButton(self.tr("Choose..."))
        self.auto_save_button.clicked.connect(self._choose_auto_save_dir)
        self.auto_save_format = QComboBox()
        labels = {"text": self.tr("Plain text (.txt)"), "json": self.tr("JSON (.json)"),
                  "srt": self.tr("SubRip subtitles (.srt)"),
                  "vtt": self.tr("WebVTT subtitles (.vtt)"), "md": self.tr("Markdown (.md)")}
        for fmt in export.FORMATS:
            self.auto_save_format.addItem(labels.get(fmt, fmt), fmt)
        self.auto_save_format.setCurrentIndex(self.auto_save_format.findData(s.auto_save_format))
        self.auto_save_check.toggled.connect(self._auto_save_toggled)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.auto_save_edit, 1)
        folder_row.addWidget(self.auto_save_button)
        folder_row.addWidget(self.auto_save_format)
        transcripts = QGroupBox(self.tr("Transcripts"))
        tr_layout = QVBoxLayout(transcripts)
        tr_layout.addWidget(self.auto_copy_check)
        tr_layout.addWidget(self.auto_save_check)
        tr_layout.addLayout(folder_row)
        self._auto_save_toggled(self.auto_save_check.isChecked())

        # --- history --------------------------------------------------------------------
        self.retention_all = QRadioButton(self.tr("Keep all recordings"))
        self.retention_days = QRadioButton(self.tr("Keep recordings for"))
        self.retention_days_spin = QSpinBox()
        self.retention_days_spin.setRange(1, MAX_RETENTION_DAYS)
        self.retention_days_spin.setSuffix(" " + self.tr("days"))
        self.retention_days_spin.setValue(30)
        self.retention_none = QRadioButton(self.tr("Delete each recording once it is "
                                                   "transcribed"))
        self._retention_group = QButtonGroup(self)
        for radio in (self.retention_all, self.retention_days, self.retention_none):
            self._retention_group.addButton(radio)
        self.retention_note = ErrorPanel()
        history_box = QGroupBox(self.tr("Recordings in the history"))
        days_row = QHBoxLayout()
        days_row.addWidget(self.retention_days)
        days_row.addWidget(self.retention_days_spin)
        days_row.addStretch(1)
        h_layout = QVBoxLayout(history_box)
        h_layout.addWidget(self.retention_all)
        h_layout.addLayout(days_row)
        h_layout.addWidget(self.retention_none)
        h_layout.addWidget(self.retention_note)
        self._load_retention()

        # --- the app --------------------------------------------------------------------
        self.start_at_login_check = QCheckBox(self.tr("Start desktop-asr when I log in"))
        self.autostart_note = ErrorPanel()
        if self.autostart.supported:
            self.start_at_login_check.setChecked(self.autostart.is_enabled())
        else:
            self.start_at_login_check.setEnabled(False)
            self.autostart_note.show_message(self.tr(
                "Starting at login is not supported on this system; add desktop-asr to "
                "your system's startup programs yourself."), "info")
        self.language_combo = QComboBox()
        self.language_combo.addItem(self.tr("Follow the system"), "system")
        self.language_combo.addItem("English", "en")  # each language in its own words
        self.language_combo.addItem("简体中文", "zh_CN")
        self.language_combo.setCurrentIndex(self.language_combo.findData(s.interface_language))
        language_note = QLabel(self.tr("A new interface language is used after desktop-asr "
                                       "restarts."))
        language_note.setWordWrap(True)
        self.notify_check = QCheckBox(self.tr("Notify me when a transcription finishes while "
                                              "the window is hidden"))
        self.notify_check.setChecked(s.notify_when_hidden)
        self.recent_spin = QSpinBox()
        self.recent_spin.setRange(0, MAX_RECENT_COUNT)
        self.recent_spin.setValue(s.recent_count)
        app_box = QGroupBox(self.tr("Application"))
        app_layout = QFormLayout(app_box)
        app_layout.addRow(self.start_at_login_check)
        app_layout.addRow(self.autostart_note)
        app_layout.addRow(self.tr("Interface language:"), self.language_combo)
        app_layout.addRow(language_note)  # the whole width: never clipped
        app_layout.addRow(self.notify_check)
        app_layout.addRow(self.tr("Recent transcripts in the tray menu:"), self.recent_spin)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        general = QWidget()
        general_layout = QVBoxLayout(general)
        for box in (recording, transcripts, history_box, app_box):
            general_layout.addWidget(box)
        general_layout.addStretch(1)
        self.dictation = DictationSettings(s, hotkey_problem=hotkey_problem, plan=plan)
        self.dictation.keysBeingEdited.connect(self.keysBeingEdited)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self.dictation, self.tr("Dictation"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        if recording_problem:
            self._recording_unavailable(recording_problem)
        else:
            self.device_combo.setEnabled(False)  # until the devices are listed
            self.devices_task = run_in_background(devices, finished=self._devices_listed,
                                                  failed=self._devices_failed)

    # --- reading the form ---------------------------------------------------------------
    def settings(self) -> AppSettings:
        """The settings entered; InputError (in words) when something is missing."""
        folder = self.auto_save_edit.text().strip()
        if self.auto_save_check.isChecked() and not folder:
            raise InputError(self.tr("Choose the folder to save transcripts in, or turn "
                                     "saving them off."), code=SHOWN)
        problem = self.dictation.problem()
        if problem:
            self.tabs.setCurrentWidget(self.dictation)
            raise InputError(problem, code=SHOWN)
        # Fields this dialog does not show are kept as they were.
        return replace(
            self.loaded,
            **self.dictation.values(),
            input_device=self.device_combo.currentData(),
            auto_copy=self.auto_copy_check.isChecked(),
            auto_save_dir=folder if self.auto_save_check.isChecked() else None,
            auto_save_format=self.auto_save_format.currentData(),
            start_at_login=self.start_at_login_check.isChecked() and self.autostart.supported,
            interface_language=self.language_combo.currentData(),
            notify_when_hidden=self.notify_check.isChecked(),
            recent_count=self.recent_spin.value(),
        )

    def retention(self) -> Retention:
        if self.retention_none.isChecked():
            return Retention.NONE
        if self.retention_days.isChecked():
            return Retention(self.retention_days_spin.value())
        return Retention.ALL

    # --- OK -----------------------------------------------------------------------------
    def save(self) -> bool:
        """Apply and save everything, then close; False (the reason shown) otherwise."""
        try:
            settings = self.settings()
            if self.autostart.supported and \
                    settings.start_at_login != self.autostart.is_enabled():
                if settings.start_at_login:
                    self.autostart.enable()
                else:
                    self.autostart.disable()
            if self.history is not None and self.retention() != self._retention_loaded:
                self.history.set_retention(self.retention())
                self.history.apply_retention()  # takes effect now, not at the next start
                self._retention_loaded = self.retention()
            self.settings_store.save(settings)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return False
        except OSError as exc:
            self.message.show_error(self.tr("The settings could not be saved in {0}: {1}").format(
                self.settings_store.path, exc.strerror or exc))
            return False
        self.loaded = settings
        self.settingsChanged.emit(settings)
        self.accept()
        return True

    # --- inside -------------------------------------------------------------------------
    def _load_retention(self) -> None:
        if self.history is None:
            for widget in (self.retention_all, self.retention_days, self.retention_days_spin,
                           self.retention_none):
                widget.setEnabled(False)
            self.retention_note.show_message(self.tr("The history is not available, so this "
                                                     "cannot be changed now."), "info")
            self.retention_all.setChecked(True)
            return
        try:
            self._retention_loaded = self.history.get_retention()
        except AsrError as exc:
            self.retention_note.show_error(*error_words(exc))
        days = self._retention_loaded.days
        if days is None:
            self.retention_all.setChecked(True)
        elif days == 0:
            self.retention_none.setChecked(True)
        else:
            self.retention_days.setChecked(True)
            self.retention_days_spin.setValue(days)

    def _fill_devices(self, devices: list[tuple[str, bool]], selected: str | None) -> None:
        combo = self.device_combo
        combo.clear()
        combo.addItem(self.tr("System default"), None)
        names = [name for name, _ in devices]
        for name, is_default in devices:
            combo.addItem(self.tr("{0} (the system default)").format(name) if is_default
                          else name, name)
        if selected is not None and selected not in names:  # unplugged, or not listed yet
            combo.addItem(self.tr("{0} (not connected)").format(selected), selected)
        combo.setCurrentIndex(max(combo.findData(selected), 0) if selected else 0)

    def _devices_listed(self, devices: Any) -> None:
        if not alive(self):
            return
        chosen = self.device_combo.currentData()
        self._fill_devices(list(devices), chosen)
        self.device_combo.setEnabled(True)
        if not devices:
            self.device_problem.show_message(self.tr(
                "No microphone or other input device was found."), "warning")

    def _devices_failed(self, message: str, details: str) -> None:
        if alive(self):
            self._recording_unavailable(message, details)

    def _recording_unavailable(self, reason: str, details: str = "") -> None:
        self.device_combo.setEnabled(False)
        # ``reason`` is a whole sentence ("Recording is unavailable: ...").
        self.device_problem.show_message(reason, "warning", details)

    def _auto_save_toggled(self, on: bool) -> None:
        for widget in (self.auto_save_edit, self.auto_save_button, self.auto_save_format):
            widget.setEnabled(on)

    def _choose_auto_save_dir(self) -> None:
        folder = self._choose_folder(self, self.auto_save_edit.text())
        if folder:
            self.auto_save_edit.setText(folder)
