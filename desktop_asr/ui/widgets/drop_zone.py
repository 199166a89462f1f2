"""Where files, folders and links are dropped (or chosen) to be transcribed.

A dropped folder is walked for its media files on a pool thread (`run_in_background`):
a big or slow (network) folder never holds the window still; the sources are emitted
once it is done."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import Shiboken

from desktop_asr.ui.workers import run_in_background

# What a dropped folder contributes: the files FFmpeg commonly reads as audio or video.
MEDIA_SUFFIXES = frozenset({
    ".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wma", ".amr", ".aiff",
    ".aif", ".caf", ".mka", ".webm", ".mp4", ".m4v", ".mov", ".mkv", ".avi", ".wmv", ".flv",
    ".3gp", ".ts", ".mpg", ".mpeg",
})
MAX_FOLDER_FILES = 2000  # a dropped home folder must not queue the whole disk

FileChooser = Callable[[QWidget], list[str]]
Expander = Callable[[list[str]], list[str]]


def dropped_sources(mime: QMimeData) -> list[str]:
    """The local paths (folders not yet expanded) and http(s) links of a drop: quick, no
    file system access."""
    sources: list[str] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                sources.append(url.toLocalFile())
            elif url.scheme() in ("http", "https"):
                sources.append(url.toString())
    elif mime.hasText():
        for line in mime.text().split():
            url = QUrl(line.strip())
            if url.scheme() in ("http", "https") and url.isValid():
                sources.append(url.toString())
    return list(dict.fromkeys(sources))


def expand_sources(sources: list[str]) -> list[str]:
    """Folders among ``sources`` replaced by their media files (it walks the disk: not
    on the UI thread), repeats dropped."""
    found: list[str] = []
    for source in sources:
        is_url = source.startswith(("http://", "https://"))
        found.extend([source] if is_url else expand_path(Path(source)))
    return list(dict.fromkeys(found))


def sources_from_mime(mime: QMimeData) -> list[str]:
    """The files (folders expanded to their media files), and http(s) links, of a drop."""
    return expand_sources(dropped_sources(mime))


def expand_path(path: Path) -> list[str]:
    """A file as it is; a folder as its media files, sorted, recursively."""
    if not path.is_dir():
        return [str(path)]
    found: list[str] = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix.lower() in MEDIA_SUFFIXES and not name.startswith("."):
                found.append(str(Path(root) / name))
                if len(found) >= MAX_FOLDER_FILES:
                    return sorted(found)
    return sorted(found)


def _choose_files(parent: QWidget) -> list[str]:
    suffixes = " ".join(f"*{s}" for s in sorted(MEDIA_SUFFIXES))
    files, _ = QFileDialog.getOpenFileNames(
        parent, QCoreApplication.translate("DropZone", "Transcribe files"), "",
        QCoreApplication.translate("DropZone", "Audio and video ({0});;All files (*)")
        .format(suffixes))
    return list(files)


class DropZone(QFrame):
    """Emits ``sourcesDropped`` with the paths and URLs dropped on it or chosen, and
    ``filesComing`` as soon as some are dragged over it or being chosen."""

    sourcesDropped = Signal(list)
    filesComing = Signal()

    def __init__(self, parent: QWidget | None = None,
                 choose_files: FileChooser = _choose_files,
                 expand: Expander = expand_sources) -> None:
        super().__init__(parent)
        self._choose_files = choose_files
        self._expand = expand
        self.expanding = 0  # drops whose folders are being walked
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(110)
        self.hint = QLabel(self.tr("Drop audio or video files, folders or links here"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose files…"))
        self.choose_button.clicked.connect(self.choose)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.hint)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self._set_highlight(False)

    def choose(self) -> None:
        self.filesComing.emit()
        self._emit(self._choose_files(self))

    def _emit(self, sources: Iterable[str]) -> None:
        sources = list(sources)
        if sources:
            self.sourcesDropped.emit(sources)

    def _set_highlight(self, on: bool) -> None:
        role = "highlight" if on else "mid"
        self.setStyleSheet(
            f"DropZone {{ border: 2px dashed palette({role}); border-radius: 8px; }}")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or (mime.hasText() and "://" in mime.text()):
            event.acceptProposedAction()
            self._set_highlight(True)
            self.filesComing.emit()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: object) -> None:
        self._set_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_highlight(False)
        sources = dropped_sources(event.mimeData())
        if not sources:
            event.ignore()
            return
        event.acceptProposedAction()
        if all(s.startswith(("http://", "https://")) for s in sources):
            self._emit(sources)
            return
        self.expanding += 1
        self.hint.setText(self.tr("Looking for audio and video files…"))
        expand = self._expand
        run_in_background(lambda: expand(sources), finished=self._expanded,
                          failed=lambda message, _details: self._expanded([], message))

    def _expanded(self, sources: list[str], problem: str = "") -> None:
        if not Shiboken.isValid(self):
            return
        self.expanding -= 1
        if problem:
            self.hint.setText(problem)
        elif not sources:
            self.hint.setText(self.tr("No audio or video files were found in what was "
                                      "dropped."))
        else:
            self.hint.setText(self.tr("Drop audio or video files, folders or links here"))
        self._emit(sources)
