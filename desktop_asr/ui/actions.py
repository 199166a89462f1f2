"""The controller's everyday actions: the clipboard, recent entries, profiles, vocabulary
lists, and the auto-save folder of Settings (every finished transcript kept there as a
file). A part of AppController (controller.py), apart only to keep each module small; they
use the controller's services, stores, history, ``report_error`` and ``storesChanged``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from desktop_asr.engine.client import ServerConfig
from desktop_asr.errors import AsrError
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.profile_lists import attach_list, default_profile_lists
from desktop_asr.stores.run_plan import NoServerError, Stores
from desktop_asr.ui.services import Services
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.transcription_queue import QueueItem
from desktop_asr.ui.widgets.transcript_view import save_transcript


class Actions:
    """Mixed into AppController, which provides what is declared here."""

    services: Services
    stores: Stores
    history: HistoryStore | None
    storesChanged: Any  # a Signal()
    report_error: Callable[..., None]

    def copy_text(self, text: str) -> None:
        if self.services.clipboard is not None:
            self.services.clipboard(text)
        else:
            QGuiApplication.clipboard().setText(text)

    def recent_entries(self, count: int) -> list[HistoryEntry]:
        if self.history is None:
            return []
        try:
            return self.history.list(limit=count, status="done")
        except AsrError:
            return []

    def profile_names(self) -> list[str]:
        try:
            return self.stores.profiles.names()
        except AsrError as exc:
            self.report_error(*error_words(exc))
            return []

    def active_profile(self) -> str | None:
        try:
            return self.stores.profiles.default_name()
        except AsrError:
            return None

    def keyless_server(self, profile: str | None) -> tuple[ServerConfig, str | None]:
        """The profile's server without its API key (the keyring is not asked), and its
        model: enough to see whether the server answers."""
        found = (self.stores.profiles.get(profile) if profile is not None
                 else self.stores.profiles.default())
        if found is None:
            raise NoServerError("No server is set up.")
        return found.server_config(None), found.model

    def set_active_profile(self, name: str) -> None:
        try:
            self.stores.profiles.set_default(name)
        except AsrError as exc:
            self.report_error(*error_words(exc))
            return
        self.storesChanged.emit()

    def vocabulary_lists(self) -> list[tuple[str, bool]]:
        """Every list, and whether the active profile uses it."""
        try:
            return default_profile_lists(self.stores)
        except AsrError:
            return []

    def set_list_active(self, name: str, active: bool) -> None:
        """Attach a list to the active profile, or detach it."""
        try:
            if not attach_list(self.stores, name, active):
                return
        except AsrError as exc:
            self.report_error(*error_words(exc))
            return
        self.storesChanged.emit()


def auto_save(item: QueueItem, settings: AppSettings) -> None:
    """Save ``item``'s transcript in the auto-save folder, when one is set; AsrError (in
    words) when it cannot be written."""
    folder = settings.auto_save_dir
    if not folder or item.transcript is None:
        return
    stem = Path(item.label).stem if item.kind != "url" else "transcript"
    save_transcript(item.transcript, Path(folder), stem, settings.auto_save_format)
