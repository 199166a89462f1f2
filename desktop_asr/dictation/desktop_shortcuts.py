"""The desktop's own keyboard shortcuts for dictation, where the app cannot catch keys itself
(Wayland without the GlobalShortcuts portal): the exact lines or steps for the desktop the
user runs, made from the keys chosen in Settings.

- sway (and i3's syntax): ``bindsym`` lines; push-to-talk with ``bindsym --no-repeat`` for
  the press (a held key repeats its binding otherwise) and ``bindsym --release``;
- Hyprland: ``bind`` lines; push-to-talk with ``bindr`` for the release;
- GNOME: a custom shortcut (gsettings; see system/gnome_shortcuts.py, which can make it):
  GNOME has no release bindings, so push-to-talk is not offered there;
- KDE Plasma and other desktops: a custom shortcut made in their settings, running the
  command shown.

Each runs ``desktop-asr --toggle-recording`` (or ``--start-recording`` and
``--stop-recording``), which reach the running app.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from desktop_asr.dictation.keys import KeyCombination, parse_combination
from desktop_asr.system.session import Session

# Qt's key names -> X keysym names (what sway, Hyprland and GNOME read).
_KEYSYMS = {
    "Space": "space", "Tab": "Tab", "Backspace": "BackSpace", "Return": "Return",
    "Esc": "Escape", "Del": "Delete", "Ins": "Insert", "Home": "Home", "End": "End",
    "PgUp": "Prior", "PgDown": "Next", "Left": "Left", "Right": "Right", "Up": "Up",
    "Down": "Down", "Pause": "Pause", "ScrollLock": "Scroll_Lock", "Menu": "Menu",
    "Right Ctrl": "Control_R", "Right Alt": "Alt_R", "Right Shift": "Shift_R",
    "Left Ctrl": "Control_L", "Left Alt": "Alt_L", "Left Shift": "Shift_L",
    "Right Meta": "Super_R", "Left Meta": "Super_L",
    **{f"F{n}": f"F{n}" for n in range(1, 21)},
}
_SWAY_MODIFIERS = {"Meta": "Mod4", "Ctrl": "Ctrl", "Alt": "Alt", "Shift": "Shift"}
_HYPR_MODIFIERS = {"Meta": "SUPER", "Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT"}
_GNOME_MODIFIERS = {"Meta": "<Super>", "Ctrl": "<Control>", "Alt": "<Alt>", "Shift": "<Shift>"}
_ORDER = ("Meta", "Ctrl", "Alt", "Shift")


@dataclass(frozen=True)
class ShortcutSteps:
    """How to bind the dictation keys on one desktop."""

    desktop: str  # "sway", "hyprland", "gnome", "kde" or "" (any other)
    lines: tuple[str, ...] = ()  # lines for a config file, or commands to run
    config_file: str = ""  # where ``lines`` go ("" when they are commands)
    commands: tuple[str, ...] = field(default=())  # the commands a shortcut runs
    push_to_talk: bool = True  # the desktop can run a command on a key's release


def keysym(combination: KeyCombination) -> str:
    """The key of ``combination`` as an X keysym name ("d", "F9", "Control_R")."""
    if len(combination.key) == 1:
        return combination.key.lower()
    return _KEYSYMS.get(combination.key, combination.key)


def app_command() -> str:
    """The command that reaches the running app, quoted for a shell: the installed
    ``desktop-asr`` when it is on PATH, else the one this process runs as."""
    found = shutil.which("desktop-asr")
    if found:
        return shlex.quote(found) if Path(found).name != found else "desktop-asr"
    argv0 = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "desktop-asr" and argv0.exists():
        return shlex.quote(str(argv0))
    beside = Path(sys.executable).parent / "desktop-asr"  # a venv's, not on PATH
    if beside.exists():
        return shlex.quote(str(beside))
    return f"{shlex.quote(sys.executable)} -m desktop_asr"


def _mods(combination: KeyCombination, names: dict[str, str]) -> list[str]:
    return [names[m] for m in _ORDER if m in combination.modifiers]


def shortcut_steps(session: Session, toggle: str | None, push_to_talk: str | None,
                   command: str | None = None) -> ShortcutSteps:
    """The steps for ``session``'s desktop, for the toggle and push-to-talk keys as written
    in Settings (either may be None: not set)."""
    command = command or app_command()
    toggle_keys = parse_combination(toggle) if toggle else None
    talk_keys = parse_combination(push_to_talk) if push_to_talk else None
    commands = tuple(c for c, keys in (
        (f"{command} --toggle-recording", toggle_keys),
        (f"{command} --start-recording", talk_keys),
        (f"{command} --stop-recording", talk_keys)) if keys is not None)
    if session.desktop == "sway":
        lines = []
        if toggle_keys is not None:
            keys = "+".join([*_mods(toggle_keys, _SWAY_MODIFIERS), keysym(toggle_keys)])
            lines.append(f"bindsym {keys} exec {command} --toggle-recording")
        if talk_keys is not None:
            keys = "+".join([*_mods(talk_keys, _SWAY_MODIFIERS), keysym(talk_keys)])
            lines += [f"bindsym --no-repeat {keys} exec {command} --start-recording",
                      f"bindsym --release {keys} exec {command} --stop-recording"]
        return ShortcutSteps("sway", tuple(lines), "~/.config/sway/config", commands)
    if session.desktop == "hyprland":
        lines = []
        if toggle_keys is not None:
            mods = " ".join(_mods(toggle_keys, _HYPR_MODIFIERS))
            lines.append(f"bind = {mods}, {keysym(toggle_keys)}, exec, "
                         f"{command} --toggle-recording")
        if talk_keys is not None:
            mods = " ".join(_mods(talk_keys, _HYPR_MODIFIERS))
            lines += [f"bind = {mods}, {keysym(talk_keys)}, exec, {command} --start-recording",
                      f"bindr = {mods}, {keysym(talk_keys)}, exec, "
                      f"{command} --stop-recording"]
        return ShortcutSteps("hyprland", tuple(lines), "~/.config/hypr/hyprland.conf",
                             commands)
    if session.desktop == "gnome":
        lines = []
        if toggle_keys is not None:
            lines = list(gnome_commands(gnome_binding(toggle_keys),
                                        f"{command} --toggle-recording"))
        return ShortcutSteps("gnome", tuple(lines), "", commands[:1], push_to_talk=False)
    return ShortcutSteps(session.desktop if session.desktop == "kde" else "", (), "",
                         commands)


def gnome_binding(combination: KeyCombination) -> str:
    """GNOME's accelerator syntax: "<Control><Alt>d"."""
    return "".join(_mods(combination, _GNOME_MODIFIERS)) + keysym(combination)


GNOME_PATH = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/desktop-asr/"
GNOME_LIST_SCHEMA = "org.gnome.settings-daemon.plugins.media-keys"
GNOME_ITEM_SCHEMA = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding"


def gnome_commands(binding: str, command: str) -> tuple[str, ...]:
    """The gsettings commands that make the shortcut (shown to copy; the app runs the
    same steps itself when asked, keeping the user's other custom shortcuts)."""
    item = f"{GNOME_ITEM_SCHEMA}:{GNOME_PATH}"
    return (
        f"gsettings set {item} name 'desktop-asr dictation'",
        f"gsettings set {item} command {shlex.quote(command)}",
        f"gsettings set {item} binding {shlex.quote(binding)}",
        f"# and add {GNOME_PATH} to: gsettings get {GNOME_LIST_SCHEMA} custom-keybindings",
    )
