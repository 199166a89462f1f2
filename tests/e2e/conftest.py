"""Fixtures for end-to-end tests with real parts: a virtual microphone that plays real audio.

`virtual_microphone` runs a private PulseAudio server (its own socket and state under a
temporary folder), with a null sink "vmic" whose monitor is the default source: whatever
``virtual_microphone.play(path)`` plays into vmic is what any recording program hears from
the default input, through PortAudio -> ALSA -> the pulse plugin (libasound2-plugins).

Private, not the desktop's own sound server: the tests never change a developer's default
microphone, parallel test runs do not meet, and the server ends with the session (it is a
child process, stopped and reaped at teardown; killed with the test run, it is never a
daemon left holding a pipe). PULSE_SERVER points this process and its children at it for
the whole session; `env` has the variables for subprocesses given an environment of their
own. Needs: pulseaudio (pulseaudio, pactl, paplay, parec) and libportaudio2, else the tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.clitools import ROOT

TOOLS = ("pulseaudio", "pactl", "paplay", "parec")
START_TIMEOUT = 15.0


class VirtualMicrophone:
    """A private PulseAudio server whose default source hears what `play` plays."""

    sink = "vmic"
    source = "vmic.monitor"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "native"
        self.server = f"unix:{self.socket}"
        self.log = folder / "pulseaudio.log"
        # For every client (pactl, paplay, the ALSA pulse plugin inside PortAudio).
        self.env = {"PULSE_SERVER": self.server, "PULSE_COOKIE": str(folder / "cookie")}
        self._process: subprocess.Popen[bytes] | None = None
        self._keeper: subprocess.Popen[bytes] | None = None
        self._drain: threading.Thread | None = None
        self.sounddevice: Any = None  # the sounddevice module, imported once the server runs

    # --- the server ----------------------------------------------------------------------
    def _daemon_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
        # Keep it off the desktop session (no D-Bus, no X11) and out of the real home.
        for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"):
            env.pop(name, None)
        env.update(
            HOME=str(self.folder),
            XDG_CONFIG_HOME=str(self.folder / "config"),
            XDG_RUNTIME_DIR=str(self.folder),
            PULSE_RUNTIME_PATH=str(self.folder / "runtime"),
            PULSE_STATE_PATH=str(self.folder / "state"),
        )
        return env

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",  # no default.pa: only the modules below
                "--daemonize=no",  # a child we can stop and reap
                "--system=false",
                "--exit-idle-time=-1",
                "--realtime=false",
                "--high-priority=false",
                "--use-pid-file=false",
                f"--log-target=file:{self.log}",
                f"--load=module-native-protocol-unix socket={self.socket} auth-anonymous=1",
                f"--load=module-null-sink sink_name={self.sink} "
                f"sink_properties=device.description=virtual-microphone",
            ],
            env=self._daemon_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"pulseaudio exited with status {self._process.returncode}:\n"
                    + self._read_log()
                )
            if self.socket.exists() and self.pactl("info", check=False).returncode == 0:
                break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pulseaudio did not answer in time:\n{self._read_log()}")
            time.sleep(0.05)  # sleep-ok: waiting for another process to come up
        self.pactl("set-default-source", self.source)
        self._keep_monitor_running()

    def _keep_monitor_running(self) -> None:
        """Keep a low-latency listener on vmic.monitor for the whole session.

        An idle null sink renders in 2 s blocks, and a new listener's latency applies only
        from the next block on: without this, a recording started first hears nothing for
        up to 2 s, unlike any real microphone. The sink is suspended while the listener
        connects, so that it resumes at once with the low latency. Returns once the listener
        receives audio.
        """
        self.pactl("suspend-sink", self.sink, "1")
        keeper = subprocess.Popen(
            ["parec", "--latency-msec=20", f"--device={self.source}", "--raw"],
            env=self.client_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._keeper = keeper
        hearing = threading.Event()

        def drain() -> None:  # ends at EOF, when the listener is stopped
            assert keeper.stdout is not None
            while keeper.stdout.read(4096):
                hearing.set()

        self._drain = threading.Thread(target=drain, name="vmic-monitor", daemon=True)
        self._drain.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.pactl("list", "short", "source-outputs").stdout.strip():
            if keeper.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("parec could not listen to the virtual microphone")
            time.sleep(0.02)  # sleep-ok: waiting for parec to connect
        self.pactl("suspend-sink", self.sink, "0")
        if not hearing.wait(START_TIMEOUT):
            raise RuntimeError("the virtual microphone's monitor delivers no audio")

    def _read_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def ensure(self) -> None:
        """Restart the server if it died (a later test must not fail for an earlier one)."""
        if self._process is None or self._process.poll() is not None:
            self.stop()
            self.start()

    def stop(self) -> None:
        for process in (self._keeper, self._process):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
        if self._keeper is not None and self._keeper.stdout is not None:
            if self._drain is not None:
                self._drain.join(timeout=5)  # it reaches EOF now that parec is gone
            self._keeper.stdout.close()
        self._keeper = self._process = None
        self._drain = None

    # --- clients ----------------------------------------------------------------------------
    def client_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args], env=self.client_env(), capture_output=True, text=True,
            timeout=10, check=check, stdin=subprocess.DEVNULL,
        )

    def play(self, path: str | Path) -> subprocess.Popen[bytes]:
        """Start playing an audio file into the virtual microphone; wait() on the result."""
        self.ensure()
        return subprocess.Popen(
            ["paplay", f"--device={self.sink}", str(path)],
            env=self.client_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )


def _import_sounddevice() -> Any:
    """sounddevice, with PortAudio's device list read now that the server runs."""
    try:
        import sounddevice as sd
    except OSError as exc:
        pytest.skip(f"PortAudio is missing (apt install libportaudio2): {exc}")
    # Imported earlier in this run (before the server was up)? Then PortAudio listed no
    # pulse device: re-initialise it so it lists the devices again.
    if not any(d["name"] in ("pulse", "default") for d in sd.query_devices()):
        terminate, initialize = getattr(sd, "_terminate", None), getattr(sd, "_initialize", None)
        if terminate and initialize:
            terminate()
            initialize()
    names = [d["name"] for d in sd.query_devices() if d["max_input_channels"] > 0]
    if not ({"pulse", "default"} & set(names)):
        pytest.skip(
            "PortAudio sees no PulseAudio input (is libasound2-plugins installed?); "
            f"input devices: {names}"
        )
    return sd


