#!/usr/bin/env bash
# Build the Linux bundle of desktop-asr with PyInstaller, and from it a .deb and a tarball.
#
#   bash packaging/build.sh          dist/desktop-asr/ (one folder: the app and its CLI),
#                                    dist/desktop-asr_<version>_amd64.deb,
#                                    dist/desktop-asr-<version>-linux-x86_64.tar.gz, SHA256SUMS
#   bash packaging/build.sh --test   the same, then the bundle smoke tests (tests/bundle)
#
# Uses the project's .venv when there is one (installing the `build` extra's PyInstaller into
# it), else a venv of its own under build/ (python_env.sh). Writes only to build/, dist/ and
# that venv. The version and the artifacts' names come from packaging/bundle_plan.py.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TEST=0
for arg in "$@"; do
    case "$arg" in
        --test) TEST=1 ;;
        *) echo "usage: bash packaging/build.sh [--test]" >&2; exit 2 ;;
    esac
done
say() { printf '==> %s\n' "$*"; }
for tool in objdump dpkg-deb dpkg-query; do
    command -v "$tool" >/dev/null || { say "$tool is missing: apt-get install binutils dpkg"; exit 2; }
done

# No __pycache__ in the checkout: PyInstaller's helpers import the package from source.
export PYTHONDONTWRITEBYTECODE=1 PYTHONPYCACHEPREFIX="$ROOT/build/pycache"

# --- the venv, the version --------------------------------------------------------------------
# shellcheck source=packaging/python_env.sh
. packaging/python_env.sh
ARCH=amd64
say "desktop-asr $VERSION"

# --- the bundle -----------------------------------------------------------------------------
start=$SECONDS
rm -rf dist/desktop-asr
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist \
    --workpath build/pyinstaller packaging/desktop-asr.spec
say "bundle built in $((SECONDS - start)) s: dist/desktop-asr ($(du -sh dist/desktop-asr | cut -f1))"

# --- the .deb -------------------------------------------------------------------------------
# Depends: the packages of the system libraries the bundle uses but does not carry (the spec
# lists them in build/system-libs.txt), PortAudio (loaded by sounddevice at run time), and
# the xcb/EGL/GL libraries Qt's platform plugins load.
owner() {  # the package owning a library, also on merged-/usr systems
    local real; real="$(readlink -f "$1")"
    for path in "$1" "$real" "${real#/usr}" "/usr${real}"; do
        if pkg="$(dpkg -S "$path" 2>/dev/null | head -n1 | cut -d: -f1)" && [ -n "$pkg" ]; then
            echo "$pkg"; return
        fi
    done
    echo "no Debian package owns $1" >&2
}
# Only the libraries the bundle's own binaries link (NEEDED): the packages of those pull in
# what they link in turn, under each distribution's own names (Debian's libjpeg62-turbo, a
# library of GTK's, has another name on Ubuntu).
NEEDED="$(find dist/desktop-asr -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
    | xargs -0 objdump -p 2>/dev/null | awk '$1 == "NEEDED" {print $2}' | sort -u)"
mapfile -t owners < <(while read -r lib; do
    [ -n "$lib" ] && grep -qxF "$(basename "$lib")" <<<"$NEEDED" && owner "$lib"
done < build/system-libs.txt)
DEPENDS="$(printf '%s\n' "${owners[@]}" libportaudio2 libxcb-cursor0 libxcb-icccm4 \
    libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0 libegl1 libgl1 \
    libfontconfig1 libdbus-1-3 | grep -v '^libc6$' | sort -u | paste -sd, | sed 's/,/, /g')"
# The oldest glibc the bundle runs on: the newest GLIBC_x.y symbol version its binaries use.
GLIBC="$(find dist/desktop-asr -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sort -Vu | tail -n1)"
[ -n "$GLIBC" ] || { say "objdump found no glibc symbol versions in the bundle"; exit 1; }
DEPENDS="libc6 (>= ${GLIBC#GLIBC_}), $DEPENDS"

DEB_ROOT=build/deb/root
rm -rf build/deb
mkdir -p "$DEB_ROOT/DEBIAN" "$DEB_ROOT/opt" "$DEB_ROOT/usr/bin" \
    "$DEB_ROOT/usr/share/applications" "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps" \
    "$DEB_ROOT/usr/share/doc/desktop-asr"
cp -a dist/desktop-asr "$DEB_ROOT/opt/desktop-asr"
install -m 0755 packaging/linux/desktop-asr.sh "$DEB_ROOT/usr/bin/desktop-asr"
install -m 0644 packaging/linux/desktop-asr.desktop "$DEB_ROOT/usr/share/applications/"
install -m 0644 resources/icons/app.svg \
    "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps/desktop-asr.svg"
install -m 0644 LICENSE "$DEB_ROOT/usr/share/doc/desktop-asr/copyright"
desktop-file-validate "$DEB_ROOT/usr/share/applications/desktop-asr.desktop"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@DEPENDS@/$DEPENDS/" \
    -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$DEB_ROOT" | cut -f1)/" \
    packaging/linux/control.in > "$DEB_ROOT/DEBIAN/control"
DEB="dist/$(artifact deb)"
rm -f dist/desktop-asr_*.deb
dpkg-deb --root-owner-group -Zxz --build "$DEB_ROOT" "$DEB" >/dev/null
say "$DEB ($(du -h "$DEB" | cut -f1)); Depends: $DEPENDS"

# --- the tarball ----------------------------------------------------------------------------
TARBALL="$(artifact tarball)"
NAME="${TARBALL%.tar.gz}"
rm -rf "build/tar" dist/desktop-asr-*-linux-x86_64.tar.gz
mkdir -p "build/tar/$NAME"
cp -a dist/desktop-asr/. "build/tar/$NAME/"
install -m 0755 packaging/linux/install.sh "build/tar/$NAME/install.sh"
install -m 0644 packaging/linux/desktop-asr.desktop "build/tar/$NAME/desktop-asr.desktop"
install -m 0644 resources/icons/app.svg "build/tar/$NAME/desktop-asr.svg"
install -m 0644 LICENSE "build/tar/$NAME/LICENSE"
tar -C build/tar --owner=0 --group=0 -czf "dist/$NAME.tar.gz" "$NAME"
say "dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"

(cd dist && sha256sum "$(basename "$DEB")" "$NAME.tar.gz" > SHA256SUMS)
say "dist/SHA256SUMS; built in $((SECONDS - start)) s"

# --- the smoke tests ------------------------------------------------------------------------
if [ "$TEST" = 1 ]; then
    if ! "$PY" -c 'import pytest, pytest_timeout, aiohttp' 2>/dev/null; then
        install_extra test
    fi
    say "bundle smoke tests"
    # DESKTOP_ASR_TEST_DEB=1: also install the .deb with apt, test it and remove it (root).
    DESKTOP_ASR_TEST_DEB="${DESKTOP_ASR_TEST_DEB:-1}" \
        "$PY" -m pytest tests/bundle -m bundle -p no:cacheprovider -v
fi
