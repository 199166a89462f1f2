# Sourced by packaging/build.sh and packaging/macos/build.sh (from the checkout's root):
# sets PY to a Python with the project's dependencies and PyInstaller (the `build` extra),
# and defines `extra NAME` (the packages of one optional extra of pyproject.toml).
# Uses the project's .venv when there is one, else a venv of its own under build/.

if [ -x .venv/bin/python ]; then
    PY=.venv/bin/python
else
    PY=build/venv/bin/python
    if [ ! -x "$PY" ]; then
        echo "==> creating build/venv"
        "${PYTHON:-python3}" -m venv build/venv
    fi
    # The project's dependencies, read from pyproject.toml (the project itself is frozen
    # from the checkout, not installed). No mapfile: macOS's own bash is 3.2.
    "$PY" -m pip install -q -r <("$PY" -c '
import tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print(*p["dependencies"], sep="\n")')
fi
extra() {
    "$PY" -c 'import sys, tomllib
print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"][sys.argv[1]], sep="\n")' "$1"
}
install_extra() { "$PY" -m pip install -q -r <(extra "$1"); }
if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
    echo "==> installing $(extra build | paste -sd' ' -)"
    install_extra build
fi
# The version and the artifacts' names: packaging/bundle_plan.py (desktop_asr/__init__.py).
VERSION="$("$PY" packaging/bundle_plan.py version)"
artifact() { "$PY" packaging/bundle_plan.py artifact "$@"; }
