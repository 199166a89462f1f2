"""``desktop-asr --toggle-recording / --show / --quit`` against a running instance, as real
processes and without a display.

The "running app" is this file run as a script: an InstanceServer (under a name of the
test's own, given by $DESKTOP_ASR_INSTANCE_NAME) that prints each command it receives and
exits on "quit".
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_asr.ui.single_instance import NAME_ENV

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
READY = "listening"


def serve() -> int:
    """The stand-in for the running app."""
    from PySide6.QtCore import QCoreApplication

    from desktop_asr.ui.single_instance import InstanceServer

    app = QCoreApplication([])
    server = InstanceServer()
    if not server.listen():
        print(f"cannot listen: {server.error_string()}", flush=True)
        return 1

    def received(command: str) -> None:
        print(command, flush=True)
        if command == "quit":
            app.quit()

    server.commandReceived.connect(received)
    print(READY, flush=True)
    status = app.exec()
    server.close()
    return status


if __name__ == "__main__":
    sys.exit(serve())


def headless_env(name: str, tmp_path: Path) -> dict[str, str]:
    """No display at all, private config folders, the test's instance name."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DESKTOP_ASR_DEBUG")}
    env.update({NAME_ENV: name, "XDG_CONFIG_HOME": str(tmp_path / "config"),
                "XDG_DATA_HOME": str(tmp_path / "data"),
                "XDG_CACHE_HOME": str(tmp_path / "cache")})
    return env


class Instance:
    """The stand-in app as a child process; read_line() waits (bounded) for its output."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )

    def read_line(self, timeout: float = 15) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        assert ready, "the instance printed nothing"
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=15)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return headless_env(f"desktop-asr-test-{uuid.uuid4().hex[:12]}", tmp_path)


@pytest.fixture
def instance(env: dict[str, str]) -> Iterator[Instance]:
    running = Instance(env)
    try:
        assert running.read_line() == READY
        yield running
    finally:
        running.stop()


def desktop_asr(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop_asr", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False,
                          stdin=subprocess.DEVNULL)


def test_the_flags_act_on_the_running_instance(instance: Instance,
                                               env: dict[str, str]) -> None:
    for flag, command in (("--toggle-recording", "toggle-recording"), ("--show", "show")):
        result = desktop_asr(flag, env=env)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
        assert instance.read_line() == command
    result = desktop_asr("--quit", env=env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert instance.read_line() == "quit"
    assert instance.process.wait(timeout=15) == 0


def test_quit_without_an_instance_says_it_is_not_running(env: dict[str, str]) -> None:
    result = desktop_asr("--quit", env=env)
    assert result.returncode == 0
    assert result.stdout == "desktop-asr is not running.\n"
    assert result.stderr == ""


def test_the_flags_exclude_each_other_and_commands(env: dict[str, str]) -> None:
    for args in (("--show", "--quit"), ("--toggle-recording", "--show"),
                 ("--show", "history", "list")):
        result = desktop_asr(*args, env=env)
        assert result.returncode == 2, args
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("desktop-asr: "), result.stderr
        assert "Traceback" not in result.stderr


def test_the_flags_load_no_widgets_or_gui(env: dict[str, str]) -> None:
    """They work where no window can open: only QtCore and QtNetwork are loaded."""
    code = ("import sys; from desktop_asr.cli import main; status = main(['--quit']); "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6.Qt'))); "
            "sys.exit(status)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "desktop-asr is not running.", "['PySide6.QtCore', 'PySide6.QtNetwork']"]


@pytest.mark.parametrize("flag", ["--toggle-recording", "--show"])
def test_without_an_instance_the_flag_starts_the_app(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], flag: str) -> None:
    """No instance: --toggle-recording / --show start the app and hand it the command."""
    from desktop_asr import cli
    from desktop_asr.ui import app

    monkeypatch.setenv(NAME_ENV, env[NAME_ENV])  # nobody listens there
    calls: list[tuple[list[str], str | None]] = []

    def fake_run_app(argv: list[str], initial_command: str | None = None) -> int:
        calls.append((argv, initial_command))
        return 7

    monkeypatch.setattr(app, "run_app", fake_run_app)
    assert cli.main([flag]) == 7
    assert calls == [([], flag.removeprefix("--"))]
