"""How dictation works in this session: how its keys are caught and how its text is
delivered, each with the reasons the better ways are passed over. Settings shows it; the
app builds its hotkeys and its text delivery from it.

Keys, best first: pynput on X11, Windows and macOS; on Wayland the GlobalShortcuts portal
where the desktop offers it, else a shortcut of the desktop's own running
``desktop-asr --toggle-recording`` (see desktop_shortcuts.py).

Text, best first: pynput (X11, Windows, macOS); on Wayland the RemoteDesktop portal
(GNOME, KDE: the user consents once), wtype (wlroots compositors), ydotool (when its
daemon runs), else the clipboard and a "press Ctrl+V" notice. The clipboard is wl-clipboard
on Wayland where it is installed, else Qt's.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_asr.dictation.desktop_shortcuts import ShortcutSteps, shortcut_steps
from desktop_asr.system.session import NO_DISPLAY, Session
from desktop_asr.system.text_output import Reason, Which, choose_key_sender

# How keys are caught.
KEYS_PYNPUT, KEYS_PORTAL, KEYS_DESKTOP, KEYS_NONE = "pynput", "portal", "desktop", "none"
# How text is delivered.
TEXT_PYNPUT, TEXT_PORTAL, TEXT_WTYPE, TEXT_YDOTOOL, TEXT_CLIPBOARD = (
    "pynput", "portal", "wtype", "ydotool", "clipboard")
# Desktops whose RemoteDesktop portal lets an application send keys.
REMOTE_DESKTOPS = frozenset({"gnome", "kde"})


@dataclass(frozen=True)
class KeysPlan:
    how: str  # KEYS_*
    steps: ShortcutSteps | None = None  # KEYS_DESKTOP: what the user binds, and how
    reason: Reason | None = None  # why the portal is not used (Wayland)


@dataclass(frozen=True)
class TextPlan:
    how: str  # TEXT_*
    wl_clipboard: bool = False  # the clipboard is set with wl-copy/wl-paste
    passed: tuple[tuple[str, Reason], ...] = field(default=())  # better ways passed over


def plan_keys(session: Session, portal_version: int | None, toggle: str | None,
              push_to_talk: str | None) -> KeysPlan:
    if session.kind == NO_DISPLAY:
        return KeysPlan(KEYS_NONE, reason=Reason("no-display"))
    if not session.is_wayland:
        return KeysPlan(KEYS_PYNPUT)
    if portal_version:
        return KeysPlan(KEYS_PORTAL)
    steps = shortcut_steps(session, toggle, push_to_talk)
    return KeysPlan(KEYS_DESKTOP, steps=steps, reason=Reason(
        "no-shortcuts-portal", (session.desktop_name,) if session.desktop_name else ()))


def plan_text(session: Session, environ: Mapping[str, str], *,
              remote_desktop_version: int | None, which: Which = shutil.which) -> TextPlan:
    if not session.is_wayland:
        return TextPlan(TEXT_PYNPUT if session.kind != NO_DISPLAY else TEXT_CLIPBOARD)
    wl_clipboard = bool(which("wl-copy") and which("wl-paste"))
    passed: list[tuple[str, Reason]] = []
    if remote_desktop_version and session.desktop in REMOTE_DESKTOPS:
        return TextPlan(TEXT_PORTAL, wl_clipboard)
    passed.append(("RemoteDesktop portal", Reason(
        "no-remote-desktop" if not remote_desktop_version else "remote-desktop-not-for-keys",
        (session.desktop_name,) if session.desktop_name else ())))
    sender, more = choose_key_sender(session, environ, which)
    passed += more
    if sender is not None:
        return TextPlan(sender.name, wl_clipboard, tuple(passed))
    return TextPlan(TEXT_CLIPBOARD, wl_clipboard, tuple(passed))


@dataclass(frozen=True)
class SessionPlan:
    """What was found about this session once, at start (the portals are asked over D-Bus:
    `detect_plan` blocks, call it from a worker thread)."""

    session: Session
    shortcuts_portal: int | None = None  # GlobalShortcuts version, None when not offered
    remote_desktop_portal: int | None = None
    text: TextPlan = field(default_factory=lambda: TextPlan(TEXT_PYNPUT))

    def keys(self, toggle: str | None, push_to_talk: str | None) -> KeysPlan:
        return plan_keys(self.session, self.shortcuts_portal, toggle, push_to_talk)


def detect_plan(environ: Mapping[str, str], *, bus: str = "SESSION",
                which: Which = shutil.which) -> SessionPlan:
    from desktop_asr.system.portal import portal_versions
    from desktop_asr.system.portal_keys import INTERFACE as REMOTE_DESKTOP
    from desktop_asr.system.portal_shortcuts import INTERFACE as GLOBAL_SHORTCUTS
    from desktop_asr.system.session import detect_session

    session = detect_session(environ)
    shortcuts = remote = None
    if session.is_wayland:
        versions = portal_versions([GLOBAL_SHORTCUTS, REMOTE_DESKTOP], bus)
        shortcuts, remote = versions[GLOBAL_SHORTCUTS], versions[REMOTE_DESKTOP]
    text = plan_text(session, environ, remote_desktop_version=remote, which=which)
    return SessionPlan(session, shortcuts, remote, text)

