"""Search within the transcript (Ctrl+F): type words, Enter finds the next segment that
holds them (Shift+Enter the one before), Escape closes the bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)


def find_in_editor(editor: QPlainTextEdit, words: str, backwards: bool) -> bool:
    """Select the next ``words`` in ``editor`` (wrapping round); whether found."""
    if not words.strip():
        return False
    flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
    if editor.find(words, flags):
        return True
    editor.moveCursor(QTextCursor.MoveOperation.End if backwards
                      else QTextCursor.MoveOperation.Start)
    return editor.find(words, flags)


class FindBar(QWidget):
    findRequested = Signal(str, bool)  # words, backwards
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setPlaceholderText(self.tr("Find in the transcript"))
        self.field.setAccessibleName(self.tr("Find in the transcript"))
        self.field.setClearButtonEnabled(True)
        self.field.textEdited.connect(lambda text: self.findRequested.emit(text, False))
        self.field.returnPressed.connect(self.find_next)
        self.field.installEventFilter(self)
        self.previous_button = QPushButton(self.tr("Previous"))
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.clicked.connect(self.find_next)
        self.result_label = QLabel()
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.result_label)
        layout.addWidget(close)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.result_label.clear()
        self.closed.emit()

    def find_next(self) -> None:
        self.findRequested.emit(self.field.text(), False)

    def find_previous(self) -> None:
        self.findRequested.emit(self.field.text(), True)

    def show_result(self, found: bool) -> None:
        self.result_label.setText("" if found or not self.field.text().strip()
                                  else self.tr("Not found"))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_previous()
            return
        super().keyPressEvent(event)
