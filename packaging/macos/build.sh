#!/usr/bin/env bash
# Build desktop-asr for macOS with PyInstaller, from the same spec as Linux and Windows:
#
#   bash packaging/macos/build.sh          dist/desktop-asr.app (Info.plist from
#                                          packaging/bundle_plan.py: version, bundle id,
#                                          LSUIElement, the microphone's usage text), and
#                                          dist/desktop-asr-<version>-macos-<arch>.dmg
#                                          (hdiutil; the .app and a link to /Applications),
#                                          SHA256SUMS-macos
#   bash packaging/macos/build.sh --test   the same, then the bundle smoke tests that can run
#                                          on macOS (tests/bundle: --version, an m4a file)
#
# The .app is signed ad hoc (no Developer ID): Gatekeeper asks the user to confirm the first
# start (right-click > Open). Written for the release workflow (.github/workflows/release.yml);
# it has not been run on macOS yet.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TEST=0
for arg in "$@"; do
    case "$arg" in
        --test) TEST=1 ;;
        *) echo "usage: bash packaging/macos/build.sh [--test]" >&2; exit 2 ;;
    esac
done
say() { printf '==> %s\n' "$*"; }
export PYTHONDONTWRITEBYTECODE=1 PYTHONPYCACHEPREFIX="$ROOT/build/pycache"

# shellcheck source=packaging/python_env.sh
. packaging/python_env.sh
ARCH="$(uname -m)"  # arm64 or x86_64: PyInstaller builds for the interpreter's own
say "desktop-asr $VERSION ($ARCH)"

start=$SECONDS
rm -rf dist/desktop-asr dist/desktop-asr.app
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist \
    --workpath build/pyinstaller packaging/desktop-asr.spec
APP=dist/desktop-asr.app
plutil -lint "$APP/Contents/Info.plist"
# The whole .app signed again ad hoc, as one (Apple Silicon runs nothing unsigned).
codesign --force --deep --sign - "$APP"
codesign --verify --deep --strict "$APP"
"$APP/Contents/MacOS/desktop-asr" --version
say "$APP built in $((SECONDS - start)) s ($(du -sh "$APP" | cut -f1))"

DMG="dist/$(artifact dmg --arch "$ARCH")"
rm -rf build/dmg "$DMG"
mkdir -p build/dmg
cp -R "$APP" build/dmg/
ln -s /Applications build/dmg/Applications
hdiutil create -volname "desktop-asr $VERSION" -srcfolder build/dmg -fs HFS+ \
    -format UDZO -ov "$DMG"
(cd dist && shasum -a 256 "$(basename "$DMG")" > SHA256SUMS-macos)
say "$DMG ($(du -h "$DMG" | cut -f1)); built in $((SECONDS - start)) s"

if [ "$TEST" = 1 ]; then
    install_extra test
    say "bundle smoke tests"
    DESKTOP_ASR_BUNDLE="$ROOT/$APP/Contents/MacOS/desktop-asr" \
        "$PY" -m pytest tests/bundle -m bundle -p no:cacheprovider -v
fi
