"""The system tray icon and its menu.

The icon and tooltip follow the controller's state (idle, recording with the elapsed time,
transcribing with progress, error). The menu is rebuilt from the controller each time it is
about to open, so it never shows a stale profile, list or transcript. A left click emits
``toggleWindowRequested`` (the app shows or hides its window).

Without a tray host (``Tray.available()`` is False) the app runs as a normal window; it
tells the user once with ``take_unavailable_notice(settings)``. The Tray can still be
created and shown then: on X11 Qt puts the icon in a tray that appears later (a panel that
starts after the app at login).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal, SignalInstance
from PySide6.QtGui import QAction, QActionGroup, QIcon
from PySide6.QtWidgets import QFileDialog, QMenu, QSystemTrayIcon

from desktop_asr import resources

RECENT_COUNT = 5  # transcripts listed in the menu
LABEL_CHARS = 40  # a recent transcript's label: its first characters
TOOLTIP_CHARS = 100  # Windows cuts tray tooltips at 127 characters
COPIED_MESSAGE_MS = 2000
UNAVAILABLE_NOTICE_KEY = "tray/unavailable_notice_shown"


class TrayController(Protocol):
    """What the tray needs from desktop_asr.ui.controller.AppController."""

    stateChanged: SignalInstance
    recordingTick: SignalInstance
    progressChanged: SignalInstance
    transcriptReady: SignalInstance
    errorRaised: SignalInstance
    storesChanged: SignalInstance

    @property
    def state(self) -> str: ...
    @property
    def error_message(self) -> str: ...
    @property
    def recording_available(self) -> bool: ...
    @property
    def recording_problem(self) -> str: ...

    def toggle_recording(self) -> None: ...
    def transcribe_paths(self, paths: list[str]) -> None: ...
    def recent_entries(self, count: int) -> list[Any]: ...
    def copy_text(self, text: str) -> None: ...
    def profile_names(self) -> list[str]: ...
    def active_profile(self) -> str | None: ...
    def set_active_profile(self, name: str) -> None: ...
    def vocabulary_lists(self) -> list[tuple[str, bool]]: ...
    def set_list_active(self, name: str, active: bool) -> None: ...
    def request_show_window(self) -> None: ...
    def request_settings(self) -> None: ...
    def request_quit(self) -> None: ...


def dictation_key(controller: object) -> str:
    """The dictation key the settings name ("Ctrl+Alt+D"), or "" when there is none."""
    settings = getattr(controller, "settings", None)
    return str(getattr(settings, "dictation_toggle", "") or "")


def source_name(source: str) -> str:
    """A file's name, or a link as it is."""
    return source if "://" in source else (source.replace("\\", "/").rsplit("/", 1)[-1]
                                           or source)


