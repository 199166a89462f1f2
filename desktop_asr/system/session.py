"""Which desktop session the app runs in: X11 or Wayland (or Windows, macOS, none), and
which desktop (GNOME, KDE Plasma, sway, Hyprland...). How dictation catches its keys and
delivers its text depends on both (see keys_plan.py and text_output.py).

Read from the environment the session sets up: XDG_SESSION_TYPE, WAYLAND_DISPLAY and
DISPLAY for the kind; XDG_CURRENT_DESKTOP (a colon-separated list, "ubuntu:GNOME"), then
the compositors' own variables (SWAYSOCK, HYPRLAND_INSTANCE_SIGNATURE...) and
DESKTOP_SESSION for the desktop.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

X11, WAYLAND, WINDOWS, MACOS, NO_DISPLAY = "x11", "wayland", "windows", "macos", "none"

# Desktop ids (lower case, as found in XDG_CURRENT_DESKTOP) -> the name users know.
DESKTOP_NAMES = {
    "gnome": "GNOME",
    "kde": "KDE Plasma",
    "sway": "sway",
    "hyprland": "Hyprland",
    "river": "river",
    "labwc": "labwc",
    "wayfire": "Wayfire",
    "niri": "niri",
    "cosmic": "COSMIC",
    "xfce": "Xfce",
    "cinnamon": "Cinnamon",
    "mate": "MATE",
    "lxqt": "LXQt",
    "budgie": "Budgie",
}
# Compositors built on wlroots (or offering its virtual-keyboard and data-control
# protocols): wtype types there, wl-clipboard reads and sets the clipboard.
WLROOTS = frozenset({"sway", "hyprland", "river", "labwc", "wayfire", "niri"})
_ALIASES = {"x-cinnamon": "cinnamon", "unity": "gnome", "pop": "gnome", "plasma": "kde",
            "budgie-desktop": "budgie", "xfce4": "xfce"}
_COMPOSITOR_VARIABLES = (("SWAYSOCK", "sway"), ("HYPRLAND_INSTANCE_SIGNATURE", "hyprland"),
                         ("NIRI_SOCKET", "niri"), ("KDE_FULL_SESSION", "kde"))


@dataclass(frozen=True)
class Session:
    kind: str  # X11, WAYLAND, WINDOWS, MACOS or NO_DISPLAY
    desktop: str = ""  # a key of DESKTOP_NAMES, or "" when unknown
    x11_display: bool = False  # an X server is reachable too (XWayland)

    @property
    def is_wayland(self) -> bool:
        return self.kind == WAYLAND

    @property
    def is_wlroots(self) -> bool:
        return self.desktop in WLROOTS

    @property
    def desktop_name(self) -> str:
        """The desktop as users call it ("KDE Plasma"), or "" when unknown."""
        return DESKTOP_NAMES.get(self.desktop, "")

    @property
    def kind_name(self) -> str:
        return {X11: "X11", WAYLAND: "Wayland", WINDOWS: "Windows", MACOS: "macOS"}.get(
            self.kind, "no display")


def detect_session(environ: Mapping[str, str], platform: str = sys.platform) -> Session:
    """The session described by ``environ`` (normally os.environ)."""
    if platform in ("win32", "cygwin"):
        return Session(WINDOWS)
    if platform == "darwin":
        return Session(MACOS)
    declared = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    has_wayland = bool(environ.get("WAYLAND_DISPLAY", "").strip())
    has_x11 = bool(environ.get("DISPLAY", "").strip())
    if has_wayland and declared != "x11":
        kind = WAYLAND
    elif has_x11:
        kind = X11
    elif declared == "wayland":
        kind = WAYLAND  # declared, but this process was given no display to talk to
    else:
        kind = NO_DISPLAY
    return Session(kind, _desktop(environ), x11_display=has_x11)


def _desktop(environ: Mapping[str, str]) -> str:
    for name in environ.get("XDG_CURRENT_DESKTOP", "").split(":"):
        found = _known(name)
        if found:
            return found
    for variable, desktop in _COMPOSITOR_VARIABLES:
        if environ.get(variable, "").strip():
            return desktop
    return _known(environ.get("DESKTOP_SESSION", "").rsplit("/", 1)[-1])


def _known(name: str) -> str:
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key.endswith("-wayland"):
        key = key.removesuffix("-wayland")
    return key if key in DESKTOP_NAMES else ""
