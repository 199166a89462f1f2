"""One running app per user, and the remote control the command line uses to reach it.

The running app listens on a local socket (a Unix domain socket; a named pipe on Windows)
with ``InstanceServer``. ``desktop-asr --show`` / ``--toggle-recording`` / ``--quit`` and a
second ``desktop-asr`` send it one command with ``send_command``.

Protocol: the client sends one line of UTF-8 (a command from COMMANDS, then ``\\n``); the
server replies ``ok\\n`` and emits ``commandReceived(command)``, or ``unknown\\n`` for
anything else.

Only QtCore and QtNetwork are imported here (no widgets, no display), and the client side
needs no event loop (it blocks for at most ``timeout_ms`` per step), so the command-line
flags work without a display and before a QApplication exists.
"""

from __future__ import annotations

import ctypes
import getpass
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

COMMANDS = ("show", "toggle-recording", "start-recording", "stop-recording", "quit")
NAME_ENV = "DESKTOP_ASR_INSTANCE_NAME"  # overrides the server name (tests, several setups)
DEFAULT_TIMEOUT_MS = 2000
MAX_LINE = 256  # longer lines are not a command: the connection is dropped
CONNECTION_TIMEOUT_MS = 5000  # a client that sends no line by then is dropped

_OK = b"ok\n"
_UNKNOWN = b"unknown\n"


def server_name(name: str | None = None, environ: Mapping[str, str] | None = None, *,
                platform: str = sys.platform,
                windows_session: Callable[[], int | None] | None = None) -> str:
    """The local socket name for this user; "" when there is no private place for it.

    ``name`` wins, then $DESKTOP_ASR_INSTANCE_NAME. Otherwise, on Linux with a per-user
    runtime directory ($XDG_RUNTIME_DIR, private to the user), a socket in it; on other
    Unix systems but macOS (or Linux without a runtime directory), a socket in a folder of
    our own in the temporary folder, made private (0700) and checked to be ours: a socket
    lying in the shared /tmp could be taken first by another user. On macOS (the
    temporary folder is the user's own), a name with the user id. On Windows, where named
    pipes are one namespace for the whole machine, a name with the user (and domain) and
    the session: the same user logged in twice (at the console and over Remote Desktop)
    runs one app in each session.
    """
    if name:
        return name
    env = os.environ if environ is None else environ
    override = env.get(NAME_ENV, "").strip()
    if override:
        return override
    if platform == "win32":
        return windows_pipe_name(env, (windows_session or windows_session_id)())
    runtime_dir = env.get("XDG_RUNTIME_DIR", "")
    if platform.startswith("linux") and runtime_dir and os.path.isdir(runtime_dir):
        return os.path.join(runtime_dir, "desktop-asr.sock")
    if platform != "darwin" and hasattr(os, "getuid"):
        folder = private_folder(tempfile.gettempdir())
        return os.path.join(folder, "desktop-asr.sock") if folder else ""
    user = str(os.getuid()) if hasattr(os, "getuid") else _user_name(env)
    return "desktop-asr-" + _safe(user)


def windows_pipe_name(environ: Mapping[str, str], session: int | None) -> str:
    """desktop-asr-<domain>.<user>-<session>, which QLocalServer opens as a named pipe."""
    user = _user_name(environ)
    domain = environ.get("USERDOMAIN", "").strip()
    who = f"{domain}.{user}" if domain else user
    where = f"-{session}" if session is not None else ""
    return "desktop-asr-" + _safe(who) + where


def windows_session_id(kernel32: Any = None) -> int | None:
    """This process's Windows session (ProcessIdToSessionId); None when it cannot be
    asked. ``kernel32`` is injected by tests."""
    try:
        if kernel32 is None:
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        session = ctypes.c_ulong()
        if kernel32.ProcessIdToSessionId(kernel32.GetCurrentProcessId(),
                                         ctypes.byref(session)):
            return int(session.value)
    except (AttributeError, OSError):
        pass
    return None


