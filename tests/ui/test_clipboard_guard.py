"""ClipboardGuard with Qt's in-process clipboard (offscreen): every format saved and put
back, after the delay, and never over something the user copied meanwhile. The X11
clipboard between processes is tested in tests/e2e/test_paste.py."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage

from desktop_asr.ui.clipboard_guard import ClipboardGuard, copy_mime_data


@pytest.fixture
def clipboard(qapp):
    board = QGuiApplication.clipboard()
    board.clear()
    yield board
    board.clear()


def rich_content() -> QMimeData:
    mime = QMimeData()
    mime.setText("plain words")
    mime.setHtml("<b>bold</b> words")
    mime.setUrls([QUrl("file:///tmp/a%20file.txt")])
    mime.setData("application/x-custom-thing", b"\x00\x01custom\xff")
    return mime


def test_copy_keeps_every_format_byte_for_byte():
    source = rich_content()
    copy = copy_mime_data(source)
    assert sorted(copy.formats()) == sorted(source.formats())
    for fmt in source.formats():
        assert bytes(copy.data(fmt).data()) == bytes(source.data(fmt).data()), fmt
    assert copy_mime_data(None).formats() == []


def test_put_text_then_restore_after_the_delay(qtbot, clipboard):
    clipboard.setMimeData(rich_content())
    guard = ClipboardGuard(clipboard, restore_delay_ms=50)
    guard.save()
    guard.put_text("你好，世界 Hello 123")
    assert clipboard.text() == "你好，世界 Hello 123"
    assert not clipboard.mimeData().hasHtml()
    guard.restore()
    assert guard.pending
    assert clipboard.text() == "你好，世界 Hello 123"  # not yet: the target reads it now
    with qtbot.waitSignal(guard.restored, timeout=2000) as blocker:
        pass
    assert blocker.args == [True]
    restored = clipboard.mimeData()
    assert restored.text() == "plain words"
    assert restored.html() == "<b>bold</b> words"
    assert [u.toLocalFile() for u in restored.urls()] == ["/tmp/a file.txt"]
    assert bytes(restored.data("application/x-custom-thing").data()) == b"\x00\x01custom\xff"


def test_an_image_is_restored(qtbot, clipboard):
    image = QImage(4, 3, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 10, 30))
    clipboard.setImage(image)
    guard = ClipboardGuard(clipboard, restore_delay_ms=0)
    guard.save()
    guard.put_text("text")
    assert clipboard.image().isNull()
    with qtbot.waitSignal(guard.restored, timeout=2000):
        guard.restore()
    restored = clipboard.image()
    assert (restored.width(), restored.height()) == (4, 3)
    assert restored.pixelColor(2, 1) == QColor(200, 10, 30)


def test_an_empty_clipboard_is_restored_empty(qtbot, clipboard):
    guard = ClipboardGuard(clipboard, restore_delay_ms=0)
    guard.save()
    guard.put_text("dictated")
    with qtbot.waitSignal(guard.restored, timeout=2000) as blocker:
        guard.restore()
    assert blocker.args == [True]
    assert clipboard.text() == ""
    content = clipboard.mimeData()
    assert content is None or content.formats() == []


def test_something_copied_meanwhile_is_not_overwritten(qtbot, clipboard):
    clipboard.setText("old")
    guard = ClipboardGuard(clipboard, restore_delay_ms=0)
    guard.save()
    guard.put_text("dictated")
    clipboard.setText("copied by the user meanwhile")
    with qtbot.waitSignal(guard.restored, timeout=2000) as blocker:
        guard.restore()
    assert blocker.args == [False]
    assert clipboard.text() == "copied by the user meanwhile"


def test_a_second_paste_before_the_restore_saves_the_users_content(qtbot, clipboard):
    clipboard.setText("the user's")
    guard = ClipboardGuard(clipboard, restore_delay_ms=10_000)
    guard.save()
    guard.put_text("first")
    guard.restore()
    guard.save()  # the first restore happens now, so the user's text is what is saved
    guard.put_text("second")
    assert clipboard.text() == "second"
    with qtbot.waitSignal(guard.restored, timeout=2000):
        guard.restore(0)
    assert clipboard.text() == "the user's"
