"""The tray icon and its menu, driven by a fake controller (offscreen: the QSystemTrayIcon
exists without a tray host, and its menu is a real QMenu)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QAction, QIcon, QImage
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_asr import resources
from desktop_asr.ui.tray import Tray, take_unavailable_notice


@dataclass
class FakeEntry:
    text: str
    source: str = "/home/me/memo.wav"
    created_at: datetime = field(default_factory=lambda: datetime(2025, 3, 14, 9, 26,
                                                                  tzinfo=timezone.utc))


def recent(text: str) -> str:
    """A recent transcript's menu label: its time, its source, its first words."""
    when = datetime(2025, 3, 14, 9, 26, tzinfo=timezone.utc).astimezone().strftime("%H:%M")
    return f"{when} · memo.wav · {text}"


class FakeController(QObject):
    """The AppController interface the tray uses; records what the tray asked it to do."""

    stateChanged = Signal(str)
    recordingTick = Signal(float)
    progressChanged = Signal(int, int)
    transcriptReady = Signal(object)
    errorRaised = Signal(str, str)
    storesChanged = Signal()
    showWindowRequested = Signal()
    settingsRequested = Signal()
    quitRequested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.state = "idle"
        self.error_message = ""
        self.recording_available = True
        self.recording_problem = ""
        self.entries: list[FakeEntry] = []
        self.profiles = ["home", "office"]
        self.active: str | None = "home"
        self.lists = [("Names", True), ("Medicine", False)]
        self.calls: list[tuple[object, ...]] = []

    def set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)

    def toggle_recording(self) -> None:
        self.calls.append(("toggle_recording",))

    def transcribe_paths(self, paths: list[str]) -> None:
        self.calls.append(("transcribe_paths", paths))

    def recent_entries(self, count: int) -> list[FakeEntry]:
        return self.entries[:count]

    def copy_text(self, text: str) -> None:
        self.calls.append(("copy_text", text))

    def profile_names(self) -> list[str]:
        return list(self.profiles)

    def active_profile(self) -> str | None:
        return self.active

    def set_active_profile(self, name: str) -> None:
        self.calls.append(("set_active_profile", name))
        self.active = name

    def vocabulary_lists(self) -> list[tuple[str, bool]]:
        return list(self.lists)

    def set_list_active(self, name: str, active: bool) -> None:
        self.calls.append(("set_list_active", name, active))

    def request_show_window(self) -> None:
        self.calls.append(("request_show_window",))

    def request_settings(self) -> None:
        self.calls.append(("request_settings",))

    def request_quit(self) -> None:
        self.calls.append(("request_quit",))


@pytest.fixture
def controller(qapp) -> FakeController:
    return FakeController()


@pytest.fixture
def chosen() -> list[list[str]]:
    """What the injected file chooser answers next (one answer per call)."""
    return []


@pytest.fixture
def tray(controller: FakeController, chosen: list[list[str]]) -> Tray:
    return Tray(controller, choose_files=lambda: chosen.pop(0))


def open_menu(tray: Tray) -> list[QAction]:
    """What the user sees when the menu opens: aboutToShow fires (as when it pops up)."""
    tray.menu.aboutToShow.emit()
    return [a for a in tray.menu.actions() if not a.isSeparator()]


def labels(actions: list[QAction]) -> list[str]:
    return [a.text() for a in actions]


def find(actions: list[QAction], text: str) -> QAction:
    matches = [a for a in actions if a.text() == text]
    assert len(matches) == 1, f"{text!r} not once in {labels(actions)}"
    return matches[0]


def submenu(tray: Tray, title: str) -> list[QAction]:
    menu = find(open_menu(tray), title).menu()
    assert isinstance(menu, QMenu)
    return menu.actions()


def render(icon: QIcon, size: int = 32) -> QImage:
    return icon.pixmap(size, size).toImage()


def test_the_menu_has_every_item_in_order(tray: Tray, controller: FakeController) -> None:
    controller.entries = [FakeEntry("Hello world"), FakeEntry("Second one")]
    assert labels(open_menu(tray)) == [
        "Dictate into the active app", "Transcribe file...", "Recent transcripts",
        recent("Hello world"), recent("Second one"), "Profile", "Vocabulary", "Open window",
        "Settings...", "Quit",
    ]
    assert not find(open_menu(tray), "Recent transcripts").isEnabled()  # a heading


