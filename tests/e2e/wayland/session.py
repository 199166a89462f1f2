"""A headless sway session run as an unprivileged user, with what a desktop user has: a
session bus, a sound server with a virtual microphone, a tray (swaybar), a clipboard and a
keyboard (wtype). See the package docstring for how tests use it."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT = 20.0
TIMEOUT = 10.0
# Every process of a session carries this variable with the session's id in its
# environment (sway passes its own on to what its bindings run): teardown finds and ends
# exactly those processes, by id, and nothing of another session or another test run.
MARKER = "DESKTOP_ASR_WAYLAND_SESSION"

TOOLS = {
    "sway": "sway", "swaymsg": "sway", "swaybar": "sway", "wtype": "wtype",
    "wl-copy": "wl-clipboard", "wl-paste": "wl-clipboard", "dbus-daemon": "dbus",
    "dbus-send": "dbus", "pulseaudio": "pulseaudio", "pactl": "pulseaudio-utils",
    "paplay": "pulseaudio-utils", "parec": "pulseaudio-utils",
}


def missing_tools() -> list[str]:
    """The Debian packages missing for a session (empty when all is there)."""
    return sorted({package for tool, package in TOOLS.items() if shutil.which(tool) is None})


def wait_for(condition: Callable[[], Any], what: str, timeout: float = TIMEOUT,
             details: Callable[[], str] | None = None) -> Any:
    """Poll ``condition`` until it returns something true, and return that; fail saying
    what was awaited (and ``details()``, e.g. a log) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            extra = details() if details is not None else ""
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}"
                                 + (f"\n{extra}" if extra else ""))
        time.sleep(0.05)  # sleep-ok: polling another process


# --- the user the session runs as -----------------------------------------------------------
class TestUser:
    """Who runs the session: the unprivileged user tests/run.sh made (the tests run as
    root, and sway refuses root), or, for tests run by an ordinary user, that user with
    the venv running the tests."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, name: str, venv: Path) -> None:
        entry = pwd.getpwnam(name)
        self.name = name
        self.uid = entry.pw_uid
        self.gid = entry.pw_gid
        self.venv = venv
        self.python = venv / "bin" / "python"
        self.desktop_asr = venv / "bin" / "desktop-asr"
        self.switch = os.geteuid() != self.uid  # root starting processes as the user

    @classmethod
    def find(cls) -> tuple[TestUser | None, str]:
        """The user, or None and why there is none (in words, for a skip)."""
        if os.geteuid() != 0:
            venv = Path(sys.prefix)
            user = cls(pwd.getpwuid(os.geteuid()).pw_name, venv)
            if not user.desktop_asr.exists():
                return None, f"desktop-asr is not installed in the venv {venv}"
            return user, ""
        name = os.environ.get("DESKTOP_ASR_TEST_USER", "")
        if not name:
            problem = os.environ.get("DESKTOP_ASR_TEST_USER_PROBLEM", "")
            if problem:
                return None, f"no unprivileged test user: {problem}"
            return None, ("running as root, and sway refuses root: run the tests with "
                          "tests/run.sh, which makes an unprivileged test user")
        try:
            user = cls(name, Path(os.environ["DESKTOP_ASR_TEST_USER_VENV"]))
        except (KeyError, LookupError):
            return None, f"the test user {name} or its venv is gone (run tests/run.sh again)"
        if not user.desktop_asr.exists():
            return None, f"the test user's venv has no desktop-asr: {user.desktop_asr}"
        return user, ""

    def popen_args(self) -> dict[str, Any]:
        """Keyword arguments for subprocess that start the process as this user."""
        if not self.switch:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def give(self, path: Path) -> Path:
        """Make ``path`` (and everything under it) the user's own."""
        if self.switch:
            os.lchown(path, self.uid, self.gid)  # a file too (os.walk skips files)
            for folder, dirs, files in os.walk(path):
                for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
                    os.lchown(name, self.uid, self.gid)
        return path


