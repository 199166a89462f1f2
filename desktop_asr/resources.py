"""Data files shipped with the app: icons and translations.

The files live in the top-level ``resources/`` folder of a source checkout (used as is by an
editable install). A wheel installs that folder as ``desktop_asr/_resources`` (see
``[tool.setuptools.package-dir]`` in pyproject.toml).

This module is pure Python (no Qt) so the CLI and tests can locate files too.
"""

from __future__ import annotations

from pathlib import Path


def _find_resources() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent / "resources"):
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(f"the app's resources are missing (looked beside {here})")


RESOURCES_DIR = _find_resources()
ICONS_DIR = RESOURCES_DIR / "icons"
TRANSLATIONS_DIR = RESOURCES_DIR / "translations"

# Base name of the compiled translations: desktop_asr_<locale>.qm
TRANSLATION_BASENAME = "desktop_asr"

# Icons the tray shows for each state of the app (see the tray in desktop_asr/ui).
TRAY_STATES = ("idle", "recording", "transcribing", "error")


def icon_path(name: str) -> Path:
    """Path of the SVG icon ``name`` (e.g. ``"app"``, ``"tray-idle"``).

    Raises FileNotFoundError with the directory searched if there is no such icon, so a
    packaging mistake shows up as a clear error instead of a blank icon.
    """
    path = ICONS_DIR / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"icon {name!r} not found in {ICONS_DIR}")
    return path


def tray_icon_path(state: str) -> Path:
    """Path of the tray icon for ``state`` (one of TRAY_STATES)."""
    if state not in TRAY_STATES:
        raise ValueError(f"unknown tray state {state!r}; expected one of {TRAY_STATES}")
    return icon_path(f"tray-{state}")


def translations_dir() -> Path:
    """Directory holding the compiled ``desktop_asr_<locale>.qm`` files."""
    return TRANSLATIONS_DIR
