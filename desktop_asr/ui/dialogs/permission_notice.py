"""What the user is told on macOS when a permission dictation needs is missing (see
system/macos_permissions.py), with a button that opens the right pane of System Settings."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_asr.system.macos_permissions import Permission, open_settings

translate = QCoreApplication.translate


def permission_title(permission: Permission) -> str:
    if permission is Permission.ACCESSIBILITY:
        return translate("PermissionNotice", "Allow desktop-asr to type for you")
    return translate("PermissionNotice", "Allow desktop-asr to use the microphone")


def permission_text(permission: Permission) -> str:
    if permission is Permission.ACCESSIBILITY:
        return translate(
            "PermissionNotice",
            "To paste or type dictated text into other applications, and to hear the "
            "dictation keys while another application is in front, macOS needs your "
            "permission.\n\nOpen System Settings → Privacy & Security → Accessibility and "
            "switch on desktop-asr. Until then, dictated text is left on the clipboard for "
            "you to paste with Cmd+V.")
    return translate(
        "PermissionNotice",
        "macOS does not let desktop-asr use the microphone, so recordings would be "
        "silent.\n\nOpen System Settings → Privacy & Security → Microphone, switch on "
        "desktop-asr, then start desktop-asr again. Dropped files are transcribed either "
        "way.")


class PermissionNotice(QMessageBox):
    """One missing permission: what it is for, and Open System Settings / Later.
    ``opener`` opens the settings pane (injected in tests)."""

    def __init__(self, permission: Permission, parent: QWidget | None = None,
                 opener: Callable[[Permission], bool] = open_settings) -> None:
        super().__init__(parent)
        self.permission = permission
        self._opener = opener
        self.setIcon(QMessageBox.Icon.Information)
        self.setWindowTitle(permission_title(permission))
        self.setText(permission_title(permission))
        self.setInformativeText(permission_text(permission))
        self.open_button = self.addButton(
            translate("PermissionNotice", "Open System Settings"),
            QMessageBox.ButtonRole.AcceptRole)
        self.addButton(translate("PermissionNotice", "Later"),
                       QMessageBox.ButtonRole.RejectRole)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button: object) -> None:
        if button is self.open_button and not self._opener(self.permission):
            QMessageBox.warning(self.parentWidget(), permission_title(self.permission),
                                translate("PermissionNotice", "System Settings could not be "
                                          "opened; open it from the Apple menu."))
