"""The interface translations (zh_CN), the icons, and starting without a display.

To update the translation after changing a tr() string:
    pyside6-lupdate -extensions py -locations none -no-obsolete desktop_asr \
        -ts resources/translations/desktop_asr_zh_CN.ts
    (translate the new entries, e.g. with pyside6-linguist, then)
    pyside6-lrelease resources/translations/desktop_asr_zh_CN.ts
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtSvg import QSvgRenderer

from desktop_asr import resources
from desktop_asr.ui import app as ui_app
from desktop_asr.ui.widgets.drop_zone import DropZone

REPO = Path(__file__).resolve().parents[2]
TS_FILE = resources.translations_dir() / "desktop_asr_zh_CN.ts"
QM_FILE = resources.translations_dir() / "desktop_asr_zh_CN.qm"
CHOOSE_FILES_ZH = "选择文件…"  # checked by hand against the .ts file
UPDATE_HINT = (
    "update the translation: pyside6-lupdate -extensions py -locations none -no-obsolete "
    f"desktop_asr -ts {TS_FILE.relative_to(REPO)}; translate; pyside6-lrelease "
    f"{TS_FILE.relative_to(REPO)}"
)


def test_chinese_translation_is_active_with_desktop_asr_lang(qapp, qtbot, monkeypatch):
    monkeypatch.setenv("DESKTOP_ASR_LANG", "zh_CN")
    translators = ui_app.install_translators(qapp, ui_app.resolve_language())
    try:
        assert translators, "the zh_CN translation did not load"
        zone = DropZone()
        qtbot.addWidget(zone)
        assert zone.choose_button.text() == CHOOSE_FILES_ZH
        assert "MP3" not in zone.hint.text()
    finally:
        ui_app.remove_translators(qapp, translators)
    assert DropZone().choose_button.text() == "Choose files…"


@pytest.mark.parametrize("language", ["en", "en_US", "C", "de_DE"])
def test_english_or_untranslated_languages_install_no_translator(qapp, language):
    assert ui_app.install_translators(qapp, language) == []


def test_resolve_language_prefers_the_environment_override():
    assert ui_app.resolve_language({"DESKTOP_ASR_LANG": "zh_CN"}) == "zh_CN"
    assert ui_app.resolve_language({}) == QLocale.system().name()


def _messages(ts: Path) -> list[ET.Element]:
    return list(ET.parse(ts).getroot().iter("message"))


def _keys(ts: Path) -> set[tuple[str, str]]:
    """(context, source text) of every message."""
    return {
        (context.findtext("name", ""), message.findtext("source", ""))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    }


_PLACEHOLDER = re.compile(r"%L?\d+|%n|\{[A-Za-z_]\w*\}")


def test_every_string_in_the_ts_file_is_translated():
    messages = _messages(TS_FILE)
    assert messages, f"{TS_FILE} has no messages"
    problems = []
    for message in messages:
        source = message.findtext("source", "")
        translation = message.find("translation")
        if translation is None:
            problems.append(f"no translation element: {source!r}")
            continue
        kind = translation.get("type")
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        if kind in ("unfinished", "vanished", "obsolete") or not all(f.strip() for f in forms):
            problems.append(f"{kind or 'empty'}: {source!r}")
            continue
        for form in forms:
            if sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(form)):
                problems.append(f"placeholders differ: {source!r} -> {form!r}")
            if re.search(r"&[^&\s]", source) and not re.search(r"&[^&\s]", form):
                problems.append(f"keyboard accelerator (&) lost: {source!r} -> {form!r}")
    assert not problems, "\n".join([*problems, UPDATE_HINT])


def _qt_tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} not found (it comes with PySide6)")
    return found


def test_ts_file_has_every_tr_string_of_the_source(tmp_path):
    ts_copy = tmp_path / TS_FILE.name
    shutil.copy(TS_FILE, ts_copy)
    subprocess.run(
        [
            _qt_tool("pyside6-lupdate"),
            "-extensions",
            "py",
            "-locations",
            "none",
            str(REPO / "desktop_asr"),
            "-ts",
            str(ts_copy),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    missing = sorted(_keys(ts_copy) - _keys(TS_FILE))
    assert not missing, f"strings missing from {TS_FILE.name}: {missing}\n{UPDATE_HINT}"


def test_qm_file_is_compiled_from_the_current_ts_file(tmp_path):
    fresh = tmp_path / QM_FILE.name
    subprocess.run(
        [_qt_tool("pyside6-lrelease"), str(TS_FILE), "-qm", str(fresh)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert fresh.read_bytes() == QM_FILE.read_bytes(), f"{QM_FILE.name} is stale; {UPDATE_HINT}"


@pytest.mark.parametrize("name", ["app", *(f"tray-{s}" for s in resources.TRAY_STATES)])
def test_icons_are_valid_svg(qapp, name):
    renderer = QSvgRenderer(str(resources.icon_path(name)))
    assert renderer.isValid()
    assert renderer.defaultSize().width() == renderer.defaultSize().height() > 0


@pytest.mark.parametrize(
    ("environ", "platform", "problem"),
    [
        ({}, "linux", "no display"),
        ({"DISPLAY": ":0"}, "linux", ""),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", ""),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", ""),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "DISPLAY"),
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, "linux", "WAYLAND_DISPLAY"),
        ({}, "win32", ""),
        ({}, "darwin", ""),
    ],
)
def test_display_problem(environ, platform, problem):
    found = ui_app.display_problem(environ, platform)
    assert (problem in found) if problem else found == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland only")
def test_without_a_display_run_app_says_so_in_one_line():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    code = "import sys; from desktop_asr.ui.app import run_app; sys.exit(run_app([]))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "desktop-asr: cannot open a window: no display "
        "(set DISPLAY or WAYLAND_DISPLAY, or run from a desktop session)"
    ]


def test_missing_x11_libraries_are_named_with_their_packages(monkeypatch):
    monkeypatch.setattr(ui_app, "find_library", lambda name: None if "xcb" in name else name)
    monkeypatch.setattr(ui_app.sys, "platform", "linux")
    hint = ui_app.missing_xcb_libraries_hint({"DISPLAY": ":0"})
    assert "apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in hint
    assert "libxkbcommon-x11-0" not in hint
    assert ui_app.missing_xcb_libraries_hint({"WAYLAND_DISPLAY": "wayland-0"}) == ""
    assert ui_app.missing_xcb_libraries_hint({"QT_QPA_PLATFORM": "offscreen"}) == ""
