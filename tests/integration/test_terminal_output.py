"""What the command line prints on a real terminal (a pseudo-terminal in raw mode, so what
arrives is exactly what was written) never holds a character the terminal would act on:
ESC (escape sequences: colours, cursor moves, the window title, OSC 52 clipboard writes),
BEL, CR, backspace, C1 controls or bidi controls, whatever a server, a URL or a file name
holds."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
import tty
from pathlib import Path

import pytest

from desktop_asr.cli.terminal import TerminalText, terminal_safe
from tests.integration.clitools import ROOT

pytestmark = pytest.mark.integration

HOSTILE_NAME = "talk\x1b]0;pwned\x07\x1b[2J\r\x08\x9b31m\u202egnp.wav"
ACTED_ON = ["\x1b", "\x07", "\r", "\x08", "\x9b", "\u202e"]


def run_on_terminal(tmp_path: Path, *args: str, timeout: float = 60.0) -> tuple[int, str]:
    """Run ``desktop-asr ARGS`` with stdout and stderr on one pseudo-terminal (raw: no
    newline translation); return its exit status and everything it wrote."""
    main, side = pty.openpty()
    tty.setraw(side)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "COLUMNS": "200"}
    env.pop("DESKTOP_ASR_DEBUG", None)
    process = subprocess.Popen([sys.executable, "-m", "desktop_asr", *args], cwd=ROOT,
                               env=env, stdin=subprocess.DEVNULL, stdout=side, stderr=side)
    os.close(side)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the other side is closed: everything was read
                    break
                if not chunk:
                    break
                out += chunk
            elif process.poll() is not None:
                break
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    return status, out.decode("utf-8", errors="replace")


def test_a_hostile_file_name_in_an_error_reaches_the_terminal_harmless(tmp_path):
    status, text = run_on_terminal(tmp_path, "transcribe", str(tmp_path / HOSTILE_NAME),
                                   "--server", "http://127.0.0.1:9")
    assert status != 0
    assert "does not exist" in text or "not found" in text.lower(), text
    assert "talk" in text
    assert "pwned" in text
    assert [c for c in ACTED_ON if c in text] == []


def test_a_hostile_url_in_an_error_reaches_the_terminal_harmless(tmp_path):
    # OSC 52 would write "rm -rf ~" to the user's clipboard
    url = "http://127.0.0.1:9/a\x1b]52;c;cm0gLXJmIH4K\x07\r.wav"
    status, text = run_on_terminal(tmp_path, "transcribe", url, "--server",
                                   "http://127.0.0.1:9")
    assert status != 0
    assert "127.0.0.1:9" in text
    assert [c for c in ACTED_ON if c in text] == []


class Recorder:
    def __init__(self, tty: bool) -> None:
        self.written: list[str] = []
        self._tty = tty

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self._tty


def test_terminal_text_keeps_lines_tabs_and_every_script():
    raw = Recorder(tty=True)
    stream = TerminalText(raw)  # type: ignore[arg-type]
    stream.write("line one\n\tline two 你好 👩\u200d💻\n")
    assert raw.written == ["line one\n\tline two 你好 👩\u200d💻\n"]


@pytest.mark.parametrize("char", [*ACTED_ON, "\x00", "\x7f", "\x85", "\u2028", "\u2066"])
def test_terminal_safe_turns_what_a_terminal_acts_on_into_a_space(char):
    assert terminal_safe(f"a{char}b") == "a b"


HOSTILE_TEXT = "\r\nrm -rf ~\r\n\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\u202eevil\x9b31m"


@pytest.mark.parametrize("stream", [False, True])
def test_a_hostile_transcript_reaches_the_terminal_and_files_harmless(
        refserver, make_audio, tmp_path, stream):
    """A server (or a man in the middle of plain HTTP) adds line breaks, an OSC 52
    clipboard write, a screen clear and a bidi override to the text."""
    refserver.configure(append_text=HOSTILE_TEXT)
    path = make_audio("words.wav", "123")
    args = ["transcribe", str(path), "--server", refserver.url]
    status, text = run_on_terminal(tmp_path, *args, *(["--stream"] if stream else []))
    assert status == 0, text
    # The progress bar's own codes (it redraws its line: CR ... ESC [K) are ours.
    text = re.sub(r"\r[^\r\n]*?\x1b\[K", "", text)
    assert "123" in text
    assert "rm -rf ~" in text  # the words are kept, as words
    assert [c for c in ACTED_ON if c in text] == []
    out = tmp_path / "out.srt"
    status, _ = run_on_terminal(tmp_path, *args, "-o", str(out), "--format", "srt")
    assert status == 0
    content = out.read_text(encoding="utf-8")
    assert [c for c in ACTED_ON if c in content] == []
    (cue,) = content.strip().split("\n\n")
    lines = cue.split("\n")[2:]  # after the number and the times: at most two lines of 42
    assert len(lines) <= 2
    assert all(len(line) <= 42 for line in lines)
    assert " ".join(lines) == "123 rm -rf ~ ]52;c;cm0gLXJmIH4K [2J evil 31m"  # plain text
