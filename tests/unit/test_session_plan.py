"""How dictation catches keys and delivers text in each kind of session, and why the better
ways are passed over (desktop_asr/dictation/session_plan.py)."""

from __future__ import annotations

from desktop_asr.dictation.session_plan import (
    KEYS_DESKTOP,
    KEYS_NONE,
    KEYS_PORTAL,
    KEYS_PYNPUT,
    TEXT_CLIPBOARD,
    TEXT_PORTAL,
    TEXT_PYNPUT,
    plan_keys,
    plan_text,
)
from desktop_asr.system.session import detect_session
from desktop_asr.system.text_output import Reason


def wayland(desktop: str):
    return detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": desktop}, "linux")


X11 = detect_session({"DISPLAY": ":0"}, "linux")
NONE = detect_session({}, "linux")


def which_of(*present: str):
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_x11_keeps_pynput_for_keys_and_text():
    assert plan_keys(X11, None, "Ctrl+Alt+D", None).how == KEYS_PYNPUT
    assert plan_text(X11, {}, remote_desktop_version=None).how == TEXT_PYNPUT


def test_no_display_means_no_keys():
    assert plan_keys(NONE, None, "Ctrl+Alt+D", None).how == KEYS_NONE


def test_wayland_with_the_shortcuts_portal_uses_it():
    assert plan_keys(wayland("KDE"), 1, "Ctrl+Alt+D", "F9").how == KEYS_PORTAL


def test_sway_without_the_portal_gets_the_lines_to_bind():
    plan = plan_keys(wayland("sway"), None, "Ctrl+Alt+D", "F9")
    assert plan.how == KEYS_DESKTOP
    assert plan.reason == Reason("no-shortcuts-portal", ("sway",))
    assert plan.steps is not None
    assert any("--release F9" in line for line in plan.steps.lines)


def test_gnome_and_kde_send_keys_through_the_remote_desktop_portal():
    for desktop in ("GNOME", "KDE"):
        plan = plan_text(wayland(desktop), {}, remote_desktop_version=2,
                         which=which_of("wl-copy", "wl-paste"))
        assert plan.how == TEXT_PORTAL
        assert plan.wl_clipboard


def test_sway_uses_wtype_and_says_why_not_the_portal():
    plan = plan_text(wayland("sway"), {}, remote_desktop_version=None,
                     which=which_of("wtype"))
    assert plan.how == "wtype"
    assert not plan.wl_clipboard
    assert plan.passed == (("RemoteDesktop portal", Reason("no-remote-desktop", ("sway",))),)


def test_nothing_to_send_keys_leaves_the_clipboard_with_every_reason(tmp_path):
    plan = plan_text(wayland("GNOME"), {"XDG_RUNTIME_DIR": str(tmp_path)},
                     remote_desktop_version=None, which=which_of("wl-copy", "wl-paste"))
    assert plan.how == TEXT_CLIPBOARD
    assert [name for name, _ in plan.passed] == ["RemoteDesktop portal", "wtype", "ydotool"]