@pytest.fixture(scope="session")
def virtual_microphone() -> Iterator[VirtualMicrophone]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PulseAudio tools not installed ({', '.join(missing)}): "
                    "apt install pulseaudio pulseaudio-utils")
    folder = Path(tempfile.mkdtemp(prefix="desktop-asr-pulse-"))
    microphone = VirtualMicrophone(folder)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in microphone.env.items():
                patch.setenv(name, value)
            microphone.start()  # a failure to start is a test failure, with the log
            microphone.sounddevice = _import_sounddevice()
            yield microphone
    finally:
        microphone.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- a real X display with a system tray -----------------------------------------------------
class XDisplay:
    """Xvfb with trayer as the tray host (TESTING.md); ``env`` for the app's process."""

    def __init__(self, number: int) -> None:
        self.name = f":{number}"
        self.env = {"DISPLAY": self.name, "QT_QPA_PLATFORM": "xcb"}
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        xvfb = subprocess.Popen(
            ["Xvfb", self.name, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._processes.append(xvfb)
        deadline = time.monotonic() + START_TIMEOUT
        while subprocess.run(["xdpyinfo", "-display", self.name], capture_output=True,
                             check=False).returncode != 0:
            if xvfb.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {self.name} did not start")
            time.sleep(0.05)  # sleep-ok: waiting for another process to come up
        trayer = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
             "--height", "32"], env={**os.environ, "DISPLAY": self.name},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._processes.append(trayer)

    def clipboard(self) -> str:
        result = subprocess.run(["xclip", "-o", "-selection", "clipboard"],
                                env={**os.environ, "DISPLAY": self.name}, capture_output=True,
                                timeout=10, check=False)
        return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else ""

    def screenshot(self, path: Path) -> None:
        subprocess.run(["import", "-display", self.name, "-window", "root", str(path)],
                       check=True, timeout=30, capture_output=True)

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def x_display() -> Iterator[XDisplay]:
    missing = [t for t in ("Xvfb", "trayer", "xclip", "xdpyinfo") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt install xvfb trayer xclip "
                    "x11-utils)")
    number = next(n for n in range(90 + os.getpid() % 50, 400)
                  if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    display = XDisplay(number)
    try:
        display.start()
        yield display
    finally:
        display.stop()


# --- the real app as a process -------------------------------------------------------------
def wait_for(condition, timeout: float, what: str, details=None) -> None:
    """Poll ``condition`` until it holds; else fail saying what was awaited (and
    ``details()``, what was found instead)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            extra = f":\n{details()}" if details is not None else ""
            raise AssertionError(f"timed out waiting for {what}{extra}")
        time.sleep(0.05)  # sleep-ok: polling another process (the app, the X clipboard)


class App:
    """`python -m desktop_asr` with private folders, a display, the microphone."""

    def __init__(self, tmp_path: Path, display: XDisplay, microphone: VirtualMicrophone,
                 ) -> None:
        self.config = tmp_path / "config"
        self.data = tmp_path / "data"
        self.env = {
            **os.environ, **display.env, **microphone.env,
            "XDG_CONFIG_HOME": str(self.config), "XDG_DATA_HOME": str(self.data),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "DESKTOP_ASR_INSTANCE_NAME": f"e2e-{os.getpid()}-{tmp_path.name}",
            "DESKTOP_ASR_LANG": "en",
        }
        self.env.pop("DESKTOP_ASR_DEBUG", None)
        self.argv = [sys.executable, "-m", "desktop_asr"]  # the command that is the app
        self.cwd = ROOT
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv, cwd=self.cwd, env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        wait_for(self.is_running, 20, "the app to start")

    def command(self, *flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.argv, *flags], cwd=self.cwd, env=self.env,
                              capture_output=True, text=True, timeout=30, check=False)

    def is_running(self) -> bool:
        code = ("import sys; from desktop_asr.ui.single_instance import is_running; "
                "sys.exit(0 if is_running() else 1)")
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=self.env,
                              capture_output=True, timeout=30, check=False).returncode == 0

    def stop(self) -> tuple[int, str]:
        assert self.process is not None
        if self.process.poll() is None:
            self.command("--quit")
        try:
            _, stderr = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        return self.process.returncode, stderr


@pytest.fixture
def app(tmp_path, x_display, virtual_microphone):
    running = App(tmp_path, x_display, virtual_microphone)
    yield running
    if running.process is not None and running.process.poll() is None:
        running.stop()
