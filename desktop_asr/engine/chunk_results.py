"""The chunks of a file that are already transcribed, so that a job tried again (the server
went away mid-file, the app was closed) sends only the missing ones.

A job cuts the same file with the same settings into the same chunks (the cut points are
found in the audio itself), so a chunk is known by where it starts and how long it is, in
samples. The results are valid only for the same audio and the same request settings: the
`fingerprint` says which, and a job with another fingerprint starts afresh.

Thread-safe: the job adds results on its event loop's thread while the app may read them
on another (to keep them across a restart, see stores/chunk_progress.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop_asr.text.plain_text import plain_line
from desktop_asr.text.transcript import Segment

ChunkKey = tuple[int, int]  # (first sample, number of samples)


class ChunkResults:
    def __init__(self, fingerprint: str = "") -> None:
        self._lock = threading.Lock()
        self._fingerprint = fingerprint
        self._results: dict[ChunkKey, tuple[Segment, ...]] = {}

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def start(self, fingerprint: str) -> None:
        """Used for a job with ``fingerprint``: results of other audio or settings go."""
        with self._lock:
            if fingerprint != self._fingerprint:
                self._fingerprint = fingerprint
                self._results.clear()

    def get(self, key: ChunkKey) -> tuple[Segment, ...] | None:
        with self._lock:
            return self._results.get(key)

    def add(self, key: ChunkKey, segments: Iterable[Segment]) -> None:
        with self._lock:
            self._results[key] = tuple(segments)

    def __len__(self) -> int:
        with self._lock:
            return len(self._results)

    # --- as JSON (kept beside the history across a restart) ----------------------------
    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"fingerprint": self._fingerprint,
                    "chunks": [{"start": start, "length": length,
                                "segments": [_segment_json(s) for s in segments]}
                               for (start, length), segments in sorted(self._results.items())]}

    @classmethod
    def from_json(cls, data: object) -> ChunkResults:
        """Results read back; anything malformed is dropped (the chunks are sent again)."""
        if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), str):
            return cls()
        results = cls(data["fingerprint"])
        chunks = data.get("chunks")
        for item in chunks if isinstance(chunks, list) else []:
            try:
                start, length = item["start"], item["length"]
                if not (isinstance(start, int) and isinstance(length, int)
                        and start >= 0 and length > 0):
                    continue
                segments = [_segment_from_json(s) for s in item["segments"]]
            except (KeyError, TypeError, ValueError):
                continue
            results.add((start, length), segments)
        return results


def _segment_json(segment: Segment) -> dict[str, Any]:
    return {"start": segment.start, "end": segment.end, "text": segment.text,
            "language": segment.language}


def _segment_from_json(data: Any) -> Segment:
    start, end, text, language = data["start"], data["end"], data["text"], data["language"]
    if not (isinstance(start, (int, float)) and isinstance(end, (int, float))
            and isinstance(text, str) and isinstance(language, str)):
        raise TypeError("a segment of the wrong types")
    return Segment(float(start), float(end), plain_line(text), plain_line(language))


def source_fingerprint(path: Path, settings_text: str) -> str:
    """Which audio (size and modification time of the file) under which request settings
    (``settings_text``, any text that changes when they do)."""
    info = os.stat(path)
    text = json.dumps([os.fspath(path), info.st_size, info.st_mtime_ns, settings_text])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
