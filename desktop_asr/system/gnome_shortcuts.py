"""A GNOME custom keyboard shortcut, made with gsettings (what Settings -> Keyboard ->
Custom Shortcuts does): the list of custom shortcuts gains our path, kept after the user's
own, and our entry gets a name, a command and a key. Asked for by the user, never silently.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from desktop_asr.errors import AsrError

LIST_SCHEMA = "org.gnome.settings-daemon.plugins.media-keys"
ITEM_SCHEMA = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding"
TIMEOUT = 5.0


class ShortcutError(AsrError):
    """gsettings is missing or refused; ``details`` has its output."""


def _gsettings(args: Sequence[str], env: Mapping[str, str] | None) -> str:
    command = shutil.which("gsettings", path=None if env is None else env.get("PATH"))
    if command is None:
        raise ShortcutError("gsettings was not found, so the shortcut cannot be made here.")
    try:
        done = subprocess.run([command, *args], capture_output=True, text=True,
                              timeout=TIMEOUT, check=False,
                              env=None if env is None else dict(env))
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ShortcutError("gsettings did not run.", details=str(exc)) from None
    if done.returncode != 0:
        raise ShortcutError("GNOME refused the shortcut (gsettings failed).",
                            details=done.stderr.strip()[:500])
    return done.stdout.strip()


def parse_path_list(value: str) -> list[str]:
    """gsettings' printing of an array of strings ("['/a/', '/b/']", "@as []")."""
    text = value.strip().removeprefix("@as").strip()
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ShortcutError("GNOME's list of custom shortcuts could not be read.",
                            details=value[:500]) from None
    if not isinstance(parsed, list) or not all(isinstance(p, str) for p in parsed):
        raise ShortcutError("GNOME's list of custom shortcuts could not be read.",
                            details=value[:500])
    return parsed


def add_custom_shortcut(path: str, name: str, command: str, binding: str, *,
                        env: Mapping[str, str] | None = None) -> None:
    """Make (or update) the custom shortcut at ``path`` ("/org/gnome/.../desktop-asr/")."""
    paths = parse_path_list(_gsettings(["get", LIST_SCHEMA, "custom-keybindings"], env))
    item = f"{ITEM_SCHEMA}:{path}"
    _gsettings(["set", item, "name", name], env)
    _gsettings(["set", item, "command", command], env)
    _gsettings(["set", item, "binding", binding], env)
    if path not in paths:
        _gsettings(["set", LIST_SCHEMA, "custom-keybindings", repr([*paths, path])], env)