def _user_name(environ: Mapping[str, str]) -> str:
    for variable in ("USERNAME", "USER", "LOGNAME"):
        if environ.get(variable, "").strip():
            return environ[variable].strip()
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment: still one name per machine
        return "user"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def private_folder(parent: str) -> str:
    """``parent``/desktop-asr-<uid>, made if missing, when it is a real folder of this user
    that no one else may enter; "" otherwise (someone else made it first, or it is a link:
    using it would let them answer in the app's place)."""
    path = os.path.join(parent, f"desktop-asr-{os.getuid()}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return ""
    try:
        info = os.lstat(path)
    except OSError:
        return ""
    if (not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid()
            or info.st_mode & 0o077):
        return ""
    return path


def send_command(command: str, name: str | None = None,
                 timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bool:
    """Send ``command`` to the running instance; True if it replied that it got it.

    False when no instance runs (returns at once), or it did not answer within
    ``timeout_ms``. Blocks the calling thread; needs no event loop or QCoreApplication.
    """
    if command not in COMMANDS:
        raise ValueError(f"unknown command {command!r}; expected one of {COMMANDS}")
    target = server_name(name)
    if not target:
        return False
    socket = QLocalSocket()
    try:
        socket.connectToServer(target)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(command.encode("utf-8") + b"\n")
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while not reply.endswith(b"\n") and len(reply) <= MAX_LINE:
            if not socket.bytesAvailable() and not socket.waitForReadyRead(timeout_ms):
                break
            reply += bytes(socket.readAll().data())
        return reply == _OK
    finally:
        socket.abort()


def is_running(name: str | None = None, timeout_ms: int = 500) -> bool:
    """True if an instance accepts connections on ``name`` (it is sent nothing)."""
    target = server_name(name)
    if not target:
        return False
    socket = QLocalSocket()
    try:
        socket.connectToServer(target)
        return bool(socket.waitForConnected(timeout_ms))
    finally:
        socket.abort()


def forward_to_running_instance(command: str = "show", name: str | None = None) -> bool:
    """For the app's start: True if an instance already runs and got ``command`` (the new
    process should then exit 0); False if none runs and this process should start."""
    return send_command(command, name)


class InstanceServer(QObject):
    """The running app's end: ``listen()`` once at start; ``commandReceived`` carries each
    valid command (one of COMMANDS) a client sent."""

    commandReceived = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None,
                 connection_timeout_ms: int = CONNECTION_TIMEOUT_MS) -> None:
        super().__init__(parent)
        self.name = server_name(name)
        self._connection_timeout_ms = connection_timeout_ms
        self._server = QLocalServer(self)
        if os.name == "nt":  # named pipes are machine-wide: only this user may connect
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # Not on Unix: there Qt then binds a temporary socket and renames it over the name,
        # so a second instance would silently take the first one's place. We bind the name
        # itself (which fails while it is taken) and make it private after (_listen).
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; False if another instance already listens on the name.

        A socket file left behind by a crashed instance (nobody answers on it) is removed
        and listening is tried again.
        """
        if self._server.isListening():
            return True
        if not self.name:
            print("desktop-asr: warning: no private folder for the app's socket (the "
                  f"temporary folder's desktop-asr-{os.getuid()} is not this user's own); "
                  "running without the single-instance check", file=sys.stderr)
            return False
        if self._listen():
            return True
        if self._server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            return False
        if is_running(self.name):
            return False
        QLocalServer.removeServer(self.name)  # stale: left by an instance that crashed
        return self._listen()

    def _listen(self) -> bool:
        if not self._server.listen(self.name):
            return False
        if os.name == "posix":
            path = self._server.fullServerName()
            try:
                os.chmod(path, 0o600)  # only this user may connect
            except OSError as exc:  # still works; other users' access is then up to umask
                print(f"desktop-asr: warning: cannot make {path} private: {exc}",
                      file=sys.stderr)
        return True

    def is_listening(self) -> bool:
        return bool(self._server.isListening())

    def full_name(self) -> str:
        """Where it listens (on Unix the socket file's path); "" when not listening."""
        return str(self._server.fullServerName())

    def error_string(self) -> str:
        """Why listen() failed, from Qt (English; for logs and details)."""
        return str(self._server.errorString())

    def close(self) -> None:
        """Stop listening (the socket file is removed) and drop open connections."""
        self._server.close()
        for socket in list(self._buffers):
            socket.abort()
        self._buffers.clear()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            self._buffers[socket] = b""
            QTimer.singleShot(self._connection_timeout_ms, socket, socket.abort)
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_LINE:
                socket.abort()
                self._forget(socket)
            else:
                self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0].strip()
        self._buffers[socket] = b""
        command = line.decode("utf-8", errors="replace")
        if command not in COMMANDS:
            socket.write(_UNKNOWN)
            socket.flush()
            socket.disconnectFromServer()
            return
        socket.write(_OK)
        socket.flush()
        socket.disconnectFromServer()
        self.commandReceived.emit(command)
