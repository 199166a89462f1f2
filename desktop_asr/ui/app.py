"""Start the Qt application: `desktop-asr` with no arguments ends up here.

It builds the desktop app (desktop.py), or hands over to the instance already running.
Before Qt is touched we check that a window can be opened at all, so a missing display or
a broken Qt install is one clear line on stderr and exit status 1, not a Qt abort or a
traceback.

PySide6 is imported inside the functions so that importing this module never fails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from ctypes.util import find_library
from typing import TYPE_CHECKING

from desktop_asr import resources

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication, QTranslator

APP_NAME = "desktop-asr"
ORGANIZATION = "desktop-asr"
LANGUAGE_ENV = "DESKTOP_ASR_LANG"  # e.g. "zh_CN" or "en": overrides the system locale

# Qt platform plugins that need no display server.
_HEADLESS_PLATFORMS = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}


def display_problem(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> str:
    """Why Qt could not open a window here, or "" if it should be able to.

    Only X11/Wayland systems are checked; Windows and macOS always have a display.
    """
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return ""
    env = os.environ if environ is None else environ
    requested = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    has_x11 = bool(env.get("DISPLAY"))
    has_wayland = bool(env.get("WAYLAND_DISPLAY"))
    if requested in _HEADLESS_PLATFORMS:
        return ""
    if requested == "xcb" and not has_x11:
        return "QT_QPA_PLATFORM=xcb but DISPLAY is not set"
    if requested.startswith("wayland") and not has_wayland:
        return f"QT_QPA_PLATFORM={requested} but WAYLAND_DISPLAY is not set"
    if not has_x11 and not has_wayland:
        return "no display (set DISPLAY or WAYLAND_DISPLAY, or run from a desktop session)"
    return ""


# Libraries Qt 6's X11 (xcb) plugin loads but the PySide6 wheels do not bundle, with the
# Debian/Ubuntu package providing each.
_XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def missing_xcb_libraries_hint(environ: Mapping[str, str] | None = None) -> str:
    """A hint for the commonest Qt 6 start failure on Linux (X11 libraries missing), or "".

    Only a hint: the library lookup can be wrong on unusual systems, so we never refuse
    to start because of it.
    """
    env = os.environ if environ is None else environ
    requested = env.get("QT_QPA_PLATFORM", "").strip().lower()
    uses_xcb = requested == "xcb" or (not requested and not env.get("WAYLAND_DISPLAY"))
    if not (sys.platform.startswith("linux") and uses_xcb):
        return ""
    missing = [pkg for lib, pkg in _XCB_LIBRARIES.items() if find_library(lib) is None]
    if not missing:
        return ""
    return (
        "desktop-asr: warning: Qt needs these libraries to open a window on X11 and they "
        f"seem to be missing (Debian/Ubuntu: apt install {' '.join(missing)})"
    )


def resolve_language(environ: Mapping[str, str] | None = None) -> str:
    """The UI language: $DESKTOP_ASR_LANG if set, else the system locale (e.g. "zh_CN")."""
    env = os.environ if environ is None else environ
    override = env.get(LANGUAGE_ENV, "").strip()
    if override:
        return override
    from PySide6.QtCore import QLocale

    return QLocale.system().name()


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the app's translation for ``language``, plus Qt's own if ours exists.

    English (the source language) or a language we have no translation for installs
    nothing, so the UI never mixes languages. Returns the installed translators: keep
    them and pass them to remove_translators() to undo.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    locale = QLocale(language)
    if locale.language() in (QLocale.Language.English, QLocale.Language.C):
        return []
    ours = QTranslator(app)
    if not ours.load(
        locale, resources.TRANSLATION_BASENAME, "_", str(resources.translations_dir())
    ):
        return []
    app.installTranslator(ours)
    installed = [ours]
    qt_own = QTranslator(app)  # standard buttons, context menus
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(locale, "qtbase", "_", qt_dir):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)


def run_app(argv: list[str], initial_command: str | None = None) -> int:
    """Open the app (or hand ``initial_command`` -- "show" by default -- to the instance
    already running) and run the event loop; return the exit status.

    ``argv`` holds the arguments after the program name (Qt options such as
    ``-platform offscreen`` are accepted). Returns 1 with one line on stderr if no window
    can be opened. Reuses a QApplication that already exists (tests).
    """
    try:
        from PySide6.QtCore import QLocale
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        print(
            f"desktop-asr: cannot open a window: Qt (PySide6) failed to load: {exc}",
            file=sys.stderr,
        )
        return 1

    from desktop_asr.ui.single_instance import forward_to_running_instance

    if forward_to_running_instance(initial_command or "show"):
        return 0  # the running instance shows itself (or does what was asked)
    existing = QApplication.instance()
    if existing is None:
        problem = display_problem()
        if problem:
            print(f"desktop-asr: cannot open a window: {problem}", file=sys.stderr)
            return 1
        hint = missing_xcb_libraries_hint()
        if hint:
            print(hint, file=sys.stderr)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setDesktopFileName(APP_NAME)  # matches packaging/linux/desktop-asr.desktop
    app = existing if isinstance(existing, QApplication) else QApplication([APP_NAME, *argv])
    app.setWindowIcon(QIcon(str(resources.icon_path("app"))))

    from desktop_asr.ui.desktop import DesktopApp, default_services
    from desktop_asr.ui.single_instance import InstanceServer

    services, problems = default_services()
    language = _interface_language(services.settings)
    previous_locale = QLocale()
    QLocale.setDefault(QLocale(language))
    translators = install_translators(app, language)
    server = InstanceServer(parent=app)
    instance = server if server.listen() else None
    desktop: DesktopApp | None = None
    try:
        desktop = DesktopApp(app, services, instance=instance, problems=problems)
        app.setQuitOnLastWindowClosed(not desktop.has_tray)
        desktop.start(initial_command if initial_command != "show" else None)
        return int(app.exec())
    finally:
        if desktop is not None:
            desktop.close()  # the queue stopped first, then the history closed
        elif services.history is not None:
            services.history.close()
        if instance is not None:
            instance.close()
        remove_translators(app, translators)
        QLocale.setDefault(previous_locale)


def _interface_language(settings_store: object) -> str:
    """$DESKTOP_ASR_LANG, else the language chosen in Settings, else the system's."""
    if os.environ.get(LANGUAGE_ENV, "").strip():
        return resolve_language()
    try:
        chosen = settings_store.load().interface_language  # type: ignore[attr-defined]
    except Exception:  # a broken settings file is reported by the app itself
        chosen = "system"
    return resolve_language() if chosen in ("", "system") else str(chosen)
