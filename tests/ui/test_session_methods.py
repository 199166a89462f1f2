"""Settings -> Dictation shows how keys and text work in this session, with the lines to
bind on desktops that need them (desktop_asr/ui/dialogs/session_methods.py)."""

from __future__ import annotations

from desktop_asr.dictation.session_plan import SessionPlan, TextPlan
from desktop_asr.stores.app_settings import AppSettings
from desktop_asr.system.session import detect_session
from desktop_asr.system.text_output import Reason
from desktop_asr.ui.dialogs.dictation_settings import DictationSettings
from desktop_asr.ui.dialogs.session_methods import SessionMethods
from tests.unit.test_desktop_shortcuts import gnome  # noqa: F401  (a fixture)


def wayland(desktop: str):
    return detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": desktop}, "linux")


def test_sway_shows_the_lines_to_bind_and_follows_the_key_editors(qtbot):
    plan = SessionPlan(wayland("sway"), None, None, TextPlan(
        "wtype", True, (("RemoteDesktop portal", Reason("no-remote-desktop", ("sway",))),)))
    page = DictationSettings(AppSettings(dictation_toggle="Ctrl+Alt+D"), plan=plan)
    qtbot.addWidget(page)
    methods = page.methods
    assert methods is not None
    assert "Wayland · sway" in methods.session_label.text()
    lines = methods.steps_box.toPlainText().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("bindsym Ctrl+Alt+d exec ")
    assert lines[0].endswith(" --toggle-recording")
    page.push_key.set_text("F9")
    lines = methods.steps_box.toPlainText().splitlines()
    assert lines[2].startswith("bindsym --release F9 exec ")
    assert "wtype" in methods.text_label.text()
    assert "wl-clipboard" in methods.text_label.text()
    assert "not offered by this desktop" in methods.passed_label.text()
    assert not methods.gnome_button.isVisibleTo(page)


def test_x11_says_the_app_catches_the_keys_and_shows_no_lines(qtbot):
    plan = SessionPlan(detect_session({"DISPLAY": ":0"}, "linux"))
    methods = SessionMethods(plan)
    qtbot.addWidget(methods)
    methods.set_keys("Ctrl+Alt+D", None)
    assert "caught by desktop-asr" in methods.keys_label.text()
    assert not methods.steps_box.isVisibleTo(methods)


def test_gnome_makes_its_shortcut_after_asking(qtbot, gnome, monkeypatch):  # noqa: F811
    env, get = gnome
    for name in ("GSETTINGS_SCHEMA_DIR", "GSETTINGS_BACKEND", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, env[name])
    methods = SessionMethods(SessionPlan(wayland("GNOME"), None, None, TextPlan("clipboard")))
    qtbot.addWidget(methods)
    methods.set_keys("Ctrl+Alt+D", None)
    assert methods.gnome_button.isVisibleTo(methods)
    questions: list[str] = []
    methods.ask = lambda _parent, question: questions.append(question) or False
    methods.gnome_button.click()
    assert get("org.gnome.settings-daemon.plugins.media-keys", "custom-keybindings") == "@as []"
    methods.ask = lambda _parent, question: True
    methods.gnome_button.click()
    assert "Ctrl+Alt+D" in questions[0]
    item = ("org.gnome.settings-daemon.plugins.media-keys.custom-keybinding:"
            "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/desktop-asr/")
    assert get(item, "binding") == "'<Control><Alt>d'"
    assert get(item, "command").endswith("--toggle-recording'")
    assert not methods.gnome_button.isEnabled()


def test_on_wayland_the_indicator_is_off_and_the_page_says_why(qtbot):
    plan = SessionPlan(wayland("sway"), None, None, TextPlan("wtype"))
    page = DictationSettings(AppSettings(show_indicator=True), plan=plan)
    qtbot.addWidget(page)
    assert not page.indicator_check.isEnabled()
    assert page.indicator_note.isVisibleTo(page)
    x11 = DictationSettings(AppSettings(), plan=SessionPlan(detect_session({"DISPLAY": ":0"},
                                                                           "linux")))
    qtbot.addWidget(x11)
    assert x11.indicator_check.isEnabled()
    assert not x11.indicator_note.isVisibleTo(x11)
