"""The .deb on this machine: `apt-get install ./dist/desktop-asr_*.deb` pulls in its
Depends, /usr/bin/desktop-asr passes the same smoke tests as the bundle, and `dpkg -r`
leaves nothing under /opt/desktop-asr, /usr/bin or /usr/share/applications.

It changes the system, so it runs only when asked (DESKTOP_ASR_TEST_DEB=1, as `bash
packaging/build.sh --test` does), as root, and never over a desktop-asr already installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.bundle.test_bundle import (
    check_app_in_tray_records_and_quits,
    check_transcribes_m4a,
    check_version,
)
from tests.integration.clitools import ROOT

pytestmark = pytest.mark.bundle

COMMAND = Path("/usr/bin/desktop-asr")


def _installed() -> bool:
    return subprocess.run(["dpkg-query", "-W", "-f=${Status}", "desktop-asr"],
                          capture_output=True, text=True, check=False
                          ).stdout.startswith("install ok installed")


@pytest.fixture(scope="module")
def installed_deb():
    if os.environ.get("DESKTOP_ASR_TEST_DEB") != "1":
        pytest.skip("installs a package on this machine: set DESKTOP_ASR_TEST_DEB=1 "
                    "(bash packaging/build.sh --test does)")
    debs = sorted((ROOT / "dist").glob("desktop-asr_*_amd64.deb"))
    if not debs:
        pytest.skip("no .deb in dist/: build it with `bash packaging/build.sh`")
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("installing the .deb needs root and apt-get")
    if _installed():
        pytest.skip("desktop-asr is already installed here; not replacing it")
    result = subprocess.run(["apt-get", "install", "-y", str(debs[-1])],
                            capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    assert result.returncode == 0, result.stdout + result.stderr
    try:
        yield COMMAND
    finally:
        if _installed():
            subprocess.run(["dpkg", "-r", "desktop-asr"], capture_output=True, timeout=120,
                           check=False)


# Ubuntu 22.04's glibc: the oldest the package promises to install on.
OLDEST_GLIBC = (2, 35)


def _glibc_versions(folder: Path) -> set[tuple[int, ...]]:
    found: set[tuple[int, ...]] = set()
    for path in folder.rglob("*"):
        if path.is_file() and (".so" in path.name or os.access(path, os.X_OK)):
            out = subprocess.run(["objdump", "-T", str(path)], capture_output=True,
                                 text=True, check=False).stdout
            found |= {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([\d.]+\d)", out)}
    return found


def test_the_deb_installs_where_glibc_is_as_old_as_ubuntu_22_04():
    debs = sorted((ROOT / "dist").glob("desktop-asr_*_amd64.deb"))
    bundle = ROOT / "dist" / "desktop-asr"
    if not debs or not bundle.is_dir() or shutil.which("objdump") is None:
        pytest.skip("needs dist/desktop-asr, the .deb (bash packaging/build.sh) and objdump")
    newest = max(_glibc_versions(bundle))
    assert newest <= OLDEST_GLIBC, f"the bundle needs glibc {newest}"
    depends = subprocess.run(["dpkg-deb", "-f", str(debs[-1]), "Depends"], capture_output=True,
                             text=True, check=True).stdout
    floor = re.search(r"libc6 \(>= ([\d.]+)\)", depends)
    assert floor, depends
    assert tuple(map(int, floor.group(1).split("."))) == newest, depends


def test_installed_files(installed_deb):
    assert installed_deb.is_file()
    assert Path("/opt/desktop-asr/desktop-asr").is_file()
    assert Path("/usr/share/applications/desktop-asr.desktop").is_file()
    assert Path("/usr/share/icons/hicolor/scalable/apps/desktop-asr.svg").is_file()
    result = subprocess.run(["desktop-file-validate",
                             "/usr/share/applications/desktop-asr.desktop"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_version(installed_deb, tmp_path):
    check_version(installed_deb, tmp_path / "home")


def test_installed_transcribes_m4a(installed_deb, refserver, tmp_path):
    check_transcribes_m4a(installed_deb, tmp_path / "home", refserver.url)


def test_installed_app_in_the_tray(installed_deb, refserver, x_display, virtual_microphone,
                                   tmp_path):
    check_app_in_tray_records_and_quits(installed_deb, tmp_path / "home", refserver.url,
                                        x_display, virtual_microphone)


def test_removal_leaves_nothing(installed_deb):
    result = subprocess.run(["dpkg", "-r", "desktop-asr"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not _installed()
    assert not Path("/opt/desktop-asr").exists()
    assert not COMMAND.exists()
    assert not Path("/usr/share/applications/desktop-asr.desktop").exists()
    assert not Path("/usr/share/icons/hicolor/scalable/apps/desktop-asr.svg").exists()
