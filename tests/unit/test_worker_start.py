"""How worker processes start: from a fork server wherever one exists (a fork of a process
that has PyAV and numpy imported), in the Linux bundle too; "spawn" (a whole new program
per file) only where there is no fork server or a frozen one has not been tried."""

from __future__ import annotations

import multiprocessing
import sys

import pytest

from desktop_asr.engine.pipeline.processes import start_method

HAS_FORKSERVER = "forkserver" in multiprocessing.get_all_start_methods()


@pytest.mark.skipif(not HAS_FORKSERVER, reason="this system has no fork server")
@pytest.mark.parametrize("frozen", [False, True])
def test_linux_uses_the_fork_server_from_a_checkout_and_in_the_bundle(frozen):
    assert start_method("linux", frozen=frozen) == "forkserver"


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_a_bundle_elsewhere_spawns(platform):
    assert start_method(platform, frozen=True) == "spawn"


def test_this_program_asks_for_what_its_own_system_offers():
    expected = "forkserver" if HAS_FORKSERVER else "spawn"
    assert start_method() == (expected if not getattr(sys, "frozen", False)
                              or sys.platform.startswith("linux") else "spawn")
