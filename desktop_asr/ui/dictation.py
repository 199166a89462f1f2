"""Dictation anywhere: a global key (toggle or push-to-talk) records; finished phrases are
sent while the user still speaks; after the stop the text is pasted into the focused
window (or typed, or only put on the clipboard), the user's clipboard put back.

The hotkeys call in from pynput's thread and the auto-stop from the recorder's: both hop
to the UI thread through queued signals. Nothing here blocks the UI thread: the last
phrase is awaited on a pool thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_asr.dictation.chinese import convert_chinese
from desktop_asr.dictation.sender import ClientSender
from desktop_asr.dictation.session import DictationResult, DictationSession
from desktop_asr.dictation.vad import AutoStop
from desktop_asr.errors import AsrError
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.stores.run_plan import RunPlan, plan_run
from desktop_asr.text.transcript import Segment, Transcript
from desktop_asr.ui.controller import AppController
from desktop_asr.ui.recordings import Take
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.workers import run_in_background

FINISH_TIMEOUT = 120.0  # seconds to wait for the last phrase before falling back


class PlanCache(QObject):
    """The run plan of the active profile (its settings, vocabulary and API key, read from
    the keyring over D-Bus), made on a pool thread ahead of the key press, so that starting
    a dictation reads nothing slow on the UI thread."""

    def __init__(self, app: AppController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._plan: RunPlan | None = None
        self._generation = 0

    def refresh(self) -> None:
        """Make the plan again (the profiles, lists or keys changed, or one was used)."""
        self._generation += 1
        self._plan = None
        generation, stores, profile = self._generation, self._app.stores, None
        with contextlib.suppress(AsrError):
            profile = self._app.active_profile()

        def keep(plan: RunPlan) -> None:
            if generation == self._generation:  # not replaced by a newer refresh
                self._plan = plan

        run_in_background(lambda: plan_run(stores, profile_name=profile), finished=keep,
                          failed=lambda _message, _details: None, parent=self)

    def take(self) -> RunPlan:
        """The plan for a dictation starting now (made here only when none is ready yet);
        AsrError in words when there is no usable profile."""
        plan = self._plan
        if plan is None or plan.profile_name != self._app.active_profile():
            plan = plan_run(self._app.stores, profile_name=self._app.active_profile())
        self.refresh()  # a fresh one for the next dictation
        return plan


class Dictation(QObject):
    """Drives one dictation at a time for ``app`` (the AppController).

    ``deliver(text, settings)`` puts the text where the settings say (paste / type /
    clipboard); ``hotkeys_factory(toggle, push_to_talk, on_toggle, on_press, on_release)``
    makes the global-key listener. Both are injected by the app (and by tests)."""

    delivered = Signal(str)  # the text that was pasted, typed or copied
    nothingHeard = Signal()
    _toggleRequested = Signal()
    _pressRequested = Signal()
    _releaseRequested = Signal()

    def __init__(self, app: AppController, *,
                 deliver: Callable[[str, AppSettings], None],
                 hotkeys_factory: Callable[..., Any] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._deliver = deliver
        self._hotkeys_factory = hotkeys_factory
        self.hotkeys: Any = None
        self.session: DictationSession | None = None
        self._take: Take | None = None  # the recording (file, history entry) of this one
        self._held = False  # recording because push-to-talk is held
        self._chinese = "none"  # the profile's Chinese script for this dictation
        self.keys_suspended = False  # a key editor has the focus: the keys are being set
        self._toggleRequested.connect(self._key_toggle)
        self._pressRequested.connect(self._key_pressed)
        self._releaseRequested.connect(self.push_to_talk_released)  # always ends a dictation
        app.settingsChanged.connect(self.apply_settings)
        app.recordings.failed.connect(self._recorder_failed)
        self.plans = PlanCache(app, parent=self)
        app.storesChanged.connect(self.plans.refresh)
        app.stop_dictation = self._stop_if_active  # the Record button, while dictating

    # --- the global keys --------------------------------------------------------------------
    def apply_settings(self, settings: AppSettings | None = None) -> None:
        """(Re)start the global keys from the settings; a problem is reported in words."""
        settings = settings or self.app.settings
        if self.hotkeys is not None:
            self.hotkeys.stop()
            self.hotkeys = None
        if self._hotkeys_factory is None or not (settings.dictation_toggle
                                                 or settings.dictation_push_to_talk):
            return
        try:
            hotkeys = self._hotkeys_factory(
                settings.dictation_toggle, settings.dictation_push_to_talk,
                self._toggleRequested.emit, self._pressRequested.emit,
                self._releaseRequested.emit)
            hotkeys.start()
        except Exception as exc:  # a refused key, or no way to listen on this desktop
            reason, details = error_words(exc)
            self.app.report_error(self.tr("The dictation keys are not active: {0}").format(
                reason), details)
            return
        self.hotkeys = hotkeys
        self._arm(settings)
        self.plans.refresh()  # ready before the first key press

    def _arm(self, settings: AppSettings) -> None:
        """Keep the microphone stream open while the keys are active, with a short
        pre-roll, so that words spoken as the key goes down are not lost."""
        recorder = self.app.services.recorder
        if recorder is None or self.app.services.recording_problem or recorder.is_recording:
            return
        try:
            recorder.arm(settings.input_device)
        except AsrError as exc:
            self.app.report_error(*error_words(exc))

    def shutdown(self) -> None:
        if self.hotkeys is not None:
            self.hotkeys.stop()
            self.hotkeys = None
        recorder = self.app.services.recorder
        session, take, self.session, self._take = self.session, self._take, None, None
        if session is not None:
            session.cancel()
        if session is not None and take is not None and recorder is not None \
                and recorder.is_recording:
            # Quitting mid-dictation: the recording is kept, pending for the next start.
            with contextlib.suppress(AsrError):
                self.app.recordings.stopped(take, recorder.stop().duration_seconds)
            self.app.recording_stopped()
        if recorder is not None and getattr(recorder, "is_armed", False) \
                and not recorder.is_recording:
            recorder.disarm()

    def _key_toggle(self) -> None:
        if not self.keys_suspended or self.active:  # a running one may always stop
            self.toggle()

    def _key_pressed(self) -> None:
        if not self.keys_suspended:
            self.push_to_talk_pressed()

    def suspend_keys(self, suspended: bool) -> None:
        """While the user sets a new key in Settings, pressing the old one must not start a
        dictation behind the dialog: the global keys are ignored until the editor is left."""
        self.keys_suspended = suspended

    # --- start and stop -----------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.session is not None

    def toggle(self) -> None:
        if self.active:
            self.stop()
        else:
            self.start()

    def push_to_talk_pressed(self) -> None:
        if not self.active:
            self._held = True
            self.start()

    def push_to_talk_released(self) -> None:
        if self._held and self.active:
            self._held = False
            self.stop()

    def start(self) -> None:
        app = self.app
        recorder = app.services.recorder
        if recorder is None or app.services.recording_problem:
            app.report_error(app.recording_problem)
            return
        if recorder.is_recording:  # the window's Record button is recording: stop that
            app.stop_recording()
            return
        settings = app.settings
        try:
            plan = self.plans.take()
        except AsrError as exc:
            app.report_error(*error_words(exc))
            return
        auto_stop = (AutoStop(settings.auto_stop_silence)
                     if settings.auto_stop_silence else None)
        session = DictationSession(ClientSender(plan.config, plan.settings),
                                   vocabulary_context=plan.settings.context_text,
                                   auto_stop=auto_stop,
                                   on_auto_stop=self._toggleRequested.emit)
        take = app.recordings.begin(plan.profile_name, self.tr("Dictation {0}").format(
            datetime.now().strftime("%Y-%m-%d %H:%M:%S")))
        if take is None:  # no file to record into: said in words
            return
        try:
            session.start()
            recorder.start(take.path, settings.input_device, on_block=session.feed)
        except AsrError as exc:
            session.cancel()
            app.recordings.discard(take)
            app.report_error(*error_words(exc))
            return
        self.session, self._take = session, take
        self._chinese = self._chinese_of(plan.profile_name)
        app.recording_started()

    def _chinese_of(self, profile: str | None) -> str:
        if profile is None:
            return "none"
        try:
            return self.app.stores.profiles.get(profile).chinese
        except AsrError:
            return "none"

    def stop(self) -> None:
        session, take = self.session, self._take
        recorder = self.app.services.recorder
        if session is None or take is None or recorder is None:
            return
        self.session = self._take = None
        try:
            recording = recorder.stop()
        except AsrError as exc:  # the entry stays: the next start recovers the file
            session.cancel()
            self.app.report_error(*error_words(exc))
            self.app.recording_stopped()
            return
        self.app.recording_stopped(recording.duration_seconds)
        run_in_background(
            lambda: session.finish(timeout=FINISH_TIMEOUT),
            finished=lambda result: self._finished(result, take, recording.duration_seconds),
            failed=lambda message, details: self._fall_back(take, message, details))

    def _stop_if_active(self) -> bool:
        if not self.active:
            return False
        self.stop()
        return True

    def _recorder_failed(self, _message: str) -> None:
        """The microphone went away or the disk is full (the app says so): the dictation
        stops, and what was recorded goes to the queue like a file."""
        session, take = self.session, self._take
        recorder = self.app.services.recorder
        if session is None or take is None or recorder is None or not recorder.is_recording:
            return
        self.session = self._take = None
        session.cancel()
        try:
            recording = recorder.stop()
        except AsrError as exc:
            self.app.report_error(*error_words(exc))
            self.app.recording_stopped()
            return
        self.app.recording_stopped(recording.duration_seconds)
        self.app.queue_recording(take, recording.duration_seconds)

    # --- the result -------------------------------------------------------------------------
    def _finished(self, result: DictationResult, take: Take, duration: float) -> None:
        if result.error is not None:
            self._fall_back(take, *error_words(result.error))
            return
        if result.nothing_heard:
            # Nothing to paste, and never the vocabulary (the context echo on silence);
            # nothing to keep either: the recording and its entry go at once.
            self.app.recordings.discard(take)
            self.app.report_notice(self.tr("Nothing heard."))
            self.nothingHeard.emit()
            return
        settings = self.app.settings
        text = convert_chinese(result.text, self._chinese)
        try:
            self._deliver(text, settings)
        except Exception as exc:  # the text is kept: on the clipboard and in the history
            self.app.copy_text(text)
            reason, details = error_words(exc)  # the system's own words go to Details
            self.app.report_error(self.tr("The text could not be pasted; it is on the "
                                          "clipboard. {0}").format(reason).strip(), details)
        else:
            self.app.clear_error()  # an earlier error is stale now
        self._keep(result, take, duration)
        self.delivered.emit(text)

    def _keep(self, result: DictationResult, take: Take, duration: float) -> None:
        segments = [Segment(p.start_seconds, p.end_seconds,
                            convert_chinese(p.text, self._chinese), "")
                    for p in result.phrases if p.text]
        transcript = Transcript.from_segments(str(take.path), segments, duration=duration)
        self.app.recordings.finished(take, transcript)  # and the retention applied
        QTimer.singleShot(0, self.app.history_changed)

    def _fall_back(self, take: Take, message: str, details: str = "") -> None:
        """The phrases could not all be sent: the recording (on disk) goes to the queue,
        kept pending in the history until the server answers."""
        self.app.report_error(self.tr("Dictation could not be sent while speaking ({0}); "
                                      "the recording is transcribed as a file.").format(
                                          message), details)
        self.app.queue_recording(take)
