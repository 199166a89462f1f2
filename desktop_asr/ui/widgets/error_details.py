"""The app's one way to show an error: the sentence, and a Details expander only when there
are details. Never a traceback in the visible text.

- ``ErrorPanel``: inline, inside a dialog or window (also used for results in words and
  warnings: ``show_message(text, kind)``).
- ``error_box(parent, message, details)``: a QMessageBox with the details behind its
  "Show Details..." button; ``show_error`` opens it window-modal without blocking.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.errors import scrub

KINDS = ("error", "warning", "info", "success")
_COLOURS = {"error": "#c62828", "warning": "#a15c00", "info": "", "success": "#2e7d32"}
_TRACEBACK = "Traceback (most recent call last)"


def split_message(message: str, details: str = "") -> tuple[str, str]:
    """(visible sentence, details): anything that looks like a traceback in ``message``
    moves into the details, so it can never be the visible text."""
    if _TRACEBACK not in message:
        return message.strip(), details.strip()
    head, _, tail = message.partition(_TRACEBACK)
    visible = head.strip() or QCoreApplication.translate(
        "ErrorPanel", "Something went wrong; the details say what.")
    moved = (_TRACEBACK + tail).strip()
    return visible, f"{details.strip()}\n\n{moved}".strip()


class ErrorPanel(QWidget):
    """A sentence in colour, with a "Details" toggle when details exist. Hidden while
    empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_button = QToolButton()
        self.details_button.setCheckable(True)
        self.details_button.setText(self.tr("Details"))
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.toggled.connect(self._toggle_details)
        self.details_text = QPlainTextEdit()
        self.details_text.setReadOnly(True)
        self.details_text.setMaximumHeight(140)
        self.details_text.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.message_label, 1)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.details_text)
        self.clear()

    # --- showing ----------------------------------------------------------------------
    def show_error(self, message: str, details: str = "") -> None:
        self.show_message(message, "error", details)

    def show_message(self, message: str, kind: str = "info", details: str = "", *,
                     expanded: bool = False) -> None:
        """Show ``message``; a Details toggle only when ``details`` is not empty
        (``expanded`` opens it at once, e.g. for a list of skipped lines)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        message, details = split_message(scrub(message), scrub(details))
        self.kind = kind
        self.message_label.setText(message)
        colour = _COLOURS[kind]
        self.message_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.details_text.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(bool(details) and expanded)
        self._toggle_details(self.details_button.isChecked())
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.message_label.clear()
        self.details_text.clear()
        self.details_button.setChecked(False)
        self.details_button.hide()
        self.hide()

    # --- reading (tests, callers) -----------------------------------------------------
    def message(self) -> str:
        return self.message_label.text()

    def details(self) -> str:
        return self.details_text.toPlainText()

    def _toggle_details(self, on: bool) -> None:
        self.details_text.setVisible(on)
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)


def error_box(parent: QWidget | None, message: str, details: str = "",
              title: str | None = None) -> QMessageBox:
    """A warning QMessageBox (not shown yet): the sentence, and the details behind
    "Show Details..." only when there are any. Plain text, never a key (see errors.scrub)."""
    message, details = split_message(scrub(message), scrub(details))
    box = QMessageBox(parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or "desktop-asr")  # the product name is not translated
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_error(parent: QWidget | None, message: str, details: str = "",
               title: str | None = None) -> QMessageBox:
    """Open ``error_box`` window-modal without blocking; the box (deleted on close)."""
    box = error_box(parent, message, details, title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
