"""The API key part of the profile and first-run dialogs: a password field, where the key
is now, and the choice of reading it from an environment variable instead.

Keys go to the system keyring through SecretStore. When there is no usable keyring the box
says why, visibly, and a key the user types is kept for this session only (SecretStore.
keep_for_session), which is said too; or the key is read from an environment variable.
Single keyring reads and writes happen on the UI thread: they are quick, and the status
probe (the slow part when D-Bus is gone) happens once per SecretStore.

A typed key is cleaned (credentials.clean_api_key: surrounding whitespace goes, anything an
HTTP header cannot carry is refused in words, never shown). A stored key is only sent to its
profile's saved server: a test of an edited, unsaved address sends none (and says so) unless
a key is typed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from desktop_asr.errors import AsrError, InputError, KeyringUnavailableError
from desktop_asr.stores.credentials import clean_api_key, public_url, same_server
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.ui.status.error_text import SHOWN, error_words, keyring_problem
from desktop_asr.ui.widgets.error_details import ErrorPanel


class ApiKeyBox(QGroupBox):
    changed = Signal()

    def __init__(self, secrets: SecretStore, environ: Mapping[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("API key"))
        self.secrets = secrets
        self._environ = environ if environ is not None else os.environ
        self._profile: str | None = None
        self._stored_where = ""
        self._stored_source = "none"
        # The keyring is asked only once a key is needed (one is typed, or a saved profile's
        # key is looked up): on a minimal desktop asking it may bring up a prompt.
        self._keyring_checked = False
        self._keyring_available = True

        self.warning = ErrorPanel()
        self.stored_radio = QRadioButton(self.tr("Keep the key in the system keyring"))
        self.env_radio = QRadioButton(self.tr("Read the key from the environment variable"))
        self._modes = QButtonGroup(self)
        self._modes.addButton(self.stored_radio)
        self._modes.addButton(self.env_radio)
        self.stored_radio.setChecked(True)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.env_edit = QLineEdit()
        self.env_edit.setPlaceholderText("ASR_API_KEY")
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        self.status_label.setWordWrap(True)
        self.forget_button = QPushButton(self.tr("Forget the stored key"))
        self.forget_button.clicked.connect(self.forget)
        self.result = ErrorPanel()

        indent = 24  # the fields sit under their radio button
        grid = QGridLayout(self)
        grid.setColumnMinimumWidth(0, indent)
        grid.addWidget(self.warning, 0, 0, 1, 3)
        grid.addWidget(self.stored_radio, 1, 0, 1, 3)
        grid.addWidget(self.key_edit, 2, 1)
        grid.addWidget(self.forget_button, 2, 2)
        grid.addWidget(self.env_radio, 3, 0, 1, 3)
        grid.addWidget(self.env_edit, 4, 1, 1, 2)
        grid.addWidget(self.status_label, 5, 0, 1, 3)
        grid.addWidget(self.result, 6, 0, 1, 3)
        grid.setColumnStretch(1, 1)

        for signal in (self.key_edit.textChanged, self.env_edit.textChanged,
                       self.env_radio.toggled):
            signal.connect(self._changed)
        self.load(None, None)

    # --- state --------------------------------------------------------------------------
    @property
    def keyring_available(self) -> bool:
        self.check_keyring()
        return self._keyring_available

    @property
    def keyring_checked(self) -> bool:
        return self._keyring_checked

    def check_keyring(self) -> None:
        """Ask the keyring (once) whether it can store keys, and say so if not."""
        if self._keyring_checked:
            return
        self._keyring_checked = True
        status = self.secrets.status()
        self._keyring_available = status.available
        if not status.available:
            self.warning.show_message(
                self.tr("API keys cannot be stored in the system keyring: {0} A key you type "
                        "here is kept for this session only (until desktop-asr quits), or "
                        "the key can be read from an environment variable.").format(
                    keyring_problem(status)), "warning")
            self.stored_radio.setText(self.tr("Keep the key for this session only"))

    def load(self, profile_name: str | None, api_key_env: str | None) -> None:
        """Show the key of ``profile_name`` (None: a profile not saved yet)."""
        self._profile = profile_name
        self.key_edit.clear()
        self.env_edit.setText(api_key_env or "")
        (self.env_radio if api_key_env else self.stored_radio).setChecked(True)
        self.result.clear()
        self._look_up_stored()
        self._changed()

    def env_mode(self) -> bool:
        return self.env_radio.isChecked()

    def api_key_env(self) -> str | None:
        """The variable to read the key from (the profile's api_key_env), or None."""
        return (self.env_edit.text().strip() or None) if self.env_mode() else None

    def typed_key(self) -> str:
        """The key typed in the box, cleaned ("" when none); InputError in words (never
        showing it) for a key that cannot be sent."""
        text = self.key_edit.text()
        if not text.strip():
            return ""
        try:
            return clean_api_key(text, self.tr("typed in the box"))
        except InputError:
            self.key_edit.setFocus()
            raise

    def check(self) -> None:
        """InputError (in words) when the typed key cannot be stored or sent."""
        if not self.env_mode():
            self.typed_key()

    def snapshot(self) -> tuple[object, ...]:
        return (self.env_mode(), self.env_edit.text().strip(), self.key_edit.text())

    def where(self) -> str:
        """Where the key is now, as a phrase."""
        if self.env_mode():
            var = self.env_edit.text().strip().removeprefix("$")
            if not var:
                return self.tr("Name the environment variable that holds the key.")
            if self._environ.get(var):
                return self.tr("The key is read from ${0}.").format(var)
            return self.tr("The key is read from ${0}, which is not set in this "
                           "session.").format(var)
        return self._stored_where

    def _look_up_stored(self) -> None:
        """Ask the secret store where the profile's key is (once per change, not per
        keystroke: it reads the keyring)."""
        if self._profile:
            self.check_keyring()
        self._stored_source = self.secrets.source(self._profile) if self._profile else "none"
        self._stored_where = self._stored_phrase()

    def _stored_phrase(self) -> str:
        if self._profile is None:
            return self.tr("No key stored yet.")
        source = self._stored_source
        if source == "session":
            return self.tr("The key is kept for this session only.")
        if source == "keyring":
            return self.tr("The key is stored in the system keyring ({0}).").format(
                self.secrets.status().backend)
        if source == "unknown":
            self.status_label.setToolTip(self.secrets.last_error)  # the keyring's own words
            return self.tr("The system keyring could not be read, so where the key is is "
                           "unknown.")
        return self.tr("No key stored (a server without an API key needs none).")

    # --- actions ------------------------------------------------------------------------
    def key_for(self, profile_name: str | None, server: str = "",
                saved_server: str = "") -> tuple[str | None, str]:
        """(the key a request to ``server`` would send now, a warning or ""): the typed
        key first (not saved yet), else the environment variable's, else the stored key
        of ``profile_name``, but that one only when ``server`` has the scheme, host and
        port of the profile's ``saved_server``. InputError for an unset variable or a key
        that cannot be sent."""
        if self.env_mode():
            var = (self.api_key_env() or "").removeprefix("$")
            value = self._environ.get(var, "") if var else ""
            if not value.strip():
                raise InputError(self.tr("The environment variable ${0} is not set, so there "
                                         "is no API key to send.").format(var), code=SHOWN)
            return clean_api_key(value, f"in ${var}"), ""
        typed = self.typed_key()
        if typed or not profile_name:
            return typed or None, ""
        if server and not same_server(server, saved_server):
            if self.secrets.source(profile_name) not in ("session", "keyring"):
                return None, ""
            return None, self.tr(
                "The stored API key of {0} is only sent to its saved server ({1}), so no "
                "key was sent to {2}. Type the key above to send it there, or save the "
                "profile first.").format(profile_name, public_url(saved_server) or "?",
                                         public_url(server))
        key = self.secrets.get(profile_name)
        return (clean_api_key(key, f"stored for the profile {profile_name!r}") if key
                else None), ""

    def store(self, profile_name: str) -> tuple[str, str, str] | None:
        """Store a typed key for the (saved) profile: in the keyring, or for this session
        when the keyring cannot take it. What happened as (sentence, kind, details) for an
        ErrorPanel; None when nothing was typed."""
        self._profile = profile_name
        outcome: tuple[str, str, str] | None = None
        try:
            key = "" if self.env_mode() else self.typed_key()
        except InputError as exc:  # check() before saving says so sooner
            return error_words(exc)[0], "error", ""
        if key:
            self.check_keyring()
            try:
                self.secrets.set(profile_name, key)
            except KeyringUnavailableError as exc:
                self.secrets.keep_for_session(profile_name, key)
                outcome = (self.tr("The API key is kept for this session only: it could not "
                                   "be stored in the system keyring, so enter it again after "
                                   "desktop-asr restarts."), "warning", str(exc))
            else:
                outcome = (self.tr("The API key is stored in the system keyring."), "success",
                           "")
            self.key_edit.clear()
        self._look_up_stored()
        self._changed()
        return outcome

    def forget(self) -> None:
        if self._profile is None:
            return
        try:
            found = self.secrets.delete(self._profile)
        except AsrError as exc:
            self.result.show_error(*error_words(exc))
            return
        self.result.show_message(self.tr("The stored key was deleted.") if found
                                 else self.tr("There was no stored key."))
        self._look_up_stored()
        self._changed()

    def _changed(self, *_: object) -> None:
        if self.key_edit.text():
            self.check_keyring()  # a key is typed: say now whether it can be stored
        env = self.env_mode()
        self.env_edit.setEnabled(env)
        self.key_edit.setEnabled(not env)
        self.forget_button.setEnabled(not env and self._stored_source in ("session", "keyring"))
        self.key_edit.setPlaceholderText(
            self.tr("Type a key to set or replace it") if self._profile
            else self.tr("Optional: the server's API key"))
        self.status_label.setText(self.where())
        self.changed.emit()
