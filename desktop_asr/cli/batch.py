"""Transcribe several inputs with one plan: concurrent jobs sharing one connection pool and
one limit on requests in flight, results written in input order, each run kept in the
history. Used by ``transcribe`` and ``history rerun``. A URL input's user-info and query
(``https://user:pw@host/a.wav?token=...``) are used to download it, but never printed or
kept: the history and the messages name it without them."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from desktop_asr.cli.progress import ProgressBar, StreamPrinter
from desktop_asr.engine.pipeline.dispatch import Dispatcher
from desktop_asr.engine.transcribe import JobEvent, TranscriptionJob, TranscriptionSettings, is_url
from desktop_asr.errors import AsrError, scrub
from desktop_asr.stores.credentials import public_url, register_url_secrets
from desktop_asr.stores.history.store import HistoryStore
from desktop_asr.stores.run_plan import RunPlan
from desktop_asr.text.export import EXTENSIONS, export
from desktop_asr.text.transcript import Transcript


@dataclass(frozen=True)
class Input:
    """What to transcribe, and how the history names it."""

    source: str  # a path or an http(s) URL
    label: str = ""  # the history's source (default: the absolute path or the public URL)
    kind: str = ""  # "file" | "url" | "recording" (default: from the source)
    audio_path: Path | None = None  # a recording's kept audio

    @classmethod
    def of(cls, source: str) -> Input:
        if is_url(source):
            register_url_secrets(source)
            return cls(source, public_url(source), "url")
        return cls(source, str(Path(source).absolute()), "file")


@dataclass
class Outcome:
    source: str
    transcript: Transcript | None = None
    error: str = ""
    history_id: int | None = None


@dataclass(frozen=True)
class Output:
    fmt: str = "text"
    path: Path | None = None  # a file (one input) or a folder (several); None: stdout


async def run_inputs(plan: RunPlan, inputs: list[Input], output: Output,
                     history: HistoryStore | None) -> list[Outcome]:
    """Transcribe ``inputs``; failures are reported on stderr as they come, in order."""
    settings = plan.settings
    outcomes: list[Outcome] = []
    written: set[Path] = set()
    # A missing or unreadable file is reported without asking the server anything.
    problems = await asyncio.gather(*(asyncio.to_thread(_check, i.source, settings)
                                      for i in inputs))
    if all(problems):
        return [_finish(plan, item, Outcome(item.source, error=problem), None)
                for item, problem in zip(inputs, problems, strict=True)]
    # One request budget for every input: the chunks of all files keep the servers busy.
    async with Dispatcher(plan.configs, settings.concurrency) as client:
        if settings.model is None:
            try:
                models = await client.call((-1,), lambda c: c.list_models())
                if not models:
                    raise AsrError("The server lists no models; give one with --model.")
            except AsrError as exc:
                return [_finish(plan, item, Outcome(item.source, error=str(exc)), history)
                        for item in inputs]
            settings = replace(settings, model=models[0])
        streaming = settings.stream
        tasks = {} if streaming else {
            n: asyncio.create_task(_transcribe(client, i.source, settings))
            for n, i in enumerate(inputs) if not problems[n]
        }
        for n, item in enumerate(inputs):
            try:
                if problems[n]:
                    outcome = Outcome(item.source, error=problems[n])
                elif streaming:  # one at a time so the streamed text stays readable
                    outcome = await _transcribe(client, item.source, settings)
                else:
                    outcome = await tasks[n]
            except asyncio.CancelledError:
                for task in tasks.values():
                    task.cancel()
                raise
            # Inputs that never reached the server are not kept in the history.
            outcome = _finish(plan, item, outcome, None if problems[n] else history)
            outcomes.append(outcome)
            if outcome.transcript is None:
                continue
            try:
                _write(outcome.transcript, _shown(item), output, several=len(inputs) > 1,
                       taken=written)
            except OSError as exc:
                outcome.error = f"cannot write the output: {exc.strerror or exc}"
                _report_failure(_shown(item), outcome.error)
    return outcomes


def _finish(plan: RunPlan, item: Input, outcome: Outcome,
            history: HistoryStore | None) -> Outcome:
    """Report a failure and keep the outcome in the history (a history problem is a
    warning: the transcript is still written)."""
    if outcome.transcript is None:
        _report_failure(_shown(item), outcome.error)
    if history is None:
        return outcome
    label = item.label or Input.of(item.source).label
    kind = item.kind or Input.of(item.source).kind
    try:
        if outcome.transcript is not None:
            outcome.history_id = history.add_done(label, kind, plan.profile_name,
                                                  outcome.transcript,
                                                  audio_path=item.audio_path)
        else:
            outcome.history_id = history.add_failed(label, kind, plan.profile_name,
                                                    outcome.error,
                                                    audio_path=item.audio_path)
    except AsrError as exc:
        print(f"desktop-asr: warning: not kept in the history: {exc}", file=sys.stderr)
    return outcome


def _check(source: str, settings: TranscriptionSettings) -> str:
    """Why ``source`` cannot be transcribed (a missing, empty or non-audio file), or ""."""
    try:
        TranscriptionJob(source, settings).prepare()
    except AsrError as exc:
        return str(exc)
    return ""


async def _transcribe(client: Dispatcher, source: str,
                      settings: TranscriptionSettings) -> Outcome:
    stream_printer = StreamPrinter(sys.stderr) if settings.stream else None
    bar = None
    if not settings.stream and sys.stderr.isatty():
        bar = ProgressBar(sys.stderr, _display_name(source))

    def listener(event: JobEvent) -> None:
        if stream_printer is not None:
            stream_printer.handle(event)
        if bar is not None:
            bar.handle(event)

    job = TranscriptionJob(source, settings, listener=listener)
    try:
        await asyncio.to_thread(job.prepare)
        transcript = await job.run(client)
    except AsrError as exc:
        return Outcome(source, error=str(exc))
    except Exception as exc:  # a bug must not stop the other inputs
        return Outcome(source, error=scrub(f"unexpected error: {exc.__class__.__name__}: "
                                           f"{exc}"))
    finally:
        if stream_printer is not None:
            stream_printer.finish()
        if bar is not None:
            bar.finish()
    return Outcome(source, transcript=transcript)


def _display_name(source: str) -> str:
    return public_url(source) if is_url(source) else Path(source).name


def _shown(item: Input) -> str:
    """The input as printed: the path as given, or the URL without user-info and query."""
    return public_url(item.source) if is_url(item.source) else item.source


def _report_failure(source: str, reason: str) -> None:
    print(scrub(f"desktop-asr: {source}: {reason}"), file=sys.stderr)


def _stem(source: str) -> str:
    if is_url(source):
        name = urlsplit(source).path.rstrip("/").rsplit("/", 1)[-1] or "transcript"
        return Path(name).stem or "transcript"
    return Path(source).stem


def _write(transcript: Transcript, source: str, output: Output, *, several: bool,
           taken: set[Path]) -> None:
    fmt = output.fmt
    if is_url(transcript.source):
        transcript = replace(transcript, source=public_url(transcript.source))
    text = export(transcript, fmt)
    if output.path is not None:
        target = output.path
        if several:
            stem, n = _stem(source), 1
            target = output.path / f"{stem}.{EXTENSIONS[fmt]}"
            while target in taken:  # two inputs with the same name
                n += 1
                target = output.path / f"{stem}-{n}.{EXTENSIONS[fmt]}"
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