# --- processes as the user, inside the session ---------------------------------------------
class Session:
    """A headless sway session (with D-Bus, PulseAudio and swaybar) run as ``user``.

    Everything lives in a private folder owned by the user (``root``): the runtime
    directory (``run``, XDG_RUNTIME_DIR), a home (``home``), logs (``logs``). ``stop()``
    ends every process of the session and removes the folder.
    """

    sink = "vmic"
    source = "vmic.monitor"

    def __init__(self, user: TestUser, config: Iterable[str] = ()) -> None:
        self.user = user
        self.id = uuid.uuid4().hex[:12]
        self.root = Path(tempfile.mkdtemp(prefix="desktop-asr-wayland-"))
        self.run_dir = self.root / "run"
        self.home = self.root / "home"
        self.logs = self.root / "logs"
        for folder in (self.run_dir, self.home, self.logs, self.root / "tmp"):
            folder.mkdir(mode=0o700)
        user.give(self.root)
        self.sway_config = self.root / "sway.cfg"
        self.extra_config = list(config)
        self.bus = f"unix:path={self.run_dir / 'bus'}"
        self.pulse_socket = self.run_dir / "pulse" / "native"
        self.wayland_display = ""
        self.swaysock = ""
        self.env: dict[str, str] = {
            MARKER: self.id,
            "PATH": f"{user.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": user.name,
            "LOGNAME": user.name,
            "LANG": "C.UTF-8",
            "TMPDIR": str(self.root / "tmp"),
            "XDG_RUNTIME_DIR": str(self.run_dir),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_STATE_HOME": str(self.home / ".local" / "state"),
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "sway",
            "DBUS_SESSION_BUS_ADDRESS": self.bus,
            "PULSE_SERVER": f"unix:{self.pulse_socket}",
            "QT_QPA_PLATFORM": "wayland",
        }
        self._children: list[subprocess.Popen[Any]] = []
        self._keeper: subprocess.Popen[bytes] | None = None
        self._drain: threading.Thread | None = None
        self._sway: subprocess.Popen[Any] | None = None

    # --- running things as the user -----------------------------------------------------
    def user_env(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        return {**self.env, **(env or {})}

    def popen(self, argv: Sequence[str | Path], env: Mapping[str, str] | None = None,
              **kwargs: Any) -> subprocess.Popen[Any]:
        """Start ``argv`` as the user in the session (the session's environment plus
        ``env``); it is ended with the session at the latest."""
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        kwargs.setdefault("cwd", self.home)
        process = subprocess.Popen([str(a) for a in argv], env=self.user_env(env),
                                   **self.user.popen_args(), **kwargs)
        self._children.append(process)
        return process

    def run(self, *argv: str | Path, env: Mapping[str, str] | None = None,
            input: str | None = None, timeout: float = 30, check: bool = True,
            ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` as the user in the session and wait for it; its output is text."""
        result = subprocess.run(
            [str(a) for a in argv], env=self.user_env(env), cwd=self.home, input=input,
            stdin=None if input is not None else subprocess.DEVNULL, capture_output=True,
            text=True, encoding="utf-8", errors="replace", timeout=timeout, check=False,
            **self.user.popen_args())
        if check and result.returncode != 0:
            raise AssertionError(f"{shlex.join(map(str, argv))} exited with status "
                                 f"{result.returncode}: {(result.stderr or result.stdout)[-2000:]}")
        return result

    def folder(self, name: str) -> Path:
        """A new folder of the user's, inside the session (the test's own tmp_path is
        root's and private)."""
        path = self.root / "files" / name
        path.mkdir(parents=True)
        self.user.give(self.root / "files")
        return path

    def give(self, path: Path) -> Path:
        """Hand files the test (root) wrote inside the session over to the user."""
        return self.user.give(path)

    def log(self, name: str, lines: int = 40) -> str:
        try:
            text = (self.logs / name).read_text(errors="replace")
        except OSError:
            return f"({name}: no log)"
        return f"--- {name} (last {lines} lines) ---\n" + "\n".join(text.splitlines()[-lines:])

    def _log_file(self, name: str) -> IO[bytes]:
        handle = open(self.logs / name, "ab")  # noqa: SIM115 -- the caller closes it
        self.give(self.logs / name)
        return handle

    def _start(self, name: str, argv: Sequence[str | Path],
               env: Mapping[str, str] | None = None) -> subprocess.Popen[Any]:
        with self._log_file(f"{name}.log") as log:
            return self.popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)

    # --- start and stop ---------------------------------------------------------------------
    def start(self) -> None:
        try:
            self._start_bus()
            self._start_pulse()
            self._start_sway()
        except BaseException:
            self.stop()
            raise

    def _start_bus(self) -> None:
        bus = self._start("dbus", ["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                   f"--address={self.bus}"])
        wait_for(lambda: bus.poll() is not None or self.dbus_call(
                     "org.freedesktop.DBus", "/org/freedesktop/DBus",
                     "org.freedesktop.DBus.GetId", check=False) is not None,
                 "the session bus to answer", START_TIMEOUT, lambda: self.log("dbus.log"))
        assert bus.poll() is None, f"dbus-daemon exited:\n{self.log('dbus.log')}"

    def _start_pulse(self) -> None:
        # As tests/e2e/conftest.py does for X11: a private server (no default.pa) with the
        # null sink vmic, whose monitor is the default source.
        pulse_home = self.root / "pulse"
        pulse = self._start("pulseaudio", [
            "pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1",
            "--realtime=false", "--high-priority=false", "--use-pid-file=false",
            "--log-target=stderr",
            f"--load=module-native-protocol-unix socket={self.pulse_socket} auth-anonymous=1",
            f"--load=module-null-sink sink_name={self.sink} "
            "sink_properties=device.description=virtual-microphone",
        ], env={"PULSE_RUNTIME_PATH": str(self.run_dir / "pulse"),
                "PULSE_STATE_PATH": str(pulse_home / "state")})
        wait_for(lambda: pulse.poll() is not None or (
                     self.pulse_socket.exists()
                     and self.pactl("info", check=False).returncode == 0),
                 "PulseAudio to answer", START_TIMEOUT, lambda: self.log("pulseaudio.log"))
        assert pulse.poll() is None, f"pulseaudio exited:\n{self.log('pulseaudio.log')}"
        self.pactl("set-default-source", self.source)
        self._keep_monitor_running()

    def _keep_monitor_running(self) -> None:
        """A low-latency listener on vmic.monitor for the whole session: an idle null sink
        renders in 2 s blocks, so a recording started first would hear nothing for up to
        2 s (tests/e2e/conftest.py explains it). Returns once the listener hears audio."""
        self.pactl("suspend-sink", self.sink, "1")
        self._keeper = self.popen(["parec", "--latency-msec=20", f"--device={self.source}",
                                   "--raw"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        wait_for(lambda: self._keeper is not None and (
                     self._keeper.poll() is not None
                     or self.pactl("list", "short", "source-outputs").stdout.strip()),
                 "parec to listen to the virtual microphone", START_TIMEOUT)
        assert self._keeper.poll() is None, "parec could not listen to the virtual microphone"
        self.pactl("suspend-sink", self.sink, "0")
        keeper, hearing = self._keeper, threading.Event()

        def drain() -> None:  # ends at EOF, when parec is ended with the session
            assert keeper.stdout is not None
            while keeper.stdout.read(4096):
                hearing.set()

        self._drain = threading.Thread(target=drain, name="wayland-vmic-monitor", daemon=True)
        self._drain.start()
        assert hearing.wait(START_TIMEOUT), "the virtual microphone's monitor delivers no audio"

    def write_sway_config(self) -> None:
        lines = [
            "xwayland disable",
            "output HEADLESS-1 resolution 1280x800",
            "focus_on_window_activation focus",
            "bar {",
            "    position top",
            "    tray_output *",
            "}",
            *self.extra_config,
        ]
        self.sway_config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.give(self.sway_config)

    def _start_sway(self) -> None:
        self.write_sway_config()
        sway = self._start("sway", ["sway", "--config", self.sway_config], env={
            "WLR_BACKENDS": "headless", "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
        })
        self._sway = sway

        def ready() -> bool:
            if sway.poll() is not None:
                return True
            displays = [p.name for p in self.run_dir.glob("wayland-*")
                        if not p.name.endswith(".lock")]
            ipc = list(self.run_dir.glob(f"sway-ipc.*.{sway.pid}.sock"))
            if not displays or not ipc:
                return False
            self.wayland_display, self.swaysock = sorted(displays)[0], str(ipc[0])
            return self.swaymsg("-t", "get_outputs", check=False).returncode == 0

        wait_for(ready, "sway's Wayland and IPC sockets", START_TIMEOUT,
                 lambda: self.log("sway.log"))
        assert sway.poll() is None, f"sway exited with status {sway.returncode}:\n" \
            + self.log("sway.log")
        self.env.update(WAYLAND_DISPLAY=self.wayland_display, SWAYSOCK=self.swaysock)
        wait_for(lambda: self.tray_host_registered() or sway.poll() is not None,
                 "swaybar to host the tray (a StatusNotifierWatcher with a host registered)",
                 START_TIMEOUT, lambda: self.log("sway.log"))
        assert sway.poll() is None, f"sway exited:\n{self.log('sway.log')}"

    def stop(self) -> None:
        """End every process of the session (found by the marker in their environment,
        killed by id) and remove its folder."""
        def ours() -> list[int]:
            found = []
            marker = f"{MARKER}={self.id}".encode()
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if entry.stat().st_uid != self.user.uid:
                        continue
                    if marker in (entry / "environ").read_bytes().split(b"\0"):
                        found.append(int(entry.name))
                except OSError:
                    continue  # gone already, or not ours to read
            return found

        def named(name: str) -> list[int]:
            found = []
            for pid in ours():
                with contextlib.suppress(OSError):
                    if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                        found.append(pid)
            return found

        if self.swaysock and self._sway is not None and self._sway.poll() is None:
            # wl-copy, killed, leaves its buffer in /tmp (whatever TMPDIR says); cleared,
            # it ends and removes it.
            for flags in ([], ["--primary"]):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.run("wl-copy", *flags, "--clear", check=False, timeout=5)
            deadline = time.monotonic() + 5
            while named("wl-copy") and time.monotonic() < deadline:
                time.sleep(0.02)  # sleep-ok: waiting for wl-copy to exit
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = ours()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                for child in self._children:
                    child.poll()  # reap it: a zombie's environment reads empty
                if not ours():
                    break
                time.sleep(0.05)  # sleep-ok: waiting for processes to exit
        for child in self._children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=5)
        if self._drain is not None:
            self._drain.join(timeout=5)
        for child in self._children:
            for stream in (child.stdin, child.stdout, child.stderr):
                if stream is not None:
                    stream.close()
        self._children.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the compositor -----------------------------------------------------------------
    def swaymsg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("swaymsg", "-s", self.swaysock, *args, check=check, timeout=10)

    def bind(self, keys: str, command: str, release: bool = False,
             repeat: bool = True) -> None:
        """Bind ``keys`` (sway's syntax, e.g. "Ctrl+Alt+d") to a shell command, as a user
        does in their sway config: on the press, or with ``release`` on the release. While
        a key is held sway runs a press binding again at the keyboard's repeat rate
        (after 600 ms, 25 times a second) unless ``repeat`` is False (--no-repeat)."""
        flags = (["--release"] if release else []) + ([] if repeat else ["--no-repeat"])
        self.swaymsg(shlex.join(["bindsym", *flags, keys, "exec", command]))

    def windows(self) -> list[dict[str, Any]]:
        """The compositor's windows (name, app_id, pid, focused), from get_tree."""
        tree = json.loads(self.swaymsg("-t", "get_tree").stdout)
        found: list[dict[str, Any]] = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("pid"):
                found.append(node)
            for child in node.get("nodes", []) + node.get("floating_nodes", []):
                walk(child)

        walk(tree)
        return found

    def focus(self, title: str) -> None:
        """Give the keyboard focus to the window titled ``title`` (waiting for it to be
        mapped), as a user clicking it would."""
        window = wait_for(lambda: next((w for w in self.windows() if w.get("name") == title),
                                       None),
                          f"the window {title!r} to be mapped by sway",
                          details=lambda: f"windows: {[w.get('name') for w in self.windows()]}")
        self.swaymsg(f"[con_id={int(window['id'])}] focus")

    # --- keyboard and clipboard -----------------------------------------------------------
    def wtype(self, *args: str) -> None:
        """Run wtype (a virtual keyboard the compositor treats like a real one):
        ``wtype("-M", "ctrl", "-M", "alt", "d", "-m", "alt", "-m", "ctrl")`` presses
        Ctrl+Alt+D; ``wtype("-P", "F9")`` / ``wtype("-p", "F9")`` hold / release F9."""
        self.run("wtype", *args, timeout=10)

    def hold(self, key: str, seconds: float | None = None) -> HeldKey:
        """Press ``key`` (an xkb name: "F9", "ctrl") and keep it down until
        ``release()``, or for ``seconds`` and then release it (a real key-up)."""
        return HeldKey(self, key, seconds)

    def type_text(self, text: str) -> None:
        """Type ``text`` (any Unicode) into the focused window. Qt's Wayland windows lose
        the keys that arrive within moments of wtype uploading its keymap (every call does):
        a Shift press first still lost the first letters now and then here (3 in 72
        runs), a 100 ms pause first never did (0 in 100)."""
        self.wtype("-s", "100", "--", text)

    def clipboard(self) -> str:
        """The clipboard's text ("" when empty), read with wl-paste."""
        result = self.run("wl-paste", "--no-newline", check=False, timeout=10)
        return result.stdout if result.returncode == 0 else ""

    def set_clipboard(self, text: str) -> None:
        """Put ``text`` on the clipboard with wl-copy (which serves it from a process of
        its own, ended with the session) and wait until it can be pasted."""
        with self._log_file("wl-copy.log") as log:
            subprocess.run(["wl-copy"], input=text.encode(), env=self.user_env(),
                           cwd=self.home, stdout=log, stderr=log, timeout=10, check=True,
                           **self.user.popen_args())
        wait_for(lambda: self.clipboard() == text, f"the clipboard to hold {text!r}",
                 details=lambda: f"it holds {self.clipboard()!r}")

    # --- D-Bus, the tray --------------------------------------------------------------------
    def dbus_call(self, destination: str, path: str, method: str, *args: str,
                  check: bool = True) -> str | None:
        """dbus-send --print-reply on the session bus; its output, or None on failure
        (when not ``check``)."""
        result = self.run("dbus-send", "--session", "--print-reply", f"--dest={destination}",
                          path, method, *args, check=check, timeout=10)
        return result.stdout if result.returncode == 0 else None

    def _watcher_property(self, name: str) -> str | None:
        return self.dbus_call("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                              "org.freedesktop.DBus.Properties.Get",
                              "string:org.kde.StatusNotifierWatcher", f"string:{name}",
                              check=False)

    def tray_host_registered(self) -> bool:
        reply = self._watcher_property("IsStatusNotifierHostRegistered")
        return reply is not None and "boolean true" in reply

    def tray_items(self) -> list[str]:
        """The StatusNotifierItems registered with the watcher (swaybar's), e.g.
        ":1.7/StatusNotifierItem" or "org.kde.StatusNotifierItem-123-1"."""
        reply = self._watcher_property("RegisteredStatusNotifierItems")
        assert reply is not None, "the StatusNotifierWatcher does not answer"
        return re.findall(r'string "([^"]*)"', reply)

    def bus_name_pid(self, name: str) -> int | None:
        """The process that owns ``name`` on the session bus (":1.7" or a well-known one)."""
        reply = self.dbus_call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus.GetConnectionUnixProcessID",
                               f"string:{name}", check=False)
        found = re.search(r"uint32 (\d+)", reply or "")
        return int(found.group(1)) if found else None

    # --- sound ------------------------------------------------------------------------------
    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("pactl", *args, check=check, timeout=10)

    def play(self, path: Path) -> subprocess.Popen[bytes]:
        """Start playing an audio file into the virtual microphone (whatever records from
        the default input hears it); wait() on the result."""
        copy = self.root / "files" / "audio" / f"{uuid.uuid4().hex[:8]}-{path.name}"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        self.give(self.root / "files")
        return self.popen(["paplay", f"--device={self.sink}", copy],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class HeldKey:
    """A key held down by a wtype process (one wtype call is one virtual keyboard: the
    key stays down while it lives). ``release()`` lets it go: at once by ending wtype
    (the compositor then releases the keys of the keyboard that went away, as it does
    when a keyboard is unplugged), or, when held for given seconds, by waiting for
    wtype's own key-up."""

    def __init__(self, session: Session, key: str, seconds: float | None) -> None:
        self.key = key
        self.timed = seconds is not None
        hold_ms = round((seconds if seconds is not None else 3600) * 1000)
        self.process = session.popen(["wtype", "-P", key, "-s", str(hold_ms), "-p", key],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def release(self, timeout: float = 60) -> None:
        if not self.timed and self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError(f"wtype holding {self.key} did not end") from None
        finally:
            if self.process.stderr is not None:
                self.process.stderr.close()


# --- another application's window --------------------------------------------------------------
class TextWindow:
    """A Wayland window of another process with a text field (tests/e2e/text_field_app.py,
    run as the user with QT_QPA_PLATFORM=wayland), focused like a user would."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.title = f"text-window-{uuid.uuid4().hex[:8]}"
        log = session._log_file(f"{self.title}.log")
        self.process = session.popen(
            [session.user.python, "-m", "tests.e2e.text_field_app", self.title], cwd=REPO,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            encoding="utf-8")
        log.close()  # the child has its own copy
        ready = self._read("the text window to show")
        assert ready.get("ready"), ready

    def _read(self, what: str) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # it answers or exits; the test timeout bounds both
        assert line, f"the text window ended before {what}:\n" + self.session.log(
            f"{self.title}.log")
        return dict(json.loads(line))

    def _ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read(f"answering {command!r}")

    def state(self) -> dict[str, Any]:
        """{"text": ..., "active": window has the keyboard focus, "focus": field has it}"""
        return self._ask("state")

    def text(self) -> str:
        return str(self.state()["text"])

    def clear(self) -> None:
        self._ask("clear")

    def focus(self) -> None:
        """Give the window the keyboard focus, and wait until Qt says it has it."""
        self.session.focus(self.title)
        wait_for(lambda: (lambda s: s["active"] and s["focus"])(self.state()),
                 f"the window {self.title!r} to have the keyboard focus",
                 details=lambda: f"its state: {self.state()}")

    def wait_for_text(self, expected: str, timeout: float = TIMEOUT) -> None:
        wait_for(lambda: self.text() == expected, f"the text window to hold {expected!r}",
                 timeout, lambda: f"it holds {self.text()!r}")

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # it quits at the end of its input
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


# --- the app, as the user ---------------------------------------------------------------------
class SessionApp:
    """The real desktop-asr from the user's venv with private XDG folders in the session.

    ``command(*flags)`` is a shell command for sway bindings that runs it with this
    environment (through a small script), e.g. ``session.bind("Ctrl+Alt+d",
    app.command("--toggle-recording"))``. The app's output goes to ``log()``.
    """

    def __init__(self, session: Session, name: str = "app",
                 env: Mapping[str, str] | None = None) -> None:
        self.session = session
        self.folder = session.folder(name)
        self.config = self.folder / "config"
        self.data = self.folder / "data"
        self.env = {
            "XDG_CONFIG_HOME": str(self.config), "XDG_DATA_HOME": str(self.data),
            "XDG_CACHE_HOME": str(self.folder / "cache"),
            "XDG_STATE_HOME": str(self.folder / "state"),
            "DESKTOP_ASR_LANG": "en", **(env or {}),
        }
        self.log_name = f"{name}.log"
        self.script = self.folder / "desktop-asr"
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in self.env.items())
        log_path = shlex.quote(str(session.logs / self.log_name))
        self.script.write_text(
            f"#!/bin/sh\n{exports}exec {shlex.quote(str(session.user.desktop_asr))} "
            f'"$@" >>{log_path} 2>&1\n', encoding="utf-8")
        self.script.chmod(0o755)
        session._log_file(self.log_name).close()
        session.give(self.folder)
        self.process: subprocess.Popen[Any] | None = None

    def command(self, *flags: str) -> str:
        return shlex.join([str(self.script), *flags])

    def run(self, *flags: str, timeout: float = 30, check: bool = True,
            ) -> subprocess.CompletedProcess[str]:
        """Run ``desktop-asr FLAGS`` (e.g. --quit, --version) and wait for it."""
        return self.session.run(self.session.user.desktop_asr, *flags, env=self.env,
                                timeout=timeout, check=check)

    def start(self, *flags: str) -> None:
        """Start the app (without a command: its window and tray icon)."""
        with self.session._log_file(self.log_name) as log:
            self.process = self.session.popen([self.session.user.desktop_asr, *flags],
                                              env=self.env, stdout=log, stderr=log)

    def wait_until_up(self) -> None:
        """Wait for the started app's tray icon and its window. The window may be mapped
        after the tray icon on a busy machine, and sway gives a new window the focus: a
        test gives it back to its text window only once the app's window is up."""
        wait_for(lambda: len(self.session.tray_items()) == 1, "the app's tray icon",
                 details=self.log)
        wait_for(lambda: any(str(w.get("name", "")).startswith("desktop-asr")
                             for w in self.session.windows()), "the app's window",
                 details=lambda: f"windows: {[w.get('name') for w in self.session.windows()]}"
                                 f"\n{self.log()}")

    def log(self) -> str:
        return self.session.log(self.log_name, lines=60)

    def quit(self, timeout: float = 20) -> int | None:
        """``desktop-asr --quit``; returns the started process's exit status."""
        self.run("--quit")
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the app did not quit in {timeout:g}s:\n{self.log()}") from None
