"""One instance per user: the local server, the client, stale sockets.

Servers run in this process under names of their own, never the real app's. Raw clients
(plain AF_UNIX sockets) run on a thread here; ``send_command`` runs in a child process, as
the command line does: it blocks in QLocalSocket.waitFor*(), which holds Python's GIL, so
on a thread of this process it would starve the server's slots until it timed out.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_asr.ui.single_instance import (
    NAME_ENV,
    InstanceServer,
    forward_to_running_instance,
    send_command,
    server_name,
)


@pytest.fixture(autouse=True)
def _no_real_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a call without a name must never reach the user's running app."""
    monkeypatch.setenv(NAME_ENV, f"desktop-asr-test-default-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def name(tmp_path: Path) -> str:
    """A socket path of this test's own (short: Unix socket paths max out at ~100 bytes)."""
    return str(tmp_path / "s.sock") if len(str(tmp_path)) < 90 else \
        f"desktop-asr-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def servers(qapp) -> Iterator[list[InstanceServer]]:
    made: list[InstanceServer] = []
    yield made
    for server in made:
        server.close()


@pytest.fixture
def make_server(name: str, servers: list[InstanceServer]) -> Callable[[], InstanceServer]:
    def make() -> InstanceServer:
        server = InstanceServer(name)
        servers.append(server)
        return server

    return make


def in_thread(fn: Callable[[], object]) -> list[object]:
    """Run a blocking client call on a thread; its result lands in the returned list."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    thread.start()
    return result


CLIENT = "import sys; from desktop_asr.ui.single_instance import {fn}; print({fn}(*sys.argv[1:]))"


def client_process(command: str, name: str, fn: str = "send_command") -> subprocess.Popen[str]:
    """``fn(command, name)`` in a child process (no display); it prints the result."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.Popen([sys.executable, "-c", CLIENT.format(fn=fn), command, name],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def client_result(qtbot, process: subprocess.Popen[str]) -> str:
    """Serve events until the client process ends; its printed result."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=15000)
    out, err = process.communicate()
    assert process.returncode == 0, err
    return out.strip()


def raw_exchange(path: str, *chunks: bytes) -> bytes:
    """A client that is not ours: plain AF_UNIX, the bytes sent in pieces; the reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(5)
        client.connect(path)
        for chunk in chunks:
            client.sendall(chunk)
        reply = b""
        while not reply.endswith(b"\n"):
            data = client.recv(100)
            if not data:
                break
            reply += data
        return reply


def test_a_command_reaches_the_running_instance(qtbot, make_server, name: str) -> None:
    server = make_server()
    assert server.listen()
    with qtbot.waitSignal(server.commandReceived, timeout=15000) as signal:
        client = client_process("toggle-recording", name)
    assert signal.args == ["toggle-recording"]
    assert client_result(qtbot, client) == "True"


@pytest.mark.parametrize("command", ["show", "quit"])
def test_every_command_is_delivered(qtbot, make_server, name: str, command: str) -> None:
    server = make_server()
    assert server.listen()
    with qtbot.waitSignal(server.commandReceived, timeout=15000) as signal:
        client = client_process(command, name, fn="forward_to_running_instance")
    assert signal.args == [command]
    assert client_result(qtbot, client) == "True"


def test_the_protocol_is_one_line_answered_ok(qtbot, make_server) -> None:
    server = make_server()
    assert server.listen()
    received: list[str] = []
    server.commandReceived.connect(received.append)
    # The line may arrive in pieces; the reply is exactly "ok\n".
    result = in_thread(lambda: raw_exchange(server.full_name(), b"sh", b"ow\n"))
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    assert result == [b"ok\n"]
    assert received == ["show"]


def test_an_unknown_command_is_refused(qtbot, make_server) -> None:
    server = make_server()
    assert server.listen()
    received: list[str] = []
    server.commandReceived.connect(received.append)
    result = in_thread(lambda: raw_exchange(server.full_name(), b"rm -rf\n"))
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    assert result == [b"unknown\n"]
    assert received == []
    with pytest.raises(ValueError, match="unknown command"):
        send_command("rm -rf", name=server.name)


def test_a_silent_client_is_dropped(qtbot, name: str, servers: list[InstanceServer]) -> None:
    server = InstanceServer(name, connection_timeout_ms=200)
    servers.append(server)
    assert server.listen()
    # Sends half a command and nothing more: the server hangs up, with no reply.
    result = in_thread(lambda: raw_exchange(server.full_name(), b"sho"))
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    assert result == [b""]


def test_no_instance_means_false_at_once(name: str) -> None:
    started = time.monotonic()
    assert send_command("show", name=name, timeout_ms=5000) is False
    assert forward_to_running_instance("show", name=name) is False
    assert time.monotonic() - started < 2  # no waiting for a timeout


def test_a_second_instance_cannot_listen(qtbot, make_server, name: str) -> None:
    first = make_server()
    assert first.listen()
    second = make_server()
    assert second.listen() is False
    assert not second.is_listening()
    # The first one still works.
    with qtbot.waitSignal(first.commandReceived, timeout=15000):
        client = client_process("show", name)
    assert client_result(qtbot, client) == "True"


def test_a_stale_socket_left_by_a_crash_is_replaced(qtbot, make_server, tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    if len(str(path)) >= 100:
        pytest.skip("temporary folder too deep for a Unix socket path")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))  # the file of a socket nobody listens on any more
    dead.close()
    assert path.exists()
    assert send_command("show", name=str(path)) is False
    server = InstanceServer(str(path))
    try:
        assert server.listen(), server.error_string()
        with qtbot.waitSignal(server.commandReceived, timeout=15000) as signal:
            client = client_process("show", str(path))
        assert signal.args == ["show"]
        assert client_result(qtbot, client) == "True"
    finally:
        server.close()


