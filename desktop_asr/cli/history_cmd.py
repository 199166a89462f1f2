"""``desktop-asr history ...``."""

from __future__ import annotations

from typing import Any


def add_parser(commands: Any) -> None:
    """Registers the ``history`` command (being written)."""
