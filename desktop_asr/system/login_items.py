"""Start at login on macOS and Windows (the XDG autostart entry of Linux and the BSDs is in
autostart.py, which picks one of these by platform).

- macOS: a LaunchAgent, ``~/Library/LaunchAgents/org.desktop-asr.app.plist``, that launchd
  runs when the user logs in (RunAtLoad), in the graphical session only (Aqua).
- Windows: a value named ``desktop-asr`` under the user's
  ``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` key, holding the
  command line (quoted as Windows parses it).

Both write only the user's own settings and need no administrator. The registry module is
injected (``winreg`` on Windows) so that tests run anywhere.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

LAUNCH_AGENT_LABEL = "org.desktop-asr.app"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "desktop-asr"


class LaunchAgent:
    def __init__(self, home: Path) -> None:
        self.path = home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"

    def is_enabled(self) -> bool:
        try:
            with self.path.open("rb") as plist:
                data = plistlib.load(plist)
        except (OSError, plistlib.InvalidFileException, ValueError, ExpatError):
            return False
        return (isinstance(data, dict) and data.get("RunAtLoad") is True
                and data.get("Disabled") is not True)

    def enable(self, command: Sequence[str]) -> None:
        """Write the agent (OSError when it cannot be written)."""
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "LimitLoadToSessionType": "Aqua",  # the user's desktop session, not ssh
            "ProcessType": "Interactive",
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_bytes(plistlib.dumps(agent))
        os.replace(tmp, self.path)

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


class RunKey:
    def __init__(self, registry: Any = None) -> None:
        if registry is None:
            import winreg as registry  # Windows only
        self._reg = registry

    def is_enabled(self) -> bool:
        try:
            with self._reg.OpenKey(self._reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                value, kind = self._reg.QueryValueEx(key, RUN_VALUE)
        except OSError:  # no key, or no value (FileNotFoundError)
            return False
        return bool(value) and kind in (self._reg.REG_SZ, self._reg.REG_EXPAND_SZ)

    def enable(self, command: Sequence[str]) -> None:
        """Write the value (OSError when the registry refuses)."""
        with self._reg.CreateKey(self._reg.HKEY_CURRENT_USER, RUN_KEY) as key:
            self._reg.SetValueEx(key, RUN_VALUE, 0, self._reg.REG_SZ,
                                 subprocess.list2cmdline(list(command)))

    def disable(self) -> None:
        try:
            with self._reg.OpenKey(self._reg.HKEY_CURRENT_USER, RUN_KEY, 0,
                                   self._reg.KEY_SET_VALUE) as key:
                self._reg.DeleteValue(key, RUN_VALUE)
        except FileNotFoundError:  # nothing to remove
            pass
