"""Fixtures for the Wayland end-to-end tests (the package docstring says how to use them).

``wayland_user``: who runs the session (session scope; skips, saying why, without one).
``wayland``: a fresh headless sway session for the test (tests/e2e/wayland/session.py),
ended and removed afterwards. ``wayland_app``: the real desktop-asr of the user's venv with
private XDG folders in that session (not started). ``text_window``: another application's
Wayland window with a text field, shown and focused.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.wayland.session import Session, SessionApp, TestUser, TextWindow, missing_tools


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sway_config(*lines): extra lines for the sway config of `wayland`")


@pytest.fixture(scope="session")
def wayland_user() -> TestUser:
    missing = missing_tools()
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} "
                    f"(apt-get install {' '.join(missing)}; tests/run.sh does it as root)")
    user, problem = TestUser.find()
    if user is None:
        pytest.skip(problem)
    return user


@pytest.fixture
def wayland(wayland_user: TestUser, request: pytest.FixtureRequest) -> Iterator[Session]:
    """A running session. Extra sway config lines may come from a marker:
    ``@pytest.mark.sway_config("bindsym F9 exec ...")``; bindings can also be added while
    it runs: ``wayland.bind("Ctrl+Alt+d", command)``."""
    lines = [line for marker in request.node.iter_markers("sway_config")
             for line in marker.args]
    session = Session(wayland_user, config=lines)
    session.start()  # a failure to start is a test failure, with the logs
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def wayland_app(wayland: Session) -> Iterator[SessionApp]:
    app = SessionApp(wayland)
    yield app
    if app.process is not None and app.process.poll() is None:
        app.run("--quit", check=False)


@pytest.fixture
def text_window(wayland: Session) -> Iterator[TextWindow]:
    window = TextWindow(wayland)
    try:
        window.focus()
        yield window
    finally:
        window.close()
