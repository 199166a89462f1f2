"""The first-run dialog, shown when there is no profile: one friendly page prefilled the way
the seed deploys the server (http://HOST:30101, model qwen3-asr), with HOST selected for the
user to type over, an optional API key, Test connection, and Save, which adds the profile as
the default. ``created_name`` (and the ``profileCreated`` signal) give the new profile."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.errors import AsrError, InputError
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.ui.dialogs.api_key_box import ApiKeyBox
from desktop_asr.ui.dialogs.confirm import ask_choice
from desktop_asr.ui.dialogs.connection_test import CheckRequest, ConnectionTestPanel
from desktop_asr.ui.status.error_text import SHOWN, error_words
from desktop_asr.ui.widgets.error_details import ErrorPanel

HOST = "HOST"
SEED_SERVER = f"http://{HOST}:30101"  # the seed's docker-compose publishes port 30101
SEED_MODEL = "qwen3-asr"  # the seed's --served-model-name


class FirstRunDialog(QDialog):
    profileCreated = Signal(str)

    def __init__(self, profiles: ProfileStore, secrets: SecretStore,
                 parent: QWidget | None = None, *,
                 environ: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to desktop-asr"))
        self.profiles = profiles
        self.secrets = secrets
        self.created_name: str | None = None

        title = QLabel(self.tr("Connect to your speech recognition server"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(self.tr(
            "desktop-asr sends your recordings and files to your own Qwen3-ASR server. Type "
            "the address of the computer that runs it in place of HOST (for example "
            "192.168.1.20), then test the connection and save. You can add more servers "
            "later under Profiles."))
        intro.setWordWrap(True)

        self.name_edit = QLineEdit(self.tr("My server"))
        self.server_edit = QLineEdit(SEED_SERVER)
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.addItem(SEED_MODEL)
        self.model_combo.setCurrentText(SEED_MODEL)
        self.key_box = ApiKeyBox(secrets, environ if environ is not None else os.environ)
        self.key_box.setTitle(self.tr("API key (only if your server asks for one)"))
        self.key_box.forget_button.hide()  # nothing is stored yet
        self.tester = ConnectionTestPanel(self._check_request)
        self.tester.modelsFound.connect(self._models_found)
        self.tester.finished.connect(self._tested)
        self.test_failed = False  # the last Test connection failed: Save asks first
        self.ask: Callable[[str], bool] = lambda question: ask_choice(
            self, question, self.tr("Save anyway"), self.tr("Go back"))
        form = QFormLayout()
        form.addRow(self.tr("Server address:"), self.server_edit)
        form.addRow(self.tr("Model:"), self.model_combo)
        form.addRow(self.tr("Profile name:"), self.name_edit)

        self.message = ErrorPanel()
        buttons = QDialogButtonBox()
        self.save_button: QPushButton = buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.key_box)
        layout.addWidget(self.tester)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)
        # The dialog grows with the messages that appear instead of squashing the fields.
        for panel in (self.tester.result, self.message, self.key_box.warning):
            panel.installEventFilter(self)
        self.server_edit.setFocus()
        self.select_host()

    def select_host(self) -> None:
        """Select HOST in the address so that typing replaces it."""
        text = self.server_edit.text()
        at = text.find(HOST)
        if at >= 0:
            self.server_edit.setSelection(at, len(HOST))

    def profile(self) -> Profile:
        """The profile entered; InputError (in words) when something is wrong."""
        server = self.server_edit.text()
        if HOST in server:
            raise InputError(self.tr("Type your server's address in place of HOST, for "
                                     "example http://192.168.1.20:30101."), code=SHOWN)
        return Profile(name=self.name_edit.text(), server=server,
                       model=self.model_combo.currentText(),
                       api_key_env=self.key_box.api_key_env())

    def save(self) -> bool:
        """Add the profile as the default and store its key; False (the reason shown)
        when nothing was saved."""
        try:
            profile = self.profile()
            self.key_box.check()
            if self.test_failed and not self.ask(self.tr(
                    "The connection test failed, so transcriptions may fail too. Save this "
                    "server anyway?")):
                return False
            self.profiles.add(profile, make_default=True)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return False
        self.secrets.forget_leftover(profile.name)  # never a key of an old profile
        outcome = self.key_box.store(profile.name)
        self.created_name = profile.name
        self.profileCreated.emit(profile.name)
        if outcome is not None and outcome[1] == "warning":  # keep the dialog up to say so
            self.message.show_message(outcome[0], "warning", outcome[2])
            self.save_button.setEnabled(False)
            self.cancel_button.setText(self.tr("Close"))
            self.cancel_button.clicked.disconnect()
            self.cancel_button.clicked.connect(self.accept)
            return True
        self.accept()
        return True

    def _check_request(self) -> CheckRequest:
        profile = self.profile()
        key, note = self.key_box.key_for(None, profile.server)
        return CheckRequest(profile.server_config(key), profile.model, profile.api_style,
                            profile.language, note)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.LayoutRequest):
            QTimer.singleShot(0, self._fit)
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        """As tall as the fields and the messages need (never shorter than now)."""
        needed = self.sizeHint().height()
        if self.isVisible() and needed > self.height():
            self.resize(self.width(), needed)

    def _tested(self, ok: bool) -> None:
        self.test_failed = not ok

    def _models_found(self, models: list[str]) -> None:
        text = self.model_combo.currentText()
        self.model_combo.clear()
        self.model_combo.addItems(models)
        self.model_combo.setCurrentText(text)
