"""Start desktop-asr when the user logs in.

Linux and the BSDs: an XDG autostart entry, ``$XDG_CONFIG_HOME/autostart/desktop-asr.desktop``
(``~/.config`` when XDG_CONFIG_HOME is unset), which every freedesktop session (GNOME, KDE,
Xfce, LXQt, Cinnamon, MATE) runs at login. macOS: a LaunchAgent; Windows: the user's Run
registry key (login_items.py). Other systems are not supported: enabling raises InputError
saying so.

The command the entry runs is the one that starts *this* installation of the app, found
in this order:

1. a frozen build (PyInstaller): the executable itself (on Windows its console-less twin,
   desktop-asrw.exe, beside it: a console program would open a console window at login);
2. the ``desktop-asr`` script beside the running interpreter (a virtual environment, pipx,
   or a system install put it there): its absolute path, so the entry works even when
   that folder is not on the PATH of the login session;
3. otherwise ``<the running interpreter> -m desktop_asr`` (e.g. ``pip install --user``,
   where the script is in ~/.local/bin, beside no interpreter).

No command line arguments are needed: ``desktop-asr`` without arguments starts the tray app.

The Exec and Icon values follow the Desktop Entry Specification, whatever the paths hold:
arguments with reserved characters are double-quoted (a double quote, backtick, dollar sign
or backslash inside escaped with a backslash), a percent sign is doubled, and then the
string value's escapes apply (backslash, line break, tab, carriage return, a leading
space), so a space, quote, backslash or line break in a path can never break the file.
Other control characters cannot be written in a desktop entry at all: enabling refuses
such a path in words.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop_asr import resources
from desktop_asr.errors import InputError
from desktop_asr.system.login_items import RUN_KEY, LaunchAgent, RunKey

ENTRY_NAME = "desktop-asr.desktop"
SCRIPT_NAME = "desktop-asr"
WINDOWED_EXECUTABLE = "desktop-asrw.exe"  # packaging/bundle_plan.py builds it on Windows
_XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")
# Characters that oblige an Exec argument to be quoted (Desktop Entry Specification).
_RESERVED = re.compile(r"""[\s"'\\><~|&;$*?#()`]""")
_STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def launch_command(executable: str | None = None, frozen: bool | None = None,
                   script_dir: Path | None = None) -> list[str]:
    """The command that starts this installation of the app (see the module docstring)."""
    executable = executable or sys.executable
    if frozen if frozen is not None else bool(getattr(sys, "frozen", False)):
        windowed = Path(executable).with_name(WINDOWED_EXECUTABLE)
        if executable.lower().endswith(".exe") and windowed.is_file():
            return [str(windowed)]
        return [executable]
    folder = script_dir if script_dir is not None else Path(executable).parent
    for name in (SCRIPT_NAME, SCRIPT_NAME + ".exe"):
        script = folder / name
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script.absolute())]
    return [executable, "-m", "desktop_asr"]


def exec_line(command: Sequence[str]) -> str:
    """``command`` as the value of an Exec key: arguments quoted where the specification
    requires it, ``%`` doubled, then written as a string value (``string_value``).
    InputError for a command a desktop entry cannot hold (see ``string_value``)."""
    parts: list[str] = []
    for arg in command:
        arg = arg.replace("%", "%%")
        if _RESERVED.search(arg) or not arg:
            arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        parts.append(arg)
    return string_value(" ".join(parts), "the command that starts desktop-asr")


