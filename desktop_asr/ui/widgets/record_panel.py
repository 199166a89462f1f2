"""Record: the button, the elapsed time, the live level and the input device."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_asr.ui.controller import RECORDING, AppController
from desktop_asr.ui.widgets.level_meter import LevelMeter


def format_elapsed(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class RecordPanel(QWidget):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.button = QPushButton()
        self.button.setMinimumHeight(36)
        self.button.clicked.connect(controller.toggle_recording)
        self.elapsed = QLabel(format_elapsed(0))
        self.meter = LevelMeter()
        self.device = QLabel()
        self.device.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.button)
        top.addWidget(self.elapsed)
        top.addWidget(self.meter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.device)
        controller.stateChanged.connect(self._refresh)
        controller.recordingTick.connect(lambda s: self.elapsed.setText(format_elapsed(s)))
        controller.levelChanged.connect(self.meter.set_level)
        controller.settingsChanged.connect(lambda _s: self._refresh())
        self._refresh()

    def _refresh(self, _state: str = "") -> None:
        recording = self.controller.state == RECORDING
        self.button.setText(self.tr("Stop and transcribe") if recording
                            else self.tr("Record"))
        available = self.controller.recording_available
        self.button.setEnabled(available)
        if not available:
            self.device.setText(self.controller.recording_problem)
        else:
            name = self.controller.settings.input_device or self.tr("the system default")
            self.device.setText(self.tr("Input: {0}").format(name))
        if not recording:
            self.meter.reset()
