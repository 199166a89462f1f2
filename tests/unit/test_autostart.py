"""Start at login (desktop_asr/core/autostart.py): the XDG autostart entry under a temporary
XDG_CONFIG_HOME, its Exec line, and unsupported systems."""

from __future__ import annotations

import configparser
import os
import plistlib
import shutil
import subprocess
import sys

import pytest

from desktop_asr import __version__
from desktop_asr.errors import InputError
from desktop_asr.system.autostart import Autostart, desktop_entry, exec_line, launch_command


def parse_entry(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(text)
    return dict(parser["Desktop Entry"])


def unquote_exec(value: str) -> list[str]:
    """The Desktop Entry Specification's reading of an Exec value (the string escape \\\\
    first, then the quoting rules, then %% -> %), written independently of the code under
    test."""
    value = value.replace("\\\\", "\\")
    args: list[str] = []
    current: list[str] | None = None
    quoted = False
    i = 0
    while i < len(value):
        c = value[i]
        if quoted:
            if c == "\\" and value[i + 1] in '"`$\\':
                current.append(value[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == " ":
            if current is not None:
                args.append("".join(current))
            current = None
        else:
            current = current if current is not None else []
            if c == '"':
                quoted = True
            else:
                current.append(c)
        i += 1
    if current is not None:
        args.append("".join(current))
    return [arg.replace("%%", "%") for arg in args]


@pytest.fixture
def config(tmp_path):
    return tmp_path / "config"


@pytest.fixture
def autostart(config):
    return Autostart(platform="linux", environ={"XDG_CONFIG_HOME": str(config)},
                     command=["/opt/desktop asr/bin/desktop-asr"])


def test_enable_writes_an_xdg_autostart_entry(autostart, config):
    assert not autostart.is_enabled()
    autostart.enable()
    path = config / "autostart" / "desktop-asr.desktop"
    assert autostart.path == path
    entry = parse_entry(path.read_text(encoding="utf-8"))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "desktop-asr"
    assert entry["Exec"] == '"/opt/desktop asr/bin/desktop-asr"'
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert entry["Comment"]
    assert entry["Icon"].endswith("app.svg")
    assert os.path.isfile(entry["Icon"])
    assert autostart.is_enabled()


def test_disable_removes_it_and_can_run_twice(autostart):
    autostart.enable()
    autostart.disable()
    assert not autostart.path.exists()
    assert not autostart.is_enabled()
    autostart.disable()


@pytest.mark.parametrize("line", ["Hidden=true", "X-GNOME-Autostart-enabled=false"])
def test_an_entry_switched_off_by_the_session_is_not_enabled(autostart, line):
    autostart.enable()
    text = autostart.path.read_text().replace("X-GNOME-Autostart-enabled=true\n", "")
    autostart.path.write_text(text + line + "\n")
    assert not autostart.is_enabled()
    autostart.enable()  # turning it on again rewrites it
    assert autostart.is_enabled()


@pytest.mark.parametrize("environ", [
    {"HOME": "/home/u"},
    {"HOME": "/home/u", "XDG_CONFIG_HOME": ""},
    {"HOME": "/home/u", "XDG_CONFIG_HOME": "relative/dir"},
])
def test_without_a_usable_xdg_config_home_the_entry_goes_to_dot_config(environ):
    path = Autostart(platform="linux", environ=environ).path
    assert str(path) == "/home/u/.config/autostart/desktop-asr.desktop"


@pytest.mark.parametrize("command", [
    ["/usr/bin/desktop-asr"],
    ["/home/a b/.venv/bin/python", "-m", "desktop_asr"],
    ['/opt/it\'s "here"/desktop-asr', "--x=$HOME", "50%", "back\\slash`tick"],
])
def test_exec_lines_read_back_as_the_command(command):
    value = parse_entry(desktop_entry(command, icon="x"))["Exec"]
    assert unquote_exec(value) == command


def test_exec_line_quotes_only_when_needed():
    assert exec_line(["/usr/bin/desktop-asr"]) == "/usr/bin/desktop-asr"
    assert exec_line(["/a b/python", "-m", "desktop_asr"]) == '"/a b/python" -m desktop_asr'
    assert exec_line(["C:\\x"]) == '"C:\\\\\\\\x"'  # four backslashes in the file


def test_unsupported_systems_say_so(tmp_path):
    autostart = Autostart(platform="aix", environ={"XDG_CONFIG_HOME": str(tmp_path)})
    assert not autostart.supported
    with pytest.raises(InputError, match="not supported on this system"):
        autostart.enable()
    assert not autostart.is_enabled()
    autostart.disable()  # nothing to undo
    assert list(tmp_path.iterdir()) == []
    assert Autostart(platform="freebsd14").supported
    assert Autostart(platform="darwin").supported
    assert Autostart(platform="win32", registry=Registry()).supported


# --- macOS: a LaunchAgent ------------------------------------------------------------------
def test_macos_writes_a_launch_agent_that_runs_at_login(tmp_path):
    autostart = Autostart(platform="darwin", environ={"HOME": str(tmp_path)},
                          command=["/Applications/desktop-asr.app/Contents/MacOS/desktop-asr"])
    assert not autostart.is_enabled()
    autostart.enable()
    path = tmp_path / "Library" / "LaunchAgents" / "org.desktop-asr.app.plist"
    with path.open("rb") as agent:
        data = plistlib.load(agent)
    assert data == {
        "Label": "org.desktop-asr.app",
        "ProgramArguments": ["/Applications/desktop-asr.app/Contents/MacOS/desktop-asr"],
        "RunAtLoad": True, "LimitLoadToSessionType": "Aqua", "ProcessType": "Interactive"}
    assert autostart.is_enabled()
    autostart.disable()
    assert not path.exists()
    assert not autostart.is_enabled()
    autostart.disable()  # twice is fine


def test_a_launch_agent_switched_off_or_broken_is_not_enabled(tmp_path):
    autostart = Autostart(platform="darwin", environ={"HOME": str(tmp_path)}, command=["x"])
    autostart.enable()
    path = tmp_path / "Library" / "LaunchAgents" / "org.desktop-asr.app.plist"
    data = plistlib.loads(path.read_bytes())
    path.write_bytes(plistlib.dumps({**data, "Disabled": True}))
    assert not autostart.is_enabled()
    path.write_bytes(b"<plist>broken")
    assert not autostart.is_enabled()


# --- Windows: the Run key ------------------------------------------------------------------
class Registry:
    """winreg's calls that Autostart uses, over a dict: {key path: {value name: (data,
    kind)}} under HKEY_CURRENT_USER."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ, REG_EXPAND_SZ, REG_DWORD = 1, 2, 4

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, tuple[object, int]]] = {}

    class _Key:
        def __init__(self, values: dict[str, tuple[object, int]]) -> None:
            self.values = values

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    def OpenKey(self, root, path, reserved=0, access=0):
        assert root == self.HKEY_CURRENT_USER
        if path not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self._Key(self.keys[path])

    def CreateKey(self, root, path):
        assert root == self.HKEY_CURRENT_USER
        return self._Key(self.keys.setdefault(path, {}))

    def QueryValueEx(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name]

    def SetValueEx(self, key, name, reserved, kind, data):
        key.values[name] = (data, kind)

    def DeleteValue(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]


RUN = r"Software\Microsoft\Windows\CurrentVersion\Run"


def test_windows_writes_the_run_key_with_the_command_quoted():
    registry = Registry()
    autostart = Autostart(platform="win32", registry=registry,
                          command=[r"C:\Program Files\desktop-asr\desktop-asr.exe"])
    assert not autostart.is_enabled()
    autostart.enable()
    assert registry.keys[RUN]["desktop-asr"] == (
        r'"C:\Program Files\desktop-asr\desktop-asr.exe"', Registry.REG_SZ)
    assert autostart.is_enabled()
    registry.keys[RUN]["other app"] = ("other.exe", Registry.REG_SZ)
    autostart.disable()
    assert registry.keys[RUN] == {"other app": ("other.exe", Registry.REG_SZ)}  # theirs kept
    assert not autostart.is_enabled()
    autostart.disable()  # nothing to remove


def test_a_refusing_registry_is_said_in_words():
    class Refusing(Registry):
        def CreateKey(self, root, path):
            raise PermissionError(5, "Access is denied")

    autostart = Autostart(platform="win32", registry=Refusing(), command=["x.exe"])
    with pytest.raises(InputError, match=r"Cannot turn on starting at login: "
                                         r"HKEY_CURRENT_USER\\Software"):
        autostart.enable()


def test_a_folder_that_cannot_be_written_is_said_in_words(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    autostart = Autostart(platform="linux", environ={"XDG_CONFIG_HOME": str(blocker)},
                          command=["desktop-asr"])
    with pytest.raises(InputError, match=r"Cannot turn on starting at login: .*cannot be written"):
        autostart.enable()


# --- the command ------------------------------------------------------------------------------
def test_launch_command_prefers_the_script_beside_the_interpreter(tmp_path):
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    assert launch_command(str(python), frozen=False) == [str(python), "-m", "desktop_asr"]
    script = tmp_path / "bin" / "desktop-asr"
    script.write_text("#!/bin/sh\n")
    assert launch_command(str(python), frozen=False) == [str(python), "-m", "desktop_asr"]
    script.chmod(0o755)  # only an executable script counts
    assert launch_command(str(python), frozen=False) == [str(script)]
    assert launch_command("/opt/app/desktop-asr", frozen=True) == ["/opt/app/desktop-asr"]


def test_a_frozen_windows_build_starts_at_login_without_a_console(tmp_path):
    """The Windows bundle has desktop-asr.exe (the command line, with a console) and
    desktop-asrw.exe (the same without one): the login item runs the latter, whichever of
    the two turned the setting on."""
    console = tmp_path / "desktop-asr" / "desktop-asr.exe"
    console.parent.mkdir()
    console.write_bytes(b"MZ")
    assert launch_command(str(console), frozen=True) == [str(console)]  # no twin: itself
    windowed = console.with_name("desktop-asrw.exe")
    windowed.write_bytes(b"MZ")
    assert launch_command(str(console), frozen=True) == [str(windowed)]
    assert launch_command(str(windowed), frozen=True) == [str(windowed)]
    # Not on Linux or macOS, where the bundle has one command.
    linux = tmp_path / "desktop-asr" / "desktop-asr"
    assert launch_command(str(linux), frozen=True) == [str(linux)]


def test_the_command_of_this_installation_starts_this_app():
    command = launch_command()
    result = subprocess.run([*command, "--version"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"desktop-asr {__version__}"
    assert command[0].startswith(os.path.dirname(sys.executable)) or command[0] == sys.executable


# --- any path, however odd: the Desktop Entry Specification's own reading -------------------
def read_entry_strictly(text: str) -> dict[str, str]:
    """The [Desktop Entry] group as the specification reads it: one key=value per line
    (a line that is neither a group, a comment, blank nor key=value makes the file
    invalid), then the string escapes \\s \\n \\t \\r \\\\ undone."""
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    entry: dict[str, str] = {}
    group = ""
    for line in text.split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"broken group line {line!r}"
            group = line[1:-1]
            continue
        key, sep, value = line.partition("=")
        assert sep, f"a line that is not key=value: {line!r}"
        assert group == "Desktop Entry"
        assert key.strip() not in entry, f"{key} given twice"
        chars, i = [], 0
        while i < len(value):
            if value[i] == "\\" and i + 1 < len(value) and value[i + 1] in escapes:
                chars.append(escapes[value[i + 1]])
                i += 2
            else:
                assert value[i] >= " " or value[i] == "\t", f"control character in {line!r}"
                chars.append(value[i])
                i += 1
        entry[key.strip()] = "".join(chars)
    return entry


def exec_arguments(value: str) -> list[str]:
    """An Exec value (string escapes already undone) split as the specification says:
    arguments separated by spaces, double-quoted ones with \\" \\` \\$ \\\\ escaped, a
    reserved character outside quotes invalid, %% a literal %."""
    args: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == " ":
            i += 1
            continue
        chars: list[str] = []
        if value[i] == '"':
            i += 1
            while value[i] != '"':
                if value[i] == "\\":
                    assert value[i + 1] in '"`$\\', f"a stray backslash in {value!r}"
                    i += 1
                chars.append(value[i])
                i += 1
            i += 1
            assert i == len(value) or value[i] == " ", f"text after a quote in {value!r}"
        else:
            while i < len(value) and value[i] != " ":
                assert value[i] not in "\t\n\"'\\><~|&;$*?#()`", f"unquoted in {value!r}"
                chars.append(value[i])
                i += 1
        args.append("".join(chars).replace("%%", "%"))
    return args


ODD_PATH = "/tmp/odd dir/it's \"quoted\" back\\slash\nnew line\ttab $HOME `x` 50%/desktop-asr"


def test_a_path_with_spaces_quotes_a_backslash_and_a_line_break_reads_back_exactly(config):
    command = [ODD_PATH, "-m", "desktop_asr"]
    autostart = Autostart(platform="linux", environ={"XDG_CONFIG_HOME": str(config)},
                          command=command)
    autostart.enable()
    text = autostart.path.read_text(encoding="utf-8")
    entry = read_entry_strictly(text)
    assert exec_arguments(entry["Exec"]) == command
    assert entry["Type"] == "Application"
    assert autostart.is_enabled()
    icon_entry = read_entry_strictly(desktop_entry(["desktop-asr"], icon=ODD_PATH))
    assert icon_entry["Icon"] == ODD_PATH
    validator = shutil.which("desktop-file-validate")
    if validator is not None:  # Debian's desktop-file-utils
        checked = subprocess.run([validator, str(autostart.path)], capture_output=True,
                                 text=True, timeout=30, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "error" not in checked.stdout + checked.stderr


def test_a_path_with_other_control_characters_is_refused_in_words(config):
    autostart = Autostart(platform="linux", environ={"XDG_CONFIG_HOME": str(config)},
                          command=["/opt/odd\x1bdir/desktop-asr"])
    with pytest.raises(InputError, match="contains control characters, which an autostart "
                                         "entry cannot hold"):
        autostart.enable()
    assert not autostart.path.exists()
