"""The ``desktop-asr`` command: no arguments opens the app; subcommands for scripting."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from desktop_asr import __version__

# Flags that act on the running app (users bind them to desktop shortcuts); each sends the
# command of the same name (desktop_asr/ui/single_instance.py).
REMOTE_FLAGS = {
    "toggle-recording": "start or stop recording in the running app (starts the app and "
    "records if it is not running)",
    "start-recording": "start dictating in the running app (push-to-talk: bind it to a key's "
    "press in your desktop's shortcuts; starts the app if it is not running)",
    "stop-recording": "stop dictating in the running app (push-to-talk: bind it to the key's "
    "release)",
    "show": "show the running app's window (starts the app if it is not running)",
    "quit": "quit the running app",
}


def build_parser() -> argparse.ArgumentParser:
    from desktop_asr.cli import history_cmd, profile_cmd, transcribe_cmd, vocab_cmd
    from desktop_asr.cli.common import OneLineParser

    parser = OneLineParser(
        prog="desktop-asr",
        description="Speech to text through your own Qwen3-ASR server. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"desktop-asr {__version__}")
    remote = parser.add_mutually_exclusive_group()
    for flag, help_text in REMOTE_FLAGS.items():
        remote.add_argument(f"--{flag}", dest="remote", action="store_const", const=flag,
                            help=help_text)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    transcribe_cmd.add_parser(commands)
    profile_cmd.add_parser(commands)
    vocab_cmd.add_parser(commands)
    history_cmd.add_parser(commands)
    return parser


def run_remote(command: str) -> int:
    """Send ``command`` to the running app. If none runs, "show", "toggle-recording" and
    "start-recording" start the app (which then carries the command out); "quit" and
    "stop-recording" say so and exit 0: the app not running is what the user wanted."""
    try:
        from desktop_asr.ui.single_instance import send_command
    except ImportError as exc:
        print(f"desktop-asr: cannot reach the app: Qt (PySide6) failed to load: {exc}",
              file=sys.stderr)
        return 1
    if send_command(command):
        return 0
    if command in ("quit", "stop-recording"):
        print("desktop-asr is not running.")
        return 0
    from desktop_asr.ui.app import run_app

    return run_app([], initial_command=command)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args_list:
            from desktop_asr.ui.app import run_app

            return run_app(args_list)
        from desktop_asr.cli.terminal import guard_terminal_streams

        guard_terminal_streams()  # nothing printed can drive the terminal
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.remote is not None:
            if args.command is not None:
                parser.error(f"--{args.remote} cannot be combined with a command")
            return run_remote(args.remote)
        if args.command is None:
            parser.print_help()
            return 2
        return int(args.run(args))
    except KeyboardInterrupt:
        print("desktop-asr: cancelled", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: never a traceback for users
        from desktop_asr.errors import scrub

        if os.environ.get("DESKTOP_ASR_DEBUG"):
            print(scrub(traceback.format_exc()), file=sys.stderr)
        print(scrub(f"desktop-asr: unexpected error: {exc.__class__.__name__}: {exc} ")
              + "(set DESKTOP_ASR_DEBUG=1 for details)", file=sys.stderr)
        return 70
