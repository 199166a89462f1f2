"""The release workflow (.github/workflows/release.yml) builds with the project's own build
scripts, runs their smoke tests, uploads exactly the artifacts bundle_plan.py names, and says
which of its jobs have never run. (Read as text: GitHub runs it, nothing here can.)"""

from __future__ import annotations

import fnmatch
import re

from desktop_asr import __version__
from tests.unit.test_bundle_plan import PACKAGING, ROOT, plan

WORKFLOW = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")


def job(name: str) -> str:
    """The text of one job: from `  name:` to the next job."""
    match = re.search(rf"^  {name}:.*?(?=^  \w+:|\Z)", WORKFLOW, flags=re.M | re.S)
    assert match, name
    return match.group(0)


def uploads(text: str) -> list[str]:
    block = re.search(r"path: \|\n((?:\s+dist/\S+\n)+)", text)
    assert block, text
    return [line.strip().removeprefix("dist/") for line in block.group(1).splitlines()]


def test_it_runs_on_version_tags_and_checks_the_tag_is_the_version():
    assert re.search(r'^on:\n  push:\n    tags: \["v\*"\]', WORKFLOW, flags=re.M)
    assert "python3 packaging/bundle_plan.py version" in job("version")
    assert '"v${version}"' in job("version")


def test_each_platform_builds_with_its_script_and_runs_the_smoke_tests():
    assert "bash packaging/build.sh --test" in job("linux")
    assert 'DESKTOP_ASR_TEST_DEB: "1"' in job("linux")
    assert "./packaging/windows/build.ps1 -Test" in job("windows")
    assert "bash packaging/macos/build.sh --test" in job("macos")
    for script in ("build.sh", "windows/build.ps1", "macos/build.sh"):
        assert (PACKAGING / script).is_file()
    assert "needs: [linux, windows, macos]" in job("release")


def test_the_uploads_are_the_artifacts_of_each_platform():
    expected = {
        "linux": [plan.artifact_name("deb", __version__),
                  plan.artifact_name("tarball", __version__), "SHA256SUMS"],
        "windows": [plan.artifact_name("zip", __version__),
                    plan.artifact_name("setup", __version__), "SHA256SUMS-windows"],
        "macos": [plan.artifact_name("dmg", __version__, "arm64"), "SHA256SUMS-macos"],
    }
    for name, files in expected.items():
        patterns = uploads(job(name))
        for file in files:
            assert any(fnmatch.fnmatch(file, p) for p in patterns), (name, file)
        for pattern in patterns:  # no pattern catches another platform's file
            others = [f for n, fs in expected.items() if n != name for f in fs]
            assert not [f for f in others if fnmatch.fnmatch(f, pattern)], pattern


def test_it_says_plainly_that_only_the_linux_job_has_run():
    header = WORKFLOW.split("\nname:", 1)[0]
    assert "only the Linux job" in header
    assert "UNVERIFIED" in header
    assert "written, not yet run" in job("windows")
    assert "written, not yet run" in job("macos")