def test_start_and_stop_recording_follow_the_state(tray: Tray,
                                                   controller: FakeController) -> None:
    find(open_menu(tray), "Dictate into the active app").trigger()
    controller.set_state("recording")
    actions = open_menu(tray)
    assert "Dictate into the active app" not in labels(actions)
    find(actions, "Stop recording").trigger()
    assert controller.calls == [("toggle_recording",), ("toggle_recording",)]


def test_recording_unavailable_is_disabled_with_the_reason(tray: Tray,
                                                          controller: FakeController) -> None:
    controller.recording_available = False
    controller.recording_problem = "No microphone was found."
    actions = open_menu(tray)
    action = find(actions, "Recording unavailable")
    assert not action.isEnabled()
    assert action.toolTip() == "No microphone was found."
    assert not any("Dictate" in label for label in labels(actions))


def test_transcribe_file_sends_the_chosen_files(tray: Tray, controller: FakeController,
                                                chosen: list[list[str]]) -> None:
    chosen += [["/tmp/a.wav", "/tmp/b.mp4"], []]
    find(open_menu(tray), "Transcribe file...").trigger()
    find(open_menu(tray), "Transcribe file...").trigger()  # cancelled: nothing to do
    assert controller.calls == [("transcribe_paths", ["/tmp/a.wav", "/tmp/b.mp4"])]
    assert chosen == []


def test_a_recent_transcript_is_elided_and_a_click_copies_it(
        tray: Tray, controller: FakeController, monkeypatch: pytest.MonkeyPatch) -> None:
    long_text = "The quick brown fox jumps over the lazy dog\nand then runs far away."
    controller.entries = [FakeEntry(long_text), FakeEntry("Salt & pepper")]
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "notify", lambda title, text, msecs=0: messages.append(
        (title, text)))
    actions = open_menu(tray)
    # First 39 characters on one line, then an ellipsis; "&" shown as is (doubled for Qt).
    label = "The quick brown fox jumps over the lazy…"
    assert len(label) == 40
    find(actions, recent("Salt && pepper"))
    find(actions, recent(label)).trigger()
    assert controller.calls == [("copy_text", long_text)]
    assert messages == [("Copied", label)]


def test_no_transcripts_yet(tray: Tray) -> None:
    action = find(open_menu(tray), "No transcripts yet")
    assert not action.isEnabled()


def test_profiles_are_a_radio_group_that_switches_the_profile(
        tray: Tray, controller: FakeController) -> None:
    actions = submenu(tray, "Profile")
    assert labels(actions) == ["home", "office", "", "Manage…"]  # "" a separator
    assert [a.isChecked() for a in actions] == [True, False, False, False]
    group = actions[0].actionGroup()
    assert group is not None
    assert group.isExclusive()
    assert actions[1].actionGroup() is group
    actions[1].trigger()
    assert controller.calls == [("set_active_profile", "office")]
    # The next time the menu opens it shows the profile the controller now has.
    assert [a.isChecked() for a in submenu(tray, "Profile")][:2] == [False, True]


def test_no_profiles(tray: Tray, controller: FakeController) -> None:
    controller.profiles, controller.active = [], None
    assert not find(open_menu(tray), "Transcribe file...").isEnabled()  # no server yet
    assert not find(open_menu(tray), "Dictate into the active app").isEnabled()
    profile_action, _separator, manage = submenu(tray, "Profile")
    assert profile_action.text() == "No profiles"
    assert not profile_action.isEnabled()
    assert manage.text() == "Manage…"  # a server can be set up from here
    vocab_action, _separator, _manage = submenu(tray, "Vocabulary")
    assert vocab_action.text() == "Choose a profile first"
    assert not vocab_action.isEnabled()


def test_vocabulary_lists_are_checkable_and_toggle(tray: Tray,
                                                   controller: FakeController) -> None:
    actions = submenu(tray, "Vocabulary")
    assert labels(actions) == ["Names", "Medicine", "", "Manage…"]
    actions = actions[:2]
    assert all(a.isCheckable() for a in actions)
    assert [a.isChecked() for a in actions] == [True, False]
    actions[0].trigger()
    actions[1].trigger()
    assert controller.calls == [("set_list_active", "Names", False),
                                ("set_list_active", "Medicine", True)]


