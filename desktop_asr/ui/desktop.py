"""The desktop app put together: services, controller, main window, tray, dialogs, and the
single-instance server that lets `desktop-asr --toggle-recording` reach it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_asr.dictation.hotkeys import hotkey_problem
from desktop_asr.errors import AsrError
from desktop_asr.recording.recovery import recover_recordings
from desktop_asr.stores.app_settings import AppSettingsStore
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.run_plan import Stores
from desktop_asr.system import macos_permissions
from desktop_asr.system.macos_permissions import Permission
from desktop_asr.ui.controller import AppController
from desktop_asr.ui.dictation import Dictation
from desktop_asr.ui.main_window import MainWindow
from desktop_asr.ui.services import Services
from desktop_asr.ui.session_tools import SessionTools
from desktop_asr.ui.single_instance import InstanceServer
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.text_delivery import TextDelivery
from desktop_asr.ui.tray import Tray, take_unavailable_notice
from desktop_asr.ui.widgets.recording_indicator import RecordingIndicator

NOTICE_MS = 3000  # a notice ("Nothing heard.") in the tray
COMMANDS = ("show", "toggle-recording", "start-recording", "stop-recording", "quit")


def default_services() -> tuple[Services, list[tuple[str, str]]]:
    """The user's stores, history and recorder; problems found on the way, in words (the
    app still starts: without a history, or without recording)."""
    problems: list[tuple[str, str]] = []
    history: HistoryStore | None
    try:
        history = HistoryStore()
    except AsrError as exc:
        history = None
        problems.append(error_words(exc))
    from desktop_asr.recording.devices import recording_problem
    from desktop_asr.recording.recorder import Recorder

    problem = recording_problem()
    recorder = None if problem else Recorder()
    from desktop_asr.recording.cues import play_cue

    services = Services(stores=Stores(), history=history, settings=AppSettingsStore(),
                        recorder=recorder, recording_problem=problem,
                        play_cue=None if problem else play_cue)
    return services, problems


class DesktopApp(QObject):
    def __init__(self, app: QApplication, services: Services, *,
                 instance: InstanceServer | None = None,
                 problems: list[tuple[str, str]] | None = None,
                 tools: SessionTools | None = None,
                 permissions: Callable[[], list[Permission]] | None = None,
                 platform: str = sys.platform) -> None:
        super().__init__()
        self.app = app
        # How dictation catches keys and delivers text in this session (X11, Wayland...).
        self.tools = tools if tools is not None else SessionTools()
        self.controller = AppController(services)
        # The tray icon is made even without a tray host: on X11 it appears when a panel
        # starts later. Whether closing the window hides or quits is decided now.
        self.tray = Tray(self.controller)
        self.has_tray = Tray.available()
        self.window = MainWindow(self.controller, keep_running_in_tray=self.has_tray,
                                 devices=_device_names)
        self.instance = instance
        self.delivery = TextDelivery(
            wayland=self.tools.wayland_delivery if self.tools.is_wayland else None,
            can_send_keys=_accessibility_allowed if platform == "darwin" else None,
            parent=self)
        # macOS: the permissions dictation needs and the user has not given (said at start).
        self._permissions = permissions or (lambda: macos_permissions.missing_permissions(
            platform, needs_keys=self._needs_keys()))
        self.permission_notices: list[QMessageBox] = []
        self.delivery.notice.connect(self._notice)
        self.dictation = Dictation(self.controller, deliver=self.delivery.deliver,
                                   hotkeys_factory=self.tools.hotkeys, parent=self)
        self.delivery.modifiers_released = self._modifiers_released
        self.controller.dictation_toggle = self.dictation.toggle
        self.indicator = RecordingIndicator()
        self.controller.stateChanged.connect(self._indicate)
        self.controller.recordingTick.connect(self.indicator.set_elapsed)
        self.controller.levelChanged.connect(self.indicator.meter.set_level)
        c = self.controller
        c.showWindowRequested.connect(self.window.bring_to_front)
        c.settingsRequested.connect(self.open_settings)
        c.quitRequested.connect(self.quit)
        c.transcriptReady.connect(self._notify_if_hidden)
        self.window.profilesRequested.connect(self.open_profiles)
        self.window.vocabularyRequested.connect(self.open_vocabulary)
        self.window.settingsRequested.connect(self.open_settings)
        self.window.setupRequested.connect(self.open_first_run)
        self.tray.toggleWindowRequested.connect(self.window.toggle_visible)
        self.tray.manageProfilesRequested.connect(self.open_profiles)
        self.tray.manageVocabularyRequested.connect(self.open_vocabulary)
        c.noticeRaised.connect(self._brief_notice)
        if instance is not None:
            instance.commandReceived.connect(self.run_command)
        for message, details in problems or []:
            QTimer.singleShot(0, lambda m=message, d=details: c.report_error(m, d))

    def start(self, initial_command: str | None = None) -> None:
        self.dictation.apply_settings()
        self.window.show()
        self.tray.show()
        if not self.has_tray:
            notice = take_unavailable_notice(QSettings())
            if notice:
                self.controller.report_error(notice)
        if not self.controller.profile_names():
            QTimer.singleShot(0, self.open_first_run)
        QTimer.singleShot(0, self.check_permissions)
        self.recover()  # before resume_pending, which then sends what was recovered
        self.controller.recordings.apply_retention()
        self.controller.resume_pending()
        if initial_command:
            QTimer.singleShot(0, lambda: self.run_command(initial_command))

    def run_command(self, command: str) -> None:
        if command == "show":
            self.window.bring_to_front()
        elif command == "toggle-recording":
            self.controller.toggle_recording()
        elif command == "start-recording":  # a desktop's push-to-talk: the key went down
            self.dictation.push_to_talk_pressed()
        elif command == "stop-recording":  # ...and up
            self.dictation.push_to_talk_released()
        elif command == "quit":
            self.quit()

    def recover(self) -> int:
        """Recordings an unexpected exit (killed, a power cut) left unfinished: repaired and
        marked recovered, to be transcribed into the history only (never pasted). Said
        once; returns how many."""
        history = self.controller.history
        if history is None:
            return 0
        try:
            found = recover_recordings(history, label=lambda moment: self.tr(
                "Recording {0}").format(moment.strftime("%Y-%m-%d %H:%M:%S")))
        except (AsrError, OSError) as exc:
            found = []
            reason = error_words(exc)[0] if isinstance(exc, AsrError) else (
                exc.strerror or str(exc))
            self.controller.report_error(self.tr(
                "Recordings interrupted by an unexpected exit could not be looked for: "
                "{0}").format(reason), str(exc))
        for lost in (r for r in found if r.problem):
            self.controller.report_error(self.tr(
                "A recording interrupted by an unexpected exit could not be recovered."),
                lost.problem)
        count = sum(1 for r in found if not r.problem)
        if count:
            text = (self.tr("1 recording recovered after an unexpected exit; its text "
                            "will be in the history.") if count == 1 else
                    self.tr("{0} recordings recovered after an unexpected exit; their "
                            "text will be in the history.").format(count))
            self.window.banner.show_message(text)
            if self.has_tray:
                self.tray.notify(self.tr("Recordings recovered"), text)
        if found:
            self.controller.history_changed()
        return count

    def quit(self) -> None:
        """In order: dictation and recording stopped (kept pending), the queue stopped
        and its last signals handled, then the window; `close` ends the history after
        the event loop."""
        self.dictation.shutdown()
        self.controller.shutdown()
        self.tray.hide()
        # Hidden now, so that destroying the window after the event loop has ended does not
        # count as "the last window closed", which would ask an idle application to quit
        # (and stop the next event loop of the same process at once).
        self.window.transcript_view.flush_edits()
        for widget in self.app.topLevelWidgets():
            widget.hide()
        self.app.quit()

    def close(self) -> None:
        """After the event loop: wait briefly for work still on pool threads, then close
        the history (anything later is told, in words, that it is closed)."""
        self.dictation.shutdown()
        self.controller.shutdown()
        QThreadPool.globalInstance().waitForDone(3000)
        self.tools.close()
        if self.controller.history is not None:
            self.controller.history.close()

    # --- dialogs -------------------------------------------------------------------------------
    def open_first_run(self) -> None:
        from desktop_asr.ui.dialogs.first_run_dialog import FirstRunDialog

        stores = self.controller.stores
        dialog = FirstRunDialog(stores.profiles, stores.secrets, parent=self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.controller.storesChanged.emit()

    def open_profiles(self) -> None:
        from desktop_asr.ui.dialogs.profile_dialog import ProfileDialog

        stores = self.controller.stores
        dialog = ProfileDialog(stores.profiles, stores.secrets, stores.vocabulary,
                               parent=self.window)
        dialog.profilesChanged.connect(self.controller.storesChanged)
        dialog.exec()
        self.controller.storesChanged.emit()

    def open_vocabulary(self) -> None:
        from desktop_asr.ui.dialogs.vocabulary_dialog import VocabularyDialog

        stores = self.controller.stores
        dialog = VocabularyDialog(stores.vocabulary, parent=self.window,
                                  profiles=stores.profiles)
        dialog.vocabularyChanged.connect(self.controller.storesChanged)
        dialog.exec()

    def open_settings(self) -> None:
        from desktop_asr.ui.dialogs.settings_dialog import SettingsDialog

        services = self.controller.services
        dialog = SettingsDialog(services.settings, self.controller.history,
                                devices=_device_names, parent=self.window,
                                recording_problem=self.controller.recording_problem
                                if services.recording_problem else "",
                                hotkey_problem=hotkey_problem(os.environ),
                                plan=self.tools.plan)
        dialog.settingsChanged.connect(self.controller.apply_settings)
        dialog.keysBeingEdited.connect(self.dictation.suspend_keys)
        try:
            dialog.exec()
        finally:
            self.dictation.suspend_keys(False)

    def check_permissions(self) -> None:
        """Explain each permission macOS has not given yet (nothing on other systems)."""
        from desktop_asr.ui.dialogs.permission_notice import PermissionNotice

        for permission in self._permissions():
            notice = PermissionNotice(permission, parent=self.window)
            self.permission_notices.append(notice)
            notice.open()

    def _needs_keys(self) -> bool:
        """Whether dictation here needs to hear keys or send them to other windows."""
        settings = self.controller.settings
        return bool(settings.dictation_toggle or settings.dictation_push_to_talk
                    or settings.dictation_output != "clipboard")

    def _indicate(self, state: str) -> None:
        # Never on Wayland: a new window takes the focus there (Settings says so).
        if (state == "recording" and self.controller.settings.show_indicator
                and not self.tools.is_wayland):
            self.indicator.show_recording()
        else:
            self.indicator.hide()

    def _modifiers_released(self, timeout: float) -> bool:
        hotkeys = self.dictation.hotkeys
        return True if hotkeys is None else bool(hotkeys.wait_for_modifiers_released(timeout))

    def _notice(self, text: str) -> None:
        """Something about dictated text the user must know or do ("press Ctrl+V")."""
        if self.has_tray:
            self.tray.notify(self.tr("Dictation"), text)
        self.window.banner.show_message(text)

    def _brief_notice(self, text: str) -> None:
        if self.has_tray and not self.window.isVisible():
            self.tray.notify("desktop-asr", text, NOTICE_MS)

    def _notify_if_hidden(self, _result: object) -> None:
        if not Tray.available() or self.window.isVisible():
            return
        if self.controller.settings.notify_when_hidden:
            self.tray.notify(self.tr("Transcript ready"),
                             self.tr("The transcript is on the clipboard."))


def _accessibility_allowed() -> bool:
    state = macos_permissions.accessibility_state()
    return state is not macos_permissions.State.DENIED


def _device_names() -> list[tuple[str, bool]]:
    from desktop_asr.recording.devices import list_input_devices

    return [(d.name, d.is_default) for d in list_input_devices()]