def string_value(text: str, what: str = "the value") -> str:
    """``text`` as a desktop entry string value: backslash, line break, tab and carriage
    return escaped, a leading space as ``\\s``. InputError, in words, for other control
    characters or text that is not valid Unicode (a path in another encoding), which a
    desktop entry cannot hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"Cannot turn on starting at login: {what} ({text!r}) is not valid "
                         "text in UTF-8.") from None
    if any((ch < " " and ch not in "\n\t\r") or ch == "\x7f" for ch in text):
        raise InputError(f"Cannot turn on starting at login: {what} ({text!r}) contains "
                         "control characters, which an autostart entry cannot hold.")
    value = "".join(_STRING_ESCAPES.get(ch, ch) for ch in text)
    return "\\s" + value[1:] if value.startswith(" ") else value


def desktop_entry(command: Sequence[str], icon: str | None = None) -> str:
    """The text of the autostart entry."""
    if icon is None:
        try:
            icon = string_value(str(resources.icon_path("app")), "the icon's path")
        except (FileNotFoundError, InputError):
            icon = "desktop-asr"
    else:
        icon = string_value(icon, "the icon's path")
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=desktop-asr",
        "Comment=Speech to text through your own Qwen3-ASR server (started at login)",
        "Comment[zh_CN]=通过你自己的 Qwen3-ASR 服务器把语音转成文字（登录时启动）",
        f"Exec={exec_line(command)}",
        f"Icon={icon}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


class Autostart:
    """Start at login for this user. Everything outside is injectable for tests: the
    platform name, the environment (XDG_CONFIG_HOME, HOME) and the command."""

    def __init__(self, *, platform: str | None = None,
                 environ: Mapping[str, str] | None = None,
                 command: Sequence[str] | None = None, registry: Any = None) -> None:
        self.platform = platform if platform is not None else sys.platform
        self._environ = environ if environ is not None else os.environ
        self._command = list(command) if command is not None else None
        self._registry = registry  # winreg, or a stand-in in tests

    def _login_item(self) -> LaunchAgent | RunKey | None:
        """macOS's and Windows' way; None for the XDG entry (or no way at all)."""
        if self.platform == "darwin":
            home = self._environ.get("HOME", "").strip()
            return LaunchAgent(Path(home) if home else Path.home())
        if self.platform == "win32":
            return RunKey(self._registry)
        return None

    def __repr__(self) -> str:
        return f"Autostart(platform={self.platform!r})"

    @property
    def supported(self) -> bool:
        return self.platform.startswith(_XDG_PLATFORMS) or self.platform in ("darwin", "win32")

    def problem(self) -> str:
        """Why start at login cannot be set here, in words ("" when it can)."""
        if self.supported:
            return ""
        return ("Starting desktop-asr at login is not supported on this system; add it to "
                "your system's startup programs yourself.")

    @property
    def path(self) -> Path:
        """The autostart entry's file (XDG systems)."""
        base = self._environ.get("XDG_CONFIG_HOME", "").strip()
        if not base or not Path(base).is_absolute():  # the spec says: ignore relative ones
            home = self._environ.get("HOME", "").strip()
            base = str(Path(home) / ".config") if home else str(Path.home() / ".config")
        return Path(base) / "autostart" / ENTRY_NAME

    @property
    def where(self) -> str:
        """Where the setting lives, for messages: a file, or the registry key."""
        item = self._login_item()
        if isinstance(item, LaunchAgent):
            return str(item.path)
        if isinstance(item, RunKey):
            return "HKEY_CURRENT_USER\\" + RUN_KEY
        return str(self.path)

    def command(self) -> list[str]:
        return list(self._command) if self._command is not None else launch_command()

    def is_enabled(self) -> bool:
        """Whether the entry exists and is not switched off (Hidden=true, or GNOME's
        X-GNOME-Autostart-enabled=false, as a session's settings panel may write)."""
        if not self.supported:
            return False
        item = self._login_item()
        if item is not None:
            return item.is_enabled()
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        keys = {}
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep:
                keys[key.strip()] = value.strip().lower()
        return keys.get("Hidden") != "true" and keys.get("X-GNOME-Autostart-enabled") != "false"

    def enable(self) -> None:
        """Write the entry (again: it always runs the current command). InputError in words
        when this system is not supported, the command cannot be written in an entry, or
        the file cannot be written."""
        if not self.supported:
            raise InputError(self.problem())
        item = self._login_item()
        if item is not None:
            try:
                item.enable(self.command())
            except OSError as exc:
                raise InputError(f"Cannot turn on starting at login: {self.where} cannot be "
                                 f"written ({exc.strerror or exc}).") from None
            return
        path = self.path
        text = desktop_entry(self.command())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise InputError(f"Cannot turn on starting at login: {path} cannot be written "
                             f"({exc.strerror or exc}).") from None

    def disable(self) -> None:
        """Remove the entry (nothing to do when there is none or the system is not
        supported). InputError in words when it cannot be removed."""
        if not self.supported:
            return
        item = self._login_item()
        if item is not None:
            try:
                item.disable()
            except OSError as exc:
                raise InputError(f"Cannot turn off starting at login: {self.where} cannot be "
                                 f"changed ({exc.strerror or exc}).") from None
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise InputError(f"Cannot turn off starting at login: {self.path} cannot be "
                             f"removed ({exc.strerror or exc}).") from None
