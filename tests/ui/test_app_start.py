"""`desktop-asr` with no arguments: run_app builds the whole app from the user's (here:
private) folders, opens the main window, asks for a first profile when there is none,
and quits cleanly."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop_asr.stores.profile_store import ProfileStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.ui import app as ui_app
from desktop_asr.ui.dialogs.first_run_dialog import FirstRunDialog
from desktop_asr.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def app_left_behind_is_gone(qapp):
    """The started app's windows and its background checks end here, not inside a later
    test: a server check still running, and a window collected by a later test's garbage
    collection while such a check ends, can bring the whole process down."""
    yield
    QThreadPool.globalInstance().waitForDone(15000)
    for _ in range(3):
        qapp.processEvents()
        QCoreApplication.sendPostedEvents(None, 0)  # deleteLater of closed windows
    gc.collect()


@pytest.fixture
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DESKTOP_ASR_INSTANCE_NAME", f"app-start-{tmp_path.name}")
    return tmp_path


def assert_events_still_flow(qtbot) -> None:
    """After the app quit, this process's next event loops must still run (a stray quit
    request once stopped every later loop at once)."""
    delivered: list[bool] = []
    QTimer.singleShot(0, lambda: delivered.append(True))
    qtbot.waitUntil(lambda: bool(delivered), timeout=2000)


def run_and_inspect(qapp: QApplication, inspect: Callable[[list[QWidget]], bool]) -> int:
    """run_app([]); ``inspect`` is called with the visible top-level widgets until it
    returns True (it must make the app quit). A watchdog ends a run that hangs (exit 5)."""

    def poll() -> None:
        try:
            if not inspect([w for w in qapp.topLevelWidgets() if w.isVisible()]):
                QTimer.singleShot(50, poll)
        except BaseException:
            qapp.exit(4)
            raise

    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: qapp.exit(5))
    watchdog.start(15_000)
    QTimer.singleShot(0, poll)
    try:
        return ui_app.run_app([])
    finally:
        watchdog.stop()


@pytest.mark.parametrize(("language", "title", "record"), [
    ("en", "desktop-asr — Transcribe", "●  Record and transcribe here"),
    ("zh_CN", "desktop-asr — 转写", "●  录音并在此转写")])
def test_the_main_window_opens_in_the_chosen_language_and_quits(
        qapp, qtbot, private_dirs, monkeypatch, language, title, record):
    ProfileStore(private_dirs / "config" / "desktop-asr" / "profiles.json").add(
        Profile(name="home", server="http://127.0.0.1:9"))
    monkeypatch.setenv(ui_app.LANGUAGE_ENV, language)
    locale_before = QLocale().name()
    seen: dict[str, object] = {}

    def inspect(widgets: list[QWidget]) -> bool:
        windows = [w for w in widgets if isinstance(w, MainWindow)]
        if not windows:
            return False
        window = windows[0]
        seen["title"] = window.windowTitle()
        seen["record"] = window.record_panel.button.text()
        seen["profiles"] = [window.profile_box.itemText(i)
                            for i in range(window.profile_box.count())]
        seen["first_run"] = any(isinstance(w, FirstRunDialog) for w in widgets)
        window.controller.request_quit()
        return True

    assert run_and_inspect(qapp, inspect) == 0
    assert seen == {"title": title, "record": record, "profiles": ["home"],
                    "first_run": False}
    # run_app cleans up after itself: no translation and no locale left behind.
    assert QCoreApplication.translate("MainWindow", "Default profile:") == "Default profile:"
    assert QLocale().name() == locale_before
    assert_events_still_flow(qtbot)


def test_without_a_profile_the_first_run_dialog_asks_for_one(qapp, qtbot, private_dirs,
                                                             monkeypatch):
    monkeypatch.setenv(ui_app.LANGUAGE_ENV, "en")
    seen: dict[str, str] = {}

    def inspect(widgets: list[QWidget]) -> bool:
        dialogs = [w for w in widgets if isinstance(w, FirstRunDialog)]
        if not dialogs:
            return False
        seen["title"] = dialogs[0].windowTitle()
        dialogs[0].reject()
        QTimer.singleShot(0, lambda: [w.controller.request_quit()
                                      for w in qapp.topLevelWidgets()
                                      if isinstance(w, MainWindow)])
        return True

    assert run_and_inspect(qapp, inspect) == 0
    assert seen["title"]
    assert_events_still_flow(qtbot)
