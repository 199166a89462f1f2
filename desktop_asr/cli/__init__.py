"""The ``desktop-asr`` command: no arguments opens the app; subcommands for scripting."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from desktop_asr import __version__


def build_parser() -> argparse.ArgumentParser:
    from desktop_asr.cli import history_cmd, profile_cmd, transcribe_cmd, vocab_cmd
    from desktop_asr.cli.common import OneLineParser

    parser = OneLineParser(
        prog="desktop-asr",
        description="Speech to text through your own Qwen3-ASR server. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"desktop-asr {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    transcribe_cmd.add_parser(commands)
    profile_cmd.add_parser(commands)
    vocab_cmd.add_parser(commands)
    history_cmd.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args_list:
            from desktop_asr.ui.app import run_app

            return run_app(args_list)
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return 2
        return int(args.run(args))
    except KeyboardInterrupt:
        print("desktop-asr: cancelled", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: never a traceback for users
        if os.environ.get("DESKTOP_ASR_DEBUG"):
            traceback.print_exc()
        print(f"desktop-asr: unexpected error: {exc.__class__.__name__}: {exc} "
              "(set DESKTOP_ASR_DEBUG=1 for details)", file=sys.stderr)
        return 70
