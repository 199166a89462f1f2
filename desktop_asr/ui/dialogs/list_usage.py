"""Which server profiles use a vocabulary list, under the list in the Vocabulary dialog: a
list no profile uses sends no words, and the dialog says so and offers to attach it to the
default profile ("Use with home")."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_asr.errors import AsrError
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.ui.status.error_text import error_words


class ListUsage(QWidget):
    """"Used with: home, work" (or a warning that no profile uses it) and "Use with X"."""

    attached = Signal(str)  # the profile the list was attached to
    failed = Signal(str, str)  # message, details

    def __init__(self, profiles: ProfileStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profiles = profiles
        self.list_name: str | None = None
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # profile names are the user's
        self.label.setWordWrap(True)
        self.use_button = QPushButton()
        self.use_button.clicked.connect(self.use_with_default)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.use_button)

    def show_list(self, name: str | None) -> None:
        self.list_name = name
        self.setVisible(name is not None)
        if name is None:
            return
        try:
            users = [p.name for p in self.profiles.list() if name in p.vocab_lists]
            default = self.profiles.default_name()
        except AsrError as exc:
            self.failed.emit(*error_words(exc))
            users, default = [], None
        if users:
            self.label.setText(self.tr("Used with: {0}").format(", ".join(users)))
            self.label.setStyleSheet("")
        else:
            self.label.setText(self.tr("No profile uses this list yet, so its words are not "
                                       "sent to the server."))
            self.label.setStyleSheet("color: #a15c00;")
        self.use_button.setVisible(default is not None and default not in users)
        if default is not None:
            self.use_button.setText(self.tr("Use with {0}").format(default))

    def use_with_default(self) -> None:
        """Attach the list to the default profile."""
        if self.list_name is None:
            return
        try:
            profile = self.profiles.default()
            if profile is None:
                return
            if self.list_name not in profile.vocab_lists:
                self.profiles.update(replace(
                    profile, vocab_lists=(*profile.vocab_lists, self.list_name)))
        except AsrError as exc:
            self.failed.emit(*error_words(exc))
            return
        self.show_list(self.list_name)
        self.attached.emit(profile.name)