@pytest.mark.skipif(os.name != "posix", reason="Unix socket file permissions")
def test_only_this_user_may_connect(make_server, name: str) -> None:
    server = make_server()
    assert server.listen()
    path = server.full_name()
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_closing_stops_listening(make_server, name: str) -> None:
    server = make_server()
    assert server.listen()
    server.close()
    assert not server.is_listening()
    assert send_command("show", name=name) is False
    again = make_server()
    assert again.listen()  # the name is free again


def test_the_name_is_per_user_and_can_be_overridden(tmp_path: Path) -> None:
    assert server_name("given") == "given"
    assert server_name(None, {NAME_ENV: "from-env"}) == "from-env"
    assert server_name("given", {NAME_ENV: "from-env"}) == "given"
    if sys.platform.startswith("linux"):
        runtime = server_name(None, {"XDG_RUNTIME_DIR": str(tmp_path)})
        assert runtime == str(tmp_path / "desktop-asr.sock")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux socket folders")
def test_without_a_runtime_folder_the_socket_is_in_a_private_folder_of_ours(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    name = server_name(None, {"XDG_RUNTIME_DIR": str(tmp_path / "gone")})
    folder = tmp_path / f"desktop-asr-{os.getuid()}"
    assert name == str(folder / "desktop-asr.sock")
    info = folder.lstat()
    assert info.st_uid == os.getuid()
    assert info.st_mode & 0o777 == 0o700


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux socket folders")
@pytest.mark.parametrize("squat", ["shared folder", "another user's", "link", "file"])
def test_a_socket_folder_someone_else_could_enter_is_not_used(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, squat: str) -> None:
    """In a shared /tmp another user can make desktop-asr-<uid> first (a folder open to them,
    or a link to a folder of theirs) and answer in the app's place: the app then neither
    sends its commands there nor listens there."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv(NAME_ENV)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    folder = tmp_path / f"desktop-asr-{os.getuid()}"
    if squat == "shared folder":
        folder.mkdir(mode=0o777)
        folder.chmod(0o777)
    elif squat == "another user's":
        if os.getuid() != 0:
            pytest.skip("only root can give a folder to another user")
        folder.mkdir(mode=0o700)
        os.chown(folder, 65534, 65534)  # nobody
    elif squat == "link":
        elsewhere = tmp_path / "theirs"
        elsewhere.mkdir(mode=0o700)
        folder.symlink_to(elsewhere)
    else:
        folder.write_text("")
    assert server_name() == ""
    assert send_command("show") is False
    server = InstanceServer()
    try:
        assert not server.listen()
    finally:
        server.close()
    assert not (folder / "desktop-asr.sock").exists()


# --- Windows: one pipe name per user and session, asked of fakes ----------------------------
class Kernel32:
    """ProcessIdToSessionId and GetCurrentProcessId as ctypes calls them."""

    def __init__(self, session: int, ok: bool = True) -> None:
        self.session, self.ok, self.asked = session, ok, []

    def GetCurrentProcessId(self) -> int:
        return 4242

    def ProcessIdToSessionId(self, pid, out) -> int:
        self.asked.append(pid)
        out._obj.value = self.session
        return 1 if self.ok else 0


def test_on_windows_the_pipe_is_named_for_the_user_and_the_session() -> None:
    env = {"USERNAME": "Li Wei", "USERDOMAIN": "OFFICE"}
    console = server_name(None, env, platform="win32", windows_session=lambda: 1)
    remote = server_name(None, env, platform="win32", windows_session=lambda: 3)
    other = server_name(None, {"USERNAME": "ann", "USERDOMAIN": "OFFICE"}, platform="win32",
                        windows_session=lambda: 1)
    assert console == "desktop-asr-OFFICE.Li_Wei-1"
    assert remote == "desktop-asr-OFFICE.Li_Wei-3"  # the same user over Remote Desktop
    assert other == "desktop-asr-OFFICE.ann-1"
    assert server_name(None, {"USERNAME": "ann"}, platform="win32",
                       windows_session=lambda: None) == "desktop-asr-ann"
    # The override still wins (tests, several setups).
    assert server_name(None, {**env, NAME_ENV: "mine"}, platform="win32",
                       windows_session=lambda: 1) == "mine"


def test_the_windows_session_is_asked_of_kernel32() -> None:
    from desktop_asr.ui.single_instance import windows_session_id

    kernel32 = Kernel32(session=2)
    assert windows_session_id(kernel32) == 2
    assert kernel32.asked == [4242]
    assert windows_session_id(Kernel32(session=2, ok=False)) is None
    assert windows_session_id(object()) is None  # no such functions (not Windows)
    if sys.platform != "win32":
        assert windows_session_id() is None  # ctypes has no windll here
