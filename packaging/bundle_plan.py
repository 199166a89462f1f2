"""What goes into desktop-asr's bundle on each platform, and what its artifacts are called.

The PyInstaller spec (desktop-asr.spec) and the build scripts (build.sh, windows/build.ps1,
macos/build.sh) take their choices from here, so that they can be checked without
PyInstaller and without the platform (tests/unit/test_bundle_plan.py). Plain Python: no
PyInstaller, no Qt, no import of the app.

The version has one home, desktop_asr/__init__.py; it is read from there (as text, without
importing the app) and put into every artifact's name, the .app's Info.plist and the Inno
Setup installer (`python packaging/bundle_plan.py version`).

    python packaging/bundle_plan.py version               0.1.0
    python packaging/bundle_plan.py artifact deb          desktop-asr_0.1.0_amd64.deb
    python packaging/bundle_plan.py artifact zip|setup|tarball|dmg [--arch arm64]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "desktop-asr"
BUNDLE_ID = "org.desktop-asr.desktop-asr"
MINIMUM_MACOS = "11.0"
# What the .app says when macOS asks the user to allow the microphone (shown by macOS in
# its own dialog; translated below for the zh_CN locale through InfoPlist.strings).
MICROPHONE_USAGE = {
    "en": "desktop-asr records your voice when you dictate or press Record, and sends the "
          "audio only to the speech-recognition server you set up.",
    "zh_CN": "desktop-asr 在你听写或按下“录音”时录下你的声音，并且只把音频发送到你自己设置的"
             "语音识别服务器。",
}
# Typing into other applications and listening for the dictation keys need the
# Accessibility permission, which has no Info.plist key: the app explains it itself
# (desktop_asr/system/macos_permissions.py and ui/dialogs/permission_notice.py).


def read_version(root: Path = ROOT) -> str:
    """``__version__`` of desktop_asr/__init__.py, read without importing the app."""
    source = (root / "desktop_asr" / "__init__.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "__version__"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value
    raise ValueError("desktop_asr/__init__.py sets no __version__ string")


def artifact_name(kind: str, version: str, arch: str = "") -> str:
    """The file name of one artifact: deb, tarball, zip (Windows folder), setup (Inno
    Setup installer) or dmg (``arch``: arm64 or x86_64)."""
    names = {
        "deb": f"{APP_NAME}_{version}_{arch or 'amd64'}.deb",
        "tarball": f"{APP_NAME}-{version}-linux-{arch or 'x86_64'}.tar.gz",
        "zip": f"{APP_NAME}-{version}-windows-{arch or 'x86_64'}.zip",
        "setup": f"{APP_NAME}-{version}-windows-{arch or 'x86_64'}-setup.exe",
        "dmg": f"{APP_NAME}-{version}-macos-{arch or 'arm64'}.dmg",
    }
    if kind not in names:
        raise ValueError(f"unknown artifact {kind!r}; expected one of {sorted(names)}")
    return names[kind]


# --- what the analysis cannot find by itself ------------------------------------------------
# keyring finds its backends through entry points, which a frozen app does not scan
# reliably, and pynput picks its backend by platform at run time: both are named here.
_KEYRING_COMMON = ["keyring.backends.chainer", "keyring.backends.fail",
                   "keyring.backends.null"]
_KEYRING = {
    "linux": ["keyring.backends.SecretService", "keyring.backends.kwallet",
              "keyring.backends.libsecret", "jeepney", "jeepney.io.blocking",
              "secretstorage"],
    "win32": ["keyring.backends.Windows", "win32ctypes.pywin32.pywintypes",
              "win32ctypes.pywin32.win32cred", "win32ctypes.core"],
    "darwin": ["keyring.backends.macOS", "keyring.backends.macOS.api"],
}
_PYNPUT = {
    "linux": ["pynput.keyboard._xorg", "pynput.mouse._xorg", "pynput._util.xorg",
              "pynput._util.xorg_keysyms", "pynput.keyboard._uinput", "pynput._util.uinput",
              "pynput.keyboard._dummy", "pynput.mouse._dummy"],
    "win32": ["pynput.keyboard._win32", "pynput.mouse._win32", "pynput._util.win32",
              "pynput._util.win32_vks"],
    "darwin": ["pynput.keyboard._darwin", "pynput.mouse._darwin", "pynput._util.darwin",
               "pynput._util.darwin_vks", "objc", "Quartz", "HIServices", "CoreFoundation"],
}
# Packages whose every submodule the spec collects (they load parts of themselves by name).
_WHOLE_PACKAGES = {"linux": ["jeepney", "Xlib"], "win32": ["win32ctypes"], "darwin": []}


def system_of(platform: str) -> str:
    """linux, win32 or darwin for a ``sys.platform`` value (the BSDs count as linux)."""
    if platform.startswith("win") or platform == "cygwin":
        return "win32"
    if platform == "darwin":
        return "darwin"
    return "linux"


def hidden_imports(platform: str) -> list[str]:
    """Modules the spec names explicitly for ``platform`` (a ``sys.platform`` value)."""
    system = system_of(platform)
    return [*_KEYRING_COMMON, *_KEYRING[system], *_PYNPUT[system],
            # recording/devices.py imports sounddevice with importlib (so that a missing
            # PortAudio is an error in words); the analysis does not see that import.
            "sounddevice", "_sounddevice",
            # the SVG icon engine of the tray icons
            "PySide6.QtSvg"]


def whole_packages(platform: str) -> list[str]:
    return list(_WHOLE_PACKAGES[system_of(platform)])


def portaudio_package(platform: str) -> str | None:
    """The package holding PortAudio in sounddevice's wheel (_sounddevice_data on Windows
    and macOS); None on Linux, where the wheel has none and libportaudio2 is a Depends."""
    return None if system_of(platform) == "linux" else "_sounddevice_data"


def icon_file(platform: str) -> str | None:
    """The icon file the executable (Windows) or .app (macOS) gets, made from
    resources/icons/app.svg by packaging/icons.py; None on Linux (the SVG is installed)."""
    return {"win32": "desktop-asr.ico", "darwin": "desktop-asr.icns"}.get(
        system_of(platform))


def windowed_executable(platform: str) -> str | None:
    """The console-less twin of the command that Windows' Start menu and login item run
    (a console program would open a console window); None elsewhere."""
    return f"{APP_NAME}w" if system_of(platform) == "win32" else None


def info_plist(version: str) -> dict[str, object]:
    """The keys the .app's Info.plist gets beyond PyInstaller's own."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "CFBundleDevelopmentRegion": "en",
        "CFBundleLocalizations": sorted(MICROPHONE_USAGE),
        "LSMinimumSystemVersion": MINIMUM_MACOS,
        "LSUIElement": True,  # a tray (menu bar) app: no Dock icon, no menu bar of its own
        "NSHighResolutionCapable": True,
        "NSMicrophoneUsageDescription": MICROPHONE_USAGE["en"],
    }


def info_plist_strings(language: str) -> str:
    """The InfoPlist.strings of ``language`` (in <language>.lproj): the translated usage
    text macOS shows when it asks for the microphone."""
    text = MICROPHONE_USAGE[language].replace("\\", "\\\\").replace('"', '\\"')
    return f'"NSMicrophoneUsageDescription" = "{text}";\n'


def main(argv: list[str]) -> int:
    arch = ""
    if "--arch" in argv:
        at = argv.index("--arch")
        arch, argv = argv[at + 1], argv[:at] + argv[at + 2:]
    if argv == ["version"]:
        print(read_version())
    elif len(argv) == 2 and argv[0] == "artifact":
        print(artifact_name(argv[1], read_version(), arch))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