def test_no_vocabulary_lists(tray: Tray, controller: FakeController) -> None:
    controller.lists = []
    action, _separator, _manage = submenu(tray, "Vocabulary")
    assert action.text() == "No lists"
    assert not action.isEnabled()


def test_window_settings_and_quit_go_to_the_controller(tray: Tray,
                                                       controller: FakeController) -> None:
    for text in ("Open window", "Settings...", "Quit"):
        find(open_menu(tray), text).trigger()
    assert controller.calls == [("request_show_window",), ("request_settings",),
                                ("request_quit",)]


def test_the_menu_is_rebuilt_each_time_it_opens(tray: Tray, controller: FakeController) -> None:
    assert recent("Fresh words") not in labels(open_menu(tray))
    controller.entries = [FakeEntry("Fresh words")]
    controller.profiles.append("laptop")
    assert recent("Fresh words") in labels(open_menu(tray))
    assert labels(submenu(tray, "Profile"))[:3] == ["home", "office", "laptop"]


def test_rebuilding_does_not_pile_up_submenus(qtbot, tray: Tray) -> None:
    for _ in range(30):
        open_menu(tray)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(tray.menu.findChildren(QMenu)) == 2  # Profile and Vocabulary


def test_the_icon_follows_the_state(tray: Tray, controller: FakeController) -> None:
    svg = {state: render(QIcon(str(resources.tray_icon_path(state))))
           for state in resources.TRAY_STATES}
    assert not any(img.isNull() for img in svg.values())
    assert len({bytes(img.constBits()) for img in svg.values()}) == 4  # all look different
    assert render(tray.icon.icon()) == svg["idle"]
    for state in ("recording", "transcribing", "error", "idle"):
        controller.set_state(state)
        assert tray.state == state
        assert render(tray.icon.icon()) == svg[state], state


def test_the_icon_is_drawn_from_vectors_at_any_size(tray: Tray) -> None:
    icon = tray.icon.icon()
    for size in (16, 22, 64, 256):
        image = render(icon, size)
        assert (image.width(), image.height()) == (size, size)


def test_tooltips(tray: Tray, controller: FakeController) -> None:
    assert tray.tooltip() == "desktop-asr — idle"
    controller.set_state("recording")
    assert tray.tooltip() == "Recording 0:00"
    controller.recordingTick.emit(12.7)
    assert tray.tooltip() == "Recording 0:12"
    controller.recordingTick.emit(3725.0)
    assert tray.tooltip() == "Recording 1:02:05"
    controller.set_state("transcribing")
    assert tray.tooltip() == "Transcribing…"
    controller.progressChanged.emit(1, 5)
    assert tray.tooltip() == "Transcribing 2 of 5"
    controller.error_message = "The server at 10.0.0.5:30101 refused the connection."
    controller.set_state("error")
    assert tray.tooltip() == "Error: The server at 10.0.0.5:30101 refused the connection."
    controller.set_state("idle")
    assert tray.tooltip() == "desktop-asr — idle"


def test_a_new_recording_starts_at_zero(tray: Tray, controller: FakeController) -> None:
    controller.set_state("recording")
    controller.recordingTick.emit(42.0)
    controller.set_state("transcribing")
    controller.recordingTick.emit(43.0)  # a late tick does not show while transcribing
    assert tray.tooltip() == "Transcribing…"
    controller.set_state("recording")
    assert tray.tooltip() == "Recording 0:00"


def test_a_left_click_asks_to_toggle_the_window(qtbot, tray: Tray) -> None:
    with qtbot.waitSignal(tray.toggleWindowRequested, timeout=1000):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.assertNotEmitted(tray.toggleWindowRequested):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)


def test_the_no_tray_notice_is_given_once(qapp, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = take_unavailable_notice(settings)
    assert "No system tray" in first
    assert take_unavailable_notice(settings) == ""
    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert take_unavailable_notice(again) == ""  # remembered across starts


def test_available_matches_qt(qapp) -> None:
    assert Tray.available() == QSystemTrayIcon.isSystemTrayAvailable()
