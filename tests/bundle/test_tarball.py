"""The Linux tarball as a user meets it: its checksum verified with sha256sum, unpacked with
tar into a folder of its own, the command run from elsewhere with a clean environment
(`--version`, an m4a transcription against the reference server), then `install.sh` with a
private home (a space in its name, as some have): the command, the menu entry (checked by
desktop-file-validate) and the icon where the desktop looks for them, the installed command
running after the unpacked folder is gone, and `install.sh --uninstall` leaving nothing.

Needs the tarball built by ``bash packaging/build.sh`` (its name from
packaging/bundle_plan.py with this checkout's version); ``DESKTOP_ASR_TARBALL=path`` tests
another one. Skips without it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_asr import __version__
from tests.bundle.test_bundle import check_transcribes_m4a, check_version
from tests.integration.clitools import ROOT
from tests.unit.test_bundle_plan import plan

pytestmark = [pytest.mark.bundle,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux tarball")]

DIST = ROOT / "dist"
NAME = plan.artifact_name("tarball", __version__)


@pytest.fixture(scope="module")
def tarball() -> Path:
    path = Path(os.environ.get("DESKTOP_ASR_TARBALL") or DIST / NAME)
    if not path.is_file():
        pytest.skip(f"no tarball at {path}: build it with `bash packaging/build.sh`")
    return path


@pytest.fixture
def unpacked(tarball: Path, tmp_path: Path) -> Path:
    """The tarball unpacked as a user would, into a downloads folder of the test's own."""
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    subprocess.run(["tar", "xzf", str(tarball)], cwd=downloads, check=True, timeout=300)
    (folder,) = downloads.iterdir()
    assert folder.name == NAME.removesuffix(".tar.gz")
    return folder


def sh(script: Path, *args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(script), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(home)})


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_the_checksums_match_the_artifacts(tarball):
    if os.environ.get("DESKTOP_ASR_TARBALL"):
        pytest.skip("SHA256SUMS describes dist/, not the tarball given")
    sums = (DIST / "SHA256SUMS").read_text()
    names = re.findall(r"^[0-9a-f]{64}  (\S+)$", sums, flags=re.MULTILINE)
    assert sorted(names) == sorted([NAME, plan.artifact_name("deb", __version__)])
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=DIST, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 2


def test_the_unpacked_command_runs_from_anywhere(unpacked, refserver, tmp_path):
    command = unpacked / "desktop-asr"
    check_version(command, tmp_path / "elsewhere")
    check_transcribes_m4a(command, tmp_path / "elsewhere", refserver.url)


def test_install_sh_installs_the_command_entry_and_icon_for_the_user(unpacked, tmp_path):
    home = tmp_path / "Li Wei"  # a space: the menu entry must quote the command
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "notes.txt").write_text("mine")
    before = tree(home)

    result = sh(unpacked / "install.sh", home=home, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    app = home / ".local" / "lib" / "desktop-asr" / "desktop-asr"
    command = home / ".local" / "bin" / "desktop-asr"
    entry = home / ".local" / "share" / "applications" / "desktop-asr.desktop"
    icon = home / ".local" / "share" / "icons" / "hicolor" / "scalable" / "apps" / \
        "desktop-asr.svg"
    assert command.is_symlink()
    assert command.resolve() == app.resolve()
    assert icon.read_bytes() == (ROOT / "resources" / "icons" / "app.svg").read_bytes()
    valid = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                           text=True, check=False)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert f'Exec="{app}"' in lines
    assert "Icon=desktop-asr" in lines  # found in the hicolor theme where the icon went

    shutil.rmtree(unpacked)  # the installed copy needs nothing from the unpacked folder
    check_version(command, tmp_path / "elsewhere")

    installed = tree(home) - before
    assert installed, "nothing was installed"
    assert not [p for p in installed if not p.startswith(".local")], installed


def test_uninstall_removes_everything_it_installed(unpacked, tmp_path):
    home = tmp_path / "home"
    (home / ".local" / "share" / "applications").mkdir(parents=True)
    (home / ".local" / "share" / "applications" / "editor.desktop").write_text("x")
    before = tree(home)
    assert sh(unpacked / "install.sh", home=home, cwd=tmp_path).returncode == 0
    assert tree(home) != before
    result = sh(unpacked / "install.sh", "--uninstall", home=home, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree(home) == before  # the user's own entry and folders stay
    empty = tmp_path / "empty home"
    empty.mkdir()
    assert sh(unpacked / "install.sh", home=empty, cwd=tmp_path).returncode == 0
    assert sh(unpacked / "install.sh", "--uninstall", home=empty, cwd=tmp_path).returncode == 0
    assert tree(empty) == set()  # the folders it had to make are gone too
