"""The profile editor: the profiles on the left (the default one marked), every field of the
selected one on the right (ProfileForm, ApiKeyBox), Test connection, Save/Revert.

Everything goes through the stores: ProfileStore for the profiles, SecretStore for the keys
(a rename moves the key, a removal deletes it, a new profile never inherits a key left under
its name), VocabularyStore for the list names offered. Nothing is saved while a field is
wrong: the reason is shown in words beside the form. Test connection and Fetch models send
the stored key only to the profile's saved server (see ApiKeyBox.key_for).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.errors import AsrError, KeyringUnavailableError, scrub
from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.stores.secrets import SecretStore
from desktop_asr.stores.vocabulary_store import VocabularyStore
from desktop_asr.ui.dialogs.api_key_box import ApiKeyBox
from desktop_asr.ui.dialogs.confirm import ask_yes_no
from desktop_asr.ui.dialogs.connection_test import (
    CheckRequest,
    ConnectionTestPanel,
    alive,
    fetch_models,
)
from desktop_asr.ui.dialogs.profile_form import FileChooser, ProfileForm, choose_ca_bundle
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.widgets.error_details import ErrorPanel
from desktop_asr.ui.workers import Task, run_in_background

NEW_SERVER_PLACEHOLDER = "http://localhost:30101"  # only to make a Profile of the defaults


class ProfileDialog(QDialog):
    profilesChanged = Signal()

    def __init__(self, profiles: ProfileStore, secrets: SecretStore,
                 vocabulary: VocabularyStore, parent: QWidget | None = None, *,
                 environ: Mapping[str, str] | None = None,
                 choose_file: FileChooser = choose_ca_bundle) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Server profiles"))
        self.profiles = profiles
        self.secrets = secrets
        self.vocabulary = vocabulary
        self.ask: Callable[[str], bool] = lambda question: ask_yes_no(self, question)
        self._editing: str | None = None  # the profile in the form; None: a new one
        self._loaded: tuple[object, ...] = ()
        self._default: str | None = None
        self.fetch_task: Task | None = None
        self._fetch_note = ""  # said with the models fetched: no stored key was sent

        self.profile_list = QListWidget()
        self.profile_list.currentItemChanged.connect(self._selected)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self.new_profile)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_profile)
        self.default_button = QPushButton(self.tr("Make default"))
        self.default_button.clicked.connect(self.make_default)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.profile_list, 1)
        for button in (self.add_button, self.remove_button, self.default_button):
            left_layout.addWidget(button)

        self.form = ProfileForm(choose_file=choose_file)
        self.key_box = ApiKeyBox(secrets, environ if environ is not None else os.environ)
        self.key_box.check_keyring()  # opened to manage servers and their keys: say it now
        self.form.server_layout.addRow(self.key_box)
        self.tester = ConnectionTestPanel(self._check_request)
        self.tester.modelsFound.connect(lambda models: self.form.set_models(models))
        self.form.server_layout.addRow(self.tester)
        self.form.fetch_models_button.clicked.connect(self.fetch_models)
        self.message = ErrorPanel()  # what Save did, or why it did not
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(self.revert)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # may hold outside text
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.form, 1)
        right_layout.addWidget(self.message)
        right_layout.addLayout(save_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 680])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.load_problem = ErrorPanel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.load_problem)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.form.changed.connect(self._update_buttons)
        self.key_box.changed.connect(self._update_buttons)
        self.resize(900, 620)
        self.reload()

    # --- the list -----------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        """Read the profiles again and select ``select`` (else the one being edited, else
        the default); with no profile, start a new one."""
        self.load_problem.clear()
        try:
            profiles = self.profiles.list()
            default = self.profiles.default_name()
        except AsrError as exc:
            self.load_problem.show_error(*error_words(exc))
            self._set_usable(False)
            return
        self._set_usable(True)
        wanted = select or self._editing or default
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        self._default = default
        current: QListWidgetItem | None = None
        for profile in profiles:
            item = QListWidgetItem(self.tr("{0} (default)").format(profile.name)
                                   if profile.name == default else profile.name)
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
            if profile.name == default:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.profile_list.addItem(item)
            if current is None or profile.name == wanted:
                current = item
        self.profile_list.blockSignals(False)
        if current is None:
            self._start_new()
        else:
            self.profile_list.blockSignals(True)
            self.profile_list.setCurrentItem(current)
            self.profile_list.blockSignals(False)
            self._show(current.data(Qt.ItemDataRole.UserRole))

    def _set_usable(self, on: bool) -> None:
        for widget in (self.profile_list, self.add_button, self.remove_button,
                       self.default_button, self.form, self.key_box, self.tester,
                       self.save_button, self.revert_button):
            widget.setEnabled(on)

    def names(self) -> list[str]:
        """The profile names in the list, in order."""
        return [self.profile_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.profile_list.count())]

    def _selected(self, current: QListWidgetItem | None,
                  previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        name = current.data(Qt.ItemDataRole.UserRole)
        if name == self._editing:
            return
        if not self._discard_ok():
            self.profile_list.blockSignals(True)
            if previous is None:
                self.profile_list.setCurrentRow(-1)
            else:
                self.profile_list.setCurrentItem(previous)
            self.profile_list.blockSignals(False)
            return
        self._show(name)

    def _show(self, name: str) -> None:
        try:
            profile = self.profiles.get(name)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        self._editing = name
        self.heading.setText(self.tr("Profile {0}").format(name))
        self._fill(profile)

    def _fill(self, profile: Profile) -> None:
        try:
            vocab_names = self.vocabulary.names()
        except AsrError as exc:
            vocab_names = []
            self.message.show_error(*error_words(exc))
        else:
            self.message.clear()
        self.form.set_profile(profile, vocab_names)
        self.key_box.load(self._editing, profile.api_key_env)
        self.tester.result.clear()
        self._loaded = self._snapshot()
        self._update_buttons()

    def _start_new(self) -> None:
        self._editing = None
        taken = {n.casefold() for n in self.names()}
        name, n = self.tr("New profile"), 1
        while name.casefold() in taken:
            n += 1
            name = self.tr("New profile {0}").format(n)
        self.profile_list.blockSignals(True)
        self.profile_list.setCurrentRow(-1)
        self.profile_list.clearSelection()
        self.profile_list.blockSignals(False)
        self.heading.setText(self.tr("A new profile (not saved yet)"))
        self._fill(Profile(name=name, server=NEW_SERVER_PLACEHOLDER))
        self.form.server_edit.clear()
        self._loaded = self._snapshot()
        self.form.tabs.setCurrentIndex(0)
        self.form.server_edit.setFocus()

    # --- actions --------------------------------------------------------------------------
    def new_profile(self) -> None:
        if self._discard_ok():
            self._start_new()

    def save(self) -> bool:
        """Save the form; False (with the reason shown) when nothing was saved."""
        old = self._editing
        try:
            profile = self.form.profile(self.key_box.api_key_env())
            self.key_box.check()
            if old is None:
                self.profiles.add(profile)
                self.secrets.forget_leftover(profile.name)
            else:
                if profile.name != old:
                    self.profiles.rename(old, profile.name)
                self.profiles.update(profile)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return False
        notes: list[tuple[str, str, str]] = []
        if old is not None and old != profile.name:
            try:
                self.secrets.move(old, profile.name)
            except KeyringUnavailableError as exc:
                notes.append((error_words(exc)[0], "warning", ""))
        key_outcome = self.key_box.store(profile.name)
        if key_outcome is not None:
            notes.append(key_outcome)
        self._editing = profile.name
        self.reload(select=profile.name)
        self.profilesChanged.emit()
        text = " ".join([self.tr("Saved the profile {0}.").format(profile.name),
                         *(note[0] for note in notes)])
        kind = "warning" if any(note[1] == "warning" for note in notes) else "success"
        self.message.show_message(text, kind, "\n".join(n[2] for n in notes if n[2]))
        return True

    def revert(self) -> None:
        if self._editing is None:
            self.reload()
            if self._editing is None:  # still none: there are no profiles
                return
        else:
            self._show(self._editing)

    def remove_profile(self) -> None:
        name = self._editing
        if name is None:  # an unsaved new profile: just drop it
            self._loaded = self._snapshot()
            self.reload()
            return
        if not self.ask(self.tr("Remove the profile {0}? Its API key is deleted from the "
                                "system keyring too.").format(name)):
            return
        try:
            self.profiles.remove(name)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        self._editing = None
        self._loaded = ()
        problem = None
        try:
            self.secrets.delete(name)
        except KeyringUnavailableError as exc:
            problem = exc
        self.reload()
        self.profilesChanged.emit()
        if problem is not None:
            self.message.show_error(*error_words(problem))
        else:
            self.message.show_message(self.tr("Removed the profile {0}.").format(name))

    def make_default(self) -> None:
        if self._editing is None:
            return
        try:
            self.profiles.set_default(self._editing)
        except AsrError as exc:
            self.message.show_error(*error_words(exc))
            return
        self.reload(select=self._editing)
        self.profilesChanged.emit()

    def fetch_models(self) -> None:
        """Fill the model box from the server's GET /v1/models, in the background."""
        results = self.form.models_result
        try:
            draft = self.form.profile(self.key_box.api_key_env(), name="fetch")
            key, self._fetch_note = self.key_box.key_for(self._editing, draft.server,
                                                         self._saved_server())
            config = draft.server_config(key)
        except AsrError as exc:
            results.show_error(*error_words(exc))
            return
        self.form.fetch_models_button.setEnabled(False)
        results.show_message(self.tr("Asking {0} for its models...").format(draft.server))
        self.fetch_task = run_in_background(lambda: fetch_models(config),
                                            finished=self._models_fetched,
                                            failed=self._fetch_failed)

    def _models_fetched(self, models: Any) -> None:
        if not alive(self):
            return
        self.form.fetch_models_button.setEnabled(True)
        self.form.set_models(models)
        text = (self.tr("The server serves: {0}").format(", ".join(models)) if models
                else self.tr("The server lists no models; is the model still loading?"))
        self.form.models_result.show_message(
            f"{text} {self._fetch_note}".strip(),
            "success" if models and not self._fetch_note else "warning")

    def _fetch_failed(self, message: str, details: str) -> None:
        if alive(self):
            self.form.fetch_models_button.setEnabled(True)
            self.form.models_result.show_error(
                scrub(f"{message} {self._fetch_note}".strip()), scrub(details))

    def _check_request(self) -> CheckRequest:
        profile = self.form.profile(self.key_box.api_key_env())
        key, note = self.key_box.key_for(self._editing, profile.server, self._saved_server())
        return CheckRequest(profile.server_config(key), profile.model, profile.api_style,
                            profile.language, note)

    def _saved_server(self) -> str:
        """The saved server of the profile being edited ("" for a new one)."""
        try:
            return self.profiles.get(self._editing).server if self._editing else ""
        except AsrError:
            return ""

    # --- closing and state ----------------------------------------------------------------
    def reject(self) -> None:
        if self._discard_ok():
            super().reject()

    def dirty(self) -> bool:
        return bool(self._loaded) and self._snapshot() != self._loaded

    def _snapshot(self) -> tuple[object, ...]:
        return (*self.form.snapshot(), *self.key_box.snapshot())

    def _discard_ok(self) -> bool:
        if not self.dirty():
            return True
        if self.ask(self.tr("Discard the changes you made to this profile?")):
            self._loaded = self._snapshot()  # asked once
            return True
        return False

    def _update_buttons(self) -> None:
        editing = self._editing is not None
        self.remove_button.setEnabled(self.profile_list.count() > 0)
        self.default_button.setEnabled(editing and self._editing != self._default)
        self.revert_button.setEnabled(self.dirty())
