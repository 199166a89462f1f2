"""Keys and clipboard for dictated text on Wayland, where applications may neither send keys
to other windows nor set the clipboard without focus. The desktop's own tools do it:

- ``wtype`` sends keys through the virtual-keyboard protocol (wlroots compositors: sway,
  Hyprland, river, labwc...); it types Unicode, CJK included;
- ``ydotool`` sends key codes through the kernel's uinput (any compositor) when its daemon
  runs; it cannot type CJK, but it can press Ctrl+V;
- ``wl-copy``/``wl-paste`` (wl-clipboard) set and read the clipboard through the
  data-control protocol, without a window of ours.

`choose_key_sender` picks what works in a session, with the reason for each one passed
over (a `Reason`: a code and its arguments; the UI words it in the user's language).
The RemoteDesktop portal (GNOME, KDE) comes first where the desktop offers it: see
portal_keys.py. Every command runs with a timeout and its text on standard input, never
on the command line (where other users could read it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop_asr.errors import AsrError
from desktop_asr.system.session import Session
from desktop_asr.text.plain_text import plain_line

TIMEOUT = 5.0  # seconds any one command may take
TEXT_TYPE = "text/plain;charset=utf-8"  # what our text is offered as, and read back as
MAX_CLIPBOARD_BYTES = 32 * 1024 * 1024  # a clipboard item larger than this is not kept
Which = Callable[[str], str | None]


class KeySendError(AsrError):
    """A key-sending command failed; ``details`` has its output."""


@dataclass(frozen=True)
class Reason:
    """Why a way of delivering text is passed over: ``code`` with ``args`` (see the UI)."""

    code: str  # "missing-command", "not-wlroots", "no-daemon", "not-wayland", "failed"
    args: tuple[str, ...] = ()


def _run(argv: Sequence[str], data: bytes = b"", *, serves: bool = False) -> bytes:
    """Run a tool; its output. ``serves``: the tool leaves a process behind that keeps
    serving (wl-copy holds the clipboard): its output is not read, since that process
    keeps the pipes open until someone else copies something."""
    try:
        if serves:
            done = subprocess.run(list(argv), input=data, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
        else:
            done = subprocess.run(list(argv), input=data, capture_output=True,
                                  timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KeySendError(f"{argv[0]} did not run.", details=str(exc)) from None
    if done.returncode != 0:
        detail = (done.stderr or b"").decode("utf-8", errors="replace").strip()[:500]
        raise KeySendError(f"{argv[0]} failed (exit status {done.returncode}).",
                           details=plain_line(detail))
    return done.stdout


class WtypeSender:
    """Keys through wtype. Qt's Wayland windows drop the keys that arrive right after a new
    keymap is uploaded, and every wtype call uploads one: wtype waits 100 ms, then presses
    and releases Shift, before the keys that matter (a Shift alone lost the first letters
    3 times in 72 tries on sway; with the pause, none in 100)."""

    name = "wtype"
    types_every_script = True
    _PRIME = ("-s", "100", "-P", "Shift_L", "-p", "Shift_L")

    def __init__(self, command: str = "wtype") -> None:
        self.command = command

    def paste(self, shift: bool = False) -> None:
        mods = ["-M", "ctrl", *(["-M", "shift"] if shift else [])]
        release = [*(["-m", "shift"] if shift else []), "-m", "ctrl"]
        _run([self.command, *self._PRIME, *mods, "v", *release])

    def type_text(self, text: str) -> None:
        _run([self.command, *self._PRIME, "-"], plain_line(text).encode("utf-8"))

    def enter(self) -> None:
        _run([self.command, *self._PRIME, "-k", "Return"])


class YdotoolSender:
    """Keys through ydotool's daemon (Linux input event codes: 29 Ctrl, 42 Shift, 47 V,
    28 Enter)."""

    name = "ydotool"
    types_every_script = False

    def __init__(self, command: str = "ydotool") -> None:
        self.command = command

    def paste(self, shift: bool = False) -> None:
        keys = ["29:1", *(["42:1"] if shift else []), "47:1", "47:0",
                *(["42:0"] if shift else []), "29:0"]
        _run([self.command, "key", *keys])

    def type_text(self, text: str) -> None:
        _run([self.command, "type", "--file", "-"], plain_line(text).encode("utf-8"))

    def enter(self) -> None:
        _run([self.command, "key", "28:1", "28:0"])


class KeySender(Protocol):
    """What sends keys to the focused window: WtypeSender, YdotoolSender, or the
    RemoteDesktop portal's PortalKeySender (portal_keys.py)."""

    name: str
    types_every_script: bool

    def paste(self, shift: bool = False) -> None: ...

    def type_text(self, text: str) -> None: ...

    def enter(self) -> None: ...


