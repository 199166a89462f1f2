"""Start the reference server as a real separate process, for tests and benchmarks."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0


class RefServerError(RuntimeError):
    """The server process did not come up (the message carries its stderr)."""


class RefServer:
    """One `python -m tests.refserver` process on 127.0.0.1.

    `url` is the base URL without /v1. The API key reaches the process through the
    environment, never argv.
    """

    def __init__(
        self,
        api_key: str | None = None,
        model: str = "qwen3-asr",
        extra_args: list[str] | tuple[str, ...] = (),
    ) -> None:
        self.api_key = api_key
        self.model = model
        self.extra_args = list(extra_args)
        self.url = ""
        self.port = 0
        self.last_stderr = ""
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None
        self.start()

    @property
    def pid(self) -> int:
        """The server process's id (0 when it is not running)."""
        return self._process.pid if self._process is not None else 0

    # ------------------------------------------------------------ process control

    def start(self) -> None:
        if self._process is not None:
            raise RuntimeError("the reference server is already running")
        env = dict(os.environ)
        env.pop("REFSERVER_API_KEY", None)
        if self.api_key is not None:
            env["REFSERVER_API_KEY"] = self.api_key
        args = [
            sys.executable,
            "-m",
            "tests.refserver",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--model",
            self.model,
            *self.extra_args,
        ]
        # Lives as long as the process; stop() reads and closes it.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self._process = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        line = self._read_ready_line()
        if not line.startswith("READY "):
            self._fail(f"unexpected first line {line!r}" if line else "no READY line")
        self.url = line.split(" ", 1)[1].strip()
        self.port = int(self.url.rsplit(":", 1)[1])

    def _read_ready_line(self) -> str:
        assert self._process is not None
        stdout = self._process.stdout
        assert stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            return lines.get(timeout=READY_TIMEOUT_S)
        except queue.Empty:
            self._fail(f"not ready after {READY_TIMEOUT_S:g}s")
        return ""  # unreachable: _fail raises

    def _fail(self, why: str) -> None:
        self.stop()
        raise RefServerError(
            f"reference server failed to start: {why}\n--- stderr ---\n{self.last_stderr}"
        )

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_S)
        if process.stdout is not None:
            process.stdout.close()
        self._keep_stderr()

    def _keep_stderr(self) -> None:
        if self._stderr is None:
            return
        self._stderr.seek(0)
        self.last_stderr = self._stderr.read()
        self._stderr.close()
        self._stderr = None

    def restart(self) -> None:
        """Stop and start again on the same port (a server coming back)."""
        self.stop()
        self.start()

    def __enter__(self) -> RefServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ control API

    def _call(self, method: str, path: str, payload: object | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            raise ValueError(f"{method} {path}: {err.code} {err.read().decode()}") from err

    def configure(self, **config: Any) -> dict[str, Any]:
        """Merge `config` into the runtime settings (keys: see tests/refserver/settings.py)."""
        result: dict[str, Any] = self._call("POST", "/_test/config", config)
        return result

    def reset(self) -> None:
        self._call("POST", "/_test/reset", {})

    def requests(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/_test/requests")
        return result

    def stats(self) -> dict[str, int]:
        result: dict[str, int] = self._call("GET", "/_test/stats")
        return result
