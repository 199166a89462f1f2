"""macOS permissions as the user meets them (the platform and the system's answers are
stand-ins): a notice per missing permission at start, with a button that opens the right
pane of System Settings; dictated text that macOS would not let us paste waits on the
clipboard with a notice to press Cmd+V."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop_asr.stores.app_settings import AppSettings, AppSettingsStore
from desktop_asr.stores.profiles import Profile
from desktop_asr.system.macos_permissions import Permission
from desktop_asr.ui.desktop import DesktopApp
from desktop_asr.ui.dialogs.permission_notice import PermissionNotice
from desktop_asr.ui.services import Services
from desktop_asr.ui.text_delivery import TextDelivery


def test_each_missing_permission_is_explained_once_at_start(qtbot, stores, history,
                                                            tmp_path):
    stores.profiles.add(Profile(name="home", server="http://127.0.0.1:9"))  # no first run
    services = Services(stores=stores, history=history,
                        settings=AppSettingsStore(tmp_path / "settings.json"), recorder=None,
                        recording_problem="Recording is unavailable here.")
    asked: list[str] = []

    def missing() -> list[Permission]:
        asked.append("asked")
        return [Permission.ACCESSIBILITY, Permission.MICROPHONE]

    desktop = DesktopApp(QApplication.instance(), services, permissions=missing)
    qtbot.addWidget(desktop.window)
    try:
        desktop.start()
        qtbot.waitUntil(lambda: len(desktop.permission_notices) == 2)
        assert asked == ["asked"]
        first, second = desktop.permission_notices
        assert first.permission is Permission.ACCESSIBILITY
        assert "Accessibility" in first.informativeText()
        assert "Cmd+V" in first.informativeText()
        assert second.permission is Permission.MICROPHONE
        assert "Privacy & Security → Microphone" in second.informativeText()
        assert first.isVisible()
        assert second.isVisible()
    finally:
        for notice in desktop.permission_notices:
            notice.close()
        desktop.tray.hide()
        desktop.close()


def test_no_notice_where_nothing_is_missing(qtbot, stores, history, tmp_path):
    services = Services(stores=stores, history=history,
                        settings=AppSettingsStore(tmp_path / "settings.json"), recorder=None,
                        recording_problem="Recording is unavailable here.")
    # The real check, on a system that is not macOS: nothing to ask, nothing shown.
    desktop = DesktopApp(QApplication.instance(), services, platform="linux")
    qtbot.addWidget(desktop.window)
    try:
        desktop.check_permissions()
        assert desktop.permission_notices == []
        assert desktop.delivery.can_send_keys is None
    finally:
        desktop.tray.hide()
        desktop.close()


def test_the_button_opens_the_settings_pane_of_that_permission(qtbot):
    opened: list[Permission] = []
    notice = PermissionNotice(Permission.MICROPHONE,
                              opener=lambda p: opened.append(p) or True)
    qtbot.addWidget(notice)
    notice.open()
    notice.open_button.click()
    assert opened == [Permission.MICROPHONE]
    later = PermissionNotice(Permission.ACCESSIBILITY,
                             opener=lambda p: opened.append(p) or True)
    qtbot.addWidget(later)
    later.open()
    next(b for b in later.buttons() if b is not later.open_button).click()
    assert opened == [Permission.MICROPHONE]  # "Later" opens nothing


class Keyboard:
    def __init__(self) -> None:
        self.used: list[str] = []

    def type(self, text: str) -> None:
        self.used.append(text)


class Guard:
    """The clipboard guard's part here: what was put on the clipboard."""

    def __init__(self) -> None:
        self.clipboard: list[str] = []

    def put_text(self, text: str) -> None:
        self.clipboard.append(text)


def test_without_accessibility_the_text_waits_on_the_clipboard(qtbot):
    keyboard, guard = Keyboard(), Guard()
    allowed = {"now": False}
    delivery = TextDelivery(keyboard=keyboard, guard=guard,
                            modifiers_released=lambda _t: True,
                            can_send_keys=lambda: allowed["now"])
    notices: list[str] = []
    delivery.notice.connect(notices.append)
    delivery.deliver("hello", AppSettings(dictation_output="type", dictation_ending="space"))
    assert keyboard.used == []  # macOS would drop the keys without a word
    assert guard.clipboard == ["hello "]
    assert len(notices) == 1
    assert "press Cmd+V" in notices[0]
    assert "Accessibility" in notices[0]
    allowed["now"] = True  # the user switched it on in System Settings
    delivery.deliver("again", AppSettings(dictation_output="type"))
    assert keyboard.used == ["again"]
    assert len(notices) == 1
