"""Helpers for driving the real ``desktop-asr`` command against the reference server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import dtmf
from tests.integration.clitools import ROOT, Cli

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> CliRunner:
    """Run ``python -m desktop_asr ARGS`` as a user would; never with the user's config."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 90,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            **(env or {}),
        }
        full_env.pop("DESKTOP_ASR_DEBUG", None)
        return subprocess.run(
            [sys.executable, "-m", "desktop_asr", *args],
            cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
            input=input, stdin=subprocess.DEVNULL if input is None else None, check=False,
        )

    return run


@pytest.fixture
def make_audio(tmp_path: Path) -> Callable[..., Path]:
    """Write DTMF 'speech' saying ``text`` to a file in any format."""

    def make(name: str, text: str, *, sample_rate: int = 16000, channels: int = 1,
             video: bool = False, **synth: float) -> Path:
        samples = dtmf.synthesize(text, sample_rate, **synth)
        return dtmf.write_audio(tmp_path / name, samples, sample_rate, channels=channels,
                                video=video)

    return make


def assert_one_clean_error_line(stderr: str) -> str:
    """The failure contract: one line on stderr, in words, no traceback."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)
