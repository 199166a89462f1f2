"""A small always-on-top window while recording: a red dot, the elapsed time and the
level. It never takes the focus, so dictated text still goes to the user's window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop_asr.ui.widgets.level_meter import LevelMeter
from desktop_asr.ui.widgets.record_panel import format_elapsed


class RecordingIndicator(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint
                         | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.dot = QLabel("●")
        self.dot.setStyleSheet("color: #d32f2f;")
        self.label = QLabel(self.tr("Recording"))
        self.elapsed = QLabel(format_elapsed(0))
        self.meter = LevelMeter()
        self.meter.setFixedWidth(120)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        layout.addWidget(self.elapsed)
        layout.addWidget(self.meter)
        self.setAccessibleName(self.tr("Recording"))

    def show_recording(self) -> None:
        self.elapsed.setText(format_elapsed(0))
        self.meter.reset()
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.center().x() - self.width() // 2, area.top() + 40)
        self.show()

    def set_elapsed(self, seconds: float) -> None:
        self.elapsed.setText(format_elapsed(seconds))
