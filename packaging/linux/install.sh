#!/bin/sh
# Install desktop-asr for this user from the unpacked tarball (no root needed):
#   ./install.sh              copies the app to ~/.local/lib/desktop-asr, the command to
#                             ~/.local/bin/desktop-asr, the menu entry and icon to
#                             ~/.local/share/{applications,icons}
#   ./install.sh --uninstall  removes them again, and the folders among these that are left
#                             empty (your settings and history stay)
# The app also runs from the unpacked folder as it is: ./desktop-asr
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
APP="$HOME/.local/lib/desktop-asr"
BIN="$HOME/.local/bin/desktop-asr"
ENTRY="$DATA/applications/desktop-asr.desktop"
ICON="$DATA/icons/hicolor/scalable/apps/desktop-asr.svg"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APP"
    rm -f "$BIN" "$ENTRY" "$ICON"
    # Innermost first; rmdir removes only an empty folder.
    for dir in "$(dirname "$ICON")" "$DATA/icons/hicolor/scalable" "$DATA/icons/hicolor" \
            "$DATA/icons" "$(dirname "$ENTRY")" "$DATA" "$(dirname "$APP")" \
            "$(dirname "$BIN")" "$HOME/.local"; do
        rmdir "$dir" 2>/dev/null || true
    done
    echo "desktop-asr removed (settings and history are kept)"
    exit 0
fi
[ -x "$HERE/desktop-asr" ] || { echo "run install.sh from the unpacked folder" >&2; exit 1; }
case "$APP" in  # what a menu entry's Exec line could not hold, even quoted
    *[\"\`\$\\%\|\&]*|*"
"*) echo "install.sh: cannot write a menu entry for $APP (it has a quote, \$, \\, %, | or &)" >&2
       exit 1 ;;
esac

rm -rf "$APP"
mkdir -p "$APP" "$(dirname "$BIN")" "$(dirname "$ENTRY")" "$(dirname "$ICON")"
cp -a "$HERE/desktop-asr" "$HERE/_internal" "$APP/"
ln -sf "$APP/desktop-asr" "$BIN"
cp "$HERE/desktop-asr.svg" "$ICON"
# The menu may not have ~/.local/bin on its PATH: the entry names the command in full,
# quoted (a space in the home folder's name).
sed "s|^Exec=desktop-asr|Exec=\"$APP/desktop-asr\"|" "$HERE/desktop-asr.desktop" > "$ENTRY"
# (No update-desktop-database: the entry declares no MIME types, and menus see new entries
# by themselves.)
echo "desktop-asr installed: $BIN"
case ":$PATH:" in
    *":$HOME/.local/bin:"*) ;;
    *) echo "note: $HOME/.local/bin is not on your PATH; add it to run desktop-asr by name" ;;
esac
