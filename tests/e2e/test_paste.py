"""Putting text into another application's focused window on a real X display: the
clipboard borrowed and given back (text or image), the paste shortcut sent, or the text
typed key by key.

The target is a window of another process (tests/e2e/text_field_app.py) that the test
focuses with xdotool; the app's side runs in a process of its own on xcb
(tests/e2e/paste_driver.py), like the app, since this test process may run Qt offscreen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.e2e.conftest import XDisplay
from tests.integration.clitools import ROOT

pytestmark = pytest.mark.e2e
TIMEOUT = 8.0
DICTATED = "你好，世界 Hello 123"


def read_json(stream: IO[str] | None, what: str) -> dict[str, Any]:
    assert stream is not None
    line = stream.readline()  # the process answers or exits; the test timeout bounds both
    assert line, f"{what} ended without answering"
    return dict(json.loads(line))


def wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # sleep-ok: polling other processes (the target window, X)


class Target:
    """The other application: a window with a text field, focused like a user would."""

    def __init__(self, display: XDisplay) -> None:
        self.title = f"paste-target-{uuid.uuid4().hex[:8]}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.text_field_app", self.title], cwd=ROOT,
            env={**os.environ, **display.env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8")
        ready = read_json(self.process.stdout, "the target window")
        self.window = str(ready["window"])
        subprocess.run(["xdotool", "windowfocus", "--sync", self.window],
                       env={**os.environ, **display.env}, check=True, timeout=10,
                       capture_output=True)
        wait_until(lambda: self.state()["focus"], "the target's text field to have focus")

    def state(self, command: str = "state") -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return read_json(self.process.stdout, "the target window")

    def text(self) -> str:
        return str(self.state()["text"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


class Driver:
    """The app's side: `python -m tests.e2e.paste_driver MODE TEXT ENDING`."""

    def __init__(self, display: XDisplay, mode: str, text: str, ending: str = "none") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.paste_driver", mode, text, ending], cwd=ROOT,
            env={**os.environ, **display.env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8")

    def report(self) -> dict[str, Any]:
        report = read_json(self.process.stdout, "the paste driver")
        assert "error" not in report, report["error"]
        return report

    def close(self) -> str:
        try:  # ends its input: it quits
            _, stderr = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        return stderr


class Clipboard:
    """The X11 CLIPBOARD selection, owned by an xclip the test controls."""

    def __init__(self, display: XDisplay, folder: Path) -> None:
        self.display = display
        self.folder = folder
        self.env = {**os.environ, "DISPLAY": display.name}
        self.owner: subprocess.Popen[bytes] | None = None

    def offer(self, data: bytes, mime: str | None = None) -> None:
        """Put data on the clipboard (xclip -quiet stays in the foreground, owning it)."""
        path = self.folder / f"clip-{uuid.uuid4().hex[:6]}"
        path.write_bytes(data)
        self.owner = subprocess.Popen(
            ["xclip", "-selection", "clipboard", "-quiet", *(["-t", mime] if mime else []),
             str(path)], env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait_until(lambda: self.read(mime) == data, "xclip to own the clipboard")

    def read(self, mime: str | None = None) -> bytes:
        result = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard", *(["-t", mime] if mime else [])],
            env=self.env, capture_output=True, timeout=10, check=False)
        return result.stdout if result.returncode == 0 else b""

    def targets(self) -> list[str]:
        return self.read("TARGETS").decode().split()

    def close(self) -> None:
        if self.owner is not None and self.owner.poll() is None:
            self.owner.terminate()
            self.owner.wait(timeout=10)


@pytest.fixture
def desk(x_display: XDisplay, tmp_path: Path) -> Iterator[tuple[Target, Clipboard]]:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt install xdotool)")
    clipboard = Clipboard(x_display, tmp_path)
    target = Target(x_display)
    try:
        yield target, clipboard
    finally:
        target.close()
        clipboard.close()


def paste(x_display: XDisplay, text: str, ending: str = "none") -> Driver:
    driver = Driver(x_display, "paste", text, ending)
    assert driver.report() == {"restored": True}
    return driver


def test_paste_chinese_text_and_restore_the_clipboard_text(x_display, desk):
    target, clipboard = desk
    marker = f"the user's own clipboard {uuid.uuid4().hex}".encode()
    clipboard.offer(marker)
    driver = paste(x_display, DICTATED)
    try:
        wait_until(lambda: target.text() == DICTATED, "the pasted text")
        assert target.text() == DICTATED  # exactly, Chinese intact, nothing else
        assert clipboard.read() == marker
    finally:
        driver.close()


def test_paste_restores_an_image_on_the_clipboard(x_display, desk, tmp_path):
    target, clipboard = desk
    png = make_png(tmp_path)
    clipboard.offer(png, "image/png")
    driver = paste(x_display, DICTATED, "space")
    try:
        wait_until(lambda: target.text() == DICTATED + " ", "the pasted text")
        assert "image/png" in clipboard.targets()
        assert clipboard.read("image/png") == png  # byte for byte
        assert clipboard.read() == b""  # and no text of ours left behind
    finally:
        driver.close()


def test_an_empty_clipboard_is_restored_empty(x_display, desk):
    target, clipboard = desk
    wait_until(lambda: clipboard.read() == b"", "an empty clipboard")  # no owner
    driver = paste(x_display, "空的 empty")
    try:
        wait_until(lambda: target.text() == "空的 empty", "the pasted text")
        assert clipboard.read() == b""
        assert clipboard.targets() == []
    finally:
        driver.close()


def test_type_text_types_ascii_key_by_key(x_display, desk):
    target, clipboard = desk
    marker = b"untouched by typing"
    clipboard.offer(marker)
    driver = Driver(x_display, "type", "Hello, World! 123", "newline")
    try:
        assert driver.report() == {"typed": True}
        wait_until(lambda: target.text() == "Hello, World! 123\n", "the typed text")
        assert clipboard.read() == marker  # typing never touches the clipboard
    finally:
        driver.close()


# A hostile server's "transcript": line breaks that would run a command in a focused
# terminal, an escape sequence, a bell, a tab and a bidi override.
# (Typing key by key is for Latin text: see keystrokes.py.)
HOSTILE = "echo hi\r\nrm -rf ~\n\x1b[31mred\x07\tend \u202eevil"


@pytest.mark.parametrize(("mode", "text", "delivered"), [
    ("paste", HOSTILE.replace("red", "红色"), "echo hi rm -rf ~ [31m红色 end evil"),
    ("type", HOSTILE, "echo hi rm -rf ~ [31mred end evil"),
])
def test_hostile_text_arrives_as_one_plain_line(x_display, desk, mode, text, delivered):
    target, _ = desk
    driver = Driver(x_display, mode, text, "none")
    try:
        driver.report()
        wait_until(lambda: target.text() == delivered, f"the {mode}d text")
        assert "\n" not in target.text()  # no Enter reached the window
    finally:
        driver.close()


def make_png(folder: Path) -> bytes:
    """A small PNG made by a separate Qt process (this one may be offscreen or Qt-less)."""
    path = folder / "picture.png"
    code = ("import sys; from PySide6.QtGui import QImage, QColor; "
            "i = QImage(7, 5, QImage.Format.Format_RGB32); i.fill(QColor(10, 200, 30)); "
            "sys.exit(0 if i.save(sys.argv[1]) else 1)")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=30,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return path.read_bytes()
