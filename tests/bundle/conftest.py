"""The built bundle as a user runs it: its own command, a clean environment, another folder.

These tests need a bundle built by ``bash packaging/build.sh`` (``bash packaging/build.sh
--test`` builds it and runs them). Without one they skip, saying so: the normal suite and CI
do not build it. ``DESKTOP_ASR_BUNDLE=/path/to/desktop-asr`` tests another copy of the
command (an unpacked tarball, the installed /usr/bin/desktop-asr).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The X display with a tray and the virtual microphone are the e2e tests' own fixtures.
from tests.e2e.conftest import virtual_microphone, x_display  # noqa: F401
from tests.integration.clitools import ROOT

# What packaging/build.sh (Linux), packaging/windows/build.ps1 and packaging/macos/build.sh
# leave in dist/: the command inside the bundle.
if sys.platform == "win32":
    BUILT = ROOT / "dist" / "desktop-asr" / "desktop-asr.exe"
elif sys.platform == "darwin":
    BUILT = ROOT / "dist" / "desktop-asr.app" / "Contents" / "MacOS" / "desktop-asr"
else:
    BUILT = ROOT / "dist" / "desktop-asr" / "desktop-asr"


def bundle_command() -> Path | None:
    chosen = os.environ.get("DESKTOP_ASR_BUNDLE")
    path = Path(chosen) if chosen else BUILT
    return path if path.is_file() and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def bundle() -> Path:
    path = bundle_command()
    if path is None:
        where = os.environ.get("DESKTOP_ASR_BUNDLE") or str(BUILT.relative_to(ROOT))
        pytest.skip(f"no built bundle at {where}: build it with `bash packaging/build.sh` "
                    "(`bash packaging/build.sh --test` builds it and runs these tests)")
    return path


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What `env -i PATH=/usr/bin:/bin HOME=...` leaves, with private XDG folders: nothing
    from the venv, the checkout or the developer's session. (On Windows: the system folder
    and a private profile, which a Windows program needs to start at all.)"""
    if sys.platform == "win32":
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        return {"SYSTEMROOT": system_root, "PATH": str(Path(system_root) / "System32"),
                "USERPROFILE": str(home), "APPDATA": str(home / "AppData" / "Roaming"),
                "LOCALAPPDATA": str(home / "AppData" / "Local"), "TEMP": str(home),
                "TMP": str(home), **extra}
    return {"PATH": "/usr/bin:/bin", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"), **extra}


def run_bundle(command: Path, *args: str, home: Path, timeout: float = 90,
               **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the bundle's command from ``home`` (not the checkout) with a clean environment."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(command), *args], cwd=home, env=clean_env(home, **extra),
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