def ydotool_socket(environ: Mapping[str, str]) -> str:
    """Where ydotool's daemon listens ($YDOTOOL_SOCKET, else its default)."""
    explicit = environ.get("YDOTOOL_SOCKET", "")
    if explicit:
        return explicit
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    return os.path.join(runtime, ".ydotool_socket") if runtime else "/tmp/.ydotool_socket"


def choose_key_sender(session: Session, environ: Mapping[str, str],
                      which: Which = shutil.which,
                      ) -> tuple[KeySender | None, list[tuple[str, Reason]]]:
    """The first of wtype and ydotool that can send keys in ``session``, and why each one
    before it cannot (name, reason)."""
    passed: list[tuple[str, Reason]] = []
    if not session.is_wayland:
        return None, [("wtype", Reason("not-wayland")), ("ydotool", Reason("not-wayland"))]
    wtype = which("wtype")
    if wtype is None:
        passed.append(("wtype", Reason("missing-command", ("wtype",))))
    elif not session.is_wlroots:
        passed.append(("wtype", Reason("not-wlroots", (session.desktop_name,))))
    else:
        return WtypeSender(wtype), passed
    ydotool = which("ydotool")
    if ydotool is None:
        passed.append(("ydotool", Reason("missing-command", ("ydotool",))))
    elif not os.path.exists(ydotool_socket(environ)):
        passed.append(("ydotool", Reason("no-daemon", (ydotool_socket(environ),))))
    else:
        return YdotoolSender(ydotool), passed
    return None, passed


class WlClipboard:
    """The clipboard through wl-copy and wl-paste: read in every format it offers, set to
    text, and put back as it was."""

    def __init__(self, copy: str = "wl-copy", paste: str = "wl-paste") -> None:
        self.copy_command, self.paste_command = copy, paste

    @classmethod
    def find(cls, which: Which = shutil.which) -> WlClipboard | None:
        copy, paste = which("wl-copy"), which("wl-paste")
        return cls(copy, paste) if copy and paste else None

    def types(self) -> list[str]:
        try:
            listed = _run([self.paste_command, "--list-types"])
        except KeySendError:  # an empty clipboard: "Nothing is copied"
            return []
        return [t for t in listed.decode("utf-8", errors="replace").splitlines() if t.strip()]

    def save(self) -> dict[str, bytes]:
        """Every format the clipboard holds now (those larger than MAX_CLIPBOARD_BYTES are
        left out); {} when it is empty."""
        saved: dict[str, bytes] = {}
        for mime in self.types():
            try:
                data = _run([self.paste_command, "--no-newline", "--type", mime])
            except KeySendError:
                continue
            if len(data) <= MAX_CLIPBOARD_BYTES:
                saved[mime] = data
        return saved

    def text(self) -> str:
        try:
            data = _run([self.paste_command, "--no-newline", "--type", TEXT_TYPE])
        except KeySendError:
            return ""
        return data.decode("utf-8", errors="replace")

    def put_text(self, text: str) -> None:
        _run([self.copy_command, "--type", TEXT_TYPE], text.encode("utf-8"), serves=True)

    def restore(self, saved: Mapping[str, bytes]) -> None:
        """Put ``saved`` back: its main format (text if it had text, else the first one);
        an empty clipboard is cleared."""
        if not saved:
            _run([self.copy_command, "--clear"], serves=True)
            return
        mime = next((m for m in saved if m.startswith("text/plain")), next(iter(saved)))
        _run([self.copy_command, "--type", mime], saved[mime], serves=True)
