"""What every command shares: usage errors and failures as one line on stderr."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit 2), like every other failure. Subcommand
    parsers inherit the class."""

    def error(self, message: str) -> NoReturn:
        action = self.prog.removeprefix("desktop-asr").strip()
        where = f"{action}: " if action else ""
        self.exit(2, f"desktop-asr: {where}{message} (see --help)\n")


def fail(message: str, status: int = 1) -> int:
    """Print ``desktop-asr: MESSAGE`` on stderr; returns ``status`` for the exit code."""
    print(f"desktop-asr: {message}", file=sys.stderr)
    return status
