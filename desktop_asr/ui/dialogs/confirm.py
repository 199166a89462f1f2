"""Questions the dialogs ask the user. Each dialog calls them through an attribute
(``dialog.ask``, ``dialog.ask_text``) so tests can answer without a blocking message box."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def ask_yes_no(parent: QWidget | None, question: str) -> bool:
    """Yes/No, No being the default answer."""
    answer = QMessageBox.question(
        parent, "desktop-asr", question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text, or None when cancelled."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def ask_choice(parent: QWidget | None, question: str, accept: str, reject: str) -> bool:
    """A question answered with two named buttons (``accept`` / ``reject``, the default)."""
    box = QMessageBox(QMessageBox.Icon.Question, "desktop-asr", question,
                      QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes
