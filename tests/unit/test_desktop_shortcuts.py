"""The desktop's own shortcuts for dictation (desktop_asr/dictation/desktop_shortcuts.py)
and a GNOME custom shortcut made with the real gsettings against GNOME's schema
(desktop_asr/system/gnome_shortcuts.py)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from desktop_asr.dictation.desktop_shortcuts import GNOME_PATH, gnome_binding, shortcut_steps
from desktop_asr.dictation.keys import parse_combination
from desktop_asr.system.gnome_shortcuts import (
    ShortcutError,
    add_custom_shortcut,
    parse_path_list,
)
from desktop_asr.system.session import detect_session

CMD = "/usr/bin/desktop-asr"


def session(desktop: str):
    return detect_session({"WAYLAND_DISPLAY": "w", "XDG_CURRENT_DESKTOP": desktop}, "linux")


def test_sway_lines_toggle_and_push_to_talk_on_release():
    steps = shortcut_steps(session("sway"), "Ctrl+Alt+D", "Meta+F9", CMD)
    assert steps.lines == (
        "bindsym Ctrl+Alt+d exec /usr/bin/desktop-asr --toggle-recording",
        "bindsym --no-repeat Mod4+F9 exec /usr/bin/desktop-asr --start-recording",
        "bindsym --release Mod4+F9 exec /usr/bin/desktop-asr --stop-recording",
    )
    assert steps.config_file == "~/.config/sway/config"


def test_hyprland_lines_with_bindr_for_the_release():
    steps = shortcut_steps(session("Hyprland"), "Ctrl+Alt+D", "Right Ctrl", CMD)
    assert steps.lines == (
        "bind = CTRL ALT, d, exec, /usr/bin/desktop-asr --toggle-recording",
        "bind = , Control_R, exec, /usr/bin/desktop-asr --start-recording",
        "bindr = , Control_R, exec, /usr/bin/desktop-asr --stop-recording",
    )


def test_gnome_has_no_release_bindings_so_only_the_toggle():
    steps = shortcut_steps(session("GNOME"), "Ctrl+Alt+D", "F9", CMD)
    assert not steps.push_to_talk
    assert steps.commands == (f"{CMD} --toggle-recording",)
    assert "gsettings set" in steps.lines[0]
    assert gnome_binding(parse_combination("Meta+Shift+Pause")) == "<Super><Shift>Pause"


def test_other_desktops_get_the_commands():
    steps = shortcut_steps(session("KDE"), None, "F9", CMD)
    assert steps.desktop == "kde"
    assert steps.lines == ()
    assert steps.commands == (f"{CMD} --start-recording", f"{CMD} --stop-recording")


def test_a_command_with_spaces_is_quoted():
    steps = shortcut_steps(session("sway"), "Ctrl+Alt+D", None,
                           "'/opt/my apps/desktop-asr'")
    assert steps.lines == ("bindsym Ctrl+Alt+d exec '/opt/my apps/desktop-asr' "
                           "--toggle-recording",)


@pytest.mark.parametrize(("printed", "paths"), [
    ("@as []", []),
    ("['/a/', '/b/']", ["/a/", "/b/"]),
])
def test_gsettings_lists_are_read(printed, paths):
    assert parse_path_list(printed) == paths


def test_a_list_that_is_not_a_list_of_strings_is_refused():
    with pytest.raises(ShortcutError):
        parse_path_list("__import__('os')")
    with pytest.raises(ShortcutError):
        parse_path_list("[1, 2]")


SCHEMA = """<schemalist>
  <schema id="org.gnome.settings-daemon.plugins.media-keys"
          path="/org/gnome/settings-daemon/plugins/media-keys/">
    <key name="custom-keybindings" type="as"><default>[]</default></key>
  </schema>
  <schema id="org.gnome.settings-daemon.plugins.media-keys.custom-keybinding">
    <key name="name" type="s"><default>''</default></key>
    <key name="binding" type="s"><default>''</default></key>
    <key name="command" type="s"><default>''</default></key>
  </schema>
</schemalist>
"""


@pytest.fixture
def gnome(tmp_path):
    """The real gsettings over a keyfile, with GNOME's media-keys schema (its shape as
    gnome-settings-daemon ships it), so no real desktop is touched."""
    if shutil.which("gsettings") is None or shutil.which("glib-compile-schemas") is None:
        pytest.skip("gsettings is not installed (apt install libglib2.0-bin)")
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "org.gnome.settings-daemon.plugins.media-keys.gschema.xml").write_text(SCHEMA)
    subprocess.run(["glib-compile-schemas", str(schemas)], check=True)
    env = {**os.environ, "GSETTINGS_SCHEMA_DIR": str(schemas), "GSETTINGS_BACKEND": "keyfile",
           "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def get(*args: str) -> str:
        return subprocess.run(["gsettings", "get", *args], env=env, capture_output=True,
                              text=True, check=True).stdout.strip()

    return env, get


def test_the_shortcut_is_made_and_the_users_own_are_kept(gnome):
    env, get = gnome
    subprocess.run(["gsettings", "set", "org.gnome.settings-daemon.plugins.media-keys",
                    "custom-keybindings", "['/mine/']"], env=env, check=True)
    for _ in range(2):  # made twice: listed once
        add_custom_shortcut(GNOME_PATH, "desktop-asr dictation",
                            "/usr/bin/desktop-asr --toggle-recording", "<Control><Alt>d",
                            env=env)
    assert parse_path_list(get("org.gnome.settings-daemon.plugins.media-keys",
                               "custom-keybindings")) == ["/mine/", GNOME_PATH]
    item = f"org.gnome.settings-daemon.plugins.media-keys.custom-keybinding:{GNOME_PATH}"
    assert get(item, "command") == "'/usr/bin/desktop-asr --toggle-recording'"
    assert get(item, "binding") == "'<Control><Alt>d'"


def test_without_the_schema_it_fails_in_words(tmp_path):
    if shutil.which("gsettings") is None:
        pytest.skip("gsettings is not installed")
    env = {**os.environ, "GSETTINGS_SCHEMA_DIR": str(tmp_path), "GSETTINGS_BACKEND": "keyfile",
           "XDG_CONFIG_HOME": str(tmp_path)}
    with pytest.raises(ShortcutError, match="GNOME refused"):
        add_custom_shortcut(GNOME_PATH, "n", "c", "<Control>d", env=env)
