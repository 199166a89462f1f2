"""The chunks of an unfinished transcription kept across a restart: a small JSON file per
history entry in the data folder's ``partial/`` (see engine/chunk_results.py). When the app
starts again, a pending entry takes up where it stopped and sends only the missing chunks.

A file that cannot be read or makes no sense is ignored (its chunks are sent again): the
worst a broken file costs is time. Files go when their entry is finished, failed or
cancelled.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from desktop_asr.engine.chunk_results import ChunkResults
from desktop_asr.errors import AsrError
from desktop_asr.stores.jsonfile import write_json
from desktop_asr.stores.paths import data_dir

MAX_FILE_BYTES = 16 * 1024 * 1024  # a 10-hour file's chunks take well under 1 MB


class ChunkProgressStore:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else data_dir() / "partial"

    def _path(self, entry_id: int) -> Path:
        return self.folder / f"{int(entry_id)}.json"

    def load(self, entry_id: int) -> ChunkResults:
        """The kept chunks of entry ``entry_id`` (none when nothing usable is kept)."""
        path = self._path(entry_id)
        try:
            if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                return ChunkResults()
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return ChunkResults()
        return ChunkResults.from_json(data)

    def save(self, entry_id: int, results: ChunkResults) -> None:
        """Keep ``results`` for entry ``entry_id`` (atomically); AsrError in words when the
        file cannot be written."""
        try:
            write_json(self._path(entry_id), results.to_json())
        except OSError as exc:
            raise AsrError(f"Cannot keep the transcribed part in {self.folder}: "
                           f"{exc.strerror or exc}.") from None

    def discard(self, entry_id: int) -> None:
        with contextlib.suppress(OSError):
            self._path(entry_id).unlink(missing_ok=True)
