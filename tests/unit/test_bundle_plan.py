"""What the bundle holds on each platform and what its artifacts are called
(packaging/bundle_plan.py), and what the PyInstaller spec does with it on Linux, Windows
and macOS: the spec is run here with stand-ins for PyInstaller's build steps and the
platform's name, in a copy of the packaging folder with a version of our own choosing."""

from __future__ import annotations

import importlib.util
import plistlib
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from desktop_asr import __version__
from desktop_asr.system.autostart import WINDOWED_EXECUTABLE

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(path: Path, name: str) -> types.ModuleType:
    """A module of packaging/ by its path (the folder is no package: its name is PyPI's
    `packaging`)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plan = load(PACKAGING / "bundle_plan.py", "bundle_plan_under_test")


# --- the version: one home ---------------------------------------------------------------------
def test_the_version_is_read_from_the_package(tmp_path):
    assert plan.read_version() == __version__
    (tmp_path / "desktop_asr").mkdir()
    (tmp_path / "desktop_asr" / "__init__.py").write_text('"""x"""\n\n__version__ = "7.6.5"\n')
    assert plan.read_version(tmp_path) == "7.6.5"
    (tmp_path / "desktop_asr" / "__init__.py").write_text("VERSION = '1'\n")
    with pytest.raises(ValueError, match="__version__"):
        plan.read_version(tmp_path)


@pytest.mark.parametrize(("kind", "arch", "expected"), [
    ("deb", "", "desktop-asr_7.6.5_amd64.deb"),
    ("tarball", "", "desktop-asr-7.6.5-linux-x86_64.tar.gz"),
    ("zip", "", "desktop-asr-7.6.5-windows-x86_64.zip"),
    ("setup", "", "desktop-asr-7.6.5-windows-x86_64-setup.exe"),
    ("dmg", "arm64", "desktop-asr-7.6.5-macos-arm64.dmg"),
    ("dmg", "x86_64", "desktop-asr-7.6.5-macos-x86_64.dmg"),
])
def test_every_artifact_is_named_with_the_version(kind, arch, expected):
    assert plan.artifact_name(kind, "7.6.5", arch) == expected


def test_an_unknown_artifact_is_refused():
    with pytest.raises(ValueError, match="unknown artifact"):
        plan.artifact_name("rpm", "1.0")


def test_the_command_line_gives_the_version_and_names_to_the_build_scripts():
    def run(*args: str) -> str:
        return subprocess.run([sys.executable, str(PACKAGING / "bundle_plan.py"), *args],
                              capture_output=True, text=True, check=True, timeout=30
                              ).stdout.strip()

    assert run("version") == __version__
    assert run("artifact", "setup") == f"desktop-asr-{__version__}-windows-x86_64-setup.exe"
    assert run("artifact", "dmg", "--arch", "x86_64") == \
        f"desktop-asr-{__version__}-macos-x86_64.dmg"
    assert subprocess.run([sys.executable, str(PACKAGING / "bundle_plan.py"), "nonsense"],
                          capture_output=True, check=False, timeout=30).returncode == 2


def test_no_build_script_types_the_version_or_an_artifact_name():
    scripts = [PACKAGING / "build.sh", PACKAGING / "python_env.sh",
               PACKAGING / "windows" / "build.ps1", PACKAGING / "macos" / "build.sh",
               PACKAGING / "windows" / "desktop-asr.iss"]
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"\d+\.\d+\.\d+", text), f"{script.name} holds a version"
        assert ".deb\"" not in text
        assert "x86_64.tar.gz\"" not in text
    assert "bundle_plan.py version" in (PACKAGING / "python_env.sh").read_text()
    ps1 = (PACKAGING / "windows" / "build.ps1").read_text()
    assert "bundle_plan.py version" in ps1
    assert "bundle_plan.py artifact setup" in ps1
    assert '"/DAppVersion=$Version"' in ps1
    assert "artifact dmg" in (PACKAGING / "macos" / "build.sh").read_text()
    assert 'DEB="dist/$(artifact deb)"' in (PACKAGING / "build.sh").read_text()


# --- what the bundle holds, per platform ---------------------------------------------------------
def module_file_exists(module: str) -> bool | None:
    """Whether ``module`` is a file of its installed package (found without importing it,
    since pynput's backends cannot be imported on another system); None when the package
    is not installed here."""
    top, _, rest = module.partition(".")
    found = importlib.util.find_spec(top)
    if found is None:
        return None
    if not rest:
        return True
    assert found.submodule_search_locations, f"{top} is not a package"
    base = Path(next(iter(found.submodule_search_locations)), *rest.split("."))
    modules = [f for f in base.parent.glob(base.name + ".*")  # x.py, x.cpython-311-....so
               if f.name.endswith((".py", ".so", ".pyd"))]
    return bool(modules) or (base / "__init__.py").is_file()


@pytest.mark.parametrize(("platform", "ours", "not_ours"), [
    ("linux", ["keyring.backends.SecretService", "pynput.keyboard._xorg", "jeepney"],
     ["_win32", "_darwin", "keyring.backends.Windows", "keyring.backends.macOS"]),
    ("win32", ["keyring.backends.Windows", "pynput.keyboard._win32", "pynput.mouse._win32",
               "win32ctypes.pywin32.win32cred"],
     ["_xorg", "_darwin", "SecretService", "keyring.backends.macOS"]),
    ("darwin", ["keyring.backends.macOS", "keyring.backends.macOS.api",
                "pynput.keyboard._darwin", "Quartz"],
     ["_xorg", "_win32", "SecretService", "keyring.backends.Windows"]),
])
def test_each_platform_names_its_own_backends(platform, ours, not_ours):
    names = plan.hidden_imports(platform)
    for name in ours:
        assert name in names
    for part in not_ours:
        assert not [n for n in names if part in n], part
    assert {"sounddevice", "_sounddevice", "PySide6.QtSvg", "keyring.backends.fail"} <= set(names)


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_every_named_module_of_an_installed_package_exists(platform):
    """keyring and pynput ship every platform's backends: a name spelled wrong is caught
    here, not on a Windows or Mac user's machine."""
    checked = 0
    for name in plan.hidden_imports(platform):
        exists = module_file_exists(name)
        if exists is None:
            continue  # a package of another platform (win32ctypes, pyobjc)
        assert exists, f"{name} is not a module of its package"
        checked += 1
    assert checked >= 8


def test_platform_names():
    assert [plan.system_of(p) for p in ("linux", "freebsd14", "win32", "cygwin", "darwin")] \
        == ["linux", "linux", "win32", "win32", "darwin"]
    assert plan.portaudio_package("linux") is None
    assert plan.portaudio_package("win32") == plan.portaudio_package("darwin") == \
        "_sounddevice_data"
    assert plan.icon_file("linux") is None
    assert plan.icon_file("win32").endswith(".ico")
    assert plan.icon_file("darwin").endswith(".icns")
    assert plan.windowed_executable("linux") is None
    assert plan.windowed_executable("darwin") is None
    # The login item (system/autostart.py) runs the console-less twin the spec builds.
    assert plan.windowed_executable("win32") + ".exe" == WINDOWED_EXECUTABLE


# --- the .app's Info.plist ---------------------------------------------------------------------
def test_the_info_plist_makes_a_tray_app_that_explains_the_microphone():
    info = info_for("3.2.1")
    assert info["LSUIElement"] is True
    assert info["CFBundleShortVersionString"] == info["CFBundleVersion"] == "3.2.1"
    assert info["CFBundleIdentifier"] == "org.desktop-asr.desktop-asr"
    usage = info["NSMicrophoneUsageDescription"]
    assert "records your voice" in usage
    assert "server you set up" in usage
    assert "zh_CN" in info["CFBundleLocalizations"]
    assert info["LSMinimumSystemVersion"] == "11.0"


def info_for(version: str) -> dict:
    """The Info.plist keys as macOS reads them: written as a plist and read back."""
    return plistlib.loads(plistlib.dumps(plan.info_plist(version)))


def test_the_microphone_text_is_translated_for_macos_own_dialog():
    strings = plan.info_plist_strings("zh_CN")
    match = re.fullmatch(r'"NSMicrophoneUsageDescription" = "((?:[^"\\]|\\.)*)";\n', strings)
    assert match, strings
    assert "录" in match.group(1)
    assert "服务器" in match.group(1)


def test_quotes_in_the_usage_text_are_escaped(monkeypatch):
    monkeypatch.setitem(plan.MICROPHONE_USAGE, "zh_CN", 'say "hi" \\ there')
    assert plan.info_plist_strings("zh_CN") == \
        '"NSMicrophoneUsageDescription" = "say \\"hi\\" \\\\ there";\n'


# --- the spec itself, run with stand-ins ----------------------------------------------------------
class Built:
    """What the spec's build steps were called with."""

    def __init__(self) -> None:
        self.analysis: dict = {}
        self.exes: list[dict] = []
        self.collect: tuple = ()
        self.bundle: dict | None = None
        self.icon_runs: list[list[str]] = []


def run_spec(tmp_path: Path, platform: str, monkeypatch: pytest.MonkeyPatch) -> Built:
    root = tmp_path / "checkout"
    shutil.copytree(PACKAGING, root / "packaging",
                    ignore=shutil.ignore_patterns("screenshots", "__pycache__"))
    (root / "desktop_asr").mkdir(parents=True)
    (root / "desktop_asr" / "__init__.py").write_text('__version__ = "4.5.6"\n')
    built = Built()

    class Analysis:
        def __init__(self, scripts, **kwargs):
            built.analysis = kwargs
            self.scripts, self.pure = scripts, []
            self.binaries = [
                ("PySide6/Qt/lib/libQt6Quick.so.6", "/venv/PySide6/Qt/lib/libQt6Quick.so.6",
                 "BINARY"),
                ("PySide6/Qt/lib/libQt6Widgets.so.6",
                 "/venv/PySide6/Qt/lib/libQt6Widgets.so.6", "BINARY"),
                ("libxcb.so.1", "/usr/lib/x86_64-linux-gnu/libxcb.so.1", "BINARY"),
                ("libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "BINARY"),
            ]
            self.datas = [("PySide6/Qt/translations/qtbase_de.qm", "/x", "DATA"),
                          ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/x", "DATA")]

    def exe(*args, **kwargs):
        built.exes.append(kwargs)
        return ("EXE", kwargs["name"])

    def collect(*args, **kwargs):
        built.collect = (args, kwargs)
        return "COLLECT"

    def bundle(coll, **kwargs):
        built.bundle = kwargs

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [f"{package}.sub"]
    hooks.collect_data_files = lambda package: [(f"/site/{package}/data", package)]
    hooks.collect_dynamic_libs = lambda package: [(f"/site/{package}/lib.dll", package)]
    hooks.copy_metadata = lambda package: [(f"/site/{package}.dist-info", package)]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.delitem(sys.modules, "bundle_plan", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: built.icon_runs.append(cmd))
    spec_path = root / "packaging" / "desktop-asr.spec"
    namespace = {"SPECPATH": str(spec_path.parent), "Analysis": Analysis,
                 "PYZ": lambda pure: "PYZ", "EXE": exe, "COLLECT": collect, "BUNDLE": bundle,
                 "__name__": "__main__"}
    real_platform = sys.platform
    monkeypatch.setattr(sys, "platform", platform)
    try:
        exec(compile(spec_path.read_text(), str(spec_path), "exec"), namespace)
    finally:
        monkeypatch.setattr(sys, "platform", real_platform)
    monkeypatch.delitem(sys.modules, "bundle_plan", raising=False)
    built.root = root  # type: ignore[attr-defined]
    built.a = namespace["a"]  # type: ignore[attr-defined]
    return built


def test_the_spec_on_linux_keeps_system_libraries_out_and_has_one_console_command(
        tmp_path, monkeypatch):
    built = run_spec(tmp_path, "linux", monkeypatch)
    assert [e["name"] for e in built.exes] == ["desktop-asr"]
    assert built.exes[0]["console"] is True
    assert built.exes[0]["icon"] is None
    assert built.bundle is None
    assert built.icon_runs == []
    assert "keyring.backends.SecretService" in built.analysis["hiddenimports"]
    assert "Xlib.sub" in built.analysis["hiddenimports"]
    assert built.analysis["binaries"] == []  # the system's PortAudio (libportaudio2)
    names = [b[0] for b in built.a.binaries]
    assert names == ["PySide6/Qt/lib/libQt6Widgets.so.6", "libssl.so.3"]
    libs = (built.root / "build" / "system-libs.txt").read_text()
    assert libs == "/usr/lib/x86_64-linux-gnu/libxcb.so.1\n"
    assert [d[0] for d in built.a.datas] == ["PySide6/Qt/translations/qtbase_zh_CN.qm"]


def test_the_spec_on_windows_builds_a_console_command_and_a_windowed_twin(
        tmp_path, monkeypatch):
    built = run_spec(tmp_path, "win32", monkeypatch)
    assert [(e["name"], e["console"]) for e in built.exes] == [
        ("desktop-asr", True), ("desktop-asrw", False)]
    icons = {e["icon"] for e in built.exes}
    assert icons == {str(built.root / "build" / "icons" / "desktop-asr.ico")}
    assert built.icon_runs
    assert built.icon_runs[0][-1] == str(built.root / "build" / "icons")
    assert built.collect[0][:2] == (("EXE", "desktop-asr"), ("EXE", "desktop-asrw"))
    assert built.bundle is None
    hidden = built.analysis["hiddenimports"]
    assert "keyring.backends.Windows" in hidden
    assert "win32ctypes.sub" in hidden
    assert "_sounddevice_data" in hidden
    assert ("/site/_sounddevice_data/lib.dll", "_sounddevice_data") in \
        built.analysis["binaries"]
    # Windows' libraries are not the Linux system's: nothing is taken out as such.
    assert "libxcb.so.1" in [b[0] for b in built.a.binaries]


def test_the_spec_on_macos_makes_an_app_with_the_version_and_its_plist(tmp_path, monkeypatch):
    built = run_spec(tmp_path, "darwin", monkeypatch)
    assert [(e["name"], e["console"]) for e in built.exes] == [("desktop-asr", False)]
    assert built.bundle is not None
    assert built.bundle["name"] == "desktop-asr.app"
    assert built.bundle["version"] == "4.5.6"  # from the checkout's desktop_asr/__init__.py
    assert built.bundle["bundle_identifier"] == plan.BUNDLE_ID
    assert built.bundle["icon"].endswith("desktop-asr.icns")
    info = built.bundle["info_plist"]
    assert info["LSUIElement"] is True
    assert info["CFBundleShortVersionString"] == "4.5.6"
    assert info["NSMicrophoneUsageDescription"]
    strings = [d for d in built.analysis["datas"] if d[1] == "zh_CN.lproj"]
    assert len(strings) == 1
    assert "NSMicrophoneUsageDescription" in Path(strings[0][0]).read_text(encoding="utf-8")
    assert "keyring.backends.macOS" in built.analysis["hiddenimports"]


def test_the_package_and_the_command_take_the_same_version():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in config["project"]
    assert "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "desktop_asr.__version__"}
    result = subprocess.run([sys.executable, "-m", "desktop_asr", "--version"],
                            capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    assert result.stdout.strip() == f"desktop-asr {plan.read_version()}"
