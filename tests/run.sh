#!/usr/bin/env bash
# Install what the test suite needs, then run it:   bash tests/run.sh [pytest args...]
#
#   PYTHON=python3.12 bash tests/run.sh     the interpreter used to create the venv
#   VENV=/tmp/venv bash tests/run.sh -x     another venv; extra arguments go to pytest
#
# System packages are installed with apt when we may (root, or passwordless sudo);
# otherwise the missing ones are listed with the command to install them, and the tests
# that need them skip with a reason. Safe to run again: it only installs what is missing.
set -euo pipefail

say() { printf '[tests/run.sh] %s\n' "$*" >&2; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

# --- a Python >= 3.10 ----------------------------------------------------------------------
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    say "no Python found: '$python' is not on PATH."
    say "Install Python >= 3.10 (Debian/Ubuntu: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3"
    exit 2
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    say "$("$python" -V 2>&1) is too old: Python >= 3.10 is needed (set PYTHON=/path/to/python3)"
    exit 2
fi

# --- system packages (Debian/Ubuntu) -------------------------------------------------------
# TESTING.md's list, plus the X11 libraries Qt 6.12's xcb plugin needs (libxcb-icccm4,
# libxcb-keysyms1), xdpyinfo (x11-utils) to know when Xvfb is up, and the PulseAudio
# tools and ALSA plugin named explicitly (recommends are not installed).
system_packages=(
    xvfb trayer xclip xdotool pulseaudio libportaudio2 espeak-ng sox gnome-keyring dbus-x11
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libegl1 libgl1
    fonts-noto-cjk imagemagick x11-utils pulseaudio-utils libasound2-plugins
    sway wtype wl-clipboard strace desktop-file-utils libglib2.0-bin dbus
)
venv=${VENV:-$repo/.venv}
if [[ ! -x $venv/bin/python ]] && ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    system_packages+=(python3-venv)  # Debian's python3 has no venv/ensurepip without it
fi
# As root, the Wayland tests' user gets a venv made with Debian's python3 (below).
if ((EUID == 0)) && [[ ! " ${system_packages[*]} " == *" python3-venv "* ]] \
    && ! /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
    system_packages+=(python3-venv)
fi
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=()
    for pkg in "${system_packages[@]}"; do
        [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) == "install ok installed" ]] \
            || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        as_root=()
        can_install=yes
        if ((EUID != 0)); then
            if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
                as_root=(sudo -n)
            else
                can_install=no
            fi
        fi
        if [[ $can_install == yes ]]; then
            say "installing system packages: ${missing[*]}"
            apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600)
            if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null; }; then
                say "apt-get failed; continuing, the tests that need these packages will be skipped"
            fi
        else
            say "missing system packages: ${missing[*]}"
            say "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
            say "continuing; the tests that need them will be skipped"
        fi
    fi
else
    say "not a Debian/Ubuntu system; install your distribution's equivalents of:"
    say "  ${system_packages[*]}"
    say "continuing; the tests that need them will be skipped"
fi

# --- a virtual environment with the project (editable) and its test extras -----------------
if [[ ! -x $venv/bin/python ]]; then
    say "creating a virtual environment in $venv"
    "$python" -m venv "$venv"
fi
vpy=$venv/bin/python
# Reinstall only when pyproject.toml changed or the venv lost something: the install is
# editable, so source changes need nothing, and the check works offline.
stamp=$venv/.desktop-asr-tests-installed
want="$(cksum <"$repo/pyproject.toml") $repo"
if [[ ! -f $stamp || $(<"$stamp") != "$want" ]] \
    || ! "$vpy" -c 'import desktop_asr, pytest, pytestqt' >/dev/null 2>&1; then
    say "installing the project and its test dependencies into $venv"
    pip_log=$(mktemp "${TMPDIR:-/tmp}/desktop-asr-pip.XXXXXX")
    pip=("$vpy" -m pip install --disable-pip-version-check)
    # Editable installs of a pyproject.toml-only project need pip >= 21.3.
    if ! "$vpy" -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (21, 3))' 2>/dev/null; then
        "${pip[@]}" --upgrade pip >>"$pip_log" 2>&1 || { cat "$pip_log" >&2; say "upgrading pip failed"; exit 3; }
    fi
    # Quiet unless it fails: build back-ends print pages of warnings even with --quiet.
    if ! "${pip[@]}" -e "$repo[test]" >>"$pip_log" 2>&1; then
        cat "$pip_log" >&2
        say "pip install failed (log above)"
        exit 3
    fi
    rm -f "$pip_log"
    printf '%s' "$want" >"$stamp"
fi

