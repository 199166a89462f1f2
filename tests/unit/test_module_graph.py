"""The house rules of desktop_asr, checked on the source (README, Development):

- no import cycles between its modules, imports inside functions included;
- imports run one way between its packages: cli -> ui -> dictation/recording ->
  stores -> engine -> text, with errors.py and resources.py shared below all of them and
  system/ (OS integration) beside the engine;
- no module over 400 lines, and no package with more than 15 modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "desktop_asr"
MAX_LINES = 400
MAX_MODULES_PER_PACKAGE = 15

# Which packages each package may import (besides itself). "" is the top level:
# desktop_asr/__init__.py (the version), errors.py and resources.py.
ALLOWED = {
    "": set(),
    "text": {""},
    "engine": {"", "text"},
    "system": {"", "text"},
    "stores": {"", "text", "engine"},
    "recording": {"", "text", "engine", "stores"},
    "dictation": {"", "text", "engine", "stores", "system", "recording"},
    "ui": {"", "text", "engine", "stores", "system", "recording", "dictation"},
    "cli": {"", "text", "engine", "stores", "system", "recording", "dictation", "ui"},
}


def module_name(path: Path, repo: Path = REPO) -> str:
    parts = path.relative_to(repo).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root.parent): p for p in sorted(root.rglob("*.py"))}


def imports_of(source: str, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that the module ``name`` imports, at any depth of its code
    (``from pkg import mod`` counts as importing pkg.mod when that is a module)."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target in known:
                found.add(target)
    found.discard(name)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = all_modules(root)
    known = set(modules)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name,
                         path.name == "__init__.py", known)
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm,
    iterative), each sorted; a module importing itself is not counted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_of(module: str) -> str:
    if module == "desktop_asr.__main__":  # `python -m desktop_asr` is the command line
        return "cli"
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return ""


# --- the checks themselves ---------------------------------------------------------------------
def test_no_import_cycles_in_desktop_asr():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_packages_import_only_the_layers_below_them():
    graph = import_graph()
    assert set(ALLOWED) == {layer_of(m) for m in graph}, "a package is missing from ALLOWED"
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) != layer_of(module)
        and layer_of(target) not in ALLOWED[layer_of(module)]
    )
    assert not wrong, "imports against the direction of the layers:\n" + "\n".join(wrong)


def test_no_module_is_over_400_lines():
    long = sorted(
        f"{path.relative_to(REPO)}: {n} lines"
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert not long, f"modules over {MAX_LINES} lines (split them):\n" + "\n".join(long)


def test_no_package_holds_more_than_15_modules():
    crowded = sorted(
        f"{folder.relative_to(REPO)}: {n} modules"
        for folder in [PACKAGE, *PACKAGE.rglob("*")]
        if folder.is_dir() and (folder / "__init__.py").exists()
        and (n := len([p for p in folder.glob("*.py") if p.name != "__init__.py"]))
        > MAX_MODULES_PER_PACKAGE
    )
    assert not crowded, "packages that want to become two rooms:\n" + "\n".join(crowded)


def test_the_old_flat_core_is_gone():
    assert not (PACKAGE / "core").exists()


# --- the checker finds what it should (so the checks above can fail) -----------------------
def write_package(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "desktop_asr"


def test_a_cycle_through_a_lazy_import_is_found(tmp_path):
    root = write_package(tmp_path, {
        "desktop_asr/__init__.py": "",
        "desktop_asr/engine/__init__.py": "",
        "desktop_asr/engine/a.py": "from desktop_asr.engine import b\n",
        "desktop_asr/engine/b.py": "def later():\n    from .c import x\n",
        "desktop_asr/engine/c.py": "import desktop_asr.engine.a\nx = 1\n",
        "desktop_asr/engine/d.py": "from desktop_asr.engine.a import y\n",
    })
    graph = import_graph(root)
    assert graph["desktop_asr.engine.b"] == {"desktop_asr.engine.c"}
    assert cycles(graph) == [["desktop_asr.engine.a", "desktop_asr.engine.b",
                              "desktop_asr.engine.c"]]


def test_a_graph_without_cycles_has_none():
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"c"}}) == [["a", "b"]]


@pytest.mark.parametrize(("module", "layer"), [
    ("desktop_asr.errors", ""),
    ("desktop_asr", ""),
    ("desktop_asr.engine", "engine"),
    ("desktop_asr.engine.audio", "engine"),
    ("desktop_asr.ui.widgets.history_panel", "ui"),
    ("desktop_asr.stores.history.store", "stores"),
    ("desktop_asr.__main__", "cli"),
])
def test_layer_of(module, layer):
    assert layer_of(module) == layer


def test_an_engine_module_importing_a_store_is_against_the_layers():
    graph = {"desktop_asr.text.vocabulary": {"desktop_asr.stores.vocabulary_files"}}
    module, target = "desktop_asr.text.vocabulary", "desktop_asr.stores.vocabulary_files"
    assert target in graph[module]
    assert layer_of(target) not in ALLOWED[layer_of(module)]


def test_the_readme_map_names_every_package_and_shared_module():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Development"):]
    block = section[section.index("```"):].split("```")[1]
    named = {m.group(1) for m in re.finditer(r"^  (\w+(?:\.py)?)/? ", block, re.M)}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    shared = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py",
                                                       "resources.py"}
    assert named == packages | shared
