"""The window `desktop-asr` shows until the full tray app lands.

It says what the app is, where file transcription is available today (the command line)
and offers a Quit button. Every user-visible string goes through tr().
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QIcon, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr import resources

APP_NAME = "desktop-asr"  # the product name is not translated
TRANSCRIBE_COMMAND = "desktop-asr transcribe FILE --server URL"


class PlaceholderWindow(QWidget):
    """A small, clean main window: name, description, how to transcribe now, Quit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resources.icon_path("app"))))

        icon = QLabel()
        icon.setPixmap(QIcon(str(resources.icon_path("app"))).pixmap(56, 56))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.title_label = QLabel(APP_NAME)
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.title_label.setFont(title_font)

        self.description_label = QLabel(
            self.tr(
                "Dictate, or drop audio and video files, and get text back from "
                "your own Qwen3-ASR server."
            )
        )
        self.description_label.setWordWrap(True)

        heading = QVBoxLayout()
        heading.setSpacing(4)
        heading.addWidget(self.title_label)
        heading.addWidget(self.description_label)

        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(icon)
        header.addLayout(heading, 1)

        self.cli_label = QLabel(self.tr("File transcription is available from the command line:"))
        self.cli_label.setWordWrap(True)

        self.command_label = QLabel(TRANSCRIBE_COMMAND)
        self.command_label.setObjectName("commandLabel")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.command_label.setFont(mono)
        self.command_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.command_label.setBackgroundRole(QPalette.ColorRole.Base)  # like a text field
        self.command_label.setAutoFillBackground(True)
        self.command_label.setMargin(8)
        self.command_label.setToolTip(self.tr("Select the command to copy it"))

        self.coming_label = QLabel(
            self.tr(
                "The full window, with recording, drag-and-drop and server profiles, "
                "is coming in a later version."
            )
        )
        self.coming_label.setWordWrap(True)

        self.quit_button = QPushButton(self.tr("&Quit"))
        self.quit_button.setAutoDefault(True)
        self.quit_button.clicked.connect(QApplication.quit)
        buttons = QDialogButtonBox()
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Quit), self, QApplication.quit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addSpacing(4)
        layout.addWidget(self.cli_label)
        layout.addWidget(self.command_label)
        layout.addWidget(self.coming_label)
        layout.addStretch(1)
        layout.addWidget(buttons)

        # At 520 px the Chinese description left one character on a line of its own
        # (screenshot under Xvfb with Noto CJK); 560 px reads well in both languages.
        self.setMinimumWidth(560)
