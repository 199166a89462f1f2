"""Tools for driving the real ``desktop-asr`` command with private config/data folders and
for looking at the real keyring; the fixtures are in conftest.py."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from desktop_asr.stores.profile_store import ProfileStore

ROOT = Path(__file__).resolve().parents[2]

SERVICE = "desktop-asr"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


class Cli:
    """Runs ``python -m desktop_asr`` with private config/data dirs; remembers every output
    so a test can check that a key was never printed."""

    def __init__(self, tmp_path: Path) -> None:
        self.config = tmp_path / "config"
        self.data = tmp_path / "data"
        self.cache = tmp_path / "cache"
        self.outputs: list[str] = []
        self.keys: list[str] = []

    @property
    def profiles_file(self) -> Path:
        return self.config / "desktop-asr" / "profiles.json"

    def __call__(self, *args: str, stdin: str = "", env: dict[str, str] | None = None,
                 ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "XDG_CONFIG_HOME": str(self.config),
                    "XDG_DATA_HOME": str(self.data), "XDG_CACHE_HOME": str(self.cache),
                    **(env or {})}
        full_env.pop("DESKTOP_ASR_DEBUG", None)
        result = subprocess.run(
            [sys.executable, "-m", "desktop_asr", *args], cwd=ROOT, env=full_env,
            input=stdin, capture_output=True, text=True, timeout=60, check=False)
        self.outputs += [result.stdout, result.stderr]
        printed = any(key in text for key in self.keys for text in self.outputs)
        assert not printed, "an API key was printed"  # checked before any other assertion
        return result

    def watch(self, key: str) -> str:
        """Fail as soon as a run prints ``key``."""
        self.keys.append(key)
        return key

    def store(self) -> ProfileStore:
        return ProfileStore(self.profiles_file)

    def assert_key_nowhere(self, key: str) -> None:
        """Not in any output so far, nor in any file under the config and data dirs."""
        printed = any(key in text for text in self.outputs)
        assert not printed, "the API key was printed"
        files = [p for d in (self.config, self.data, self.cache) if d.exists()
                 for p in d.rglob("*") if p.is_file()]
        assert self.profiles_file in files  # so the search below looked at something
        leaked_in = [str(p) for p in files if key.encode() in p.read_bytes()]
        assert leaked_in == [], "the API key is written in these files"


class RealKeyring:
    """Looks at the Secret Service keyring this process shares with the CLI (the same D-Bus
    session). Answers are booleans, so a failing assertion never shows a key."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.seen: set[str] = set()

    def _get(self, profile: str) -> str | None:
        self.seen.add(profile)
        value: str | None = self.backend.get_password(SERVICE, "profile:" + profile)
        return value

    def has(self, profile: str) -> bool:
        return self._get(profile) is not None

    def holds(self, profile: str, key: str) -> bool:
        return self._get(profile) == key

    def clean_up(self) -> None:
        for profile in self.seen:
            if self.has(profile):
                self.backend.delete_password(SERVICE, "profile:" + profile)


def unique(name: str) -> str:
    """Profile names unique in the keyring that every test shares."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def new_key() -> str:
    return "sk-test-" + secrets.token_hex(12)


def refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more
