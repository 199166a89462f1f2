"""Shared fixtures: the reference server (tests/refserver) as a real separate process."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.clitools import SERVICE, RealKeyring
from tests.refserver.fixture import RefServer

# Tests never talk to (or take the place of) a desktop-asr the user is running.
os.environ.setdefault("DESKTOP_ASR_INSTANCE_NAME", f"desktop-asr-tests-{os.getpid()}")


@pytest.fixture(scope="session")
def refserver_session() -> Iterator[RefServer]:
    """One reference server (no API key) for the whole test run."""
    with RefServer() as server:
        yield server


@pytest.fixture
def refserver(refserver_session: RefServer) -> RefServer:
    """The shared reference server, reset to its start-up config with empty logs and stats."""
    refserver_session.reset()
    return refserver_session


@pytest.fixture
def make_refserver() -> Iterator[Callable[..., RefServer]]:
    """Start a private server: make_refserver(api_key=..., model=..., extra_args=[...])."""
    started: list[RefServer] = []

    def make(**kwargs: Any) -> RefServer:
        server = RefServer(**kwargs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def real_keyring() -> Iterator[RealKeyring]:
    """The real keyring, or a skip when there is none; entries the test looked at are
    deleted afterwards."""
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        assert backend.priority > 0
        backend.get_password(SERVICE, "probe:tests")
    except Exception as exc:
        pytest.skip(f"no Secret Service keyring (run the tests with tests/run.sh): {exc}")
    keyring = RealKeyring(backend)
    yield keyring
    keyring.clean_up()
