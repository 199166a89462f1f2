"""The RemoteDesktop portal's restore token: the desktop hands it over once the user has
allowed desktop-asr to send keys, and takes it back next time instead of asking again. Kept
in a private file in the data folder; a missing or unreadable file means the user is asked
again, nothing worse."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from desktop_asr.stores.paths import data_dir

_TOKEN = re.compile(r"[\x21-\x7e]{1,512}")  # what a portal hands out: printable ASCII


class PortalTokenStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else data_dir() / "remote-desktop-token"

    def load(self) -> str:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return ""
        return text if _TOKEN.fullmatch(text) else ""

    def save(self, token: str) -> None:
        """Keep ``token`` (a malformed one is not kept); never raises: at worst the user
        is asked again next time."""
        if not _TOKEN.fullmatch(token):
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(token + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
