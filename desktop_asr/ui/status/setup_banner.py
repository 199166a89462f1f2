"""The banner the window shows while no server is set up: what is missing, and one button
that opens the set-up dialog. Record and drops stay disabled until a server exists."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class SetupBanner(QWidget):
    setupRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupBanner")
        self.message = QLabel(self.tr(
            "No server set up yet. desktop-asr sends your recordings and files to your own "
            "speech recognition server: set it up to start."))
        self.message.setWordWrap(True)
        bold = QFont(self.message.font())
        bold.setBold(True)
        self.message.setFont(bold)
        self.button = QPushButton(self.tr("Set up…"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.setupRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 8)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.button)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#setupBanner { background: palette(alternate-base); "
                           "border: 1px solid #a15c00; border-radius: 4px; }")
