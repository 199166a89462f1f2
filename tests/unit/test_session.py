"""Which session and desktop the app runs in, and how dictated text can reach the focused
window there (desktop_asr/system/session.py, text_output.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop_asr.system.session import NO_DISPLAY, WAYLAND, X11, detect_session
from desktop_asr.system.text_output import (
    Reason,
    WlClipboard,
    WtypeSender,
    YdotoolSender,
    choose_key_sender,
)


@pytest.mark.parametrize(("environ", "kind", "desktop"), [
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11", "XDG_CURRENT_DESKTOP": "XFCE"}, X11, "xfce"),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland",
      "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, WAYLAND, "gnome"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "KDE"}, WAYLAND, "kde"),
    ({"WAYLAND_DISPLAY": "wayland-1", "SWAYSOCK": "/run/user/1000/sway.sock"}, WAYLAND, "sway"),
    ({"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "sway"}, WAYLAND, "sway"),
    ({"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "Hyprland"}, WAYLAND, "hyprland"),
    ({"WAYLAND_DISPLAY": "wayland-1", "HYPRLAND_INSTANCE_SIGNATURE": "abc"}, WAYLAND,
     "hyprland"),
    ({"WAYLAND_DISPLAY": "w", "DESKTOP_SESSION": "/usr/share/wayland-sessions/plasma"},
     WAYLAND, "kde"),
    ({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "X-Cinnamon"}, WAYLAND, "cinnamon"),
    ({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "SomethingNew"}, WAYLAND, ""),
    # An X11 session that happens to have WAYLAND_DISPLAY set stays X11.
    ({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, X11, ""),
    ({}, NO_DISPLAY, ""),
    ({"XDG_SESSION_TYPE": "tty"}, NO_DISPLAY, ""),
])
def test_detect_session(environ, kind, desktop):
    session = detect_session(environ, platform="linux")
    assert (session.kind, session.desktop) == (kind, desktop)


def test_names_and_wlroots():
    sway = detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "sway"}, "linux")
    kde = detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "KDE"}, "linux")
    assert sway.is_wlroots
    assert not kde.is_wlroots
    assert kde.desktop_name == "KDE Plasma"
    assert kde.kind_name == "Wayland"
    assert detect_session({}, "win32").kind_name == "Windows"
    assert detect_session({}, "darwin").kind_name == "macOS"


def which_of(*present: str):
    return lambda name: f"/usr/bin/{name}" if name in present else None


SWAY = detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "sway"}, "linux")
GNOME = detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": "GNOME"}, "linux")


def test_wtype_on_a_wlroots_compositor():
    sender, passed = choose_key_sender(SWAY, {}, which_of("wtype", "ydotool"))
    assert isinstance(sender, WtypeSender)
    assert passed == []


def test_ydotool_where_wtype_cannot_and_its_daemon_runs(tmp_path):
    socket = tmp_path / ".ydotool_socket"
    socket.touch()
    sender, passed = choose_key_sender(GNOME, {"YDOTOOL_SOCKET": str(socket)},
                                       which_of("wtype", "ydotool"))
    assert isinstance(sender, YdotoolSender)
    assert passed == [("wtype", Reason("not-wlroots", ("GNOME",)))]


def test_nothing_sends_keys_and_each_reason_is_given(tmp_path):
    sender, passed = choose_key_sender(
        GNOME, {"XDG_RUNTIME_DIR": str(tmp_path)}, which_of("ydotool"))
    assert sender is None
    assert passed == [("wtype", Reason("missing-command", ("wtype",))),
                      ("ydotool", Reason("no-daemon", (str(tmp_path / ".ydotool_socket"),)))]


def fake_tool(folder: Path, name: str, output: str = "", status: int = 0) -> Path:
    """A stand-in for a command-line tool: records its arguments and input, one call a line
    pair, in ``folder``/calls, prints ``output`` and exits with ``status``."""
    path = folder / name
    calls = folder / "calls"
    path.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$(basename "$0") $*" >> "{calls}"\n'
        f'cat >> "{calls}"; printf "\\n" >> "{calls}"\n'
        f'printf "%b" "{output}"\n'
        f"exit {status}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def calls(folder: Path) -> list[str]:
    return (folder / "calls").read_text(encoding="utf-8").splitlines()


def test_wtype_pastes_with_a_key_first_and_types_from_standard_input(tmp_path):
    sender = WtypeSender(str(fake_tool(tmp_path, "wtype")))
    sender.paste()
    sender.paste(shift=True)
    sender.type_text("你好\nrm -rf ~\n")
    sender.enter()
    assert calls(tmp_path) == [
        "wtype -s 100 -P Shift_L -p Shift_L -M ctrl v -m ctrl", "",
        "wtype -s 100 -P Shift_L -p Shift_L -M ctrl -M shift v -m shift -m ctrl", "",
        "wtype -s 100 -P Shift_L -p Shift_L -", "你好 rm -rf ~",  # one plain line, never an Enter
        "wtype -s 100 -P Shift_L -p Shift_L -k Return", "",
    ]


def test_ydotool_presses_ctrl_v_by_key_code(tmp_path):
    sender = YdotoolSender(str(fake_tool(tmp_path, "ydotool")))
    sender.paste()
    assert calls(tmp_path)[0] == "ydotool key 29:1 47:1 47:0 29:0"


def test_a_failing_tool_is_an_error_in_words(tmp_path):
    sender = WtypeSender(str(fake_tool(tmp_path, "wtype", status=1)))
    with pytest.raises(Exception, match="wtype failed"):
        sender.paste()


@pytest.mark.skipif(os.name != "posix", reason="shell stand-ins")
def test_the_clipboard_is_saved_and_given_back_in_its_main_format(tmp_path):
    copy = fake_tool(tmp_path, "wl-copy")
    paste = fake_tool(tmp_path, "wl-paste", output="image/png\\ntext/plain;charset=utf-8")
    clipboard = WlClipboard(str(copy), str(paste))
    saved = clipboard.save()
    assert set(saved) == {"image/png", "text/plain;charset=utf-8"}
    clipboard.put_text("dictated 你好")
    clipboard.restore(saved)
    clipboard.restore({})
    lines = calls(tmp_path)
    assert "wl-copy --type text/plain;charset=utf-8" in lines
    assert "dictated 你好" in lines
    assert lines[-2] == "wl-copy --clear"

