"""Record: the button, the elapsed time, the live level and the input device."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.ui.controller import RECORDING, AppController
from desktop_asr.ui.widgets.level_meter import LevelMeter
from desktop_asr.ui.workers import run_in_background

DeviceLister = Callable[[], list[tuple[str, bool]]]  # (name, is the system default)


def format_elapsed(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class RecordPanel(QWidget):
    """``devices`` lists the input devices (it may block: it runs off the UI thread); the
    choice is saved in the app settings and used by the next recording."""

    def __init__(self, controller: AppController, parent: QWidget | None = None, *,
                 devices: DeviceLister | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._devices = devices
        self.server_ready = True  # False: no server set up, nothing can be sent
        self.button = QPushButton()
        self.button.setObjectName("recordButton")
        self.button.setMinimumHeight(36)
        self.button.setToolTip(self.tr("Record, then transcribe into this window (Ctrl+R)"))
        self.dictation_hint = QLabel()
        self.dictation_hint.setWordWrap(True)
        self.button.clicked.connect(controller.toggle_file_recording)
        self.elapsed = QLabel(format_elapsed(0))
        self.meter = LevelMeter()
        self.device_label = QLabel(self.tr("Input:"))
        self.device_box = QComboBox()
        self.device_box.setMinimumContentsLength(18)
        self.device_box.activated.connect(self._device_chosen)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.problem.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.button)
        top.addWidget(self.elapsed)
        top.addWidget(self.meter, 1)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device_label)
        device_row.addWidget(self.device_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(device_row)
        layout.addWidget(self.dictation_hint)
        layout.addWidget(self.problem)
        controller.stateChanged.connect(self._refresh)
        controller.recordingTick.connect(lambda s: self.elapsed.setText(format_elapsed(s)))
        controller.levelChanged.connect(self.meter.set_level)
        controller.settingsChanged.connect(lambda _s: self._fill_devices(self._names))
        controller.settingsChanged.connect(lambda _s: self._show_dictation_key())
        self._show_dictation_key()
        self._names: list[tuple[str, bool]] = []
        self._fill_devices([])
        self._refresh()
        self.refresh_devices()

    def refresh_devices(self) -> None:
        if self._devices is None or not self.controller.recording_available:
            return
        run_in_background(self._devices, finished=self._fill_devices,
                          failed=lambda message, _details: self.problem.setText(message))

    def _fill_devices(self, names: list[tuple[str, bool]]) -> None:
        self._names = list(names)
        chosen = self.controller.settings.input_device
        self.device_box.blockSignals(True)
        self.device_box.clear()
        self.device_box.addItem(self.tr("System default"), None)
        for name, _default in self._names:
            self.device_box.addItem(name, name)
        if chosen and chosen not in [n for n, _ in self._names]:
            self.device_box.addItem(self.tr("{0} (not connected)").format(chosen), chosen)
        index = self.device_box.findData(chosen) if chosen else 0
        self.device_box.setCurrentIndex(max(0, index))
        self.device_box.blockSignals(False)

    def _device_chosen(self, index: int) -> None:
        name = self.device_box.itemData(index)
        settings = self.controller.settings
        if name != settings.input_device:
            self.controller.save_settings(replace(settings, input_device=name))

    def set_server_ready(self, ready: bool) -> None:
        """Whether a server is set up (without one, Record waits for it)."""
        self.server_ready = ready
        self._refresh()

    def _show_dictation_key(self) -> None:
        key = self.controller.settings.dictation_toggle
        self.dictation_hint.setText(
            self.tr("To dictate into another app, press {0} there: the text is typed where "
                    "you are.").format(key) if key else
            self.tr("To dictate into another app, choose a dictation key in Settings."))

    def _refresh(self, _state: str = "") -> None:
        recording = self.controller.state == RECORDING
        self.button.setText(self.tr("■  Stop and transcribe") if recording
                            else self.tr("●  Record and transcribe here"))
        self.button.setStyleSheet(
            "#recordButton:enabled { color: white; background: #c62828; font-weight: bold;"
            " border-radius: 4px; padding: 4px 14px; }" if not recording else
            "#recordButton { font-weight: bold; padding: 4px 14px; }")
        available = self.controller.recording_available
        self.button.setEnabled(available and (self.server_ready or recording))
        self.device_box.setEnabled(available and not recording)
        self.device_box.setVisible(available)
        self.device_label.setVisible(available)
        self.problem.setText("" if available else self.controller.recording_problem)
        self.problem.setVisible(not available)
        if not recording:
            self.meter.reset()
            self.elapsed.setText(format_elapsed(0))  # the next recording starts at 0:00
