"""Borrow the clipboard for a paste and give the user's content back afterwards.

    guard = ClipboardGuard()
    guard.save()                 # every format of what the user copied: text, html, image...
    guard.put_text("你好，世界")
    send_paste()                 # desktop_asr.dictation.keystrokes
    guard.restore()              # after restore_delay_ms, on a QTimer: never sleeps

The target application reads the clipboard *after* it receives the paste key, from its own
event loop, so the restore waits (300-500 ms is what dictation apps use; the default is
400). The data is read from this process while the timer runs, so the UI thread must keep
running its event loop (on X11 the clipboard owner answers every read).

The restore is skipped when the clipboard no longer holds our text (the user copied
something else meanwhile): their new content wins. An empty clipboard is restored as
empty. On X11 only the CLIPBOARD selection is used, never PRIMARY.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

RESTORE_DELAY_MS = 400
# X11 selection plumbing Qt may list as formats (not data), and Qt's own name for "an
# image" (it stands for the image/* formats, which are copied byte for byte).
_NOT_DATA = frozenset({"TARGETS", "MULTIPLE", "TIMESTAMP", "SAVE_TARGETS", "DELETE",
                       "INCR", "ATOM_PAIR", "INSERT_SELECTION", "INSERT_PROPERTY",
                       "application/x-qt-image"})


def copy_mime_data(source: QMimeData | None) -> QMimeData:
    """A new QMimeData with every format of ``source`` (bytes for bytes)."""
    copy = QMimeData()
    if source is None:
        return copy
    for fmt in source.formats():
        if fmt in _NOT_DATA:
            continue
        copy.setData(fmt, source.data(fmt))
    if source.hasImage() and not any(f.startswith("image/") for f in copy.formats()):
        copy.setImageData(source.imageData())  # an image offered only as a QImage
    return copy


class ClipboardGuard(QObject):
    """Saves the clipboard, puts our text on it, and restores the saved content.

    ``restored(bool)`` is emitted after each `restore`: True when the saved content was put
    back, False when the user had copied something else meanwhile (left as it is)."""

    restored = Signal(bool)

    def __init__(self, clipboard: QClipboard | None = None, *,
                 restore_delay_ms: int = RESTORE_DELAY_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard if clipboard is not None else QGuiApplication.clipboard()
        self.restore_delay_ms = restore_delay_ms
        self._saved: QMimeData | None = None
        self._ours: QMimeData | None = None  # what we put there
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.restore_now)

    @property
    def pending(self) -> bool:
        """A restore is scheduled and has not happened yet."""
        return self._timer.isActive()

    def save(self) -> None:
        """Copy every format of the current clipboard content. A restore still pending
        from a previous paste happens first, so the user's own content is the one saved."""
        if self._timer.isActive():
            self._timer.stop()
            self.restore_now()
        self._saved = copy_mime_data(self._clipboard.mimeData())

    def put_text(self, text: str) -> None:
        self._text = text
        mime = QMimeData()
        mime.setText(text)
        self._ours = mime
        self._clipboard.setMimeData(mime)

    def restore(self, delay_ms: int | None = None) -> None:
        """Put the saved content back after ``delay_ms`` (default ``restore_delay_ms``)."""
        self._timer.start(self.restore_delay_ms if delay_ms is None else delay_ms)

    def restore_now(self) -> None:
        self._timer.stop()
        saved, self._saved = self._saved, None
        if saved is None:
            return
        if not self._still_ours():
            self._ours = None
            self.restored.emit(False)
            return
        self._ours = None
        if saved.formats():
            self._clipboard.setMimeData(saved)
        else:
            self._clipboard.clear()
        self.restored.emit(True)

    def _still_ours(self) -> bool:
        if self._ours is None:
            return True  # nothing was put: restoring is harmless
        current = self._clipboard.mimeData()
        if current is None:
            return False
        # Compared by text: a clipboard manager may have taken over a copy of our text.
        return current.hasText() and current.text() == self._text
