"""``desktop-asr transcribe INPUT...``: files or URLs to text, SRT, JSON...

The settings come from a profile (``--profile NAME``, else the default profile unless
``--server`` is given); explicit options override the profile's. The heavy modules (PyAV,
numpy, httpx) are imported only when the command runs, so other commands start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from desktop_asr.text.export import FORMATS

API_STYLES = ("chat", "transcriptions")
TRANSPORTS = ("inline", "url")


class UsageError(Exception):
    """Bad options: one line on stderr, exit 2."""


def add_parser(commands: Any) -> None:
    p: argparse.ArgumentParser = commands.add_parser(
        "transcribe", help="transcribe audio/video files or URLs",
        description="Transcribe audio or video files (any format FFmpeg reads) or http(s) "
        "URLs (downloaded first, or fetched by the server with --transport url). The "
        "settings come from --profile NAME, or the default profile when neither --profile "
        "nor --server is given; the options below override the profile's.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file path or an http(s) URL")
    p.add_argument("--profile", metavar="NAME",
                   help="use this server profile (see: desktop-asr profile list)")
    p.add_argument("--server", action="append", metavar="URL",
                   help="server base URL, e.g. http://10.0.0.5:30101 (/v1 optional); "
                   "repeat it to spread the chunks over several servers; without "
                   "--profile, no profile is used")
    p.add_argument("--model", help="model name (default: the first model the server lists)")
    p.add_argument("--api-key-env", metavar="VAR",
                   help="read the API key from this environment variable")
    p.add_argument("--language",
                   help="auto (default), an ISO code (zh, en, yue, ja...) or a name (Chinese)")
    p.add_argument("--vocab-list", action="append", default=[], metavar="NAME",
                   help="also use this vocabulary list (see: desktop-asr vocab list); "
                   "repeatable")
    p.add_argument("--vocab", action="append", default=[], metavar="FILE",
                   help="vocabulary file (.csv word,sounds_like / .json / .txt); repeatable")
    p.add_argument("--context", help="free text that biases recognition (replaces the "
                   "profile's)")
    p.add_argument("--no-correct", action="store_true",
                   help="do not replace sounds-like hints in the transcript with their words")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="output file (one input) or folder (several inputs)")
    p.add_argument("--concurrency", type=_positive_int,
                   help="requests in flight at once (default 4)")
    p.add_argument("--max-chunk-seconds", type=_positive_float, metavar="S",
                   help="cut long audio into chunks of about S seconds (default 120)")
    p.add_argument("--stream", action="store_true", help="show text on stderr as it arrives")
    p.add_argument("--no-asr-options", action="store_true",
                   help="do not send the asr_options field (vocabulary stays in the system "
                   "message)")
    p.add_argument("--api-style", choices=API_STYLES, default=None,
                   help="chat (default: /v1/chat/completions) or transcriptions (OpenAI's "
                   "/v1/audio/transcriptions upload)")
    p.add_argument("--transport", choices=TRANSPORTS, default=None,
                   help="for URL inputs: inline (default: download the URL and send the "
                   "audio) or url (the server fetches the URL itself; chat style only)")
    p.add_argument("--no-history", action="store_true",
                   help="do not keep this run in the history")
    p.add_argument("--audio-format", choices=("flac", "wav"), default="flac",
                   help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return n


def _positive_float(value: str) -> float:
    x = float(value)
    if x < 1:
        raise argparse.ArgumentTypeError("must be at least 1 second")
    return x


def run(args: argparse.Namespace) -> int:
    from desktop_asr.cli.batch import Input, Output
    from desktop_asr.errors import AsrError
    from desktop_asr.stores.run_plan import NoServerError

    try:
        plan = _plan(args)
    except (UsageError, NoServerError) as exc:
        print(f"desktop-asr: {exc}", file=sys.stderr)
        return 2
    except AsrError as exc:
        print(f"desktop-asr: {exc}", file=sys.stderr)
        return 1
    for warning in plan.warnings:
        print(f"desktop-asr: warning: {warning}", file=sys.stderr)
    output = Path(args.output) if args.output else None
    several = len(args.inputs) > 1
    if several and output is not None:
        if output.exists() and not output.is_dir():
            print(f"desktop-asr: -o {output}: with several inputs, -o must be a folder",
                  file=sys.stderr)
            return 2
        output.mkdir(parents=True, exist_ok=True)
    inputs = [Input.of(source) for source in args.inputs]
    return run_with_history(plan, inputs, Output(args.format, output),
                            keep=not args.no_history)


def run_with_history(plan: Any, inputs: list[Any], output: Any, *, keep: bool = True) -> int:
    """Run ``inputs`` with ``plan`` (a RunPlan), keeping each outcome in the history unless
    ``keep`` is false; 0 when every input was written, else 1."""
    from desktop_asr.cli.batch import run_inputs
    from desktop_asr.errors import AsrError
    from desktop_asr.stores.history.store import HistoryStore

    history = None
    if keep:
        try:
            history = HistoryStore()
        except AsrError as exc:
            print(f"desktop-asr: warning: the history is not kept for this run: {exc}",
                  file=sys.stderr)
    try:
        outcomes = asyncio.run(run_inputs(plan, inputs, output, history))
    finally:
        if history is not None:
            history.close()
    return 0 if all(o.transcript is not None and not o.error for o in outcomes) else 1


def _plan(args: argparse.Namespace) -> Any:
    """The RunPlan of these options (UsageError for a bad option value)."""
    from desktop_asr.errors import AsrError
    from desktop_asr.stores.run_plan import RunOptions, Stores, plan_run
    from desktop_asr.stores.vocabulary_files import read_vocabulary_file
    from desktop_asr.text.vocabulary import VocabularyEntry, dedupe

    vocabulary: list[VocabularyEntry] = []
    for path in args.vocab:
        try:
            vocabulary.extend(read_vocabulary_file(path))
        except AsrError as exc:
            raise UsageError(f"--vocab: {exc}") from None
    from desktop_asr.stores.credentials import check_server_url
    from desktop_asr.text.languages import resolve_language

    servers: list[str] = args.server or []
    for server in servers:
        try:
            check_server_url(server)
        except AsrError as exc:
            raise UsageError(f"--server: {exc}") from None
    if args.api_key_env and not os.environ.get(args.api_key_env, "").strip():
        raise UsageError(f"--api-key-env: the environment variable {args.api_key_env} "
                         "is not set or empty")
    if args.language is not None:
        try:
            resolve_language(args.language)
        except ValueError as exc:
            raise UsageError(f"--language: {exc}") from None
    options = RunOptions(
        server=servers[0] if servers else None,
        more_servers=tuple(servers[1:]),
        model=args.model,
        api_key_env=args.api_key_env,
        language=args.language,
        vocab_lists=tuple(args.vocab_list),
        vocab_entries=tuple(dedupe(vocabulary)),
        context=args.context,
        api_style=args.api_style,
        transport=args.transport,
        concurrency=args.concurrency,
        max_chunk_seconds=args.max_chunk_seconds,
        send_asr_options=False if args.no_asr_options else None,
        stream=args.stream,
        audio_format=args.audio_format,
        correct=not args.no_correct,
    )
    return plan_run(Stores(), profile_name=args.profile, options=options)
