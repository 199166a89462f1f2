"""The auto-save folder of Settings: every finished transcript kept there as a file."""

from __future__ import annotations

from pathlib import Path

from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.ui.transcription_queue import QueueItem
from desktop_asr.ui.widgets.transcript_view import save_transcript


def auto_save(item: QueueItem, settings: AppSettings) -> None:
    """Save ``item``'s transcript in the auto-save folder, when one is set; AsrError (in
    words) when it cannot be written."""
    folder = settings.auto_save_dir
    if not folder or item.transcript is None:
        return
    stem = Path(item.label).stem if item.kind != "url" else "transcript"
    save_transcript(item.transcript, Path(folder), stem, settings.auto_save_format)
