"""Saving a transcript: export formats, file names and the Save dialog's filters (plain
functions, no widget needed; the transcript view and the app's auto-save use them)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QCoreApplication

from desktop_asr.errors import InputError
from desktop_asr.text.export import EXTENSIONS, FORMATS, export
from desktop_asr.text.transcript import Segment, Transcript, join_texts
from desktop_asr.ui.status.error_text import SHOWN


def format_duration(seconds: float | None) -> str:
    """``h:mm:ss`` (3725 -> ``1:02:05``); "" when unknown."""
    if seconds is None or seconds < 0:
        return ""
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def normalize_format(fmt: str) -> str:
    """An export format name: one of export.FORMATS; ``txt`` is accepted for ``text``."""
    fmt = fmt.lower().lstrip(".")
    for name, ext in EXTENSIONS.items():
        if fmt in (name, ext):
            return name
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def source_stem(source: str) -> str:
    """A file name stem for a transcript of ``source`` (a path, URL or recording name)."""
    path = unquote(urlsplit(source).path) if "://" in source else source
    stem = Path(path.replace("\\", "/").rstrip("/")).stem
    return stem or "transcript"


def edited_transcript(original: Transcript, text: str) -> Transcript:
    """``original`` with its text replaced by ``text``, as HistoryStore.update_text keeps
    it: the segments become one spanning the same time. Unchanged text: ``original``."""
    if text == original.text:
        return original
    segments = original.segments
    if segments:
        segments = (Segment(segments[0].start, max(s.end for s in segments), text,
                            segments[0].language),)
    return Transcript(source=original.source, text=text, language=original.language,
                      duration=original.duration, segments=segments)


def _save_error(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or str(exc)
    message = QCoreApplication.translate("TranscriptView", "Cannot save {0}: {1}.")
    return InputError(message.format(path, reason), details=str(exc), code=SHOWN)


def write_export(transcript: Transcript, path: Path, fmt: str) -> Path:
    """Write ``transcript`` as ``fmt`` to ``path`` (replacing it). InputError in words."""
    data = export(transcript, normalize_format(fmt)).encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise _save_error(path, exc) from None
    return path


def save_transcript(transcript: Transcript, folder: Path, stem: str, fmt: str) -> Path:
    """Write ``transcript`` as ``fmt`` into ``folder`` (created if missing) as
    ``stem.ext``, or ``stem-2.ext``, ``stem-3.ext``... if taken; never replaces a file.
    The path written; InputError in words when it cannot be saved."""
    fmt = normalize_format(fmt)
    data = export(transcript, fmt).encode("utf-8")
    ext = EXTENSIONS[fmt]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _save_error(folder, exc) from None
    for n in range(1, 10_000):
        path = folder / (f"{stem}.{ext}" if n == 1 else f"{stem}-{n}.{ext}")
        try:
            with path.open("xb") as file:
                file.write(data)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _save_error(path, exc) from None
        return path
    message = QCoreApplication.translate("TranscriptView",
                                         "Cannot find a free file name for {0} in {1}.")
    raise InputError(message.format(stem, folder), code=SHOWN)


def format_filters() -> dict[str, str]:
    """The Save dialog's filter for each format (translated), in FORMATS order."""
    labels = {
        "text": QCoreApplication.translate("TranscriptView", "Plain text (*.txt)"),
        "srt": QCoreApplication.translate("TranscriptView", "SubRip subtitles (*.srt)"),
        "vtt": QCoreApplication.translate("TranscriptView", "WebVTT subtitles (*.vtt)"),
        "json": QCoreApplication.translate("TranscriptView", "JSON with segments (*.json)"),
        "md": QCoreApplication.translate("TranscriptView", "Markdown (*.md)"),
    }
    return {fmt: labels.get(fmt, f"{fmt} (*.{EXTENSIONS[fmt]})") for fmt in FORMATS}


def with_segments(original: Transcript, segments: tuple[Segment, ...]) -> Transcript:
    """``original`` with its segments' texts corrected (times kept); the text follows."""
    if segments == original.segments:
        return original
    return Transcript(source=original.source, text=join_texts(s.text for s in segments),
                      language=original.language, duration=original.duration,
                      segments=segments)


def short_source(source: str, limit: int = 60) -> str:
    """A file's name, or a URL cut to ``limit`` characters (the full one is the tooltip)."""
    short = source if "://" in source else (Path(source).name or source)
    return short if len(short) <= limit else short[: limit - 1] + "…"
