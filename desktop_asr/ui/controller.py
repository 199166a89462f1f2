"""The app's one controller: the state the tray and the window show, and everything they
can ask for (record, transcribe, switch profile...). Widgets subscribe to its signals and
call its methods; it calls the stores, the recorder and the transcription queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from desktop_asr.errors import AsrError
from desktop_asr.recording.cues import START, STOP
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.stores.run_plan import RunPlan, plan_run
from desktop_asr.ui.actions import Actions, auto_save
from desktop_asr.ui.recordings import Recordings, RecordingTicker, Take
from desktop_asr.ui.services import Services
from desktop_asr.ui.status.error_text import error_words
from desktop_asr.ui.transcription_queue import DONE, WAITING, QueueItem, TranscriptionQueue

IDLE, RECORDING, TRANSCRIBING, ERROR = "idle", "recording", "transcribing", "error"


class AppController(QObject, Actions):
    stateChanged = Signal(str)
    recordingTick = Signal(float)  # elapsed seconds
    levelChanged = Signal(float, float)  # rms, peak (0..1)
    progressChanged = Signal(int, int)  # jobs done, jobs total of the current batch
    transcriptReady = Signal(object)  # HistoryEntry, or a QueueItem when not in the history
    itemFinished = Signal(object)  # QueueItem (done, failed or cancelled)
    errorRaised = Signal(str, str)  # message in words, details
    noticeRaised = Signal(str)  # something to know, not an error ("Nothing heard.")
    errorCleared = Signal()  # a job succeeded: the last error is stale
    storesChanged = Signal()
    settingsChanged = Signal(object)  # AppSettings
    historyChanged = Signal()  # entries were added outside the queue (dictation)
    showWindowRequested = Signal()
    settingsRequested = Signal()
    quitRequested = Signal()

    def __init__(self, services: Services, *, queue: TranscriptionQueue | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.stores = services.stores
        self.history = services.history
        self._settings = self._load_settings()
        self.queue = queue or TranscriptionQueue(self._plan_for, services.history,
                                                 parent=self)
        self.queue.itemChanged.connect(self._on_item_changed)
        self.queue.itemFinished.connect(self._on_item_finished)
        self.error_message = ""
        self.dictation_toggle: Callable[[], None] | None = None  # set by the app
        self.stop_dictation: Callable[[], bool] = lambda: False  # True: one was stopped
        self.recordings = Recordings(services.history, self.report_error, self)
        self.recordings.watch(services.recorder)
        self.recordings.failed.connect(self._recorder_failed)
        self._take: Take | None = None  # the Record button's recording
        self._error_mark = -1  # the newest queue item when the last error was said
        self._closed = False
        self._state = IDLE
        self._batch_total = 0
        self._batch_done = 0
        self._tick = RecordingTicker(lambda: self.services.recorder, self)
        self._tick.tick.connect(self.recordingTick)
        self._tick.level.connect(self.levelChanged)
        self._tick.ended.connect(self._update_state)

    # --- state -----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def settings(self) -> AppSettings:
        return self._settings

    @property
    def recording_available(self) -> bool:
        return self.services.recorder is not None and not self.services.recording_problem

    @property
    def recording_problem(self) -> str:
        if self.services.recorder is None and not self.services.recording_problem:
            return self.tr("Recording is unavailable on this system.")
        return error_words(self.services.recording_problem)[0]

    @property
    def is_recording(self) -> bool:
        recorder = self.services.recorder
        return recorder is not None and recorder.is_recording

    def _update_state(self) -> None:
        if self.is_recording:
            state = RECORDING
        elif self.queue.active_count() and any(
                i.status != WAITING for i in self.queue.items() if not i.finished):
            state = TRANSCRIBING
        elif self.error_message:
            state = ERROR
        else:
            state = IDLE
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    def report_error(self, message: str, details: str = "") -> None:
        self.error_message = message
        self._error_mark = self._newest_item()  # a job queued later clears it
        self.errorRaised.emit(message, details)
        self._update_state()

    def clear_error(self) -> None:
        self.error_message = ""
        self.errorCleared.emit()
        self._update_state()

    def report_notice(self, message: str) -> None:
        self.noticeRaised.emit(message)

    # --- settings ----------------------------------------------------------------------------
    def _load_settings(self) -> AppSettings:
        try:
            return self.services.settings.load()
        except AsrError as exc:
            # The user's file is kept as it is; defaults are used for this session.
            message, details = error_words(exc)
            QTimer.singleShot(0, lambda: self.report_error(message, details))
            return AppSettings()

    def save_settings(self, settings: AppSettings) -> None:
        try:
            self.services.settings.save(settings)
        except AsrError as exc:
            self.report_error(*error_words(exc))
            return
        self._settings = settings
        self.settingsChanged.emit(settings)

    def apply_settings(self, settings: AppSettings) -> None:
        """Settings saved elsewhere (the Settings dialog) take effect now."""
        self._settings = settings
        self.settingsChanged.emit(settings)

    # --- recording ---------------------------------------------------------------------------
    def toggle_recording(self) -> None:
        """The tray's Start/Stop and `desktop-asr --toggle-recording`: dictation when the
        app has it (the text goes where the dictation settings say), else a recording
        transcribed like a file."""
        if self.dictation_toggle is not None:
            self.dictation_toggle()
        else:
            self.toggle_file_recording()

    def toggle_file_recording(self) -> None:
        """The window's Record button: record, then transcribe like a dropped file."""
        if self.is_recording:
            self.stop_recording()
        else:
            self.start_recording()

    def start_recording(self) -> None:
        recorder = self.services.recorder
        if recorder is None or self.services.recording_problem:
            self.report_error(self.recording_problem)
            return
        if recorder.is_recording:
            return
        take = self.recordings.begin(self.active_profile(), self.tr("Recording {0}").format(
            datetime.now().strftime("%Y-%m-%d %H:%M:%S")))
        if take is None:
            return
        try:
            recorder.start(take.path, self._settings.input_device)
        except AsrError as exc:
            self.recordings.discard(take)
            self.report_error(*error_words(exc))
            return
        self._take = take
        self.recording_started()

    def recording_started(self) -> None:
        """The recorder runs (the Record button, or dictation): show it."""
        self.clear_error()
        self._tick.start()
        self._cue(START)
        self._update_state()

    def recording_stopped(self, duration: float | None = None) -> None:
        self._tick.stop()
        self._cue(STOP)
        if duration is not None:
            self.recordingTick.emit(duration)
        self.levelChanged.emit(0.0, 0.0)
        self._update_state()

    def stop_recording(self) -> None:
        """Stop, keep the file, and send it: the history holds it as pending first."""
        recorder = self.services.recorder
        take, self._take = self._take, None
        if recorder is None or not recorder.is_recording:
            return
        if take is None and self.stop_dictation():  # the dictation's: it stops its own
            return
        try:
            recording = recorder.stop()
        except AsrError as exc:  # the entry stays as it is: the next start recovers it
            self.report_error(*error_words(exc))
            self.recording_stopped()
            return
        self.recording_stopped(recording.duration_seconds)
        if take is None:  # started by someone else: a new entry
            take = Take(recording.path, self.active_profile(), "", None)
        self.queue_recording(take, recording.duration_seconds)

    def queue_recording(self, take: Take, duration: float | None = None) -> None:
        """Send a recording file: pending in the history first, then the queue."""
        label = take.label or self.tr("Recording {0}").format(
            datetime.now().strftime("%Y-%m-%d %H:%M:%S"))
        history_id = take.entry_id
        if history_id is not None:
            self.recordings.stopped(take, duration)
        elif self.history is not None:
            try:
                history_id = self.history.add_pending(label, "recording", take.profile,
                                                      audio_path=take.path)
            except AsrError as exc:
                self.report_error(*error_words(exc))
        self._start_batch(1)
        self.queue.add(str(take.path), kind="recording", label=label, profile=take.profile,
                       audio_path=take.path, history_id=history_id)
        self._update_state()

    def _recorder_failed(self, message: str) -> None:
        """The microphone went away or the disk is full: say so, stop, and send what was
        recorded until then (a dictation does the same through its own handler)."""
        self.report_error(message)
        if self._take is not None and self.is_recording:
            self.stop_recording()
        self._error_mark = self._newest_item()  # its own recording does not clear it

    def _newest_item(self) -> int:
        return max((item.id for item in self.queue.items()), default=-1)

    def history_changed(self) -> None:
        self.historyChanged.emit()

    def cancel_recording(self) -> None:
        recorder = self.services.recorder
        take, self._take = self._take, None
        if recorder is not None and recorder.is_recording:
            self._tick.stop()
            recorder.cancel()
            if take is not None:
                self.recordings.discard(take)  # thrown away: nothing to keep or resume
            self._update_state()

    def _cue(self, kind: str) -> None:
        if not self._settings.play_sounds or self.services.play_cue is None:
            return
        try:
            self.services.play_cue(kind)
        except AsrError as exc:
            self.report_error(*error_words(exc))

    def new_recording_path(self) -> Path | None:
        """A new file to record into; None when it cannot be made (said in words)."""
        return self.recordings.new_path()

    # --- transcription -------------------------------------------------------------------------
    def plan_for(self, profile: str | None) -> RunPlan:
        return self._plan_for(profile)

    def _plan_for(self, profile: str | None) -> RunPlan:
        return plan_run(self.stores, profile_name=profile)

    def transcribe_paths(self, paths: list[str]) -> None:
        """Queue files and URLs (folders are expanded by the caller)."""
        if not paths:
            return
        self._start_batch(len(paths))
        profile = self.active_profile()
        for path in paths:
            self.queue.add(path, profile=profile)
        self._update_state()

    def rerun(self, entry_id: int, profile: str) -> None:
        if self.history is None:
            return
        try:
            entry = self.history.get(entry_id)
        except AsrError as exc:
            self.report_error(*error_words(exc))
            return
        if entry.source_kind == "recording":
            if entry.audio_path is None or not entry.audio_path.exists():
                self.report_error(self.tr("The audio of this recording was not kept, so it "
                                          "cannot be transcribed again."))
                return
            source = str(entry.audio_path)
        else:
            source = entry.source
        self._start_batch(1)
        self.queue.add(source, kind=entry.source_kind, label=entry.source, profile=profile,
                       audio_path=entry.audio_path)
        self._update_state()

    def resume_pending(self) -> int:
        """Queue the history's pending entries again (the app was closed, or the server was
        away); returns how many."""
        if self.history is None:
            return 0
        try:
            pending = self.history.pending()
        except AsrError as exc:
            self.report_error(*error_words(exc))
            return 0
        count = 0
        for entry in pending:
            source = str(entry.audio_path) if entry.audio_path is not None else entry.source
            if entry.source_kind == "file" and not Path(source).exists():
                continue
            self.queue.add(source, kind=entry.source_kind, label=entry.source,
                           profile=entry.profile, audio_path=entry.audio_path,
                           history_id=entry.id, recovered=entry.recovered)
            count += 1
        if count:
            self._start_batch(count)
            self._update_state()
        return count

    def _start_batch(self, count: int) -> None:
        if not self.queue.active_count():
            self._batch_total = self._batch_done = 0
        self._batch_total += count
        self.progressChanged.emit(self._batch_done, self._batch_total)

    def _on_item_changed(self, _item: QueueItem) -> None:
        if not self._closed:
            self._update_state()

    def _on_item_finished(self, item: QueueItem) -> None:
        if self._closed:  # shut down: the history may be closed already
            return
        self._batch_done += 1
        self.progressChanged.emit(min(self._batch_done, self._batch_total), self._batch_total)
        self.itemFinished.emit(item)
        if item.status == DONE and item.transcript is not None:
            if self._settings.auto_copy and not item.recovered:  # recovered: history only
                self.copy_text(item.transcript.text)
            self._auto_save(item)
            entry = self._entry(item)
            if self.error_message and item.id > self._error_mark:
                self.clear_error()  # the next job succeeded: the error is stale
            self.transcriptReady.emit(entry if entry is not None else item)
        elif item.error:
            self.report_error(item.error, item.details)
        self._update_state()

    def _entry(self, item: QueueItem) -> HistoryEntry | None:
        if self.history is None or item.history_id is None:
            return None
        try:
            return self.history.get(item.history_id)
        except AsrError:
            return None

    def _auto_save(self, item: QueueItem) -> None:
        try:
            auto_save(item, self._settings)
        except AsrError as exc:
            self.report_error(*error_words(exc))

    # --- requests to the window -------------------------------------------------------------
    def request_show_window(self) -> None:
        self.showWindowRequested.emit()

    def request_settings(self) -> None:
        self.settingsRequested.emit()

    def request_quit(self) -> None:
        self.quitRequested.emit()

    def shutdown(self) -> None:
        """Quitting: a recording in progress is kept (stopped, pending in the history); the
        queue is stopped and the last of its signals handled now, so that nothing reaches
        the controller after this (when the app closes the history). Safe to call twice."""
        if self._closed:
            return
        if self.is_recording:
            self.stop_recording()
        self.queue.shutdown()  # its thread has ended: it sends nothing more
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        self._closed = True