# --- an unprivileged user for the Wayland tests (tests/e2e/wayland) -------------------------
# wlroots compositors (sway) refuse to run as root, so as root the Wayland session of those
# tests runs as this user. Its programs run from a venv made with Debian's /usr/bin/python3
# (the python first on PATH may live where other users cannot read, e.g. pyenv in /root),
# one per checkout, with the project installed editable (runtime dependencies only: the
# user runs the app and the test's windows; pytest runs as root). Root builds it, in a
# folder only root may write (setuptools writes desktop_asr.egg-info into the checkout,
# which the user may not write; and root runs that venv's pip); the user reads and runs
# it. The tests read the outcome from DESKTOP_ASR_TEST_USER* below and skip, saying why,
# when there is no user.
export DESKTOP_ASR_TEST_USER="" DESKTOP_ASR_TEST_USER_VENV="" DESKTOP_ASR_TEST_USER_PROBLEM=""
setup_test_user() {
    local user=desktop-asr-test home uvenv ustamp uwant log
    if ((EUID != 0)); then
        DESKTOP_ASR_TEST_USER_PROBLEM="not root: the Wayland session runs as the user running the tests"
        return 0
    fi
    for tool in useradd runuser getent; do
        command -v "$tool" >/dev/null 2>&1 || {
            DESKTOP_ASR_TEST_USER_PROBLEM="$tool is missing, so no unprivileged test user could be made"
            return 1
        }
    done
    if ! id -u "$user" >/dev/null 2>&1; then
        say "creating the unprivileged user $user for the Wayland tests (sway refuses to run as root)"
        useradd -m -s /bin/bash -c "desktop-asr tests (tests/run.sh)" "$user" || {
            DESKTOP_ASR_TEST_USER_PROBLEM="useradd $user failed"
            return 1
        }
    fi
    home=$(getent passwd "$user" | cut -d: -f6)
    if [[ -z $home || ! -d $home ]]; then
        DESKTOP_ASR_TEST_USER_PROBLEM="the test user $user has no home folder ($home)"
        return 1
    fi
    if ! runuser -u "$user" -- test -r "$repo/pyproject.toml" -a -x "$repo/desktop_asr" \
            -a -r "$repo/desktop_asr/__init__.py"; then
        DESKTOP_ASR_TEST_USER_PROBLEM="the test user $user cannot read the checkout $repo (is a parent folder private, e.g. under /root?); clone the project where other users may read it"
        return 1
    fi
    if [[ ! -x /usr/bin/python3 ]] || ! /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
        DESKTOP_ASR_TEST_USER_PROBLEM="Debian's /usr/bin/python3 with venv is missing (apt-get install python3-venv)"
        return 1
    fi
    # One venv per checkout, so that two checkouts do not reinstall in turn.
    uvenv=/var/cache/desktop-asr-tests/$(basename "$repo")-$(printf '%s' "$repo" | cksum | cut -d' ' -f1)
    ustamp=$uvenv/.desktop-asr-tests-installed
    uwant="$(cksum <"$repo/pyproject.toml") $repo"
    if [[ ! -f $ustamp || $(<"$ustamp") != "$uwant" || ! -x $uvenv/bin/desktop-asr ]] \
        || ! runuser -u "$user" -- "$uvenv/bin/python" -c 'import desktop_asr, PySide6' >/dev/null 2>&1; then
        say "installing the project into $uvenv for the test user $user (Wayland tests)"
        log=$(mktemp "${TMPDIR:-/tmp}/desktop-asr-pip-user.XXXXXX")
        # umask 022: readable by the user whatever root's umask is.
        if ! (umask 022
              { [[ -x $uvenv/bin/python ]] || /usr/bin/python3 -m venv "$uvenv"; } \
                  && "$uvenv/bin/python" -m pip install --disable-pip-version-check -e "$repo" \
                  && runuser -u "$user" -- "$uvenv/bin/python" -c 'import desktop_asr, PySide6'
             ) >"$log" 2>&1; then
            tail -n 30 "$log" >&2
            rm -f "$log"
            DESKTOP_ASR_TEST_USER_PROBLEM="installing the project into the test user's venv $uvenv failed (log above)"
            return 1
        fi
        rm -f "$log"
        printf '%s' "$uwant" >"$ustamp"
    fi
    DESKTOP_ASR_TEST_USER=$user
    DESKTOP_ASR_TEST_USER_VENV=$uvenv
}
if ! setup_test_user; then
    say "no test user for the Wayland tests, they will skip: $DESKTOP_ASR_TEST_USER_PROBLEM"
fi

say "set-up done in ${SECONDS}s"

# --- pytest ----------------------------------------------------------------------------------
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
pytest=("$vpy" -m pytest "$@")

status=0
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
    say "running pytest in a private D-Bus session with an unlocked throwaway keyring"
    # The keyring daemon keeps its files under a temporary XDG_DATA_HOME, so it never
    # touches your real keyrings; the test keyring's password goes through a pipe from a
    # shell builtin, never through argv. Only test data is stored in it.
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/desktop-asr-tests.XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
    # shellcheck disable=SC2016  # expanded by the inner shell
    dbus-run-session -- env XDG_DATA_HOME="$scratch/data" sh -c '
        if keyring_env=$(printf "throwaway-test-keyring" | gnome-keyring-daemon --unlock --components=secrets); then
            eval "$keyring_env"
            export GNOME_KEYRING_CONTROL
        else
            echo "[tests/run.sh] gnome-keyring-daemon did not start; keyring tests will skip" >&2
        fi
        exec "$@"
    ' sh "${pytest[@]}" || status=$?
else
    say "dbus-run-session or gnome-keyring-daemon not found: running pytest without a keyring"
    "${pytest[@]}" || status=$?
fi

if ((status == 5)); then
    say "pytest collected no tests: that counts as a failure (check the paths you passed)"
elif ((status != 0)); then
    say "pytest failed (exit status $status)"
fi
exit "$status"
