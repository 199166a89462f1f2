"""``desktop-asr transcribe INPUT...``: files or URLs to text, SRT, JSON..."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop_asr.cli.progress import ProgressBar, StreamPrinter
from desktop_asr.core.client import AsrClient, ServerConfig, normalize_base_url
from desktop_asr.core.errors import AsrError
from desktop_asr.core.export import EXTENSIONS, FORMATS, export
from desktop_asr.core.languages import resolve_language
from desktop_asr.core.transcribe import (
    JobEvent,
    TranscriptionJob,
    TranscriptionSettings,
    is_url,
)
from desktop_asr.core.transcript import Transcript
from desktop_asr.core.vocabulary import VocabularyEntry, dedupe, read_vocabulary_file


class UsageError(Exception):
    """Bad options: one line on stderr, exit 2."""


def add_parser(commands: Any) -> None:
    p: argparse.ArgumentParser = commands.add_parser(
        "transcribe", help="transcribe audio/video files or URLs",
        description="Transcribe audio or video files (any format FFmpeg reads) or http(s) "
        "URLs that the server fetches itself.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file path or an http(s) URL")
    p.add_argument("--server", help="server base URL, e.g. http://10.0.0.5:30101 (/v1 optional)")
    p.add_argument("--model", help="model name (default: the first model the server lists)")
    p.add_argument("--api-key-env", metavar="VAR",
                   help="read the API key from this environment variable")
    p.add_argument("--language", default="auto",
                   help="auto (default), an ISO code (zh, en, yue, ja...) or a name (Chinese)")
    p.add_argument("--vocab", action="append", default=[], metavar="FILE",
                   help="vocabulary file (.csv word,sounds_like / .json / .txt); repeatable")
    p.add_argument("--context", default="", help="free text that biases recognition")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="output file (one input) or folder (several inputs)")
    p.add_argument("--concurrency", type=_positive_int, default=4,
                   help="requests in flight at once (default 4)")
    p.add_argument("--max-chunk-seconds", type=_positive_float, default=120.0, metavar="S",
                   help="cut long audio into chunks of about S seconds (default 120)")
    p.add_argument("--stream", action="store_true", help="show text on stderr as it arrives")
    p.add_argument("--no-asr-options", action="store_true",
                   help="do not send the asr_options field (vocabulary stays in the system "
                   "message)")
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


@dataclass
class Outcome:
    source: str
    transcript: Transcript | None = None
    error: str = ""


def run(args: argparse.Namespace) -> int:
    try:
        config, settings = _configure(args)
    except UsageError as exc:
        print(f"desktop-asr: {exc}", file=sys.stderr)
        return 2
    output = Path(args.output) if args.output else None
    several = len(args.inputs) > 1
    if several and output is not None:
        if output.exists() and not output.is_dir():
            print(f"desktop-asr: -o {output}: with several inputs, -o must be a folder",
                  file=sys.stderr)
            return 2
        output.mkdir(parents=True, exist_ok=True)
    return asyncio.run(_run_all(args, config, settings, output))


def _configure(args: argparse.Namespace) -> tuple[ServerConfig, TranscriptionSettings]:
    if not args.server:
        raise UsageError("no server given: use --server URL (e.g. http://HOST:30101)")
    try:
        base_url = normalize_base_url(args.server)
    except ValueError as exc:
        raise UsageError(f"--server: {exc}") from None
    api_key = None
    if args.api_key_env:
        api_key = os.environ.get(args.api_key_env)
        if not api_key:
            raise UsageError(f"--api-key-env: the environment variable {args.api_key_env} "
                             "is not set or empty")
    try:
        language = resolve_language(args.language)
    except ValueError as exc:
        raise UsageError(f"--language: {exc}") from None
    vocabulary: list[VocabularyEntry] = []
    for path in args.vocab:
        try:
            vocabulary.extend(read_vocabulary_file(path))
        except AsrError as exc:
            raise UsageError(f"--vocab: {exc}") from None
    settings = TranscriptionSettings(
        model=args.model,
        language=language,
        vocabulary=tuple(dedupe(vocabulary)),
        context=args.context,
        concurrency=args.concurrency,
        max_chunk_seconds=args.max_chunk_seconds,
        audio_format=args.audio_format,
        stream=args.stream,
        send_asr_options=not args.no_asr_options,
    )
    return ServerConfig(base_url=base_url, api_key=api_key), settings


async def _run_all(args: argparse.Namespace, config: ServerConfig,
                   settings: TranscriptionSettings, output: Path | None) -> int:
    sources: list[str] = list(args.inputs)
    failed = 0
    written: set[Path] = set()
    async with AsrClient(config) as client:
        if settings.model is None:
            try:
                models = await client.list_models()
                if not models:
                    raise AsrError("the server lists no models; give one with --model")
            except AsrError as exc:
                for source in sources:
                    _report_failure(source, str(exc))
                return 1
            settings = replace(settings, model=models[0])
        limiter = asyncio.Semaphore(settings.concurrency)
        streaming = settings.stream
        tasks = [] if streaming else [
            asyncio.create_task(_transcribe(client, s, settings, limiter, args)) for s in sources
        ]
        for i, source in enumerate(sources):
            try:
                if streaming:  # one at a time so the streamed text stays readable
                    outcome = await _transcribe(client, source, settings, limiter, args)
                else:
                    outcome = await tasks[i]
            except asyncio.CancelledError:
                for task in tasks:
                    task.cancel()
                raise
            if outcome.transcript is None:
                failed += 1
                _report_failure(source, outcome.error)
                continue
            try:
                _write(outcome.transcript, source, args.format, output,
                       several=len(sources) > 1, taken=written)
            except OSError as exc:
                failed += 1
                _report_failure(source, f"cannot write the output: {exc.strerror or exc}")
    return 1 if failed else 0


async def _transcribe(client: AsrClient, source: str, settings: TranscriptionSettings,
                      limiter: asyncio.Semaphore, args: argparse.Namespace) -> Outcome:
    stream_printer = StreamPrinter(sys.stderr) if settings.stream else None
    bar = None
    if not settings.stream and sys.stderr.isatty():
        bar = ProgressBar(sys.stderr, _display_name(source))

    def listener(event: JobEvent) -> None:
        if stream_printer is not None:
            stream_printer.handle(event)
        if bar is not None:
            bar.handle(event)

    job = TranscriptionJob(source, settings, listener=listener, limiter=limiter)
    try:
        await asyncio.to_thread(job.prepare)
        transcript = await job.run(client)
    except AsrError as exc:
        return Outcome(source, error=str(exc))
    except Exception as exc:  # a bug must not stop the other inputs
        return Outcome(source, error=f"unexpected error: {exc.__class__.__name__}: {exc}")
    finally:
        if stream_printer is not None:
            stream_printer.finish()
        if bar is not None:
            bar.finish()
    return Outcome(source, transcript=transcript)


def _display_name(source: str) -> str:
    return source if is_url(source) else Path(source).name


def _report_failure(source: str, reason: str) -> None:
    print(f"desktop-asr: {source}: {reason}", file=sys.stderr)


def _stem(source: str) -> str:
    if is_url(source):
        name = urlsplit(source).path.rstrip("/").rsplit("/", 1)[-1] or "transcript"
        return Path(name).stem or "transcript"
    return Path(source).stem


def _write(transcript: Transcript, source: str, fmt: str, output: Path | None,
           *, several: bool, taken: set[Path]) -> None:
    text = export(transcript, fmt)
    if output is not None:
        target = output
        if several:
            stem, n = _stem(source), 1
            target = output / f"{stem}.{EXTENSIONS[fmt]}"
            while target in taken:  # two inputs with the same name
                n += 1
                target = output / f"{stem}-{n}.{EXTENSIONS[fmt]}"
            taken.add(target)
        if not text.endswith("\n"):
            text += "\n"
        target.write_text(text, encoding="utf-8")
        return
    if several and fmt == "text":
        sys.stdout.write(f"==> {source} <==\n{text}\n")
    elif fmt == "text" or text.endswith("\n"):
        sys.stdout.write(text)
    else:
        sys.stdout.write(text + "\n")
    sys.stdout.flush()
