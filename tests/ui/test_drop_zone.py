"""The drop zone takes real drag-and-drop events: files, folders (expanded to their media
files), and links from a browser."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop_asr.ui.widgets import drop_zone
from desktop_asr.ui.widgets.drop_zone import DropZone, expand_path


def mime_with(urls: list[QUrl] | None = None, text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if urls is not None:
        mime.setUrls(urls)
    if text is not None:
        mime.setText(text)
    return mime


def drop(widget: DropZone, mime: QMimeData) -> tuple[bool, bool]:
    """Send a drag-enter then a drop, as the windowing system does; (entered, dropped)."""
    centre = widget.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    entered = enter.isAccepted()
    event = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return entered, event.isAccepted()


def test_dropped_files_are_emitted_in_order(qtbot, tmp_path: Path):
    zone = DropZone()
    qtbot.addWidget(zone)
    files = [tmp_path / "b.m4a", tmp_path / "a.wav"]
    for f in files:
        f.write_bytes(b"x")
    with qtbot.waitSignal(zone.sourcesDropped) as blocker:
        entered, dropped = drop(zone, mime_with([QUrl.fromLocalFile(str(f)) for f in files]))
    assert entered
    assert dropped
    assert blocker.args == [[str(files[0]), str(files[1])]]


def test_a_folder_brings_its_media_files_only(qtbot, tmp_path: Path):
    folder = tmp_path / "meetings"
    (folder / "march").mkdir(parents=True)
    for name in ("z.mp3", "notes.txt", ".hidden.wav", "march/a.MP4", "march/cover.jpg"):
        (folder / name).write_bytes(b"x")
    assert expand_path(folder) == [str(folder / "march" / "a.MP4"), str(folder / "z.mp3")]
    zone = DropZone()
    qtbot.addWidget(zone)
    with qtbot.waitSignal(zone.sourcesDropped) as blocker:
        drop(zone, mime_with([QUrl.fromLocalFile(str(folder))]))
    assert blocker.args == [[str(folder / "march" / "a.MP4"), str(folder / "z.mp3")]]


def test_links_from_a_browser_are_taken_as_urls(qtbot):
    zone = DropZone()
    qtbot.addWidget(zone)
    with qtbot.waitSignal(zone.sourcesDropped) as blocker:
        drop(zone, mime_with([QUrl("https://example.org/talk.mp3")]))
    assert blocker.args == [["https://example.org/talk.mp3"]]
    with qtbot.waitSignal(zone.sourcesDropped) as blocker:
        drop(zone, mime_with(text="https://example.org/a.ogg\nhttp://example.org/b.wav"))
    assert blocker.args == [["https://example.org/a.ogg", "http://example.org/b.wav"]]


def test_other_drops_are_refused(qtbot):
    zone = DropZone()
    qtbot.addWidget(zone)
    emitted = []
    zone.sourcesDropped.connect(emitted.append)
    entered, dropped = drop(zone, mime_with(text="just some words"))
    assert not entered
    assert not dropped
    assert emitted == []


def test_choose_files_uses_the_chooser(qtbot, tmp_path: Path):
    chosen = [str(tmp_path / "x.flac")]
    zone = DropZone(choose_files=lambda parent: chosen)
    qtbot.addWidget(zone)
    with qtbot.waitSignal(zone.sourcesDropped) as blocker:
        zone.choose_button.click()
    assert blocker.args == [chosen]


def test_a_dropped_folder_is_walked_off_the_ui_thread(qtbot, tmp_path: Path, monkeypatch):
    """A big folder, or one on a slow network share: the window keeps working while it is
    walked, and the files come once the walk is done."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(300):
        (folder / f"{n:03d}.mp3").write_bytes(b"x")
    walked_on: list[threading.Thread] = []
    release = threading.Event()
    real_expand = drop_zone.expand_path

    def slow_expand(path: Path) -> list[str]:
        walked_on.append(threading.current_thread())
        release.wait(5)  # a slow share: the drop must not wait for this
        return real_expand(path)

    monkeypatch.setattr(drop_zone, "expand_path", slow_expand)
    zone = DropZone()
    qtbot.addWidget(zone)
    with qtbot.waitSignal(zone.sourcesDropped, timeout=20000) as blocker:
        entered, dropped = drop(zone, mime_with([QUrl.fromLocalFile(str(folder))]))
        assert (entered, dropped) == (True, True)
        assert not release.is_set()  # the drop returned while the walk is still going
        qtbot.waitUntil(lambda: walked_on != [])
        assert walked_on[0] is not threading.main_thread()
        beats: list[bool] = []
        QTimer.singleShot(0, lambda: beats.append(True))
        qtbot.waitUntil(lambda: beats == [True])  # the event loop runs meanwhile
        assert zone.hint.text() == "Looking for audio and video files…"
        release.set()
    assert blocker.args == [[str(folder / f"{n:03d}.mp3") for n in range(300)]]
    assert zone.hint.text() == "Drop audio or video files, folders or links here"


def test_a_folder_without_media_files_says_so(qtbot, tmp_path: Path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    zone = DropZone()
    qtbot.addWidget(zone)
    emitted = []
    zone.sourcesDropped.connect(emitted.append)
    drop(zone, mime_with([QUrl.fromLocalFile(str(folder))]))
    qtbot.waitUntil(lambda: zone.expanding == 0)
    assert zone.hint.text() == "No audio or video files were found in what was dropped."
    assert emitted == []


def test_files_dragged_over_or_being_chosen_are_announced_at_once(qtbot, tmp_path: Path):
    """So that the worker processes can start before the drop (the window warms them)."""
    zone = DropZone(choose_files=lambda parent: [])
    qtbot.addWidget(zone)
    heard = []
    zone.filesComing.connect(lambda: heard.append("coming"))
    mime = mime_with([QUrl.fromLocalFile(str(tmp_path / "a.m4a"))])  # the event borrows it
    enter = QDragEnterEvent(zone.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, enter)
    assert heard == ["coming"]  # on entering, before any drop
    drop(zone, mime_with(text="just some words"))
    assert heard == ["coming"]  # nothing to transcribe: nothing announced
    zone.choose_button.click()
    assert heard == ["coming", "coming"]


def test_the_window_starts_the_worker_processes_when_files_are_coming(monkeypatch):
    from desktop_asr.ui import main_window

    asked = []

    class Processes:
        def warm_up(self) -> None:
            asked.append("warm")

    monkeypatch.setattr(main_window.processes, "shared",
                        lambda niceness=None: asked.append(niceness) or Processes())
    main_window.warm_workers()
    assert asked == [main_window.processes.WORKER_NICENESS_WITH_UI, "warm"]
