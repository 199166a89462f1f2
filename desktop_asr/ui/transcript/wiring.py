"""The transcript view joined to the rest of the app: segment corrections kept in the
history, the last save folder and format kept in the settings, and a file's text shown
segment by segment while it is transcribed (unless the user is busy with the view)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from desktop_asr.errors import AsrError
from desktop_asr.text.transcript import Segment
from desktop_asr.ui.transcription_queue import QueueItem

if TYPE_CHECKING:
    from desktop_asr.ui.controller import AppController
    from desktop_asr.ui.widgets.transcript_view import TranscriptView


class TranscriptWiring:
    def __init__(self, view: TranscriptView, controller: AppController,
                 show_error: Callable[[str, str], None]) -> None:
        self.view = view
        self.controller = controller
        self._show_error = show_error
        self._arrived: dict[int, list[Segment]] = {}  # running items' segments so far
        settings = controller.settings
        view.save_format = settings.last_save_format
        if settings.last_save_dir and Path(settings.last_save_dir).is_dir():
            view.set_save_place(Path(settings.last_save_dir), settings.last_save_format)
        view.segmentsEdited.connect(self._segments_edited)
        view.saved.connect(self._saved)
        controller.queue.segmentsReady.connect(self._segments_ready)
        controller.queue.itemFinished.connect(self._finished)

    def _segments_edited(self, entry_id: int, segments: tuple[Segment, ...]) -> None:
        history = self.controller.history
        if history is None:
            return
        try:
            history.update_segments(entry_id, segments)
        except AsrError as exc:
            self._show_error(str(exc), exc.details)

    def _saved(self, path: str, fmt: str) -> None:
        settings = self.controller.settings
        folder = str(Path(path).parent)
        if (settings.last_save_dir, settings.last_save_format) != (folder, fmt):
            self.controller.save_settings(replace(settings, last_save_dir=folder,
                                                  last_save_format=fmt))

    def _busy(self) -> bool:
        """The user is reading, editing or listening: the view is not taken over."""
        view = self.view
        focus = QApplication.focusWidget()
        return view.segments_page.player.is_playing() or (
            focus is not None and view.isAncestorOf(focus) and view.transcript() is not None
            and view.live_id is None)

    def _segments_ready(self, item_id: int, segments: tuple[Segment, ...]) -> None:
        self._arrived.setdefault(item_id, []).extend(segments)
        view = self.view
        if view.live_id == item_id:
            view.add_live_segments(item_id, segments)
        elif view.live_id is None and not self._busy():
            view.show_live(item_id, self.controller.queue.item(item_id).label)
            view.add_live_segments(item_id, tuple(self._arrived[item_id]))

    def _finished(self, item: QueueItem) -> None:
        self._arrived.pop(item.id, None)
        if self.view.live_id == item.id and item.transcript is None:
            self.view.clear()  # failed or cancelled: its partial text goes