def format_elapsed(seconds: float) -> str:
    """0:07, 12:34, 1:02:03."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def elide(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def menu_label(text: str) -> str:
    """Text shown as is in a menu item: "&" would otherwise mark a keyboard shortcut."""
    return text.replace("&", "&&")


def choose_media_files() -> list[str]:
    """The default "Transcribe file..." chooser: a file dialog for one or more files."""
    paths, _ = QFileDialog.getOpenFileNames(
        None,
        QCoreApplication.translate("Tray", "Transcribe files"),
        "",
        QCoreApplication.translate("Tray", "Audio and video files ({0});;All files (*)").format(
            "*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus *.wma *.webm *.mp4 *.mkv *.mov *.avi"
        ),
    )
    return list(paths)


def take_unavailable_notice(settings: QSettings) -> str:
    """The message to show when there is no tray host, the first time only.

    Returns the message (and records in ``settings`` that it was shown), or "" if it was
    shown before. The app shows it in its window.
    """
    if settings.value(UNAVAILABLE_NOTICE_KEY, False, type=bool):
        return ""
    settings.setValue(UNAVAILABLE_NOTICE_KEY, True)
    settings.sync()
    return QCoreApplication.translate(
        "Tray",
        "No system tray was found, so desktop-asr runs as a normal window. "
        "Closing the window quits the app.",
    )


class Tray(QObject):
    """The tray icon of ``controller`` (an AppController). ``choose_files`` asks the user
    for files to transcribe (default: a file dialog); tests pass a function."""

    toggleWindowRequested = Signal()
    manageProfilesRequested = Signal()
    manageVocabularyRequested = Signal()

    def __init__(self, controller: TrayController,
                 choose_files: Callable[[], list[str]] = choose_media_files,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._choose_files = choose_files
        self._icons = {state: QIcon(str(resources.tray_icon_path(state)))
                       for state in resources.TRAY_STATES}
        self._state = "idle"
        self._elapsed = 0.0
        self._progress = (0, 0)
        self._error_message = ""  # the last errorRaised message
        self._menu_objects: list[QObject] = []  # submenus and groups of the last build

        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon = QSystemTrayIcon(self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)

        controller.stateChanged.connect(self._on_state_changed)
        controller.recordingTick.connect(self._on_recording_tick)
        controller.progressChanged.connect(self._on_progress)
        controller.errorRaised.connect(self._on_error)
        # Some tray hosts (D-Bus menus) do not always ask before showing the menu: keep it
        # current when what it lists changes, too.
        controller.transcriptReady.connect(self._rebuild_if_hidden)
        controller.storesChanged.connect(self._rebuild_if_hidden)
        self._on_state_changed(controller.state)

    # --- public ------------------------------------------------------------------------

    @staticmethod
    def available() -> bool:
        """True if the desktop has a tray to show the icon in."""
        return bool(QSystemTrayIcon.isSystemTrayAvailable())

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    @property
    def state(self) -> str:
        """The state the icon shows."""
        return self._state

    def tooltip(self) -> str:
        return str(self.icon.toolTip())

    def notify(self, title: str, text: str, msecs: int = 10000) -> None:
        """A desktop notification from the tray icon (shown only where there is a tray)."""
        self.icon.showMessage(title, text, self._icons[self._state], msecs)

    def rebuild_menu(self) -> None:
        """Fill the menu from the controller's current state (runs on aboutToShow)."""
        for obj in self._menu_objects:
            obj.deleteLater()
        self._menu_objects = []
        self.menu.clear()
        self._add_recording_actions()
        self._add_recent_transcripts()
        self.menu.addSeparator()
        self._add_profile_menu()
        self._add_vocabulary_menu()
        self.menu.addSeparator()
        self._add_action(self.tr("Open window"), self._controller.request_show_window)
        self._add_action(self.tr("Settings..."), self._controller.request_settings)
        self.menu.addSeparator()
        self._add_action(self.tr("Quit"), self._controller.request_quit)

    # --- menu parts ----------------------------------------------------------------------

    def _add_action(self, text: str, slot: Callable[[], None],
                    menu: QMenu | None = None) -> QAction:
        action = (menu or self.menu).addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _add_disabled(self, text: str, menu: QMenu | None = None) -> QAction:
        action = (menu or self.menu).addAction(text)
        action.setEnabled(False)
        return action

    def _add_submenu(self, title: str) -> QMenu:
        submenu = QMenu(title, self.menu)
        self._menu_objects.append(submenu)
        self.menu.addMenu(submenu)
        return submenu

    def _add_recording_actions(self) -> None:
        controller = self._controller
        key = dictation_key(controller)
        ready = bool(controller.profile_names())  # no server yet: nothing can be sent
        if self._state == "recording":
            self._add_action(self.tr("Stop recording"), controller.toggle_recording)
        elif controller.recording_available:
            self._add_action(
                self.tr("Dictate into the active app ({0})").format(key) if key
                else self.tr("Dictate into the active app"),
                controller.toggle_recording).setEnabled(ready)
        else:
            problem = controller.recording_problem
            # The reason is a whole sentence already; it is the item's tooltip.
            action = self._add_disabled(self.tr("Recording unavailable"))
            action.setToolTip(problem)
        self._add_action(self.tr("Transcribe file..."), self._transcribe_files).setEnabled(ready)

    def _add_recent_transcripts(self) -> None:
        self.menu.addSeparator()
        self._add_disabled(self.tr("Recent transcripts"))
        entries = self._controller.recent_entries(RECENT_COUNT)
        if not entries:
            self._add_disabled(self.tr("No transcripts yet"))
        for entry in entries:
            text = str(entry.text)
            if not text.strip():
                self._add_disabled(self.tr("(no speech)"))
                continue
            when = entry.created_at.astimezone().strftime("%H:%M")
            label = f"{when} · {elide(source_name(entry.source), 24)} · {elide(text, 40)}"
            action = self._add_action(menu_label(label), partial(self._copy, text))
            action.setToolTip(elide(text, 300))

    def _add_profile_menu(self) -> None:
        submenu = self._add_submenu(self.tr("Profile"))
        names = self._controller.profile_names()
        if not names:
            self._add_disabled(self.tr("No profiles"), submenu)
        active = self._controller.active_profile()
        group = QActionGroup(submenu)
        group.setExclusive(True)
        for name in names:
            action = self._add_action(menu_label(name),
                                      partial(self._controller.set_active_profile, name),
                                      submenu)
            action.setCheckable(True)
            action.setChecked(name == active)
            group.addAction(action)
        submenu.addSeparator()
        self._add_action(self.tr("Manage…"), self.manageProfilesRequested.emit, submenu)

    def _add_vocabulary_menu(self) -> None:
        submenu = self._add_submenu(self.tr("Vocabulary"))
        lists = self._controller.vocabulary_lists()
        if self._controller.active_profile() is None:
            self._add_disabled(self.tr("Choose a profile first"), submenu)
            lists = []
        elif not lists:
            self._add_disabled(self.tr("No lists"), submenu)
        for name, active in lists:
            action = submenu.addAction(menu_label(name))
            action.setCheckable(True)
            action.setChecked(active)
            # The check state is read from the action: PySide does not pass "checked" on
            # to a functools.partial.
            action.triggered.connect(partial(self._set_list_active, name, action))
        submenu.addSeparator()
        self._add_action(self.tr("Manage…"), self.manageVocabularyRequested.emit, submenu)

    # --- reactions -----------------------------------------------------------------------

    def _transcribe_files(self) -> None:
        paths = self._choose_files()
        if paths:
            self._controller.transcribe_paths(list(paths))

    def _copy(self, text: str) -> None:
        self._controller.copy_text(text)
        self.notify(self.tr("Copied"), elide(text, LABEL_CHARS), COPIED_MESSAGE_MS)

    def _set_list_active(self, name: str, action: QAction) -> None:
        self._controller.set_list_active(name, action.isChecked())

    def _rebuild_if_hidden(self, *_args: object) -> None:
        if not self.menu.isVisible():
            self.rebuild_menu()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # On macOS a click opens the menu; toggling the window as well would fight it.
        if reason == QSystemTrayIcon.ActivationReason.Trigger and sys.platform != "darwin":
            self.toggleWindowRequested.emit()

    def _on_state_changed(self, state: str) -> None:
        if state not in self._icons:
            state = "error"
        if state != self._state or self.icon.icon().isNull():
            self.icon.setIcon(self._icons[state])
        if state == "recording" and self._state != "recording":
            self._elapsed = 0.0
        if state != "transcribing":
            self._progress = (0, 0)
        self._state = state
        self._update_tooltip()
        self._rebuild_if_hidden()

    def _on_recording_tick(self, seconds: float) -> None:
        self._elapsed = seconds
        if self._state == "recording":
            self._update_tooltip()

    def _on_progress(self, done: int, total: int) -> None:
        self._progress = (done, total)
        if self._state == "transcribing":
            self._update_tooltip()

    def _on_error(self, message: str, _details: str) -> None:
        self._error_message = message
        if self._state == "error":
            self._update_tooltip()

    def _update_tooltip(self) -> None:
        if self._state == "recording":
            text = self.tr("Recording {0}").format(format_elapsed(self._elapsed))
        elif self._state == "transcribing":
            done, total = self._progress
            text = (self.tr("Transcribing {0} of {1}").format(min(done + 1, total), total)
                    if total > 0 else self.tr("Transcribing…"))
        elif self._state == "error":
            message = elide(self._controller.error_message or self._error_message,
                            TOOLTIP_CHARS)
            text = self.tr("Error: {0}").format(message) if message else self.tr("Error")
        else:
            text = self.tr("desktop-asr — idle")
        self.icon.setToolTip(text)
