"""The Inno Setup script of the Windows installer (packaging/windows/desktop-asr.iss), read
as Inno Setup reads it: sections of `Key=Value` lines or `Name: "..."; Flags: ...` entries,
with ISPP's `#define`s expanded. Inno Setup itself does not run here; the release workflow
compiles the script on Windows."""

from __future__ import annotations

import re

import pytest

from desktop_asr.system.autostart import WINDOWED_EXECUTABLE
from desktop_asr.system.login_items import RUN_KEY, RUN_VALUE
from tests.unit.test_bundle_plan import PACKAGING

ISS = PACKAGING / "windows" / "desktop-asr.iss"
# What build.ps1 passes with /D (the real values come from bundle_plan.py).
PASSED = {"AppVersion": "9.9.9", "OutputName": "desktop-asr-9.9.9-windows-x86_64-setup",
          "SourceDir": r"C:\b\dist\desktop-asr", "IconFile": r"C:\b\build\icons\x.ico"}


def preprocess(text: str, passed: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The ISPP subset the script uses: #define NAME "value", #ifndef NAME / #error /
    #endif, {#NAME} expanded. Returns the defines and the lines left; an #error reached
    raises."""
    defines = dict(passed)
    lines: list[str] = []
    skipping = False
    for line in text.splitlines():
        directive = line.strip()
        if directive.startswith("#ifndef "):
            skipping = directive.split()[1] in defines
        elif directive == "#endif":
            skipping = False
        elif skipping:
            continue
        elif directive.startswith("#error"):
            raise ValueError(directive)
        elif directive.startswith("#define "):
            name, value = re.fullmatch(r'#define (\w+) "(.*)"', directive).groups()
            defines[name] = value
        else:
            lines.append(line)
    expanded = [re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], line) for line in lines]
    return defines, expanded


def sections(lines: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", stripped):
            current = stripped[1:-1]
            found[current] = []
        elif current:
            found[current].append(stripped)
    return found


def entries(lines: list[str]) -> list[dict[str, str]]:
    """`Name: "x"; Flags: a b` lines as dicts (quotes removed, "" inside quotes kept as ")."""
    parsed = []
    for line in lines:
        entry = {}
        for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
            key, value = part
            value = value.strip()
            if value.startswith('"') and value.endswith('"'):
                value = value[1:-1].replace('""', '"')
            entry[key] = value
        parsed.append(entry)
    return parsed


@pytest.fixture(scope="module")
def script() -> dict[str, list[str]]:
    _defines, lines = preprocess(ISS.read_text(encoding="utf-8"), PASSED)
    return sections(lines)


def setup_keys(script) -> dict[str, str]:
    return dict(line.split("=", 1) for line in script["Setup"])


def test_without_the_version_from_the_build_script_it_does_not_compile():
    text = ISS.read_text(encoding="utf-8")
    for missing in PASSED:
        with pytest.raises(ValueError, match=missing):
            preprocess(text, {k: v for k, v in PASSED.items() if k != missing})
    assert not re.search(r"\d+\.\d+\.\d+", text)  # the version is never typed here


def test_the_setup_takes_the_version_name_and_icon_it_is_given(script):
    setup = setup_keys(script)
    assert setup["AppVersion"] == "9.9.9"
    assert setup["VersionInfoVersion"] == "9.9.9"
    assert setup["OutputBaseFilename"] == PASSED["OutputName"]
    assert setup["SetupIconFile"] == PASSED["IconFile"]
    assert setup["AppName"] == "desktop-asr"
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])  # {{ is a literal brace
    assert setup["PrivilegesRequired"] == "lowest"  # no administrator needed
    assert setup["DefaultDirName"] == r"{autopf}\desktop-asr"


def test_the_start_menu_entry_runs_the_app_without_a_console(script):
    icons = entries(script["Icons"])
    app = next(e for e in icons if e["Name"] == r"{group}\desktop-asr")
    assert app["Filename"] == "{app}\\" + WINDOWED_EXECUTABLE
    assert any(e["Filename"] == "{uninstallexe}" for e in icons)
    files = entries(script["Files"])
    assert files[0]["Source"] == PASSED["SourceDir"] + "\\*"
    assert "recursesubdirs" in files[0]["Flags"].split()


def test_start_at_login_is_optional_and_is_the_apps_own_setting(script):
    tasks = entries(script["Tasks"])
    assert [t["Name"] for t in tasks] == ["startatlogin"]
    assert "unchecked" in tasks[0]["Flags"].split()  # the user chooses it
    (value,) = entries(script["Registry"])
    # The same value as Settings' "Start at login" (desktop_asr/system/login_items.py),
    # so the app shows it as on and can turn it off.
    assert value["Root"] == "HKCU"
    assert value["Subkey"] == RUN_KEY
    assert value["ValueName"] == RUN_VALUE
    assert value["ValueData"] == '"{app}\\' + WINDOWED_EXECUTABLE + '"'
    assert value["Tasks"] == "startatlogin"
    assert "uninsdeletevalue" in value["Flags"].split()


def test_uninstalling_quits_the_app_and_removes_the_login_item_however_it_was_set(script):
    (quit_app,) = entries(script["UninstallRun"])
    assert quit_app["Filename"] == r"{app}\desktop-asr.exe"
    assert quit_app["Parameters"] == "--quit"
    code = "\n".join(script["Code"])
    assert "usPostUninstall" in code
    assert f"RegDeleteValue(HKEY_CURRENT_USER, '{RUN_KEY}', '{RUN_VALUE}')" in code


def test_the_build_script_feeds_the_version_from_its_one_home():
    ps1 = (PACKAGING / "windows" / "build.ps1").read_text(encoding="utf-8")
    version = re.search(r"\$Version = & \$Py (\S+) version", ps1)
    assert version is not None
    assert version.group(1) == r"packaging\bundle_plan.py"
    iscc = ps1[ps1.index("& $Iscc"):]
    for name in PASSED:
        assert f'"/D{name}=' in iscc, name
    assert r"packaging\windows\desktop-asr.iss" in iscc
