"""Below the UI nothing imports Qt (DESIGN.md: cli -> ui -> dictation/recording -> engine/stores,
one direction).

Two checks: a static one over the source (catches an import in a branch that never runs
here) and a dynamic one that imports every module of a layer in a fresh interpreter (catches
Qt pulled in indirectly, e.g. by a helper module or importlib). Every package of desktop_asr
that is not the UI or the command line is such a layer, and so is every top-level module.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Everything below the UI never imports Qt: each package but ui/ and cli/ (which starts the
# UI), and the shared top-level modules. A new package is covered without editing this list.
QT_SIDE = ("ui", "cli")
QT_FREE_PACKAGES = tuple(sorted(
    p.name for p in (REPO / "desktop_asr").iterdir()
    if (p / "__init__.py").is_file() and p.name not in QT_SIDE))
QT_FREE_MODULES = tuple(sorted(
    p.stem for p in (REPO / "desktop_asr").glob("*.py")
    if p.stem not in ("__init__", "__main__")))
QT_FREE_LAYERS = QT_FREE_PACKAGES + QT_FREE_MODULES

# Qt bindings (any of them) and the Qt-side layer of this project.
FORBIDDEN_IN_CORE = (
    "PySide6",
    "shiboken6",
    "PySide2",
    "shiboken2",
    "PyQt5",
    "PyQt6",
    "qtpy",
    "desktop_asr.ui",
)


def _is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN_IN_CORE)


def _imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``, a module of ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from ..ui import x
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
                found += [(node.lineno, module)]
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module or ""))
    return found


def test_the_qt_free_layers_are_the_engine_stores_and_everything_below_the_ui():
    assert {"engine", "stores", "system", "recording", "dictation"} <= set(QT_FREE_PACKAGES)
    assert {"errors", "resources"} <= set(QT_FREE_MODULES)


@pytest.mark.parametrize("layer", QT_FREE_LAYERS)
def test_layer_sources_do_not_import_qt(layer):
    folder = REPO / "desktop_asr" / layer
    sources = sorted(folder.rglob("*.py")) if folder.is_dir() else [folder.with_suffix(".py")]
    assert sources, f"no Python files under {folder}"
    offences = [
        f"{path.relative_to(REPO)}:{line}: imports {module}"
        for path in sources
        for line, module in _imported_modules(
            path.read_text(encoding="utf-8"), ".".join(path.relative_to(REPO).parts[:-1])
        )
        if _is_forbidden(module)
    ]
    assert not offences, f"desktop_asr.{layer} must not import Qt:\n" + "\n".join(offences)


def test_static_check_finds_qt_imports_in_any_spelling():
    source = (
        "import os, PySide6.QtCore\n"
        "from shiboken6 import isValid\n"
        "def later():\n"
        "    from ..ui import app\n"
        "    from . import protocol\n"
    )
    modules = [m for _, m in _imported_modules(source, "desktop_asr.engine")]
    assert [m for m in modules if _is_forbidden(m)] == [
        "PySide6.QtCore",
        "shiboken6",
        "desktop_asr.ui",
        "desktop_asr.ui.app",
    ]
    assert "desktop_asr.engine.protocol" in modules


_IMPORT_ALL_CORE = """
import importlib, json, pkgutil, sys

def qt_modules():
    return {m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PySide2",
                                                          "shiboken2", "PyQt5", "PyQt6")}

layer = sys.argv[1]
package = importlib.import_module(layer)
names = [layer] + sorted(
    info.name for info in pkgutil.walk_packages(getattr(package, "__path__", []), layer + ".")
)
culprits = {}
for name in names:
    before = qt_modules()
    importlib.import_module(name)
    new = qt_modules() - before
    if new:
        culprits[name] = sorted(new)
print(json.dumps({"imported": names, "culprits": culprits, "qt": sorted(qt_modules())}))
"""


@pytest.mark.parametrize("layer", QT_FREE_LAYERS)
def test_importing_every_module_of_the_layer_loads_no_qt(layer):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL_CORE, f"desktop_asr.{layer}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"importing {layer} failed:\n{result.stderr}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert f"desktop_asr.{layer}" in report["imported"]
    assert report["culprits"] == {}, f"modules that load Qt: {report['culprits']}"
    assert report["qt"] == []
