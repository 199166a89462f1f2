"""Keyring backends for tests: a keyring in a dict (never chosen by keyring itself)."""

from __future__ import annotations

import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict. ``broken`` names the operations that raise."""

    priority = 1
    viable = False  # never chosen by keyring.get_keyring() for other tests in this process

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.broken: set[str] = set()

    def get_password(self, service: str, username: str) -> str | None:
        if "get" in self.broken:
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if "set" in self.broken:
            raise keyring.errors.PasswordSetError("the collection is read-only")
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if "delete" in self.broken:
            raise keyring.errors.PasswordDeleteError("permission denied")
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("No such password!")
        del self.entries[(service, username)]
